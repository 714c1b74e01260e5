// The real-time channel: one SignalR connection to the hub at `{base}/api` per signed-in
// user. The server pushes `cartUpdated` and `presence` to the groups of the carts this connection
// has joined, and `orderUpdated` and `cartsChanged` to the user. Group membership belongs to a
// connection id, and a reconnect brings a new id, so `onReady` runs after every
// (re)connect for the caller to join its cart again.

const retryDelays = [0, 1000, 2000, 5000, 10000];

export class LiveChannel {
  /**
   * @param {string} base API base, without a trailing slash.
   * @param {() => string | Promise<string>} token Current bearer token, asked for on every
   *   (re)connect, so a renewed token is the one a reconnect presents.
   * @param {{
   *   onCartUpdated: (cart: object) => void,
   *   onOrderUpdated: (order: object) => void,
   *   onCartsChanged?: (change: {cartId: string, change: "invited" | "removed" | "abandoned", version: number}) => void,
   *   onPresence?: (presence: {cartId: string, users: string[]}) => void,
   *   onReady: (connectionId: string) => void,
   *   onState: (state: "connecting" | "live" | "reconnecting" | "offline") => void,
   *   onEnded?: () => void,
   * }} handlers
   */
  constructor(base, token, handlers) {
    this.base = base;
    this.token = token;
    this.handlers = handlers;
    this.connection = null;
    this.stopped = false;
    this.restartTimer = 0;
  }

  /** The id the server knows this connection by, while connected. */
  get connectionId() {
    const signalR = globalThis.signalR;
    if (!this.connection || !signalR) return null;
    return this.connection.state === signalR.HubConnectionState.Connected ? this.connection.connectionId : null;
  }

  start() {
    const signalR = globalThis.signalR;
    if (!signalR) {
      this.handlers.onState("offline");
      return;
    }
    this.connection = new signalR.HubConnectionBuilder()
      // Bearer tokens only, no cookies: a cross-origin API (Azure) allows no credentials.
      .withUrl(`${this.base}/api`, { accessTokenFactory: () => this.currentToken(), withCredentials: false })
      .withAutomaticReconnect({
        nextRetryDelayInMilliseconds: (context) =>
          retryDelays[Math.min(context.previousRetryCount, retryDelays.length - 1)],
      })
      .configureLogging(signalR.LogLevel.Warning)
      .build();

    this.connection.on("cartUpdated", (cart) => this.handlers.onCartUpdated(cart));
    this.connection.on("orderUpdated", (order) => this.handlers.onOrderUpdated(order));
    this.connection.on("cartsChanged", (change) => this.handlers.onCartsChanged?.(change));
    this.connection.on("presence", (presence) => this.handlers.onPresence?.(presence));
    this.connection.onreconnecting(() => this.handlers.onState("reconnecting"));
    this.connection.onreconnected((connectionId) => this.ready(connectionId));
    this.connection.onclose(() => {
      if (!this.stopped) this.scheduleRestart(0);
    });
    this.connect(0);
  }

  /** The token for a (re)connect; a sign-in that has ended is reported, not retried forever. */
  async currentToken() {
    try {
      return await this.token();
    } catch (error) {
      if (error?.name === "SessionEndedError") this.handlers.onEnded?.();
      throw error;
    }
  }

  async connect(attempt) {
    if (this.stopped) return;
    this.handlers.onState(attempt === 0 ? "connecting" : "reconnecting");
    try {
      await this.connection.start();
      this.ready(this.connection.connectionId);
    } catch {
      this.scheduleRestart(attempt + 1);
    }
  }

  scheduleRestart(attempt) {
    if (this.stopped) return;
    this.handlers.onState(attempt === 0 ? "connecting" : "offline");
    const delay = retryDelays[Math.min(attempt, retryDelays.length - 1)] || 1000;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => this.connect(attempt), delay);
  }

  ready(connectionId) {
    if (this.stopped) return;
    this.handlers.onState("live");
    this.handlers.onReady(connectionId);
  }

  async stop() {
    this.stopped = true;
    clearTimeout(this.restartTimer);
    if (this.connection) {
      try {
        await this.connection.stop();
      } catch {
        // already gone
      }
    }
  }
}
