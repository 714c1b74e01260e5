// Presentation of money, times and statuses.

const moneyFormats = new Map();

export function money(amount, currency) {
  if (typeof amount !== "number") return "";
  if (!currency) return amount.toFixed(2);
  let format = moneyFormats.get(currency);
  if (!format) {
    try {
      format = new Intl.NumberFormat(undefined, { style: "currency", currency });
    } catch {
      format = { format: (value) => `${value.toFixed(2)} ${currency}` };
    }
    moneyFormats.set(currency, format);
  }
  return format.format(amount);
}

const timeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "medium" });

export function dateTime(value) {
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? "" : timeFormat.format(date);
}

const statusLabels = {
  open: "Open",
  checkedOut: "Checked out",
  abandoned: "Abandoned",
  placed: "Placed",
  paymentAuthorized: "Payment authorized",
  rejected: "Payment rejected",
  shipped: "Shipped",
  cancelled: "Cancelled",
};

export function statusLabel(status) {
  return statusLabels[status] ?? status;
}

export function itemCount(count) {
  return count === 1 ? "1 item" : `${count} items`;
}

/** What a cart is called on screen: its name, or "Cart" and the start of its id while it has none. */
export function cartTitle(cart) {
  return cart.name || `Cart ${String(cart.cartId).slice(0, 8)}…`;
}
