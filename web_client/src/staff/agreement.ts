// A mediation's agreement on the staff hearing page (docs/architecture.md#mediation-agreement):
// the bench writes the terms (each save names the version it changes: a change made meanwhile
// is refused and shown), sees who signed this text, an earlier one or not yet, and closes it.
import type { AgreementOut, HearingOut, SessionOut } from "../generated/api";
import { BENCH, LIVE_STATES, ROLE_LABELS } from "../generated/court";
import { ApiError, api } from "../shared/api";
import { el, setText, show } from "../shared/dom";
import { t } from "../shared/i18n";
import { words } from "../shared/money";
import { courtDateTime } from "./court_time";
import { clearError, showError, showRefusal } from "./errors";

const EVERY_MS = 5000;

/** Fill `slot` for a mediation (nothing for other kinds). */
export function mountAgreement(
  slot: HTMLElement,
  session: SessionOut,
  hearing: HearingOut,
): void {
  if (hearing.kind !== "mediation" || !BENCH.includes(session.role)) return;
  const path = `/hearings/${hearing.id}/agreement`;
  const writable =
    LIVE_STATES.includes(hearing.state) || hearing.state === "closed";
  const text = el("textarea", {
    rows: "6",
    maxlength: "20000",
    testid: "agreement-text",
  });
  const save = el("button", {
    type: "submit",
    class: "primary",
    i18n: "staff.agreement.save",
  });
  save.dataset.testid = "agreement-save";
  const close = el("button", { type: "button", i18n: "staff.agreement.close" });
  close.dataset.testid = "agreement-close";
  const signers = el("ul", { class: "rows", testid: "agreement-signers" });
  const state = el("p", { class: "muted", testid: "agreement-state" });
  const error = el("p", {
    class: "error",
    hidden: true,
    testid: "agreement-error",
  });
  const form = el("form", { testid: "agreement-form" }, text, save);
  let version = 0;
  let edited = false;
  text.addEventListener("input", () => {
    edited = true;
  });
  const fill = (agreement: AgreementOut | null): void => {
    version = agreement?.version ?? 0;
    if (!edited) text.value = agreement?.text ?? "";
    const closed = agreement?.closed_at != null;
    form.hidden = !writable || closed;
    // closed after the hearing: it is sealed with the hearing's record
    close.hidden = hearing.state !== "closed" || closed || agreement === null;
    if (agreement === null) setText(state, "staff.agreement.none");
    else if (closed)
      setText(state, "staff.agreement.closed", {
        at: courtDateTime(session.time_zone, agreement.closed_at ?? ""),
      });
    else
      setText(state, "staff.agreement.version", { version: agreement.version });
    show(
      signers,
      ...(agreement?.signers ?? []).map((s) =>
        el(
          "li",
          {
            class: "row",
            testid: "agreement-signer",
            "data-participant": String(s.participant_id),
          },
          el("strong", {}, s.name),
          el("small", { class: "muted" }, ` ${words(ROLE_LABELS[s.role])} `),
          el("span", {
            class: "state",
            "data-status": s.signed_at
              ? "signed"
              : s.signed_earlier
                ? "earlier"
                : "pending",
            i18n: s.signed_at
              ? "staff.agreement.signed"
              : s.signed_earlier
                ? "staff.agreement.signed_earlier"
                : "staff.agreement.pending",
          }),
        ),
      ),
    );
  };
  const load = async (): Promise<void> => {
    try {
      fill(await api<AgreementOut>("GET", path));
    } catch (failure) {
      if (failure instanceof ApiError && failure.code === "no_agreement")
        fill(null);
      else throw failure;
    }
  };
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearError(error);
    save.disabled = true;
    api<AgreementOut>("PUT", path, { text: text.value, version })
      .then((saved) => {
        edited = false;
        fill(saved);
      })
      .catch((failure: unknown) => showRefusal(error, failure))
      .finally(() => {
        save.disabled = false;
      });
  });
  close.addEventListener("click", () => {
    if (!confirm(t("staff.agreement.close_confirm"))) return;
    clearError(error);
    api<AgreementOut>("POST", `${path}/close`)
      .then(fill)
      .catch((failure: unknown) => showRefusal(error, failure));
  });
  slot.replaceChildren(
    el(
      "section",
      { class: "agreement", testid: "agreement" },
      el("h3", { i18n: "staff.agreement.title" }),
      state,
      form,
      signers,
      close,
      error,
    ),
  );
  const tick = (): void => {
    if (!slot.isConnected && slot.childElementCount > 0 && slot.dataset.shown)
      return;
    if (slot.isConnected) slot.dataset.shown = "1";
    load()
      .catch((failure: unknown) => showError(error, failure))
      .finally(() => window.setTimeout(tick, EVERY_MS));
  };
  tick();
}
