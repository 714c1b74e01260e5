// The cart on screen: opening and closing it, joining its real-time group, drawing each newer
// state (from a response or a push), its activity and presence, and the actions on it (line
// edits with If-Match and their conflicts, rename, people, checkout). cart-view.js draws it.
import { ApiError } from "./api.js";
import { part, show, setText } from "./dom.js";
import { money, cartTitle } from "./format.js";
import { renderCart, trackQuantityInput, showConflict, clearConflict } from "./cart-view.js";
import { Activity } from "./activity.js";
import { act, fieldErrors, markInvalid, showError, showNotice } from "./feedback.js";
import { navigate } from "./routing.js";
import { state, idPattern } from "./state.js";
import { refreshMyCarts, rememberCart, markCurrentCart } from "./my-carts.js";
import { showOrder, closeOrder } from "./order-page.js";

export function wireCart() {
  state.activity = new Activity(state.api, {
    userId: () => state.session?.userId ?? "",
    productName: (productId) =>
      state.cart?.items.find((line) => line.productId === productId)?.name
      ?? state.catalog.find((product) => product.productId === productId)?.name
      ?? productId,
  });

  part("copy-link").addEventListener("click", async () => {
    const link = `${location.origin}${location.pathname}#cart/${encodeURIComponent(state.cartId ?? "")}`;
    try {
      await navigator.clipboard.writeText(link);
      showNotice("Link copied. Anyone you invite can open the cart with it.");
    } catch {
      showNotice(`Share this link: ${link}`);
    }
  });

  const lines = part("cart-lines");
  lines.addEventListener("input", (event) => {
    if (event.target.matches("[data-testid=line-quantity]")) trackQuantityInput(event.target);
  });
  lines.addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const row = form.closest("tr");
    const input = form.elements.quantity;
    const quantity = Number(input.value);
    act(form, async () => {
      if (input.value.trim() === "" || !Number.isInteger(quantity) || quantity < 0 || quantity > 99) {
        markInvalid(input, true);
        input.focus();
        throw new Error("Quantity is a whole number from 1 to 99 (0 removes the line).");
      }
      markInvalid(input, false);
      await saveLine(row, input, quantity, Number(input.dataset.baseVersion));
    }, part("line-error", row));
  });
  lines.addEventListener("click", (event) => {
    const button = event.target.closest("[data-testid=line-remove], [data-testid=conflict-apply], [data-testid=conflict-keep]");
    if (!button) return;
    const row = button.closest("tr");
    const input = part("line-quantity", row);
    const conflict = part("line-conflict", row);
    if (button.dataset.testid === "conflict-keep") {
      input.value = conflict.dataset.theirs;
      clearConflict(row);
      trackQuantityInput(input);
      drawCart();
      return;
    }
    if (button.dataset.testid === "conflict-apply") {
      act(button, () => saveLine(row, input, Number(conflict.dataset.mine), Number(conflict.dataset.version)), part("line-error", row));
      return;
    }
    act(button, async () => applyCart(await state.api.removeItem(state.cartId, button.dataset.productId)), part("line-error", row));
  });
  const rename = part("rename-form");
  rename.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = rename.elements.name;
    const name = input.value.trim();
    act(rename, async () => {
      if (!name) {
        markInvalid(input, true);
        input.focus();
        throw new Error("A cart name is 1-100 characters.");
      }
      const cart = await fieldErrors(rename, () => state.api.rename(state.cartId, name));
      input.dataset.serverValue = name; // saved: follow the server's value from now on
      applyCart(cart);
    });
  });

  const invite = part("invite-form");
  invite.addEventListener("submit", (event) => {
    event.preventDefault();
    const userId = invite.elements.userId.value.trim();
    act(invite, async () => {
      if (!idPattern.test(userId)) throw new Error("A user name is 1-64 letters, digits, '-' or '_'.");
      applyCart(await state.api.invite(state.cartId, userId));
      invite.reset();
      showNotice(`${userId} can now open this cart. Share its link or id: ${state.cartId}`);
    });
  });

  part("cart-collaborators").addEventListener("click", (event) => {
    const button = event.target.closest("[data-testid=remove-collaborator]");
    if (!button) return;
    act(button, async () => applyCart(await state.api.removeCollaborator(state.cartId, button.dataset.userId)), part("invite-error"));
  });

  const checkout = part("checkout-form");
  checkout.addEventListener("submit", (event) => {
    event.preventDefault();
    const fields = ["name", "line1", "city", "postalCode", "country"];
    const shippingAddress = Object.fromEntries(fields.map((name) => [name, checkout.elements[name].value.trim()]));
    act(checkout, async () => {
      const missing = fields.filter((name) => !shippingAddress[name]);
      if (missing.length > 0) {
        checkout.elements[missing[0]].focus();
        throw new Error("Fill in the whole shipping address.");
      }
      const { orderId } = await state.api.checkOut(state.cartId, shippingAddress);
      showOrder(orderId);
      refreshCart(state.cartId);
      refreshMyCarts();
    });
  });

  part("cart-view-order").addEventListener("click", () => {
    if (!state.cart?.orderId) return;
    showOrder(state.cart.orderId);
    part("order-panel").scrollIntoView({ block: "start" });
  });
}

