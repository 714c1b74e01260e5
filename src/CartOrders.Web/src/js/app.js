// The CartOrders page: sign-in, carts shared live between their members, checkout, and
// the order's progress. State lives here; cart-view.js and order-view.js draw it.
import { Api, ApiError } from "./api.js";
import { loadConfig } from "./config.js";
import { LiveChannel } from "./live.js";
import { loadSession, saveSession, clearSession, sessionFromToken, currentToken } from "./session.js";
import { startAuth, sessionEndedMessage } from "./auth.js";
import { part, element, show, setText, listEntry } from "./dom.js";
import { money, statusLabel, itemCount, cartTitle } from "./format.js";
import { renderCart, trackQuantityInput, showConflict, clearConflict } from "./cart-view.js";
import { Activity } from "./activity.js";
import { OrderList } from "./order-list.js";
import { renderOrder, renderPendingOrder } from "./order-view.js";

const idPattern = /^[A-Za-z0-9_-]{1,64}$/;

const state = {
  /** @type {{apiBase: string, sameOrigin: boolean}} */
  config: { apiBase: location.origin, sameOrigin: true },
  /** @type {Api} */
  api: null,
  /** @type {import("./session.js").Session | null} */
  session: null,
  /** @type {LiveChannel | null} */
  live: null,
  catalog: [],
  /** Carts the user owns or collaborates on, by id (CartView). */
  myCarts: new Map(),
  myCartsNext: null,
  /** The cart on screen (CartView) and the id being opened, which may not be loaded yet. */
  cart: null,
  cartId: null,
  /** The order on screen (OrderView) and its id; the order may not exist yet after checkout. */
  order: null,
  orderId: null,
  /** Who has the cart on screen open now (user ids), from `presence`. */
  online: [],
  /** Bumped whenever the order on screen changes, so a stale wait for an order gives up. */
  orderWatch: 0,
};

const isOperator = () => state.session?.roles.includes("operator") ?? false;

// ---------------------------------------------------------------- start

async function main() {
  state.config = await loadConfig();
  state.api = new Api(state.config.apiBase, () => currentToken(state.session), sessionEnded);
  state.orders = new OrderList((next) => state.api.myOrders(next), {
    list: "my-orders", empty: "my-orders-empty", more: "more-orders", entry: "my-order", newestFirst: true,
  });
  state.queue = new OrderList((next) => state.api.ordersByStatus(part("operator-status").value, next), {
    list: "operator-orders", empty: "operator-orders-empty", more: "more-operator-orders", entry: "operator-order", newestFirst: false,
    keeps: (order) => order.status === part("operator-status").value,
  });
  state.activity = new Activity(state.api, {
    userId: () => state.session?.userId ?? "",
    productName: (productId) =>
      state.cart?.items.find((line) => line.productId === productId)?.name
      ?? state.catalog.find((product) => product.productId === productId)?.name
      ?? productId,
  });
  wireSignIn();
  wireWorkspace();
  wireCart();
  wireOrder();
  window.addEventListener("hashchange", route);
  // An input marked invalid is unmarked as soon as it is edited.
  document.addEventListener("input", (event) => {
    if (event.target.getAttribute?.("aria-invalid")) markInvalid(event.target, false);
  });
  loadCatalog();

  state.auth = await startAuth(state.config.auth);
  const session = state.auth ? await state.auth.restore() : loadSession();
  if (session) enter(session);
  else showSignIn();
}

// ---------------------------------------------------------------- sign-in

function showSignIn() {
  show(part("signin"), true);
  show(part("workspace"), false);
  show(part("session"), false);
  const note = part("api-base-note");
  setText(note, state.config.sameOrigin ? "" : `This page uses the API at ${state.config.apiBase}.`);
  show(note, !state.config.sameOrigin);
  part("signin-user").focus();
}

