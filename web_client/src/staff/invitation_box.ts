// One invitation link, shown once (only its hash stays on the server), with a copy button.
import type { InvitationOut } from "../generated/api";
import { el, field, setText } from "../shared/dom";

export function invitationBox(invitation: InvitationOut): HTMLElement {
  const url = el("input", { readonly: true, value: invitation.url, testid: "invitation-link" });
  const copied = el("span", { class: "muted", role: "status", testid: "copied" });
  const copy = el("button", { type: "button", i18n: "staff.invitation.copy", testid: "copy" });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(invitation.url);
    } catch {
      // No clipboard API (a page served over plain HTTP off localhost): copy the selection.
      url.select();
      document.execCommand("copy");
    }
    setText(copied, "staff.invitation.copied");
  });
  return el(
    "div",
    { class: "invitation-box" },
    field("staff.invitation.link", url),
    el("div", { class: "buttons" }, copy, copied),
    el("small", { class: "muted" }, el("span", { i18n: "staff.invitation.once" })),
  );
}
