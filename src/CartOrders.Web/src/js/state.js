// The page's state, shared by its modules: who is signed in, the live channel, the user's carts,
// the cart and the order on screen. Each module changes the part it owns; views only draw it.

/** A user, cart or order id as the API accepts it. */
export const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

export const state = {
  /** @type {{apiBase: string, sameOrigin: boolean, auth?: object}} */
  config: { apiBase: location.origin, sameOrigin: true },
  /** @type {import("./api.js").Api} */
  api: null,
  /** @type {import("./session.js").Session | null} */
  session: null,
  /** The MSAL sign-in when config.json has an auth block (auth.js), else null: development tokens. */
  auth: null,
  /** @type {import("./live.js").LiveChannel | null} */
  live: null,
  catalog: [],
  /** Carts the user owns or collaborates on, by id (CartView). */
  myCarts: new Map(),
  myCartsNext: null,
  /** The cart on screen (CartView) and the id being opened, which may not be loaded yet. */
  cart: null,
  cartId: null,
  /** The cart's activity list (Activity), following the cart on screen. */
  activity: null,
  /** The order on screen (OrderView) and its id; the order may not exist yet after checkout. */
  order: null,
  orderId: null,
  /** "My orders" and the operator's orders in one status (OrderList). */
  orders: null,
  queue: null,
  /** Who has the cart on screen open now (user ids), from `presence`. */
  online: [],
  /** Bumped whenever the order on screen changes, so a stale wait for an order gives up. */
  orderWatch: 0,
};

export const isOperator = () => state.session?.roles.includes("operator") ?? false;