/**
 * Saves a line's quantity with If-Match of the version the edit started from. On 412 the cart is
 * read again: if nobody touched this line meanwhile, the edit is applied on the new version;
 * otherwise the other person's value is shown next to the line with the choice to apply this one
 * on top or keep theirs. Nothing is ever overwritten silently.
 */
async function saveLine(row, input, quantity, version, attempts = 3) {
  const productId = row.dataset.productId;
  try {
    const cart = await state.api.setQuantity(state.cartId, productId, quantity, version);
    input.value = String(quantity);
    input.dataset.serverValue = input.value; // saved: follow the server's value from now on
    clearConflict(row);
    applyCart(cart);
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 412)) throw error;
    const current = await state.api.cart(state.cartId);
    applyCart(current);
    const theirs = current.items.find((line) => line.productId === productId)?.quantity ?? 0;
    if (String(theirs) === input.dataset.baseValue && attempts > 1) {
      await saveLine(row, input, quantity, current.version, attempts - 1);
      return;
    }
    await state.activity.catchUp(current.version);
    const by = state.activity.lastChangeOf(productId)?.userId;
    if (!row.isConnected) {
      throw new Error(`${by ?? "Someone"} removed that line while you were editing; add it again from the catalog if you still want it.`);
    }
    showConflict(row, { by, theirs, mine: quantity, version: current.version });
  }
}

export async function openCart(cartId, { rethrow = false } = {}) {
  try {
    const cart = await state.api.cart(cartId);
    await showCart(cart);
  } catch (error) {
    if (error instanceof ApiError && error.code === "cart-not-found") {
      error.detail = `There is no cart ${cartId} that you can open. Ask its owner to invite you.`;
    }
    if (rethrow) throw error;
    showError(error);
  }
}

export async function showCart(cart) {
  if (state.cartId !== cart.cartId) {
    closeCart();
    if (state.order && state.order.cartId !== cart.cartId) closeOrder();
  }
  if (state.activity.cartId !== cart.cartId) state.activity.reset(cart.cartId);
  state.cartId = cart.cartId;
  navigate("cart", cart.cartId);
  applyCart(cart);
  show(part("empty-state"), false);
  show(part("cart-panel"), true);
  markCurrentCart();
  if (cart.orderId && cart.ownerId === state.session?.userId && !state.orderId) showOrder(cart.orderId);
  await joinCart(cart.cartId);
}

export function closeCart() {
  stopPresenceRefresh();
  const connectionId = state.live?.connectionId;
  if (state.cartId && connectionId && part("cart-panel").dataset.subscribed === "true") {
    state.api.leave(state.cartId, connectionId).catch(() => {}); // best effort: a disconnect also leaves
  }
  state.online = [];
  state.cart = null;
  state.cartId = null;
  state.activity.reset(null);
  part("cart-lines").replaceChildren();
  part("cart-panel").dataset.subscribed = "false";
  show(part("cart-panel"), false);
  show(part("empty-state"), !state.orderId);
  markCurrentCart();
}

/**
 * Joins the cart's real-time group, then reads the cart once more: anything that changed
 * before the join took effect is caught by the read, everything after by the pushes.
 */
