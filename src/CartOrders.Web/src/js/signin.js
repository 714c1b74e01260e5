// The sign-in screen: a user name exchanged for a development token, or a pasted access token
// where development sign-in is off. What happens once signed in belongs to workspace.js.
import { ApiError } from "./api.js";
import { sessionFromToken } from "./session.js";
import { part, show, setText } from "./dom.js";
import { act } from "./feedback.js";
import { state, idPattern } from "./state.js";

export function showSignIn() {
  show(part("signin"), true);
  show(part("workspace"), false);
  show(part("session"), false);
  const note = part("api-base-note");
  setText(note, state.config.sameOrigin ? "" : `This page uses the API at ${state.config.apiBase}.`);
  show(note, !state.config.sameOrigin);
  part("signin-user").focus();
}

/**
 * @param {{enter: (session: import("./session.js").Session) => void, signOut: () => void}} workspace
 */
export function wireSignIn({ enter, signOut }) {
  const form = part("signin-form");
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const userId = form.elements.userId.value.trim();
    const roles = form.elements.operator.checked ? ["operator"] : [];
    act(form, async () => {
      if (!idPattern.test(userId)) {
        throw new Error("Enter a user name of 1-64 letters, digits, '-' or '_'.");
      }
      let token;
      try {
        ({ token } = await state.api.issueDevToken(userId, roles));
      } catch (error) {
        if (error instanceof ApiError && [404, 405].includes(error.status)) {
          part("token-signin").open = true;
          throw new Error("Sign-in by user name is not available on this server. Use an access token instead.");
        }
        throw error;
      }
      enter(sessionFromToken(token, userId, roles));
    });
  });

  const tokenForm = part("token-form");
  tokenForm.addEventListener("submit", (event) => {
    event.preventDefault();
    act(tokenForm, async () => {
      const token = tokenForm.elements.token.value.trim().replace(/^Bearer\s+/i, "");
      const session = sessionFromToken(token);
      if (!token || !session.userId) throw new Error("That does not look like an access token for this API.");
      enter(session);
      tokenForm.reset();
    });
  });

  part("sign-out").addEventListener("click", () => signOut().then(() => state.auth?.signOut()));
}
