// "My orders": the caller's orders (`GET /api/orders`, most recently changed first), 50 a page,
// "More" reading the next page through the list's continuation. Orders this page has seen itself
// (a checkout, an `orderUpdated` push) are kept when newer than the list's copy, which comes from
// a view that may trail by a moment.
import { part, show, listEntry } from "./dom.js";
import { money, dateTime, statusLabel } from "./format.js";

export class OrderList {
  /** @param {import("./api.js").Api} api */
  constructor(api) {
    this.api = api;
    this.orders = new Map();
    this.next = null;
    this.currentId = null;
  }

  clear() {
    this.orders = new Map();
    this.next = null;
    this.render();
  }

  async refresh() {
    const page = await this.api.myOrders();
    const seen = this.orders;
    this.orders = new Map(page.items.map((order) => [order.orderId, order]));
    for (const order of seen.values()) {
      const listed = this.orders.get(order.orderId);
      if (!listed || listed.version < order.version) this.orders.set(order.orderId, order);
    }
    this.next = page.continuation ?? null;
    this.render();
  }

  async more() {
    if (!this.next) return;
    const page = await this.api.myOrders(this.next);
    for (const order of page.items) this.remember(order, { render: false });
    this.next = page.continuation ?? null;
    this.render();
  }

  /** Keeps an order the page saw, if it is newer than the copy in the list. */
  remember(order, { render = true } = {}) {
    const known = this.orders.get(order.orderId);
    if (known && known.version >= order.version) return;
    this.orders.set(order.orderId, order);
    if (render) this.render();
  }

  markCurrent(orderId) {
    this.currentId = orderId;
    this.render();
  }

  render() {
    const list = part("my-orders");
    const orders = [...this.orders.values()].sort((a, b) => lastChange(b).localeCompare(lastChange(a)));
    list.replaceChildren(
      ...orders.map((order) =>
        listEntry({
          testid: "my-order",
          dataset: { orderId: order.orderId },
          current: order.orderId === this.currentId,
          name: `Order ${order.orderId.slice(0, 8)}…`,
          meta: `${money(order.total, order.currency)} · ${dateTime(lastChange(order))}`,
          tag: statusLabel(order.status),
          tagTestid: "my-order-status",
        }),
      ),
    );
    show(part("my-orders-empty"), orders.length === 0);
    show(part("more-orders"), Boolean(this.next));
  }
}

function lastChange(order) {
  const history = order.history ?? [];
  return String(history.at(-1)?.at ?? "");
}
