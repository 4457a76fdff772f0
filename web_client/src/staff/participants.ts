// A hearing's participants: add people by role, and give each invited person their personal
// link (shown once, with a copy button), a new one, or withdraw it; whether each party or lawyer
// agreed to take part online.
import type {
  ConsentView,
  HearingOut,
  InvitationOut,
  ParticipantCreated,
  ParticipantOut,
  SessionOut,
} from "../generated/api";
import { BENCH } from "../generated/court";
import { api } from "../shared/api";
import { hasMessage, t } from "../shared/i18n";
import { courtDateTime } from "./court_time";
import { el, setText, show } from "../shared/dom";
import { clearError, showError } from "./errors";
import { invitationBox } from "./invitation_box";
import { participantForm } from "./participant_form";
import type { Items } from "./types";

export function participantsView(session: SessionOut, hearingId: number): HTMLElement {
  const zone = session.time_zone;
  const heading = el("div", { class: "hearing-head", testid: "hearing-head" });
  const list = el("ul", { class: "rows", testid: "participant-list" });
  const error = el("p", { class: "error", hidden: true, testid: "participants-error" });
  const links = new Map<number, InvitationOut>(); // issued on this page: shown until it is left

  const load = async (): Promise<void> => {
    const [hearing, people] = await Promise.all([
      api<HearingOut>("GET", `/hearings/${hearingId}`),
      api<Items<ParticipantOut>>("GET", `/hearings/${hearingId}/participants`),
    ]);
    show(heading, ...hearingHead(zone, hearing));
    show(list, ...people.items.map((p) => personRow(p)));
    adding.setPeople(people.items);
  };
  /** Make a change, then show the list as the server now has it (or say what went wrong). */
  const act = async (change: () => Promise<void>): Promise<boolean> => {
    clearError(error);
    try {
      await change();
      await load();
      return true;
    } catch (failure) {
      showError(error, failure);
      return false;
    }
  };
  const adding = participantForm((body) =>
    act(async () => {
      const created = await api<ParticipantCreated>("POST", `/hearings/${hearingId}/participants`, body);
      if (created.invitation !== null) links.set(created.participant.id, created.invitation);
    }),
  );

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
          el("span", { i18n: `role.${p.role}` as const }),
          p.side && " · ",
          p.side && sideLabel(p.side),
        ),
      ),
      invitationStatus(zone, p, invited),
      p.consent && consentStatus(zone, p.consent),
    );
    if (!invited) return row;
    const reissue = el("button", {
      type: "button",
      i18n: "staff.invitation.reissue",
      testid: "reissue",
    });
    reissue.addEventListener("click", () =>
      act(async () => {
        links.set(p.id, await api<InvitationOut>("POST", `/participants/${p.id}/invitation`, {}));
      }),
    );
    const revoke = el("button", {
      type: "button",
      class: "danger",
      i18n: "staff.invitation.revoke",
      testid: "revoke",
      hidden: p.invitation_status !== "active",
    });
    revoke.addEventListener("click", () => {
      if (!confirm(t("staff.invitation.revoke_confirm", { name: p.name }))) return;
      void act(async () => {
        await api("DELETE", `/participants/${p.id}/invitation`);
        links.delete(p.id);
      });
    });
    row.append(el("span", { class: "actions" }, reissue, revoke));
    const link = links.get(p.id);
    if (link !== undefined && p.invitation_status === "active") row.append(invitationBox(link));
    return row;
  };

  load().catch((failure) => showError(error, failure));
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
    el("h3", { i18n: "staff.participants.add_title" }),
    adding.form,
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
