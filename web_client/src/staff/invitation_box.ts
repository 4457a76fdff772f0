// One invitation link, shown once (only its hash stays on the server): the link with a copy
// button, its QR code to scan from the screen, and for a hearing's participant the printable
// invitation (PDF: the case, the time in the court's zone and the participant's, the link and
// its QR code, the court's notice and what to prepare), which the server draws from the link's
// token while the page still holds it.
import type { InvitationOut } from "../generated/api";
import { el, field, setText } from "../shared/dom";
import { clearError, showRefusal } from "./errors";
import { invitationPdf } from "./invitation_api";

/** How long the fetched PDF stays reachable at its object URL (the save reads it at once). */
const KEEP_MS = 60_000;

/** `participantId`: whose hearing invitation it is (offers its PDF); none for other links. */
export function invitationBox(invitation: InvitationOut, participantId?: number): HTMLElement {
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
  const problem = el("p", { class: "error", hidden: true, testid: "invitation-pdf-error" });
  const print = el("button", {
    type: "button",
    i18n: "staff.invitation.pdf",
    testid: "invitation-pdf",
    hidden: participantId === undefined,
  });
  print.addEventListener("click", () => {
    if (participantId === undefined) return;
    clearError(problem);
    print.disabled = true;
    invitationPdf(participantId, invitation.token)
      .then((pdf) => save(pdf, `invitation-${participantId}.pdf`))
      .catch((failure: unknown) => showRefusal(problem, failure))
      .finally(() => {
        print.disabled = false;
      });
  });
  const qr = el("canvas", {
    class: "invitation-qr",
    role: "img",
    "aria-label": invitation.url,
    testid: "invitation-qr",
  });
  void drawQr(qr, invitation.url);
  return el(
    "div",
    { class: "invitation-box", testid: "invitation-box" },
    el(
      "div",
      { class: "invitation-link" },
      field("staff.invitation.link", url),
      el("div", { class: "buttons" }, copy, print, copied),
      el("small", { class: "muted" }, el("span", { i18n: "staff.invitation.once" })),
      problem,
    ),
    el("figure", {}, qr, el("figcaption", { class: "muted", i18n: "staff.invitation.qr" })),
  );
}

/** The link's QR code on `canvas`: its drawing code is loaded when a link is first shown. */
async function drawQr(canvas: HTMLCanvasElement, text: string): Promise<void> {
  const { toCanvas } = await import("qrcode");
  // a quiet zone of 4 modules and error correction M: what phones' cameras read at a glance
  await toCanvas(canvas, text, { errorCorrectionLevel: "M", margin: 4, scale: 5 });
}

/** Hand `blob` to the browser to save as `name`. */
function save(blob: Blob, name: string): void {
  const href = URL.createObjectURL(blob);
  const link = el("a", { href, download: name });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(href), KEEP_MS);
}
