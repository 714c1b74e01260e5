// Renders a CartView (docs: shared contract, "Carts") into the cart panel. Lines are
// reconciled by product id rather than rebuilt, so a live update from someone else never
// wipes a quantity the reader is in the middle of editing.
import { part, element, show, setText } from "./dom.js";
import { money, dateTime, statusLabel, itemCount, cartTitle } from "./format.js";

const panel = () => part("cart-panel");

/**
 * @param {object} cart CartView
 * @param {{userId: string, live: boolean, orderShown: boolean, online: string[]}} context
 */
export function renderCart(cart, { userId, live, orderShown, online = [] }) {
  const root = panel();
  const isOwner = cart.ownerId === userId;
  const isOpen = cart.status === "open";

  setText(part("cart-id", root), cart.cartId);
  setText(part("cart-name", root), cartTitle(cart));
  renderRename(root, cart, isOwner && isOpen);
  setText(part("cart-owner", root), cart.ownerId === userId ? `${cart.ownerId} (you)` : cart.ownerId);
  setText(part("cart-version", root), String(cart.version));
  setText(part("cart-updated", root), cart.updatedAt ? `updated ${dateTime(cart.updatedAt)}` : "");
  const status = part("cart-status", root);
  setText(status, statusLabel(cart.status));
  status.dataset.status = cart.status;
  root.dataset.status = cart.status;

  renderPeople(part("cart-collaborators", root), cart, userId, isOwner && isOpen, new Set(online));
  const here = online.filter((id) => id !== userId);
  setText(part("cart-presence", root), here.length === 0 ? "Only you have this cart open." : `Here now: ${here.join(", ")}.`);
  renderLines(part("cart-lines", root), cart, isOpen, live);

  setText(part("cart-item-count", root), `Total · ${itemCount(cart.itemCount)}`);
  setText(part("cart-total", root), money(cart.total, cart.currency));
  show(part("cart-lines-table", root), cart.items.length > 0);
  show(part("cart-empty", root), cart.items.length === 0);

  show(part("cart-editing", root), isOpen);
  show(part("invite-section", root), isOwner);
  show(part("checkout-section", root), isOwner);
  show(part("owner-only-note", root), !isOwner);
  setText(part("owner-only-note", root), `Only the owner, ${cart.ownerId}, can invite people and check out.`);
  const checkout = part("checkout-submit", root);
  checkout.disabled = cart.items.length === 0;
  checkout.title = cart.items.length === 0 ? "Add something to the cart first" : "";

  show(part("cart-checked-out", root), cart.status === "checkedOut");
  show(part("cart-abandoned", root), cart.status === "abandoned");
  setText(part("cart-order-id", root), cart.orderId ?? "");
  show(part("cart-view-order", root), !isOpen && isOwner && Boolean(cart.orderId) && !orderShown);

  if (live) {
    root.classList.remove("pulse");
    void root.offsetWidth; // restart the animation
    root.classList.add("pulse");
  }
}

/** The owner's rename field shows the current name unless the owner is typing a new one. */
function renderRename(root, cart, canRename) {
  const form = part("rename-form", root);
  show(form, canRename);
  const input = part("rename-input", root);
  const shown = input.dataset.serverValue;
  if (shown === undefined || input.value === shown || form.dataset.cartId !== cart.cartId) input.value = cart.name ?? "";
  input.dataset.serverValue = cart.name ?? "";
  form.dataset.cartId = cart.cartId;
}

function renderPeople(list, cart, userId, canRemove, online) {
  const people = [{ id: cart.ownerId, role: "owner" }, ...cart.collaborators.map((id) => ({ id, role: "collaborator" }))];
  list.replaceChildren(
    ...people.map(({ id, role }) =>
      element(
        "li",
        { className: "person", dataset: { testid: role === "owner" ? "owner" : "collaborator", userId: id, online: String(online.has(id)) } },
        element("span", { className: "avatar", attrs: { "aria-hidden": "true" } }, id.slice(0, 1).toUpperCase()),
        element("span", { className: "person-name" }, id === userId ? `${id} (you)` : id),
        online.has(id) ? element("span", { className: "online", dataset: { testid: "online" } }, "online") : null,
        element("span", { className: "tag" }, role),
        role === "collaborator" && canRemove
          ? element("button", {
              type: "button",
              className: "button button-quiet button-small",
              textContent: "Remove",
              dataset: { testid: "remove-collaborator", userId: id },
              attrs: { "aria-label": `Remove ${id} from this cart` },
            })
          : null,
      ),
    ),
  );
}

function renderLines(tbody, cart, editable, live) {
  const existing = new Map([...tbody.rows].map((row) => [row.dataset.productId, row]));
  const rows = cart.items.map((line) => {
    const row = existing.get(line.productId) ?? createLine(line);
    existing.delete(line.productId);
    updateLine(row, line, cart, editable, live);
    return row;
  });
  for (const stale of existing.values()) stale.remove();
  rows.forEach((row, index) => {
    if (tbody.rows[index] !== row) tbody.insertBefore(row, tbody.rows[index] ?? null);
  });
}

