// How user actions report back: a failure is shown next to the control that caused it (its
// form's error line, a given target, or the page's alert), inputs in error are marked
// aria-invalid, and short notices confirm what happened.
import { ApiError } from "./api.js";
import { part, show, setText } from "./dom.js";

let afterAction = () => {};
let noticeTimer = 0;

/**
 * Wires the page-wide feedback: an input marked invalid is unmarked as soon as it is edited, and
 * `redraw` runs after every action (controls whose enabled state follows the data are derived again).
 */
export function wireFeedback(redraw) {
  afterAction = redraw;
  document.addEventListener("input", (event) => {
    if (event.target.getAttribute?.("aria-invalid")) markInvalid(event.target, false);
  });
}

/**
 * Runs a user action: disables its controls while it runs and shows a failure next to them
 * (in the form's own error line, or `errorTarget`, or the page's alert).
 */
export async function act(control, work, errorTarget) {
  const target = errorTarget ?? control.querySelector?.(".form-error") ?? null;
  const controls = control.matches("form") ? [...control.querySelectorAll("button, input, textarea")] : [control];
  const wasDisabled = controls.map((node) => node.disabled);
  if (target) show(target, false);
  control.setAttribute("aria-busy", "true");
  controls.forEach((node) => { if (node.matches("button")) node.disabled = true; });
  try {
    await work();
  } catch (error) {
    if (target) showFormError(target, describe(error));
    else showError(error);
  } finally {
    control.removeAttribute("aria-busy");
    controls.forEach((node, index) => {
      if (node.matches("button") && node.isConnected) node.disabled = wasDisabled[index];
    });
    afterAction();
  }
}

/**
 * Runs a request whose `validation-failed` errors name the form's fields: each named input is
 * marked invalid (aria-invalid) and the first gets the focus, so the error sits next to its cause.
 */
export async function fieldErrors(form, request) {
  for (const input of form.querySelectorAll("[aria-invalid]")) markInvalid(input, false);
  try {
    return await request();
  } catch (error) {
    if (error instanceof ApiError && error.errors) {
      const inputs = Object.keys(error.errors).map((field) => form.elements[field.split(".").pop()]).filter(Boolean);
      inputs.forEach((input) => markInvalid(input, true));
      inputs[0]?.focus();
    }
    throw error;
  }
}

export function markInvalid(input, invalid) {
  if (invalid) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

export function describe(error) {
  if (error instanceof ApiError) return error.describe();
  return error?.message ?? String(error);
}

export function showFormError(target, message) {
  setText(target, message);
  show(target, true);
}

export function showError(error, context) {
  const box = part("error");
  const message = describe(error);
  setText(box, context ? `${context}: ${message}` : message);
  show(box, true);
}

export function showNotice(message) {
  const box = part("notice");
  setText(box, message);
  show(box, true);
  clearTimeout(noticeTimer);
  noticeTimer = setTimeout(() => show(box, false), 6000);
}

export function hideFlash() {
  show(part("error"), false);
  show(part("notice"), false);
}
