// After the hearing: what a party (lawyer, prosecutor...) opening their invitation link sees.
// When the court gave them access to the recording: the player on a short-lived signed link
// (seekable), its chapters, the transcript beside it (below it on a phone), a download, the
// transcript's sealed PDF (fetched with the invitation's header), the
// seal checked at once with the verification code given at close, and the hearing's timeline. Otherwise a plain explanation of how to ask for it.
// The clerk archive's components are reused; the server checks and audits every access.
import "../archive/archive.css";
import "./party.css";
import type { ArchiveLink, RecordingDetail, RecordingList } from "../generated/api";
import { playerView } from "../archive/player";
import { sealView } from "../archive/seal";
import { timelineView } from "../archive/timeline";
import { transcriptView } from "../archive/transcript";
import { transcriptPdfView } from "../archive/transcript_pdf";
import { label } from "../archive/labels";
import { ApiError, api } from "../shared/api";
import { el, show } from "../shared/dom";
import { courtDate, courtDateTime } from "../staff/court_time";
import { showError } from "../staff/errors";

/** The recording section of the page (the invitation card sits above it). */
export function partyRecordingView(): HTMLElement {
  const body = el(
    "section",
    { class: "party-recording", testid: "party-recording" },
    el("p", { i18n: "common.loading" }),
  );
  void load(body);
  return body;
}

async function load(body: HTMLElement): Promise<void> {
  let found: RecordingList;
  try {
    found = await api<RecordingList>("GET", "/recordings");
  } catch (error) {
    // forbidden: a role that never retrieves recordings (a witness, an observer).
    if (error instanceof ApiError && error.status === 403) show(body, notGranted());
    else show(body, failure(error));
    return;
  }
  if (found.items.length === 0) {
    show(body, notGranted());
    return;
  }
  await open(body, found, found.items[0].id);
}

async function open(body: HTMLElement, found: RecordingList, recordingId: number): Promise<void> {
  show(body, el("p", { i18n: "common.loading" }));
  let recording: RecordingDetail;
  try {
    recording = await api<RecordingDetail>("GET", `/recordings/${recordingId}`);
  } catch (error) {
    // The grant was withdrawn between the list and now.
    if (error instanceof ApiError && error.status === 403) show(body, notGranted());
    else show(body, failure(error));
    return;
  }
  const zone = recording.time_zone;
  const day = courtDate(zone, new Date(recording.started_at ?? Date.now()));
  const link = async (): Promise<string> =>
    (await api<ArchiveLink>("POST", `/recordings/${recording.id}/archive/link`)).url;
  const player = playerView(recording, { link });
  show(
    body,
    el("h2", { i18n: "party.recording.title" }),
    el(
      "p",
      { class: "muted", testid: "recording-when" },
      el("span", { i18n: "party.recording.held" }),
      " ",
      recording.started_at ? courtDateTime(zone, recording.started_at) : "–",
      " · ",
      label("archive.recording", recording.state),
    ),
    found.items.length > 1 && others(body, found, recording.id, zone),
    el("div", { class: "recording-grid" }, player.view, transcriptView(recording.id, player.video)),
    transcriptPdfView(recording),
    el(
      "div",
      { class: "party-seal" },
      sealView(zone, recording, { verifyNow: true }),
      recording.seal.sealed && el("p", { class: "muted", i18n: "party.recording.code_hint" }),
    ),
    timelineView(zone, day, recording.timeline),
  );
}

/** A hearing recorded more than once (say, after a restart): a choice between them. */
function others(body: HTMLElement, found: RecordingList, shown: number, zone: string): HTMLElement {
  return el(
    "nav",
    { class: "buttons party-recordings", testid: "party-recordings" },
    ...found.items.map((item) => {
      const choose = el(
        "button",
        { type: "button", "aria-pressed": String(item.id === shown), testid: "party-choose" },
        item.started_at ? courtDateTime(zone, item.started_at) : `#${item.id}`,
      );
      choose.addEventListener("click", () => void open(body, found, item.id));
      return choose;
    }),
  );
}

function notGranted(): HTMLElement {
  return el(
    "div",
    { class: "party-none", testid: "party-no-recording", role: "status" },
    el("h2", { i18n: "party.none.title" }),
    el("p", { i18n: "party.none.body" }),
  );
}

function failure(error: unknown): HTMLElement {
  return showError(el("p", { class: "problem", testid: "party-error" }), error);
}
