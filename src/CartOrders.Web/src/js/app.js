// The CartOrders page: sign-in, carts shared live between their members, checkout, and the
// order's progress. This module only composes the page's parts; state.js holds what they share.
import { Api } from "./api.js";
import { loadConfig } from "./config.js";
import { loadSession, currentToken } from "./session.js";
import { startAuth } from "./auth.js";
import { wireFeedback } from "./feedback.js";
import { startRouting } from "./routing.js";
import { state } from "./state.js";
import { showSignIn, wireSignIn } from "./signin.js";
import { enter, signOut, sessionEnded } from "./workspace.js";
import { wireMyCarts } from "./my-carts.js";
import { wireCart, openCart, drawCart } from "./cart-page.js";
import { wireCatalog, loadCatalog } from "./catalog.js";
import { wireOrderLists, wireOrder, openOrder } from "./order-page.js";

async function main() {
  state.config = await loadConfig();
  state.api = new Api(state.config.apiBase, () => currentToken(state.session), sessionEnded);
  wireFeedback(drawCart);
  wireSignIn({ enter, signOut });
  wireMyCarts();
  wireOrderLists();
  wireCart();
  wireCatalog();
  wireOrder();
  startRouting({ cart: openCart, order: openOrder });
  loadCatalog();

  state.auth = await startAuth(state.config.auth);
  const session = state.auth ? await state.auth.restore() : loadSession();
  if (session) enter(session);
  else showSignIn();
}

main();