function wireSignIn() {
  const form = part("signin-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const userId = form.elements.userId.value.trim();
    const roles = form.elements.operator.checked ? ["operator"] : [];
    act(form, async () => {
      if (!idPattern.test(userId)) {
        throw new Error("Enter a user name of 1-64 letters, digits, '-' or '_'.");
      }
      let token;
      try {
        ({ token } = await state.api.issueDevToken(userId, roles));
      } catch (error) {
        if (error instanceof ApiError && [404, 405].includes(error.status)) {
          part("token-signin").open = true;
          throw new Error("Sign-in by user name is not available on this server. Use an access token instead.");
        }
        throw error;
      }
      enter(sessionFromToken(token, userId, roles));
    });
  });

  const tokenForm = part("token-form");
  tokenForm.addEventListener("submit", (event) => {
    event.preventDefault();
    act(tokenForm, async () => {
      const token = tokenForm.elements.token.value.trim().replace(/^Bearer\s+/i, "");
      const session = sessionFromToken(token);
      if (!token || !session.userId) throw new Error("That does not look like an access token for this API.");
      enter(session);
      tokenForm.reset();
    });
  });

  part("sign-out").addEventListener("click", () => signOut().then(() => state.auth?.signOut()));
}

function enter(session) {
  state.session = session;
  saveSession(session);
  hideFlash();
  show(part("signin"), false);
  show(part("workspace"), true);
  show(part("session"), true);
  setText(part("signed-in-user"), session.userId);
  setText(part("signed-in-name"), session.name ?? "");
  show(part("signed-in-name"), Boolean(session.name));
  show(part("operator-badge"), isOperator());
  show(part("operator-panel"), isOperator());
  part("signin-form").reset();

  state.live = new LiveChannel(state.config.apiBase, () => currentToken(state.session) ?? "", {
    onCartUpdated: (cart) => applyCart(cart, { live: true }),
    onOrderUpdated: (order) => {
      if (order.customerId === state.session?.userId) state.orders.remember(order);
      applyOrder(order);
    },
    onCartsChanged: (change) => cartsChanged(change),
    onPresence: (presence) => showPresence(presence),
    onReady: () => liveReady(),
    onState: (liveState) => showLiveState(liveState),
    onEnded: () => sessionEnded(),
  });
  state.live.start();

  refreshMyCarts();
  refreshMyOrders();
  if (isOperator()) state.queue.refresh().catch((error) => showError(error));
  route();
}

async function signOut(message) {
  const live = state.live;
  state.live = null;
  state.session = null;
  clearSession();
  closeCart();
  closeOrder();
  state.myCarts = new Map();
  state.myCartsNext = null;
  renderMyCarts();
  state.orders.clear();
  state.queue.clear();
  showSignIn();
  if (message) showNotice(message);
  await live?.stop();
}

function sessionEnded() {
  if (state.session) signOut().then(() => showError(new Error(sessionEndedMessage)));
}

function showLiveState(liveState) {
  const badge = part("connection-status");
  badge.dataset.state = liveState;
  const labels = { live: "Live", connecting: "Connecting…", reconnecting: "Reconnecting…", offline: "Offline" };
  setText(badge.querySelector(".live-text"), labels[liveState] ?? liveState);
  badge.title = liveState === "live" ? "Changes by others appear as they happen" : "Live updates paused; retrying";
}

/** After every (re)connect: join the cart on screen again and catch up on what was missed. */
function liveReady() {
  if (state.cartId) joinCart(state.cartId);
  if (state.orderId) refreshOrder(state.orderId);
}

// ---------------------------------------------------------------- navigation

