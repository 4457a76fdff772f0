// One recording: the player with its chapters and the transcript beside it (and its sealed PDF), the hearing's
// timeline, the seal and who outside the bench was given access. The server decides who may see it (judges their own cases, clerks
// their court) and says why not.
import type { RecordingDetail, SessionOut } from "../generated/api";
import { api } from "../shared/api";
import { courtDate, courtDateTime } from "../staff/court_time";
import { el, show } from "../shared/dom";
import { showError } from "../staff/errors";
import { grantsView } from "./grants";
import { identityView } from "./identity";
import { label } from "./labels";
import { playerView } from "./player";
import { sealView } from "./seal";
import { timelineView } from "./timeline";
import { transcriptView } from "./transcript";
import { transcriptPdfView } from "./transcript_pdf";

/** `back` is the search this recording was opened from. */
export function detailView(session: SessionOut, recordingId: number, back: string): HTMLElement {
  const body = el("div", { class: "recording" }, el("p", { i18n: "common.loading" }));
  void (async () => {
    try {
      const recording = await api<RecordingDetail>("GET", `/recordings/${recordingId}`);
      const player = playerView(recording);
      const zone = session.time_zone;
      const day = courtDate(zone, new Date(recording.started_at ?? Date.now()));
      show(
        body,
        el("h2", { testid: "recording-title" }, `${recording.case_number} ${recording.case_title}`),
        el(
          "p",
          { class: "muted" },
          `${recording.hearing_title} · `,
          el("span", { i18n: `kind.${recording.kind}` as const }),
          " · ",
          recording.started_at ? courtDateTime(zone, recording.started_at) : "–",
          " · ",
          label("archive.recording", recording.state),
        ),
        el(
          "div",
          { class: "recording-grid" },
          player.view,
          el(
            "div",
            {},
            transcriptView(recording.id, player.video),
            transcriptPdfView(recording),
            sealView(zone, recording),
            identityView(zone, recording.hearing_id),
            timelineView(zone, day, recording.timeline),
          ),
        ),
        recording.grants !== null && grantsView(zone, recording),
      );
    } catch (error) {
      show(body, showError(el("p", { class: "error", testid: "recording-error" }), error));
    }
  })();
  return el(
    "section",
    { class: "card" },
    el("a", { href: back, i18n: "archive.back", testid: "back" }),
    body,
  );
}
