// HTTP client for the CartOrders API (docs: shared contract, "HTTP API"). Every failure
// becomes an ApiError carrying the problem+json fields, so callers can show `detail`.

export class ApiError extends Error {
  /**
   * @param {number} status HTTP status, or 0 when the server could not be reached.
   * @param {{title?: string, detail?: string, code?: string, errors?: Record<string, string[]>}} problem
   */
  constructor(status, problem) {
    super(problem.detail || problem.title || `Request failed (${status})`);
    this.name = "ApiError";
    this.status = status;
    this.code = problem.code ?? null;
    this.title = problem.title ?? null;
    this.detail = problem.detail ?? null;
    this.errors = problem.errors ?? null;
  }

  /** A sentence for people: the problem's detail, plus any field messages. */
  describe() {
    const parts = [this.detail || this.title || this.message];
    if (this.errors) {
      for (const messages of Object.values(this.errors)) {
        parts.push(...messages);
      }
    }
    return [...new Set(parts.filter(Boolean))].join(" ");
  }
}

export class Api {
  /**
   * @param {string} base Origin (and optional path prefix) that serves `/api`, without a trailing slash.
   * @param {() => string | null | Promise<string | null>} token Current bearer token, if any; a
   *   rejection named SessionEndedError means the sign-in has ended (auth.js).
   * @param {() => void} onUnauthorized Called when the server rejects the token.
   */
  constructor(base, token, onUnauthorized) {
    this.base = base;
    this.token = token;
    this.onUnauthorized = onUnauthorized;
  }

  async request(method, path, body, extraHeaders = {}) {
    const headers = { Accept: "application/json", ...extraHeaders };
    const token = await this.bearer();
    if (token) headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) headers["Content-Type"] = "application/json";

    let response;
    try {
      response = await fetch(`${this.base}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch {
      throw new ApiError(0, { detail: "The server could not be reached. Check your connection and try again." });
    }

    if (response.status === 401 && token) this.onUnauthorized();
    if (!response.ok) throw new ApiError(response.status, await readProblem(response));
    if (response.status === 204) return null;
    const text = await response.text();
    return text ? JSON.parse(text) : null;
  }

  async bearer() {
    try {
      return await this.token();
    } catch (error) {
      if (error?.name === "SessionEndedError") {
        this.onUnauthorized();
        throw new ApiError(401, { detail: error.message });
      }
      throw new ApiError(0, { detail: "The sign-in service could not be reached. Check your connection and try again." });
    }
  }

  // Identity
  issueDevToken(userId, roles) { return this.request("POST", "/api/dev/tokens", { userId, roles }); }

  // Catalog
  products() { return this.request("GET", "/api/products"); }

  // Carts
  /** One page of the caller's carts: `{items, continuation}`; pass the continuation for the next. */
  myCarts(continuation) {
    const next = continuation ? `&continuation=${enc(continuation)}` : "";
    return this.request("GET", `/api/carts?limit=50${next}`);
  }
  /** A new cart, named when `name` is a non-empty string. */
  createCart(name) { return this.request("POST", "/api/carts", name ? { name } : {}); }
  rename(cartId, name) { return this.request("PUT", `/api/carts/${enc(cartId)}/name`, { name }); }
  cart(cartId) { return this.request("GET", `/api/carts/${enc(cartId)}`); }
  addItem(cartId, productId, quantity) {
    return this.request("POST", `/api/carts/${enc(cartId)}/items`, { productId, quantity });
  }
  /** Sets a line's quantity; with `version` only if the cart is still at it (If-Match), else 412. */
  setQuantity(cartId, productId, quantity, version) {
    const headers = Number.isInteger(version) ? { "If-Match": `"${version}"` } : {};
    return this.request("PUT", `/api/carts/${enc(cartId)}/items/${enc(productId)}`, { quantity }, headers);
  }
  /** One page of the cart's history from `fromVersion` on: `{items, continuation}`. */
  history(cartId, fromVersion, continuation) {
    const next = continuation ? `&continuation=${enc(continuation)}` : "";
    return this.request("GET", `/api/carts/${enc(cartId)}/events?limit=200&fromVersion=${fromVersion}${next}`);
  }
  removeItem(cartId, productId) {
    return this.request("DELETE", `/api/carts/${enc(cartId)}/items/${enc(productId)}`);
  }
  invite(cartId, userId) {
    return this.request("POST", `/api/carts/${enc(cartId)}/collaborators`, { userId });
  }
  removeCollaborator(cartId, userId) {
    return this.request("DELETE", `/api/carts/${enc(cartId)}/collaborators/${enc(userId)}`);
  }
  checkOut(cartId, shippingAddress) {
    return this.request("POST", `/api/carts/${enc(cartId)}/checkout`, { shippingAddress });
  }
  /** Who has the cart open now: `{cartId, users}`. */
  presence(cartId) { return this.request("GET", `/api/carts/${enc(cartId)}/presence`); }
  /** Takes this page's connection out of the cart's real-time group. */
  leave(cartId, connectionId) {
    return this.request("DELETE", `/api/carts/${enc(cartId)}/subscriptions/${enc(connectionId)}`);
  }
  /** Says this page's connection still has the cart open (presence); 404 connection-not-found: subscribe again. */
  refreshSubscription(cartId, connectionId) {
    return this.request("PUT", `/api/carts/${enc(cartId)}/subscriptions/${enc(connectionId)}`);
  }
  subscribe(cartId, connectionId) {
    return this.request("POST", `/api/carts/${enc(cartId)}/subscriptions`, { connectionId });
  }

  // Orders
  /** One page of the caller's orders: `{items, continuation}`; pass the continuation for the next. */
  myOrders(continuation) {
    const next = continuation ? `&continuation=${enc(continuation)}` : "";
    return this.request("GET", `/api/orders?limit=50${next}`);
  }
  /** Operators: one page of every customer's orders in one status, the longest unchanged first. */
  ordersByStatus(status, continuation) {
    const next = continuation ? `&continuation=${enc(continuation)}` : "";
    return this.request("GET", `/api/admin/orders?status=${enc(status)}&limit=50${next}`);
  }
  order(orderId) { return this.request("GET", `/api/orders/${enc(orderId)}`); }
  authorizePayment(orderId, approved, reference) {
    return this.request("POST", `/api/orders/${enc(orderId)}/payment`, { approved, reference });
  }
  ship(orderId, carrier, trackingNumber) {
    return this.request("POST", `/api/orders/${enc(orderId)}/shipment`, { carrier, trackingNumber });
  }
  cancel(orderId, reason) {
    return this.request("POST", `/api/orders/${enc(orderId)}/cancel`, { reason });
  }
}

const enc = encodeURIComponent;

async function readProblem(response) {
  const type = response.headers.get("Content-Type") ?? "";
  if (type.includes("json")) {
    try {
      return await response.json();
    } catch {
      // fall through to the status text
    }
  }
  return { title: response.statusText || `HTTP ${response.status}` };
}
