// A hearing's participants: add people by role, and give each invited person their personal
// link (shown once, with a copy button, its QR code and a printable invitation), a new one, sent
// by mail or SMS, or withdraw it (staff/invitation_actions.ts); the invitations sent and whether
// they arrived; whether each party or lawyer agreed to take part online. A trial's bench starts
// its deliberation from here; a deliberation's questions for the vote are listed and added here;
// a staggered hearing's stages (staff/stages.tsx) too.
import type {
  BenchGrantOut,
  ConsentView,
  HearingOut,
  InvitationOut,
  ParticipantCreated,
  ParticipantOut,
  SessionOut,
} from "../generated/api";
import { BENCH, type HearingKind } from "../generated/court";
import { ApiError, api } from "../shared/api";
import { hasMessage } from "../shared/i18n";
import { courtDateTime } from "./court_time";
import { el, setText, show } from "../shared/dom";
import { isDeliberation } from "../shared/deliberation";
import { refusalKey } from "../shared/refusals";
import { clearError, showError, showRefusal } from "./errors";
import { benchForm } from "./bench_form";
import { contactLine } from "./contact_fields";
import { mountCreditors } from "./creditors";
import { deliveriesView } from "./deliveries";
import { invitationActions, type InvitationPage } from "./invitation_actions";
import { channels } from "./invitation_api";
import { mountQuestions } from "./motions";
import { mountOutcomes } from "./outcomes";
import { publicToggle } from "./public_toggle";
import { mountAgreement } from "./agreement";
import { pairName } from "../live/interpretation";
import { mountStages } from "./stages";
import { participantForm } from "./participant_form";
import type { Items } from "./types";

export function participantsView(session: SessionOut, hearingId: number): HTMLElement {
  const zone = session.time_zone;
  const heading = el("div", { class: "hearing-head", testid: "hearing-head" });
  const list = el("ul", { class: "rows", testid: "participant-list" });
  const error = el("p", { class: "error", hidden: true, testid: "participants-error" });
  const links = new Map<number, InvitationOut>(); // issued on this page: shown until it is left
  const sent = deliveriesView(zone, hearingId);
  let people: ParticipantOut[] = [];
  const creditors = el("div", { class: "creditors-slot" }); // a creditors' meeting's roll
  const questions = el("div", { class: "questions-slot" }); // a deliberation's questions
  const stages = el("div", { class: "stages-slot" }); // a staggered hearing's stages
  const outcomes = el("div", { class: "outcomes-slot" }); // what the hearing came to
  const agreement = el("div", { class: "agreement-slot" }); // a mediation's agreement
  const deliberate = deliberateButton(hearingId, error);

  const load = async (): Promise<void> => {
    const [hearing, listed, grants] = await Promise.all([
      api<HearingOut>("GET", `/hearings/${hearingId}`),
      api<Items<ParticipantOut>>("GET", `/hearings/${hearingId}/participants`),
      api<Items<BenchGrantOut>>("GET", `/hearings/${hearingId}/bench-grants`),
    ]);
    people = listed.items;
    show(heading, ...hearingHead(zone, hearing), publicToggle(session, hearing, error, load));
    redraw();
    adding.setPeople(people);
    bench.update(people, grants.items);
    if (hearing.kind === "creditors_meeting" && creditors.childElementCount === 0) {
      mountCreditors(creditors, hearingId, load);
    }
    if (isDeliberation(hearing.kind) && questions.childElementCount === 0) {
      mountQuestions(questions, hearingId);
    }
    if (hearing.kind === "async_hearing" && stages.childElementCount === 0) {
      mountStages(stages, session, hearingId);
    }
    deliberate.hidden = !TRIALS.includes(hearing.kind);
    if (outcomes.childElementCount === 0) await mountOutcomes(outcomes, session, hearing);
    if (agreement.childElementCount === 0) mountAgreement(agreement, session, hearing);
  };
  /** Make a change, then show the list as the server now has it (or say what went wrong). */
  const act = async (change: () => Promise<void>): Promise<boolean> => {
    clearError(error);
    try {
      await change();
      await load();
      return true;
    } catch (failure) {
      showRefusal(error, failure);
      return false;
    }
  };
  const redraw = (): void => show(list, ...people.map((p) => personRow(p)));
  const adding = participantForm((body) =>
    act(async () => {
      const created = await api<ParticipantCreated>("POST", `/hearings/${hearingId}/participants`, body);
      if (created.invitation !== null) links.set(created.participant.id, created.invitation);
      sent.refresh(); // sent at once by mail or SMS when asked
    }),
  );
  const invitations: InvitationPage = {
    act,
    links,
    editing: new Set(),
    channels: { mail: false, sms: false },
    sent: () => sent.refresh(),
    redraw,
  };

  const bench = benchForm(hearingId, act);

  const personRow = (p: ParticipantOut): HTMLElement => {
    const invited = !BENCH.includes(p.role) && p.role !== "detainee";
    const row = el(
      "li",
      { class: "row person", testid: `participant-${p.id}` },
      el(
        "span",
        { class: "what" },
        el("strong", {}, p.name),
        el(
          "small",
          { class: "muted" },
          el("span", { i18n: p.presiding ? "role.presiding" : (`role.${p.role}` as const) }),
          p.side && " · ",
          p.side && sideLabel(p.side),
          p.interprets && el("span", { testid: "interprets" }, ` · ${pairName(p.interprets)}`),
        ),
        invited && el("small", { class: "muted contact", testid: "contact" }, contactLine(p)),
      ),
      invitationStatus(zone, p, invited),
      p.consent && consentStatus(zone, p.consent),
    );
    if (invited) row.append(...invitationActions(p, invitations));
    return row;
  };

  load().catch((failure) => showError(error, failure));
  sent.refresh();
  void channels().then((offered) => {
    invitations.channels = offered;
    adding.setChannels(offered);
    redraw();
  });
  return el(
    "section",
    { class: "card", testid: "participants" },
    el("a", { href: "#/", i18n: "staff.back" }),
    heading,
    el("a", {
      class: "button",
      href: `#/hearings/${hearingId}/evidence`,
      i18n: "exhibit.bench.link",
      testid: "evidence-link",
    }),
    error,
    el("h3", { i18n: "staff.participants.title" }),
    list,
    sent.root,
    bench.root,
    deliberate,
    outcomes,
    agreement,
    el("h3", { i18n: "staff.participants.add_title" }),
    adding.form,
    creditors,
    questions,
    stages,
  );
}

