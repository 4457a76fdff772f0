// An invitation link (/join#<token>): the hearing it is for, the court's notice on taking part
// online (and, the first time, whether they agree), the self-test and, for those who submit
// evidence, the case's exhibits; then the waiting room and the hearing itself; once the
// hearing is closed, the transcript to confirm (signing/) and its recording if the court
// granted it. A staggered hearing (async_hearing) shows its stages instead of the courtroom
// (party/staggered.tsx); once the court turned it into a live hearing, the courtroom as for
// any hearing, with a notice at the top and the stages read-only below.
import "../shared/base.css";
import "../live/live.css";
import type { InvitationInfo, StageList } from "../generated/api";
import { LIVE_STATES } from "../generated/court";
import type { SelfTestIn } from "../generated/protocol";
import { ApiError, api, useInvitation } from "../shared/api";
import {
  languageChosen,
  languageSwitch,
  type MessageKey,
  setLanguage,
  startI18n,
} from "../shared/i18n";
import { may } from "../shared/permissions";
import { refusalKey } from "../shared/refusals";
import { button, el, setText } from "../shared/dom";
import { type ConsentStep, consentStep } from "../live/consent";
import { hearingTimes, invitationCard } from "../live/invitation";
import { queueCard } from "../live/queue";
import { SelfTest } from "../live/selftest";
import { forgetSeat, rejoinPanel, rememberedSeat, rememberSeat } from "../live/rejoin";
import { LiveSession } from "../live/session";
import { HearingView } from "../live/view";

const app = document.getElementById("app") as HTMLElement;

