// A list of orders in the sidebar, 50 a page, "More" reading the next page through the list's
// continuation: "My orders" (`GET /api/orders`, most recently changed first) and the operator's
// orders in one status (`GET /api/admin/orders?status=`, the longest unchanged first). Orders
// this page has seen itself (a checkout, an `orderUpdated` push) are kept when newer than the
// list's copy, which comes from a view that may trail by a moment.
import { part, show, listEntry } from "./dom.js";
import { money, dateTime, statusLabel } from "./format.js";

export class OrderList {
  /**
   * @param {(continuation?: string) => Promise<{items: object[], continuation?: string}>} read one page
   * @param {{list: string, empty: string, more: string, entry: string, newestFirst: boolean, keeps?: (order: object) => boolean}} parts
   *   `keeps`: whether an order still belongs in the list (the operator's list holds one status)
   */
  constructor(read, parts) {
    this.read = read;
    this.parts = parts;
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
    const page = await this.read();
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
    const page = await this.read(this.next);
    for (const order of page.items) this.remember(order, { render: false });
    this.next = page.continuation ?? null;
    this.render();
  }

  /** Keeps an order the page saw, if it is newer than the copy in the list (and already in it, with `listedOnly`). */
  remember(order, { render = true, listedOnly = false } = {}) {
    const known = this.orders.get(order.orderId);
    if ((known && known.version >= order.version) || (listedOnly && !known)) return;
    if (this.parts.keeps && !this.parts.keeps(order)) this.orders.delete(order.orderId);
    else this.orders.set(order.orderId, order);
    if (render) this.render();
  }

  markCurrent(orderId) {
    this.currentId = orderId;
    this.render();
  }

  render() {
    const list = part(this.parts.list);
    const order = this.parts.newestFirst ? -1 : 1;
    const orders = [...this.orders.values()].sort((a, b) => order * lastChange(a).localeCompare(lastChange(b)));
    list.replaceChildren(
      ...orders.map((order) =>
        listEntry({
          testid: this.parts.entry,
          dataset: { orderId: order.orderId },
          current: order.orderId === this.currentId,
          name: `Order ${order.orderId.slice(0, 8)}…`,
          meta: `${money(order.total, order.currency)} · ${dateTime(lastChange(order))}`,
          tag: statusLabel(order.status),
          tagTestid: "my-order-status",
        }),
      ),
    );
    show(part(this.parts.empty), orders.length === 0);
    show(part(this.parts.more), Boolean(this.next));
  }
}

function lastChange(order) {
  const history = order.history ?? [];
  return String(history.at(-1)?.at ?? "");
}
