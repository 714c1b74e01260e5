// Orders: "My orders" and the operator's orders by status (order-list.js), the order on screen
// (order-view.js draws it), waiting for an order placed by checkout, and the operator's actions.
import { ApiError } from "./api.js";
import { part, show } from "./dom.js";
import { OrderList } from "./order-list.js";
import { renderOrder, renderPendingOrder } from "./order-view.js";
import { act, showError } from "./feedback.js";
import { navigate } from "./routing.js";
import { state, idPattern, isOperator } from "./state.js";
import { openCart, closeCart, drawCart } from "./cart-page.js";

/** The order lists: "My orders" and, for operators, every order in the chosen status. */
export function wireOrderLists() {
  state.orders = new OrderList((next) => state.api.myOrders(next), {
    list: "my-orders", empty: "my-orders-empty", more: "more-orders", entry: "my-order", newestFirst: true,
  });
  state.queue = new OrderList((next) => state.api.ordersByStatus(part("operator-status").value, next), {
    list: "operator-orders", empty: "operator-orders-empty", more: "more-operator-orders", entry: "operator-order", newestFirst: false,
    keeps: (order) => order.status === part("operator-status").value,
  });
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

/** Reads the lists again after sign-in: the user's orders, and the operator's queue. */
export function refreshOrderLists() {
  refreshMyOrders();
  if (isOperator()) state.queue.refresh().catch((error) => showError(error));
}

function refreshMyOrders() {
  state.orders.refresh().catch((error) => showError(error));
}

/** `orderUpdated`: the user's own orders stay current in "My orders" even when not on screen. */
export function orderUpdated(order) {
  if (order.customerId === state.session?.userId) state.orders.remember(order);
  applyOrder(order);
}

/** Forgets both lists (signing out). */
export function clearOrderLists() {
  state.orders.clear();
  state.queue.clear();
}

export function wireOrder() {
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

export async function openOrder(orderId) {
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
export function showOrder(orderId) {
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

export async function refreshOrder(orderId, { report = false } = {}) {
  try {
    applyOrder(await state.api.order(orderId));
  } catch (error) {
    if (report || !(error instanceof ApiError && error.status === 404)) showError(error);
  }
}

/** Shows an order state if it is the order on screen and newer than what is shown. */
export function applyOrder(order) {
  if (!order || order.orderId !== state.orderId) return;
  if (state.order && order.version <= state.order.version) return;
  state.order = order;
  if (order.customerId === state.session?.userId) state.orders.remember(order);
  if (isOperator()) state.queue.remember(order, { listedOnly: true });
  renderOrder(order, { userId: state.session?.userId ?? "", isOperator: isOperator() });
}

export function closeOrder() {
  state.orderWatch++;
  state.order = null;
  state.orderId = null;
  state.orders.markCurrent(null);
  drawCart();
  show(part("order-panel"), false);
  show(part("empty-state"), !state.cartId);
  if (state.cartId) navigate("cart", state.cartId);
}