/** The hearing kinds whose panel deliberates on them afterwards. */
const TRIALS: readonly HearingKind[] = ["civil_trial", "criminal_trial"];

/** "Deliberate": a new deliberation of the hearing's bench, then its screen. */
function deliberateButton(hearingId: number, error: HTMLElement): HTMLElement {
  const start = el("button", { type: "button", i18n: "staff.deliberate", testid: "deliberate" });
  start.addEventListener("click", () => {
    clearError(error);
    start.disabled = true;
    api<HearingOut>("POST", `/hearings/${hearingId}/deliberation`, {})
      .then((created) => location.assign(`#/hearings/${created.id}`))
      .catch((failure: unknown) => {
        const key = failure instanceof ApiError ? refusalKey(failure.code) : null;
        if (key === null) {
          showError(error, failure);
        } else {
          setText(error, key).hidden = false;
          error.setAttribute("role", "alert");
        }
      })
      .finally(() => {
        start.disabled = false;
      });
  });
  return el(
    "div",
    { class: "deliberate", hidden: true },
    el("p", { class: "muted", i18n: "staff.deliberate.hint" }),
    start,
  );
}

function hearingHead(zone: string, hearing: HearingOut): HTMLElement[] {
  return [
    el("h2", {}, `${hearing.case_number} ${hearing.title}`),
    el(
      "p",
      { class: "muted" },
      courtDateTime(zone, hearing.scheduled_start),
      " · ",
      el("span", { i18n: `kind.${hearing.kind}` as const }),
      " · ",
      el("span", { i18n: hearing.public ? "staff.public" : "staff.private" }),
      " · ",
      el("span", { i18n: `state.${hearing.state}` as const, testid: "state" }),
    ),
  ];
}

function invitationStatus(zone: string, p: ParticipantOut, invited: boolean): HTMLElement {
  const status = el("span", {
    class: `invitation invitation-${p.invitation_status}`,
    testid: "invitation-status",
  });
  if (!invited) {
    const how = p.role === "detainee" ? "via_terminal" : "logs_in";
    return setText(status, `staff.participants.${how}`);
  }
  if (p.invitation_status === "active" && p.invitation_expires_at !== null) {
    const until = courtDateTime(zone, p.invitation_expires_at);
    return setText(status, "staff.invitation.active_until", { until });
  }
  return setText(status, `staff.invitation.${p.invitation_status}`);
}

/** Their answer on taking part online (parties and their lawyers are asked), with its time. */
function consentStatus(zone: string, consent: ConsentView): HTMLElement {
  const status = el("span", {
    class: "consent-answer",
    testid: "consent",
    "data-answer": consent.answer,
  });
  const answer = `consent.answer.${consent.answer}` as const;
  if (consent.at === null || consent.at === undefined) return setText(status, answer);
  status.append(el("span", { i18n: answer }), ` · ${courtDateTime(zone, consent.at)}`);
  return status;
}

function sideLabel(side: string): HTMLElement {
  const key = `staff.side.${side}`;
  return hasMessage(key) ? el("span", { i18n: key }) : el("span", {}, side);
}