function createLine(line) {
  const inputId = `qty-${line.productId}`;
  return element(
    "tr",
    { dataset: { testid: "cart-line", productId: line.productId } },
    element("th", { scope: "row", dataset: { testid: "line-name" } }, line.name),
    element("td", { className: "num", dataset: { testid: "line-unit-price" } }),
    element(
      "td",
      { className: "qty-col" },
      element(
        "form",
        { className: "qty-form", noValidate: true, dataset: { testid: "line-quantity-form", productId: line.productId } },
        element("label", { className: "visually-hidden", htmlFor: inputId }, `Quantity of ${line.name}`),
        element("input", {
          id: inputId,
          type: "number",
          name: "quantity",
          min: "0",
          max: "99",
          inputMode: "numeric",
          className: "qty-input",
          dataset: { testid: "line-quantity" },
          attrs: { "aria-describedby": `${inputId}-error` },
        }),
        element("button", {
          type: "submit",
          className: "button button-small",
          textContent: "Update",
          disabled: true,
          dataset: { testid: "line-update" },
          attrs: { "aria-label": `Update quantity of ${line.name}` },
        }),
      ),
      element("p", { className: "form-error line-error", id: `${inputId}-error`, hidden: true, attrs: { role: "alert" }, dataset: { testid: "line-error" } }),
      element("div", { className: "line-conflict", hidden: true, attrs: { role: "alert" }, dataset: { testid: "line-conflict" } }),
    ),
    element("td", { className: "num", dataset: { testid: "line-total" } }),
    element(
      "td",
      { className: "actions-col" },
      element("button", {
        type: "button",
        className: "button button-quiet button-small",
        textContent: "Remove",
        dataset: { testid: "line-remove", productId: line.productId },
        attrs: { "aria-label": `Remove ${line.name}` },
      }),
    ),
  );
}

/**
 * An input the reader has not touched follows the server; one being edited keeps the reader's
 * value. `baseValue` and `baseVersion` are what the edit started from: the edit is sent with
 * If-Match of that version, and a 412 is a conflict only if this line moved away from that value.
 */
function updateLine(row, line, cart, editable, live) {
  const currency = cart.currency;
  const input = part("line-quantity", row);
  const update = part("line-update", row);
  const previous = input.dataset.serverValue;
  const dirty = previous !== undefined && input.value !== previous;
  if (!dirty) {
    input.value = String(line.quantity);
    input.dataset.baseValue = String(line.quantity);
    input.dataset.baseVersion = String(cart.version);
  }
  input.dataset.serverValue = String(line.quantity);
  input.disabled = !editable;
  update.disabled = !editable || input.value === input.dataset.serverValue;
  part("line-remove", row).disabled = !editable;
  setText(part("line-unit-price", row), money(line.unitPrice, currency));
  setText(part("line-total", row), money(line.lineTotal, currency));
  row.dataset.quantity = String(line.quantity);
  if (live && previous !== String(line.quantity)) flash(row);
}

function flash(row) {
  row.classList.remove("changed");
  void row.offsetWidth; // restart the animation
  row.classList.add("changed");
}

/** Marks a quantity input as edited (enables its Update button) or not. */
export function trackQuantityInput(input) {
  const row = input.closest("tr");
  if (!row) return;
  part("line-update", row).disabled = input.disabled || input.value === input.dataset.serverValue;
}

/**
 * Shows, next to a line, that someone else changed it while the reader was editing: their value,
 * and the choice to apply the reader's own on top or keep theirs. Nothing is overwritten until
 * the reader chooses.
 */
export function showConflict(row, { by, theirs, mine, version }) {
  const box = part("line-conflict", row);
  const name = part("line-name", row).textContent;
  box.dataset.version = String(version);
  box.dataset.theirs = String(theirs);
  box.dataset.mine = String(mine);
  box.replaceChildren(
    element("span", { dataset: { testid: "conflict-text" } }, `${by ?? "Someone"} set ${name} to ${theirs} while you were editing.`),
    element("button", { type: "button", className: "button button-small button-primary", textContent: `Apply my ${mine}`, dataset: { testid: "conflict-apply" } }),
    element("button", { type: "button", className: "button button-small button-quiet", textContent: `Keep ${theirs}`, dataset: { testid: "conflict-keep" } }),
  );
  show(box, true);
  part("line-quantity", row).setAttribute("aria-invalid", "true");
  part("conflict-apply", row).focus();
}

export function clearConflict(row) {
  const box = part("line-conflict", row);
  box.replaceChildren();
  show(box, false);
  part("line-quantity", row).removeAttribute("aria-invalid");
}
