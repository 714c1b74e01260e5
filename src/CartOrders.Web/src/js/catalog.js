// The catalog beside the cart: every product with its price, a filter, and an *Add* per row
// that adds to the cart on screen.
import { ApiError } from "./api.js";
import { part, element } from "./dom.js";
import { money } from "./format.js";
import { act, markInvalid, showFormError } from "./feedback.js";
import { state } from "./state.js";
import { applyCart } from "./cart-page.js";

export function wireCatalog() {
  part("catalog-filter").addEventListener("input", (event) => filterCatalog(event.target.value));
  // A refused add is shown next to its row, like a line's error: the row's quantity is marked
  // invalid and described by the message.
  part("catalog-rows").addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    const input = form.elements.quantity;
    const quantity = Number(input.value);
    act(form, async () => {
      try {
        if (!Number.isInteger(quantity) || quantity < 1 || quantity > 99) {
          throw new Error("Quantity is a whole number from 1 to 99.");
        }
        applyCart(await state.api.addItem(state.cartId, form.dataset.productId, quantity));
      } catch (error) {
        markInvalid(input, true);
        input.focus();
        throw error;
      }
      markInvalid(input, false);
      input.value = "1";
    }, part("catalog-row-error", form.closest("tr")));
  });
}

export async function loadCatalog() {
  try {
    state.catalog = await state.api.products();
    renderCatalog();
  } catch (error) {
    const message = error instanceof ApiError ? error.describe() : String(error.message ?? error);
    showFormError(part("catalog-error"), `The catalog could not be loaded: ${message}`);
  }
}

function renderCatalog() {
  part("catalog-rows").replaceChildren(
    ...state.catalog.map((product) => {
      const inputId = `add-${product.productId}`;
      return element(
        "tr",
        { dataset: { testid: "catalog-row", productId: product.productId, search: `${product.name} ${product.productId}`.toLowerCase() } },
        element("th", { scope: "row" }, product.name),
        element("td", { className: "num" }, money(product.unitPrice, product.currency)),
        element(
          "td",
          { className: "qty-col", colSpan: 2 },
          element(
            "form",
            { className: "qty-form", noValidate: true, dataset: { productId: product.productId } },
            element("label", { className: "visually-hidden", htmlFor: inputId }, `Quantity of ${product.name} to add`),
            element("input", {
              id: inputId,
              type: "number",
              name: "quantity",
              min: "1",
              max: "99",
              value: "1",
              inputMode: "numeric",
              className: "qty-input",
              dataset: { testid: "catalog-quantity" },
              attrs: { "aria-describedby": `${inputId}-error` },
            }),
            element("button", {
              type: "submit",
              className: "button button-small button-primary",
              textContent: "Add",
              dataset: { testid: "catalog-add" },
              attrs: { "aria-label": `Add ${product.name}` },
            }),
          ),
          element("p", { className: "form-error line-error", id: `${inputId}-error`, hidden: true, attrs: { role: "alert" }, dataset: { testid: "catalog-row-error" } }),
        ),
      );
    }),
  );
}

function filterCatalog(text) {
  const words = text.toLowerCase().split(/\s+/).filter(Boolean);
  for (const row of part("catalog-rows").rows) {
    row.hidden = !words.every((word) => row.dataset.search.includes(word));
  }
}
