// What a hearing came to (court/outcomes.py): the outcomes recorded so far, the latest standing,
// and for a judge while the hearing is live, a form to record one: an enforcement interview's
// settlement or payment plan (sum, instalments, first due date), a remote confirmation's
// confirmation, a mediation's result. Shown for the kinds that have outcomes.
import type {
  HearingOut,
  OutcomeIn,
  OutcomeList,
  OutcomeOut,
  SessionOut,
} from "../generated/api";
import { KIND_RULES, LIVE_STATES, type Outcome } from "../generated/court";
import { api } from "../shared/api";
import { el, show } from "../shared/dom";
import { t } from "../shared/i18n";
import { fenOf, yuan } from "../shared/money";
import { courtDateTime } from "./court_time";
import { clearError, showError } from "./errors";

/** Fill `slot` with the hearing's outcomes (nothing for a kind without any). */
export async function mountOutcomes(
  slot: HTMLElement,
  session: SessionOut,
  hearing: HearingOut,
): Promise<void> {
  const choices = KIND_RULES[hearing.kind].outcomes;
  if (choices.length === 0) return;
  const zone = session.time_zone;
  const list = el("ol", { class: "rows", testid: "outcome-list" });
  const error = el("p", {
    class: "error",
    hidden: true,
    testid: "outcome-error",
  });
  const load = async (): Promise<void> => {
    const outcomes = await api<OutcomeList>(
      "GET",
      `/hearings/${hearing.id}/outcomes`,
    );
    const items = outcomes.items;
    show(
      list,
      ...(items.length === 0
        ? [el("li", { class: "muted", i18n: "staff.outcome.none" })]
        : []),
      ...items.map((o, i) => row(zone, o, i === items.length - 1)),
    );
  };
  const judging =
    session.role === "judge" && LIVE_STATES.includes(hearing.state);
  slot.replaceChildren(
    el(
      "section",
      { class: "outcomes", testid: "outcomes" },
      el("h3", { i18n: "staff.outcome.title" }),
      list,
      error,
      judging ? form(hearing.id, choices, error, load) : "",
    ),
  );
  await load().catch((failure) => showError(error, failure));
}

function row(zone: string, o: OutcomeOut, standing: boolean): HTMLElement {
  const plan =
    o.instalments !== null && o.first_due !== null
      ? t("staff.outcome.plan", {
          instalments: o.instalments,
          first_due: o.first_due,
        })
      : "";
  return el(
    "li",
    { class: standing ? "row standing" : "row superseded", testid: "outcome" },
    el("strong", { i18n: `outcome.${o.outcome as Outcome}` as const }),
    o.amount_fen !== null ? ` · ¥${yuan(o.amount_fen)}` : "",
    plan ? ` · ${plan}` : "",
    o.note ? el("p", {}, o.note) : "",
    el("small", { class: "muted" }, courtDateTime(zone, o.recorded_at)),
    standing
      ? ""
      : el("small", { class: "muted", i18n: "staff.outcome.superseded" }),
  );
}

function form(
  hearingId: number,
  choices: readonly Outcome[],
  error: HTMLElement,
  reload: () => Promise<void>,
): HTMLElement {
  const outcome = el("select", { testid: "outcome-choice" });
  for (const choice of choices) {
    outcome.append(
      el("option", { value: choice, i18n: `outcome.${choice}` as const }),
    );
  }
  const amount = el("input", {
    inputmode: "decimal",
    testid: "outcome-amount",
  });
  const instalments = el("input", {
    type: "number",
    min: "1",
    max: "120",
    testid: "outcome-instalments",
  });
  const firstDue = el("input", { type: "date", testid: "outcome-first-due" });
  const note = el("textarea", {
    rows: "2",
    maxlength: "4000",
    testid: "outcome-note",
  });
  const field = (
    key:
      | "staff.outcome.amount"
      | "staff.outcome.instalments"
      | "staff.outcome.first_due"
      | "staff.outcome.note",
    input: HTMLElement,
  ): HTMLElement => el("label", {}, el("span", { i18n: key }), input);
  const amountField = field("staff.outcome.amount", amount);
  const planFields = [
    field("staff.outcome.instalments", instalments),
    field("staff.outcome.first_due", firstDue),
  ];
  const fit = (): void => {
    amountField.hidden = !["settlement", "payment_plan"].includes(
      outcome.value,
    );
    for (const f of planFields) f.hidden = outcome.value !== "payment_plan";
  };
  outcome.addEventListener("change", fit);
  fit();
  const record = el("button", {
    type: "submit",
    i18n: "staff.outcome.record",
    testid: "outcome-record",
  });
  const root = el(
    "form",
    { class: "outcome-form", testid: "outcome-form" },
    el("label", {}, el("span", { i18n: "staff.outcome.choice" }), outcome),
    amountField,
    ...planFields,
    field("staff.outcome.note", note),
    record,
  );
  root.addEventListener("submit", (event) => {
    event.preventDefault();
    clearError(error);
    const body: OutcomeIn = { outcome: outcome.value };
    if (!amountField.hidden && amount.value.trim() !== "") {
      const fen = fenOf(amount.value);
      if (fen === null || fen <= 0) {
        error.hidden = false;
        error.setAttribute("role", "alert");
        error.textContent = t("staff.outcome.bad_amount");
        return;
      }
      body.amount_fen = fen;
    }
    if (outcome.value === "payment_plan") {
      if (instalments.value) body.instalments = Number(instalments.value);
      if (firstDue.value) body.first_due = firstDue.value;
    }
    if (note.value.trim() !== "") body.note = note.value;
    record.disabled = true;
    api<OutcomeOut>("POST", `/hearings/${hearingId}/outcomes`, body)
      .then(async () => {
        root.reset();
        fit();
        await reload();
      })
      .catch((failure: unknown) => showError(error, failure))
      .finally(() => {
        record.disabled = false;
      });
  });
  return root;
}
