// Small DOM helpers: the page is static markup whose parts are found by `data-testid`
// (the same names the browser tests use), with a few rows built by `element`.

/** @returns {HTMLElement} */
export function part(testId, root = document) {
  const found = root.querySelector(`[data-testid="${testId}"]`);
  if (!found) throw new Error(`Missing page part ${testId}`);
  return found;
}

/**
 * Creates an element: `element("td", { className: "num", dataset: { testid: "x" } }, "text")`.
 * Plain properties are assigned; `dataset` and `attrs` entries become attributes.
 */
export function element(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  const { dataset, attrs, ...rest } = props;
  Object.assign(node, rest);
  for (const [name, value] of Object.entries(dataset ?? {})) node.dataset[name] = value;
  for (const [name, value] of Object.entries(attrs ?? {})) node.setAttribute(name, value);
  node.append(...children.filter((child) => child !== null && child !== undefined && child !== false));
  return node;
}

export function show(node, visible) {
  node.hidden = !visible;
}

export function setText(node, text) {
  if (node.textContent !== text) node.textContent = text;
}

/**
 * One entry of a sidebar list ("My carts", "My orders"): a button naming the item, a line of
 * facts and an optional status tag; `aria-current` marks the item on screen.
 */
export function listEntry({ testid, dataset, current, name, nameTestid, meta, tag, tagTestid }) {
  return element(
    "li",
    {},
    element(
      "button",
      { type: "button", className: "cart-link", dataset: { testid, ...dataset }, attrs: current ? { "aria-current": "true" } : {} },
      element("span", { className: "cart-link-name", dataset: nameTestid ? { testid: nameTestid } : {} }, name),
      element("span", { className: "cart-link-meta" }, meta),
      tag ? element("span", { className: "tag", dataset: tagTestid ? { testid: tagTestid } : {} }, tag) : null,
    ),
  );
}
