// The address bar: `#cart/{id}` and `#order/{id}` make a cart or an order shareable and
// reloadable. The page's controllers say how to open each kind.
import { state } from "./state.js";

/** @type {{cart: (id: string) => void, order: (id: string) => void}} */
let openers = { cart: () => {}, order: () => {} };

export function startRouting(open) {
  openers = open;
  window.addEventListener("hashchange", route);
}

/** Opens what the address names, unless it is already on screen; nothing before sign-in. */
export function route() {
  if (!state.session) return;
  const [kind, rawId] = location.hash.replace(/^#/, "").split("/");
  const id = rawId ? decodeURIComponent(rawId) : "";
  if (kind === "cart" && id && id !== state.cartId) openers.cart(id);
  else if (kind === "order" && id && id !== state.orderId) openers.order(id);
}

/** Puts what is on screen in the address (without a history entry); no kind clears it. */
export function navigate(kind, id) {
  const hash = kind ? `#${kind}/${encodeURIComponent(id)}` : "";
  if (location.hash !== hash) history.replaceState(null, "", hash || `${location.pathname}${location.search}`);
}