/** `#cart/{id}` and `#order/{id}` make a cart or an order shareable and reloadable. */
function route() {
  if (!state.session) return;
  const [kind, rawId] = location.hash.replace(/^#/, "").split("/");
  const id = rawId ? decodeURIComponent(rawId) : "";
  if (kind === "cart" && id && id !== state.cartId) openCart(id);
  else if (kind === "order" && id && id !== state.orderId) openOrder(id);
}

function navigate(kind, id) {
  const hash = kind ? `#${kind}/${encodeURIComponent(id)}` : "";
  if (location.hash !== hash) history.replaceState(null, "", hash || `${location.pathname}${location.search}`);
}

function wireWorkspace() {
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
  part("refresh-orders").addEventListener("click", () => refreshMyOrders());
  part("more-orders").addEventListener("click", () => state.orders.more().catch(showError));
  for (const list of ["my-orders", "operator-orders"]) {
    part(list).addEventListener("click", (event) => {
      const button = event.target.closest("[data-order-id]");
      if (button) openOrder(button.dataset.orderId);
    });
  }
  part("operator-status").addEventListener("change", () => {
    state.queue.clear();
    // The list comes from a view; the order on screen is current, so it is kept if it is in the status.
    state.queue.refresh()
      .then(() => { if (state.order) state.queue.remember(state.order); })
      .catch((error) => showError(error));
  });
  part("more-operator-orders").addEventListener("click", () => state.queue.more().catch(showError));
  part("more-carts").addEventListener("click", () => moreMyCarts());
  part("my-carts").addEventListener("click", (event) => {
    const button = event.target.closest("[data-cart-id]");
    if (button) openCart(button.dataset.cartId);
  });

  const openOrderForm = part("open-order-form");
  openOrderForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const orderId = openOrderForm.elements.orderId.value.trim();
    act(openOrderForm, async () => {
      if (!idPattern.test(orderId)) throw new Error("An order id is 1-64 letters, digits, '-' or '_'.");
      const order = await state.api.order(orderId);
      closeCart();
      showOrder(orderId);
      applyOrder(order);
      openOrderForm.reset();
    });
  });
}

/**
 * The list comes from a view that may trail the latest changes by a moment, so the carts
 * this page has seen itself are kept when they are newer than the list's copy.
 */
