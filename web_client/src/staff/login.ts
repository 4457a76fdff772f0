// The staff login form: username and password; wrong credentials and throttling said plainly.
import type { SessionOut } from "../generated/api";
import { ApiError } from "../shared/api";
import { el, setText } from "../shared/dom";
import { clearError, showError } from "./errors";
import { logIn } from "./session";

export function loginView(onLoggedIn: (session: SessionOut) => void): HTMLElement {
  const username = el("input", {
    name: "username",
    autocomplete: "username",
    required: true,
    testid: "login-username",
  });
  const password = el("input", {
    name: "password",
    type: "password",
    autocomplete: "current-password",
    required: true,
    testid: "login-password",
  });
  const submit = el("button", { type: "submit", class: "primary", i18n: "staff.login.submit" });
  const error = el("p", { class: "error", hidden: true, testid: "login-error" });
  const form = el(
    "form",
    { class: "card login", testid: "login-form" },
    el("h1", { i18n: "staff.login.title" }),
    el("label", { class: "field" }, el("span", { i18n: "staff.login.username" }), username),
    el("label", { class: "field" }, el("span", { i18n: "staff.login.password" }), password),
    error,
    submit,
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    clearError(error);
    try {
      const session = await logIn(username.value.trim(), password.value);
      if (session === null) throw new Error("not a staff account");
      onLoggedIn(session);
    } catch (failure) {
      if (failure instanceof ApiError && failure.status === 401) {
        setText(error, "staff.login.bad_credentials").hidden = false;
        error.setAttribute("role", "alert");
      } else {
        showError(error, failure);
      }
      password.select();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}
