// The signed-in workspace: entering it with a session (the live channel, the lists, the address
// bar's cart or order), leaving it on sign-out or when the token expires, and the live badge.
import { LiveChannel } from "./live.js";
import { saveSession, clearSession, currentToken } from "./session.js";
import { sessionEndedMessage } from "./auth.js";
import { part, show, setText } from "./dom.js";
import { hideFlash, showNotice, showError } from "./feedback.js";
import { route } from "./routing.js";
import { state, isOperator } from "./state.js";
import { showSignIn } from "./signin.js";
import { refreshMyCarts, clearMyCarts, cartsChanged } from "./my-carts.js";
import { closeCart, joinCart, applyCart, showPresence } from "./cart-page.js";
import { closeOrder, refreshOrder, orderUpdated, refreshOrderLists, clearOrderLists } from "./order-page.js";

/** @param {import("./session.js").Session} session */
export function enter(session) {
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
    onOrderUpdated: (order) => orderUpdated(order),
    onCartsChanged: (change) => cartsChanged(change),
    onPresence: (presence) => showPresence(presence),
    onReady: () => liveReady(),
    onState: (liveState) => showLiveState(liveState),
    onEnded: () => sessionEnded(),
  });
  state.live.start();

  refreshMyCarts();
  refreshOrderLists();
  route();
}

export async function signOut(message) {
  const live = state.live;
  state.live = null;
  state.session = null;
  clearSession();
  closeCart();
  closeOrder();
  clearMyCarts();
  clearOrderLists();
  showSignIn();
  if (message) showNotice(message);
  await live?.stop();
}

/** The API refused the token (or it could not be renewed): back to sign-in, saying why. */
export function sessionEnded() {
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
