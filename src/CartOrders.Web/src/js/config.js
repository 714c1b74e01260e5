// Where the API lives. By default it is the page's own origin; a deployment whose API is
// on another origin replaces `config.json` next to index.html: {"apiBase": "https://..."}.
// An empty apiBase, or no config.json at all, means the page's own origin.

export async function loadConfig() {
  const fallback = { apiBase: location.origin, sameOrigin: true };
  let response;
  try {
    response = await fetch("config.json", { cache: "no-store" });
  } catch {
    return fallback;
  }
  if (!response.ok) return fallback;
  try {
    const config = await response.json();
    if (typeof config?.apiBase === "string" && config.apiBase.trim() !== "") {
      const apiBase = new URL(config.apiBase.trim(), location.href).href.replace(/\/+$/, "");
      return { apiBase, sameOrigin: new URL(apiBase).origin === location.origin };
    }
  } catch {
    console.warn("config.json is not valid JSON; using this page's origin as the API base.");
  }
  return fallback;
}
