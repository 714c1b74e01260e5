// Renders an OrderView (docs: shared contract, "Orders") into the order panel, with the
// actions the signed-in user may take on it in its current status.
import { part, element, show, setText } from "./dom.js";
import { money, dateTime, statusLabel } from "./format.js";

const panel = () => part("order-panel");

/** Shows the panel for an order that has been accepted but is not readable yet. */
export function renderPendingOrder(orderId) {
  const root = panel();
  setText(part("order-id", root), orderId);
  setText(part("order-customer", root), "…");
  setText(part("order-version", root), "…");
  const cartLink = part("order-cart-link", root);
  setText(cartLink, "…");
  cartLink.removeAttribute("href");
  const status = part("order-status", root);
  setText(status, "Placing…");
  status.dataset.status = "pending";
  show(part("order-pending", root), true);
  show(part("order-body", root), false);
  show(part("order-error", root), false);
}

/**
 * @param {object} order OrderView
 * @param {{userId: string, isOperator: boolean}} context
 */
export function renderOrder(order, { userId, isOperator }) {
  const root = panel();
  setText(part("order-id", root), order.orderId);
  setText(part("order-customer", root), order.customerId === userId ? `${order.customerId} (you)` : order.customerId);
  setText(part("order-version", root), String(order.version));
  // Only the cart's members can open it; for anyone else the id is plain text.
  const cartLink = part("order-cart-link", root);
  setText(cartLink, order.cartId);
  if (order.customerId === userId) cartLink.href = `#cart/${encodeURIComponent(order.cartId)}`;
  else cartLink.removeAttribute("href");
  const status = part("order-status", root);
  setText(status, statusLabel(order.status));
  status.dataset.status = order.status;
  show(part("order-pending", root), false);
  show(part("order-body", root), true);

  part("order-lines", root).replaceChildren(
    ...order.items.map((line) =>
      element(
        "tr",
        { dataset: { testid: "order-line", productId: line.productId } },
        element("th", { scope: "row" }, line.name),
        element("td", { className: "num", dataset: { testid: "order-line-unit-price" } }, money(line.unitPrice, order.currency)),
        element("td", { className: "num" }, String(line.quantity)),
        element("td", { className: "num" }, money(line.lineTotal, order.currency)),
      ),
    ),
  );
  setText(part("order-total", root), money(order.total, order.currency));

  const address = order.shippingAddress ?? {};
  part("order-address", root).replaceChildren(
    ...[address.name, address.line1, [address.postalCode, address.city].filter(Boolean).join(" "), address.country]
      .filter(Boolean)
      .flatMap((text, index) => (index === 0 ? [text] : [element("br"), text])),
  );

  show(part("order-payment", root), Boolean(order.paymentReference));
  setText(part("order-payment-reference", root), order.paymentReference ?? "");
  show(part("order-shipment", root), Boolean(order.carrier));
  setText(part("order-carrier", root), order.carrier ?? "");
  setText(part("order-tracking", root), order.trackingNumber ?? "");
  show(part("order-cancellation", root), Boolean(order.cancellationReason));
  setText(part("order-cancellation-reason", root), order.cancellationReason ?? "");

  part("order-history", root).replaceChildren(
    ...(order.history ?? []).map((entry) =>
      element(
        "li",
        { dataset: { testid: "order-history-entry", status: entry.status } },
        element("span", { className: "history-status" }, statusLabel(entry.status)),
        element("time", { dateTime: entry.at }, dateTime(entry.at)),
      ),
    ),
  );

  const isCustomer = order.customerId === userId;
  const canPay = isOperator && order.status === "placed";
  const canShip = isOperator && order.status === "paymentAuthorized";
  const canCancel = (isOperator || isCustomer) && (order.status === "placed" || order.status === "paymentAuthorized");
  show(part("payment-form", root), canPay);
  show(part("shipment-form", root), canShip);
  show(part("cancel-form", root), canCancel);
  show(part("order-actions", root), canPay || canShip || canCancel);
}
