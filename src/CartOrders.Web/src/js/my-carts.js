// "My carts": the carts the user owns or collaborates on, paged, kept current by the pushes
// about them (`cartsChanged`) and by every cart state the page sees; plus the forms that
// create a cart or open one by id.
import { ApiError } from "./api.js";
import { part, show, listEntry } from "./dom.js";
import { money, statusLabel, itemCount, cartTitle } from "./format.js";
import { act, fieldErrors, showError, showNotice } from "./feedback.js";
import { navigate } from "./routing.js";
import { state, idPattern } from "./state.js";
import { openCart, showCart, closeCart } from "./cart-page.js";

export function wireMyCarts() {
  const newCart = part("new-cart-form");
  newCart.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = newCart.elements.name.value.trim();
    act(newCart, async () => {
      const cart = await fieldErrors(newCart, () => state.api.createCart(name));
      newCart.reset();
      await showCart(cart);
      part("invite-user").focus();
    });
  });

  const openCartForm = part("open-cart-form");
  openCartForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const cartId = openCartForm.elements.cartId.value.trim();
    act(openCartForm, async () => {
      if (!idPattern.test(cartId)) throw new Error("A cart id is 1-64 letters, digits, '-' or '_'.");
      await openCart(cartId, { rethrow: true });
      openCartForm.reset();
    });
  });

  part("refresh-carts").addEventListener("click", () => refreshMyCarts());
  part("more-carts").addEventListener("click", () => moreMyCarts());
  part("my-carts").addEventListener("click", (event) => {
    const button = event.target.closest("[data-cart-id]");
    if (button) openCart(button.dataset.cartId);
  });
}

/**
 * The list comes from a view that may trail the latest changes by a moment, so the carts
 * this page has seen itself are kept when they are newer than the list's copy.
 */
export async function refreshMyCarts() {
  try {
    const page = await state.api.myCarts();
    const seen = state.myCarts;
    state.myCarts = new Map(page.items.map((cart) => [cart.cartId, cart]));
    state.myCartsNext = page.continuation ?? null;
    for (const cart of seen.values()) {
      const listed = state.myCarts.get(cart.cartId);
      if ((!listed || listed.version < cart.version) && isMember(cart)) state.myCarts.set(cart.cartId, cart);
    }
    renderMyCarts();
  } catch (error) {
    showError(error);
  }
}

/** The list is paged (50 a page): "More" appends the next page after the ones shown. */
async function moreMyCarts() {
  if (!state.myCartsNext) return;
  try {
    const page = await state.api.myCarts(state.myCartsNext);
    for (const cart of page.items) {
      const known = state.myCarts.get(cart.cartId);
      if (!known || known.version < cart.version) state.myCarts.set(cart.cartId, cart);
    }
    state.myCartsNext = page.continuation ?? null;
    renderMyCarts();
  } catch (error) {
    showError(error);
  }
}

/** Forgets the list (signing out). */
export function clearMyCarts() {
  state.myCarts = new Map();
  state.myCartsNext = null;
  renderMyCarts();
}

/**
 * `cartsChanged`: the user was invited to a cart (it joins "My carts", read from the cart itself,
 * which is always current), removed from one (it leaves the list, and closes if it is on screen),
 * or a cart of theirs was abandoned (it shows as such until the list is read again).
 */
export async function cartsChanged({ cartId, change }) {
  if (change === "removed") {
    state.myCarts.delete(cartId);
    renderMyCarts();
    if (state.cartId === cartId) {
      const title = state.cart ? cartTitle(state.cart) : cartId;
      closeCart();
      navigate("", "");
      showNotice(`You were removed from ${title}: it is no longer shared with you.`);
    }
    return;
  }
  try {
    const cart = await state.api.cart(cartId);
    rememberCart(cart);
    if (change === "invited") {
      showNotice(`${cart.ownerId} shared ${cartTitle(cart)} with you: it is in My carts.`);
    }
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 404)) showError(error);
  }
}

/** Takes a cart state the page has seen into the list, if it is newer than the list's copy. */
export function rememberCart(cart) {
  const known = state.myCarts.get(cart.cartId);
  if (known && known.version >= cart.version) return;
  if (isMember(cart)) state.myCarts.set(cart.cartId, cart);
  else state.myCarts.delete(cart.cartId);
  renderMyCarts();
}

function isMember(cart) {
  const userId = state.session?.userId;
  return cart.ownerId === userId || cart.collaborators.includes(userId);
}

function renderMyCarts() {
  const list = part("my-carts");
  const userId = state.session?.userId;
  const carts = [...state.myCarts.values()];
  const sorted = carts.sort((a, b) => String(b.updatedAt).localeCompare(String(a.updatedAt)));
  list.replaceChildren(
    ...sorted.map((cart) =>
      listEntry({
        testid: "my-cart",
        dataset: { cartId: cart.cartId },
        current: cart.cartId === state.cartId,
        name: cartTitle(cart),
        nameTestid: "my-cart-name",
        meta: `${cart.ownerId === userId ? "yours" : `shared by ${cart.ownerId}`} · ${itemCount(cart.itemCount)} · ${money(cart.total, cart.currency)}`,
        tag: cart.status === "open" ? null : statusLabel(cart.status),
      }),
    ),
  );
  show(part("my-carts-empty"), carts.length === 0);
  show(part("more-carts"), Boolean(state.myCartsNext));
}

/** Marks the cart on screen in the list (aria-current). */
export function markCurrentCart() {
  for (const button of part("my-carts").querySelectorAll("[data-cart-id]")) {
    if (button.dataset.cartId === state.cartId) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}
