// Scheduling: open a case (or take the one with that number) and schedule a hearing in it,
// then go on to its participants. The server checks kinds, publicity and staff; its refusals
// are shown as they come.
import type {
  CaseIn,
  CaseOut,
  CourtroomOut,
  HearingOut,
  SessionOut,
  UserOut,
} from "../generated/api";
import { HEARING_KINDS, type HearingKind } from "../generated/court";
import { ApiError, api } from "../shared/api";
import { el, field } from "../shared/dom";
import { courtClock, courtDate, courtLocalToIso } from "./court_time";
import { clearError, showError } from "./errors";
import type { Items } from "./types";

export function scheduleView(
  session: SessionOut,
  onScheduled: (hearing: HearingOut) => void,
): HTMLElement {
  const number = el("input", {
    name: "number",
    required: true,
    maxlength: "100",
    testid: "case-number",
  });
  const title = el("input", {
    name: "title",
    required: true,
    maxlength: "500",
    testid: "case-title",
  });
  const kind = el(
    "select",
    { name: "kind", testid: "kind" },
    ...HEARING_KINDS.map((k) => el("option", { value: k, i18n: `kind.${k}` as const })),
  );
  const start = el("input", {
    name: "start",
    type: "datetime-local",
    required: true,
    value: nextHour(session.time_zone),
    testid: "start",
  });
  const duration = el("input", {
    name: "duration",
    type: "number",
    min: "5",
    max: "1440",
    value: "60",
    required: true,
    testid: "duration",
  });
  const isPublic = el("input", { name: "public", type: "checkbox", testid: "public" });
  const judge = el("select", { name: "judge", testid: "judge" });
  const clerk = el("select", { name: "clerk", testid: "clerk" });
  const courtroom = el("select", { name: "courtroom", testid: "courtroom" });
  const error = el("p", { class: "error", hidden: true, testid: "schedule-error" });
  const submit = el("button", {
    type: "submit",
    class: "primary",
    i18n: "staff.schedule.submit",
    testid: "schedule-submit",
  });
  void fillStaff(session, judge, clerk, courtroom, error);

  const form = el(
    "form",
    { class: "card", testid: "schedule-form" },
    el("h2", { i18n: "staff.schedule.title" }),
    el(
      "fieldset",
      {},
      el("legend", { i18n: "staff.schedule.case" }),
      field("staff.schedule.case_number", number),
      field("staff.schedule.case_title", title),
      field("staff.schedule.kind", kind),
    ),
    el(
      "fieldset",
      {},
      el("legend", { i18n: "staff.schedule.hearing" }),
      field("staff.schedule.start", start),
      field("staff.schedule.duration", duration),
      el("label", { class: "check" }, isPublic, el("span", { i18n: "staff.schedule.public" })),
      field("staff.schedule.judge", judge),
      field("staff.schedule.clerk", clerk),
      field("staff.schedule.courtroom", courtroom),
    ),
    error,
    el(
      "div",
      { class: "buttons" },
      el("a", { class: "button", href: "#/", i18n: "common.cancel" }),
      submit,
    ),
  );
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submit.disabled = true;
    clearError(error);
    try {
      const theCase = await caseNumbered({
        number: number.value.trim(),
        title: title.value.trim(),
        kind: kind.value as HearingKind, // the select offers HEARING_KINDS only
        judge_id: optionalId(judge.value),
      });
      const hearing = await api<HearingOut>("POST", `/cases/${theCase.id}/hearings`, {
        kind: kind.value,
        scheduled_start: courtLocalToIso(session.time_zone, start.value),
        duration_minutes: Number(duration.value),
        public: isPublic.checked,
        judge_id: optionalId(judge.value),
        clerk_id: optionalId(clerk.value),
        courtroom_id: optionalId(courtroom.value),
      });
      onScheduled(hearing);
    } catch (failure) {
      showError(error, failure);
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** The case with this number: newly opened, or the existing one (numbers are unique; the
 * heading of the participants screen then shows the case's own title). */
async function caseNumbered(wanted: CaseIn): Promise<CaseOut> {
  try {
    return await api<CaseOut>("POST", "/cases", wanted);
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 409) throw error;
    const number = encodeURIComponent(wanted.number);
    const { items } = await api<Items<CaseOut>>("GET", `/cases?number=${number}`);
    if (items.length === 0) throw error;
    return items[0];
  }
}

async function fillStaff(
  session: SessionOut,
  judge: HTMLSelectElement,
  clerk: HTMLSelectElement,
  courtroom: HTMLSelectElement,
  error: HTMLElement,
): Promise<void> {
  try {
    const [users, rooms] = await Promise.all([
      api<Items<UserOut>>("GET", "/users"),
      api<Items<CourtroomOut>>("GET", `/courts/${session.court_id}/courtrooms`),
    ]);
    const active = users.items.filter((u) => u.active);
    const options = (role: "judge" | "clerk"): HTMLOptionElement[] =>
      active
        .filter((u) => u.role === role)
        .map((u) =>
          el("option", { value: String(u.id), selected: u.id === session.id }, u.display_name),
        );
    judge.append(
      el("option", { value: "", i18n: "staff.schedule.case_judge" }),
      ...options("judge"),
    );
    clerk.append(el("option", { value: "", i18n: "staff.schedule.none" }), ...options("clerk"));
    courtroom.append(
      el("option", { value: "", i18n: "staff.schedule.none" }),
      ...rooms.items.map((r) => el("option", { value: String(r.id) }, r.name)),
    );
  } catch (failure) {
    showError(error, failure);
  }
}

function optionalId(value: string): number | null {
  return value === "" ? null : Number(value);
}

/** The next full hour on the court's clock, as a datetime-local value. */
function nextHour(zone: string): string {
  const hour = Math.min(23, Number(courtClock(zone, new Date().toISOString()).slice(0, 2)) + 1);
  return `${courtDate(zone)}T${String(hour).padStart(2, "0")}:00`;
}
