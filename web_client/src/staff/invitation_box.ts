// One invitation link, shown once (only its hash stays on the server), with a copy button.
import { field, h, say } from "./dom";
import type { Invitation } from "./types";

export function invitationBox(invitation: Invitation): HTMLElement {
  const url = h("input", { readonly: true, value: invitation.url, testid: "invitation-link" });
  const copied = h("span", { class: "muted", role: "status", testid: "copied" });
  const copy = h("button", { type: "button", i18n: "staff.invitation.copy", testid: "copy" });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(invitation.url);
    } catch {
      // No clipboard API (a page served over plain HTTP off localhost): copy the selection.
      url.select();
      document.execCommand("copy");
    }
    say(copied, "staff.invitation.copied");
  });
  return h(
    "div",
    { class: "invitation-box" },
    field("staff.invitation.link", url),
    h("div", { class: "buttons" }, copy, copied),
    h("small", { class: "muted" }, h("span", { i18n: "staff.invitation.once" })),
  );
}