async function main(): Promise<void> {
  startI18n();
  const token = decodeURIComponent(location.hash.slice(1));
  if (!token) {
    problem("live.join.no_token");
    return;
  }
  useInvitation(token);
  let info: InvitationInfo;
  try {
    info = await api<InvitationInfo>("GET", "/invitation");
  } catch (error) {
    const message = error instanceof ApiError ? error.message : String(error);
    const code = error instanceof ApiError ? error.code : "network";
    // The reason in the person's language when we know it (expired, withdrawn...).
    const known = refusalKey(code);
    if (known !== null) problem(known, undefined, code);
    else problem("live.join.invalid", { message });
    return;
  }
  // the language the court recorded for them, unless they chose one on this device
  if (info.language !== null && !languageChosen()) {
    setLanguage(info.language === "en" ? "en" : "zh-CN", false);
  }
  const top = el("div.top-bar", {}, languageSwitch());
  if (info.hearing.state === "closed") {
    // After the hearing the link serves only to retrieve what the court granted (loaded only
    // then: the live screens' visitors do not download the player).
    // when it was held is the recording's to say, not the schedule's
    const card = invitationCard(info, "party.closed.card_title", false);
    const { partyRecordingView } = await import("../party/recording");
    const signing = el("div", {});
    const agreement = el("div", {});
    app.replaceChildren(
      el("div.page.party", {}, top, card, agreement, signing, partyRecordingView()),
    );
    // a mediation's agreement, which its parties and agents sign
    if (info.hearing.kind === "mediation" && may(info.role, "sign_agreement", "closed")) {
      const { mountAgreement } = await import("../signing/agreement");
      mountAgreement(agreement, info.hearing.id);
    }
    // those who sign the transcript (not observers) confirm it here
    if (may(info.role, "sign_transcript", "closed")) {
      const { mountConfirmation } = await import("../signing/confirm");
      mountConfirmation(signing, info.hearing.id);
    }
    return;
  }
  const page = el("div.page.join", {}, top);
  app.replaceChildren(page);
  // a staggered hearing the court turned live goes on as a live hearing, with the same link
  const turnedLive = info.hearing.kind === "async_hearing" && (await liveAt(info.hearing.id)) !== null;
  const staggeredOnly = info.hearing.kind === "async_hearing" && !turnedLive;
  const seat = info.participant_id;
  const observer = info.role === "observer";
  let leaveEvidence = (): void => {};
  const enter = (stream: MediaStream | null, selfTest: Promise<SelfTestIn> | null): void => {
    leaveEvidence();
    rememberSeat(seat, stream);
    const credentials = { hearingId: info.hearing.id, invitation: token };
    const session = new LiveSession(credentials, stream, selfTest);
    const view = new HearingView(session, {
      mode: "participant",
      title: `${info.case_number} ${info.hearing.title}`,
      onEnded: (ending) => {
        forgetSeat(seat);
        // in a mediation sitting, the party common to the cases goes on to the next one
        if (ending.kind === "closed") view.appendToEnding(queueCard(info, true));
      },
      waitingFacts: el("div", {}, hearingTimes(info), queueCard(info)),
    });
    app.replaceChildren(view.root);
    session.start();
  };
  const full = async (): Promise<void> => {
    leaveEvidence();
    page.replaceChildren(
      top,
      ...(turnedLive ? [liveNotice()] : []),
      invitationCard(info),
      queueCard(info),
    );
    // The court's notice on taking part online, and (the first time) whether they agree:
    // answered before the self-test starts.
    let consent: ConsentStep;
    try {
      consent = await consentStep();
    } catch (error) {
      const message = error instanceof ApiError ? error.message : String(error);
      problem("live.join.invalid", { message });
      return;
    }
    page.append(consent.root);
    await consent.answered;
    if (staggeredOnly) {
      // A staggered hearing is taken part in stage by stage, here, not in a live courtroom.
      await staggered();
      return;
    }
    if (observer) {
      page.append(
        el("p", { i18n: "live.join.observer_note" }),
        button("live.join.enter", "join-button", () => enter(null, null), "primary"),
      );
      return;
    }
    const test: SelfTest = new SelfTest((stream) => enter(stream, test.result()));
    page.append(test.root);
    if (turnedLive) await stagesBelow();
    await evidence();
    await test.run();
  };
  const evidence = async (): Promise<void> => {
    if (!may(info.role, "submit_exhibit")) return;
    // Loaded only for those who submit evidence (the others' pages stay without Preact).
    const host = el("div", {});
    page.append(host);
    const { mountEvidence } = await import("../party/evidence");
    leaveEvidence = mountEvidence(host, info);
  };
  const staggered = async (): Promise<void> => {
    const host = el("div", {});
    page.append(host);
    const { mountStaggered } = await import("../party/staggered");
    // the court turning it live meanwhile: the page again, now with the live courtroom
    mountStaggered(host, info, () => location.reload());
    await evidence();
  };
  const stagesBelow = async (): Promise<void> => {
    const host = el("div.stages-read-only", {});
    page.append(host);
    const { mountStaggered } = await import("../party/staggered");
    mountStaggered(host, info); // every stage is closed: nothing to submit, all to read
  };
  const devices = rememberedSeat(seat);
  if (devices !== null && LIVE_STATES.includes(info.hearing.state) && !staggeredOnly) {
    // Reloaded mid-hearing: one tap back to the seat.
    const back = (stream: MediaStream | null, result: SelfTestIn): void =>
      enter(stream, observer ? null : Promise.resolve(result));
    page.append(
      el("p.rejoin-case", { testid: "case" }, `${info.case_number} ${info.hearing.title}`),
      rejoinPanel(observer ? "none" : devices, back, () => void full()),
    );
    return;
  }
  await full();
}

/** When the court turned a staggered hearing into a live one; null while it is staggered. */
async function liveAt(hearingId: number): Promise<string | null> {
  try {
    const list = await api<StageList>("GET", `/hearings/${hearingId}/stages`);
    return list.live_at ?? null;
  } catch {
    return null; // the stages' page says what went wrong
  }
}

function liveNotice(): HTMLElement {
  return el(
    "div.notice.turned-live",
    { testid: "turned-live", role: "status" },
    el("strong", { i18n: "stag.live.notice" }),
    el("p", { i18n: "stag.live.notice_more" }),
  );
}

function problem(key: MessageKey, vars?: Record<string, string>, code?: string): void {
  const text = el("p.problem", { testid: "join-problem", role: "alert" });
  if (code !== undefined) text.dataset.code = code;
  setText(text, key, vars);
  app.replaceChildren(el("div.page", {}, el("div.top-bar", {}, languageSwitch()), text));
}

void main();