export async function joinCart(cartId) {
  const connectionId = state.live?.connectionId;
  if (!connectionId) return; // liveReady joins once connected
  try {
    await state.api.subscribe(cartId, connectionId);
    if (state.cartId !== cartId) return;
    part("cart-panel").dataset.subscribed = "true";
    keepPresence(cartId);
    await refreshCart(cartId);
    showPresence(await state.api.presence(cartId));
  } catch (error) {
    if (state.cartId === cartId) showError(error, "Live updates for this cart are unavailable");
  }
}

export async function refreshCart(cartId) {
  try {
    const cart = await state.api.cart(cartId);
    applyCart(cart);
  } catch (error) {
    if (state.cartId === cartId) showError(error);
  }
}

/** Shows a cart state if it is the cart on screen and newer than what is shown. */
export function applyCart(cart, { live = false } = {}) {
  if (!cart || cart.cartId !== state.cartId) return;
  if (state.cart && cart.version <= state.cart.version) return;
  const previous = state.cart;
  state.cart = cart;
  drawCart({ live: live && previous !== null });
  rememberCart(cart);
  followActivity(cart, live && previous !== null, previous);
  if (live && previous?.status === "open" && cart.status === "abandoned") {
    showNotice(`${cartTitle(cart)} was abandoned after a long time without changes: it is read-only now.`);
  } else if (live && previous?.status === "open" && cart.status !== "open") {
    if (cart.ownerId === state.session?.userId) {
      if (cart.orderId && !state.orderId) showOrder(cart.orderId);
    } else {
      showNotice(`${cart.ownerId} checked out this cart.`);
    }
  }
}

/**
 * Reads what happened up to the cart's version into the activity list; a change that came live
 * from someone else is announced (aria-live) in words: "bob set Espresso beans, 250g to 4". A push
 * just one version on says who made its change and what (`changedBy`, `change`), so that one is
 * announced at once; a push that skipped versions is announced from the history it reads.
 */
async function followActivity(cart, announce, previous) {
  const said = announce && cart.version === previous?.version + 1 ? state.activity.describeChange(cart.changedBy, cart.change) : null;
  if (said && cart.changedBy !== state.session?.userId) {
    setText(part("cart-announcer"), `${said}. Total ${money(cart.total, cart.currency)}.`);
  }
  try {
    const fresh = await state.activity.catchUp(cart.version);
    const theirs = fresh.filter((event) => event.userId !== state.session?.userId);
    if (announce && said === null && theirs.length > 0 && state.cartId === cart.cartId) {
      const said = theirs.map((event) => state.activity.describe(event)).join("; ");
      setText(part("cart-announcer"), `${said}. Total ${money(cart.total, cart.currency)}.`);
    }
  } catch (error) {
    if (state.cartId === cart.cartId && !(error instanceof ApiError && error.status === 404)) showError(error, "The activity could not be read");
  }
}

const presenceRefresh = 30_000;
let presenceTimer = 0;

/**
 * While the cart is open, says so every 30 s (`PUT /api/carts/{id}/subscriptions/{connectionId}`):
 * with Azure SignalR Service a page that stops saying so leaves the presence after 90 s, and the
 * local server only confirms it. A subscription the server no longer has (the entry expired while
 * the device slept) is made again.
 */
function keepPresence(cartId) {
  stopPresenceRefresh();
  presenceTimer = setInterval(async () => {
    const connectionId = state.live?.connectionId;
    if (state.cartId !== cartId || !connectionId || part("cart-panel").dataset.subscribed !== "true") return;
    try {
      await state.api.refreshSubscription(cartId, connectionId);
    } catch (error) {
      if (error instanceof ApiError && error.code === "connection-not-found" && state.cartId === cartId) joinCart(cartId);
    }
  }, presenceRefresh);
}

function stopPresenceRefresh() {
  clearInterval(presenceTimer);
  presenceTimer = 0;
}

/** `presence`: who has the cart open now, shown on the people of the cart on screen. */
export function showPresence(presence) {
  if (!presence || presence.cartId !== state.cartId) return;
  state.online = presence.users;
  drawCart();
}

export function drawCart({ live = false } = {}) {
  if (!state.cart) return;
  renderCart(state.cart, {
    online: state.online,
    userId: state.session?.userId ?? "",
    live,
    orderShown: Boolean(state.cart.orderId) && state.cart.orderId === state.orderId,
  });
}