async function refreshMyCarts() {
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

function refreshMyOrders() {
  state.orders.refresh().catch((error) => showError(error));
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

/**
 * `cartsChanged`: the user was invited to a cart (it joins "My carts", read from the cart itself,
 * which is always current), removed from one (it leaves the list, and closes if it is on screen),
 * or a cart of theirs was abandoned (it shows as such until the list is read again).
 */
async function cartsChanged({ cartId, change }) {
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

function rememberCart(cart) {
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

// ---------------------------------------------------------------- carts

function wireCart() {
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
  part("catalog-filter").addEventListener("input", (event) => filterCatalog(event.target.value));
  part("catalog-rows").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const quantity = Number(form.elements.quantity.value);
    act(form, async () => {
      if (!Number.isInteger(quantity) || quantity < 1 || quantity > 99) {
        throw new Error("Quantity is a whole number from 1 to 99.");
      }
      applyCart(await state.api.addItem(state.cartId, form.dataset.productId, quantity));
      form.elements.quantity.value = "1";
    }, part("catalog-error"));
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

async function openCart(cartId, { rethrow = false } = {}) {
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

async function showCart(cart) {
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

function closeCart() {
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
async function joinCart(cartId) {
  const connectionId = state.live?.connectionId;
  if (!connectionId) return; // liveReady joins once connected
  try {
    await state.api.subscribe(cartId, connectionId);
    if (state.cartId !== cartId) return;
    part("cart-panel").dataset.subscribed = "true";
    await refreshCart(cartId);
    showPresence(await state.api.presence(cartId));
  } catch (error) {
    if (state.cartId === cartId) showError(error, "Live updates for this cart are unavailable");
  }
}

async function refreshCart(cartId) {
  try {
    const cart = await state.api.cart(cartId);
    applyCart(cart);
  } catch (error) {
    if (state.cartId === cartId) showError(error);
  }
}

/** Shows a cart state if it is the cart on screen and newer than what is shown. */
function applyCart(cart, { live = false } = {}) {
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

/** `presence`: who has the cart open now, shown on the people of the cart on screen. */
function showPresence(presence) {
  if (!presence || presence.cartId !== state.cartId) return;
  state.online = presence.users;
  drawCart();
}

function drawCart({ live = false } = {}) {
  if (!state.cart) return;
  renderCart(state.cart, {
    online: state.online,
    userId: state.session?.userId ?? "",
    live,
    orderShown: Boolean(state.cart.orderId) && state.cart.orderId === state.orderId,
  });
}

function markCurrentCart() {
  for (const button of part("my-carts").querySelectorAll("[data-cart-id]")) {
    if (button.dataset.cartId === state.cartId) button.setAttribute("aria-current", "true");
    else button.removeAttribute("aria-current");
  }
}

// ---------------------------------------------------------------- catalog

async function loadCatalog() {
  try {
    state.catalog = await state.api.products();
    renderCatalog();
  } catch (error) {
    const message = error instanceof ApiError ? error.describe() : String(error.message ?? error);
    showFormError(part("catalog-error"), `The catalog could not be loaded: ${message}`);
  }
}

function renderCatalog() {
  part("catalog-rows").replaceChildren(
    ...state.catalog.map((product) => {
      const inputId = `add-${product.productId}`;
      return element(
        "tr",
        { dataset: { testid: "catalog-row", productId: product.productId, search: `${product.name} ${product.productId}`.toLowerCase() } },
        element("th", { scope: "row" }, product.name),
        element("td", { className: "num" }, money(product.unitPrice, product.currency)),
        element(
          "td",
          { className: "qty-col", colSpan: 2 },
          element(
            "form",
            { className: "qty-form", noValidate: true, dataset: { productId: product.productId } },
            element("label", { className: "visually-hidden", htmlFor: inputId }, `Quantity of ${product.name} to add`),
            element("input", {
              id: inputId,
              type: "number",
              name: "quantity",
              min: "1",
              max: "99",
              value: "1",
              inputMode: "numeric",
              className: "qty-input",
              dataset: { testid: "catalog-quantity" },
            }),
            element("button", {
              type: "submit",
              className: "button button-small button-primary",
              textContent: "Add",
              dataset: { testid: "catalog-add" },
              attrs: { "aria-label": `Add ${product.name}` },
            }),
          ),
        ),
      );
    }),
  );
}

function filterCatalog(text) {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  for (const row of part("catalog-rows").rows) {
    row.hidden = !words.every((word) => row.dataset.search.includes(word));
  }
}

// ---------------------------------------------------------------- orders

function wireOrder() {
  part("order-refresh").addEventListener("click", () => {
    if (state.orderId) refreshOrder(state.orderId, { report: true });
  });
  part("order-close").addEventListener("click", () => closeOrder());
  part("order-cart-link").addEventListener("click", (event) => {
    event.preventDefault();
    if (state.order && event.currentTarget.hasAttribute("href")) openCart(state.order.cartId);
  });

  const orderError = part("order-error");
  const payment = part("payment-form");
  payment.addEventListener("submit", (event) => {
    event.preventDefault();
    const approved = event.submitter?.value !== "false";
    const reference = payment.elements.reference.value.trim() || "manual";
    act(payment, async () => applyOrder(await state.api.authorizePayment(state.orderId, approved, reference)), orderError);
  });

  const shipment = part("shipment-form");
  shipment.addEventListener("submit", (event) => {
    event.preventDefault();
    const carrier = shipment.elements.carrier.value.trim();
    const trackingNumber = shipment.elements.trackingNumber.value.trim();
    act(shipment, async () => {
      if (!carrier || !trackingNumber) throw new Error("Enter the carrier and the tracking number.");
      applyOrder(await state.api.ship(state.orderId, carrier, trackingNumber));
      shipment.reset();
    }, orderError);
  });

  const cancel = part("cancel-form");
  cancel.addEventListener("submit", (event) => {
    event.preventDefault();
    const reason = cancel.elements.reason.value.trim();
    act(cancel, async () => {
      if (!reason) throw new Error("Say why the order is cancelled.");
      applyOrder(await state.api.cancel(state.orderId, reason));
      cancel.reset();
    }, orderError);
  });
}

async function openOrder(orderId) {
  try {
    const order = await state.api.order(orderId);
    if (!state.cart || state.cart.cartId !== order.cartId) closeCart();
    showOrder(orderId);
    applyOrder(order);
  } catch (error) {
    showError(error);
  }
}

/**
 * Shows an order and reads it until it exists: after checkout the server answers 202 and
 * places the order a moment later. Pushes (`orderUpdated`) keep it current from then on.
 */
function showOrder(orderId) {
  if (state.orderId === orderId) return;
  state.orderId = orderId;
  state.order = null;
  state.orders.markCurrent(orderId);
  const watch = ++state.orderWatch;
  renderPendingOrder(orderId);
  drawCart();
  show(part("order-panel"), true);
  show(part("empty-state"), false);
  if (!state.cartId) navigate("order", orderId);
  waitForOrder(orderId, watch);
}

async function waitForOrder(orderId, watch) {
  const deadline = Date.now() + 60_000;
  let delay = 250;
  // A freshly placed order usually arrives by push first; read only if it has not.
  await pause(delay);
  while (state.orderWatch === watch && !state.order) {
    try {
      applyOrder(await state.api.order(orderId));
      return;
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404) || Date.now() > deadline) {
        if (state.orderWatch === watch) showError(error, `Order ${orderId} could not be loaded`);
        return;
      }
    }
    delay = Math.min(delay * 2, 2000);
    await pause(delay);
  }
}

function pause(milliseconds) {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}

async function refreshOrder(orderId, { report = false } = {}) {
  try {
    applyOrder(await state.api.order(orderId));
  } catch (error) {
    if (report || !(error instanceof ApiError && error.status === 404)) showError(error);
  }
}

/** Shows an order state if it is the order on screen and newer than what is shown. */
function applyOrder(order) {
  if (!order || order.orderId !== state.orderId) return;
  if (state.order && order.version <= state.order.version) return;
  state.order = order;
  if (order.customerId === state.session?.userId) state.orders.remember(order);
  if (isOperator()) state.queue.remember(order, { listedOnly: true });
  renderOrder(order, { userId: state.session?.userId ?? "", isOperator: isOperator() });
}

function closeOrder() {
  state.orderWatch++;
  state.order = null;
  state.orderId = null;
  state.orders.markCurrent(null);
  drawCart();
  show(part("order-panel"), false);
  show(part("empty-state"), !state.cartId);
  if (state.cartId) navigate("cart", state.cartId);
}

// ---------------------------------------------------------------- feedback

/**
 * Runs a user action: disables its controls while it runs and shows a failure next to them
 * (in the form's own error line, or `errorTarget`, or the page's alert).
 */
async function act(control, work, errorTarget) {
  const target = errorTarget ?? control.querySelector?.(".form-error") ?? null;
  const controls = control.matches("form") ? [...control.querySelectorAll("button, input, textarea")] : [control];
  const wasDisabled = controls.map((node) => node.disabled);
  if (target) show(target, false);
  control.setAttribute("aria-busy", "true");
  controls.forEach((node) => { if (node.matches("button")) node.disabled = true; });
  try {
    await work();
  } catch (error) {
    if (target) showFormError(target, describe(error));
    else showError(error);
  } finally {
    control.removeAttribute("aria-busy");
    controls.forEach((node, index) => {
      if (node.matches("button") && node.isConnected) node.disabled = wasDisabled[index];
    });
    // Buttons whose enabled state follows the cart (Update, Place order) are derived again.
    drawCart();
  }
}

/**
 * Runs a request whose `validation-failed` errors name the form's fields: each named input is
 * marked invalid (aria-invalid) and the first gets the focus, so the error sits next to its cause.
 */
async function fieldErrors(form, request) {
  for (const input of form.querySelectorAll("[aria-invalid]")) markInvalid(input, false);
  try {
    return await request();
  } catch (error) {
    if (error instanceof ApiError && error.errors) {
      const inputs = Object.keys(error.errors).map((field) => form.elements[field.split(".").pop()]).filter(Boolean);
      inputs.forEach((input) => markInvalid(input, true));
      inputs[0]?.focus();
    }
    throw error;
  }
}

function markInvalid(input, invalid) {
  if (invalid) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

function describe(error) {
  if (error instanceof ApiError) return error.describe();
  return error?.message ?? String(error);
}

function showFormError(target, message) {
  setText(target, message);
  show(target, true);
}

let noticeTimer = 0;

function showError(error, context) {
  const box = part("error");
  const message = describe(error);
  setText(box, context ? `${context}: ${message}` : message);
  show(box, true);
}

function showNotice(message) {
  const box = part("notice");
  setText(box, message);
  show(box, true);
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => show(box, false), 6000);
}

function hideFlash() {
  show(part("error"), false);
  show(part("notice"), false);
}

main();
