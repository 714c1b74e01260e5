// The cart's activity: who changed what and when, read from its history
// (`GET /api/carts/{id}/events?fromVersion=N`, docs/api.md "History"), newest first. It reads the
// last few events when a cart opens and, after each live update, only the events it has not seen.
import { part, element, setText } from "./dom.js";
import { dateTime } from "./format.js";

const kept = 20;

/** A push's `change.type` and the history's event type it describes. */
const changeTypes = {
  created: "CartCreated",
  renamed: "CartRenamed",
  itemAdded: "ItemAdded",
  itemQuantityChanged: "ItemQuantityChanged",
  itemRemoved: "ItemRemoved",
  collaboratorAdded: "CollaboratorAdded",
  collaboratorRemoved: "CollaboratorRemoved",
  checkedOut: "CartCheckedOut",
  abandoned: "CartAbandoned",
};

export class Activity {
  /**
   * @param {import("./api.js").Api} api
   * @param {{userId: () => string, productName: (productId: string) => string}} names
   */
  constructor(api, names) {
    this.api = api;
    this.names = names;
    this.reset(null);
  }

  /** Starts over for another cart (or none). */
  reset(cartId) {
    this.cartId = cartId;
    this.events = [];
    this.through = 0;
    this.reading = Promise.resolve();
    this.render();
  }

  /** Reads the events after the last one seen, up to at least `version`; returns the new ones. */
  catchUp(version) {
    const next = this.reading.then(() => this.read(version));
    this.reading = next.catch(() => []);
    return next;
  }

  async read(version) {
    const cartId = this.cartId;
    if (!cartId || version <= this.through) return [];
    const from = this.through === 0 ? Math.max(1, version - kept + 1) : this.through + 1;
    const events = [];
    let page = await this.api.history(cartId, from);
    events.push(...page.items);
    while (page.continuation) {
      page = await this.api.history(cartId, from, page.continuation);
      events.push(...page.items);
    }
    if (cartId !== this.cartId) return [];
    const fresh = events.filter((event) => event.version > this.through);
    this.events = [...this.events, ...fresh].slice(-kept);
    this.through = Math.max(this.through, ...fresh.map((event) => event.version));
    this.render();
    return fresh;
  }

  /** The latest event seen that changed the given product's line. */
  lastChangeOf(productId) {
    return [...this.events].reverse().find((event) => event.data?.productId === productId) ?? null;
  }

  /**
   * A live push's `changedBy` and `change` (docs/api.md, Real-time) in the same words as the
   * history's event, or null for a change type this client does not know.
   */
  describeChange(changedBy, change) {
    const type = changeTypes[change?.type];
    return type && changedBy ? this.describe({ userId: changedBy, type, data: change }) : null;
  }

  /** "bob set Espresso beans, 250g to 4": one event in words. */
  describe(event) {
    const who = event.userId === this.names.userId() ? "you" : event.userId;
    const data = event.data ?? {};
    const product = () => data.name ?? this.names.productName(data.productId);
    switch (event.type.split(".")[0]) {
      case "CartCreated": return `${who} created the cart`;
      case "CartRenamed": return `${who} named the cart “${data.name}”`;
      case "ItemAdded": return `${who} added ${data.quantity} × ${product()}`;
      case "ItemQuantityChanged": return `${who} set ${product()} to ${data.quantity}`;
      case "ItemRemoved": return `${who} removed ${product()}`;
      case "CollaboratorAdded": return `${who} invited ${data.userId}`;
      case "CollaboratorRemoved": return `${who} removed ${data.userId} from the cart`;
      case "CartCheckedOut": return `${who} checked out (order ${data.orderId})`;
      case "CartAbandoned": return "the cart was abandoned after a long time without changes";
      default: return `${who}: ${event.type}`;
    }
  }

  render() {
    const list = part("activity-list");
    list.replaceChildren(
      ...[...this.events].reverse().map((event) =>
        element(
          "li",
          { dataset: { testid: "activity-item", version: String(event.version), userId: event.userId } },
          element("span", { className: "activity-text" }, this.describe(event)),
          " ",
          element("time", { className: "muted small", dateTime: event.occurredAt }, dateTime(event.occurredAt)),
        ),
      ),
    );
    setText(part("activity-empty"), this.events.length === 0 ? "Nothing yet." : "");
  }
}
