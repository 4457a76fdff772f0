// The hearing's transcript beside the archive video (docs/architecture.md#client-views): who
// spoke and what they said, the timeline's facts set apart, the line being played highlighted;
// a click (or Enter) on a line plays the video from its moment. The server places each line in
// the video as it places the exhibits shown (a line in a recess: where the video goes on after
// the recess card; a line before or after the recording: no moment, it does not seek).
import type { ArchiveLine, RecordingTranscript } from "../generated/api";
import { api } from "../shared/api";
import { el, show } from "../shared/dom";
import { language, onLanguageChange } from "../shared/i18n";
import { showError } from "../staff/errors";
import { clock } from "./clock";
import { playFrom } from "./player";

/** `video`: the player's, which the lines seek; none (no archive yet): the lines are read only. */
export function transcriptView(recordingId: number, video: HTMLVideoElement | null): HTMLElement {
  const body = el("div", {}, el("p", { class: "muted", i18n: "common.loading" }));
  void (async () => {
    try {
      const transcript = await api<RecordingTranscript>(
        "GET",
        `/recordings/${recordingId}/transcript`,
      );
      // before the video is made the moments count from the start of the hearing: no seeking
      const seeks = transcript.source === "archive" ? video : null;
      show(body, transcript.lines.length === 0 ? none() : linesView(transcript.lines, seeks));
    } catch (error) {
      show(body, showError(el("p", { class: "error", testid: "transcript-error" }), error));
    }
  })();
  return el(
    "section",
    { class: "archive-transcript", testid: "transcript" },
    el("h3", { i18n: "archive.transcript.title" }),
    body,
  );
}

function none(): HTMLElement {
  return el("p", { class: "muted", i18n: "archive.transcript.none", testid: "no-transcript" });
}

function linesView(lines: ArchiveLine[], video: HTMLVideoElement | null): HTMLElement {
  const items = lines.map((line) =>
    el("li", { class: `line-${line.kind}` }, lineView(line, video)),
  );
  const list = el("ol", { class: "lines", testid: "transcript-lines" }, ...items);
  if (video !== null) follow(video, lines, items, list);
  return el(
    "div",
    {},
    video !== null && el("p", { class: "muted hint", i18n: "archive.transcript.hint" }),
    list,
  );
}

function lineView(line: ArchiveLine, video: HTMLVideoElement | null): HTMLElement {
  const at = el("span", { class: "at" }, line.seconds === null ? "–" : clock(line.seconds));
  const words =
    line.kind === "fact"
      ? el("span", { class: "words" }, factText(line))
      : el(
          "span",
          { class: "words" },
          el("strong", { class: "speaker" }, line.speaker ?? ""),
          " ",
          el("span", { class: "said" }, line.text ?? ""),
        );
  const seconds = line.seconds;
  if (video === null || seconds === null) {
    const still = el("div", { class: "line", testid: "transcript-line" }, at, words);
    if (seconds === null) still.classList.add("off-video");
    return still;
  }
  const button = el(
    "button",
    { type: "button", class: "line", testid: "transcript-line" },
    at,
    words,
  );
  button.addEventListener("click", () => playFrom(video, seconds));
  return button;
}

/** A fact in the page's language, again in the other after a switch (the server words it in
 * both). */
function factText(line: ArchiveLine): HTMLElement {
  const text = el("em", { class: "fact-words" });
  const say = (): void => {
    text.textContent = (language() === "en" ? line.fact_en : line.fact_zh) ?? line.fact ?? "";
  };
  say();
  const stop = onLanguageChange(() => {
    if (text.isConnected) say();
    else stop(); // the view was taken off the page
  });
  return text;
}

/** Highlight the last line whose moment has come, and keep it in sight in the list while the
 * video plays. */
function follow(
  video: HTMLVideoElement,
  lines: ArchiveLine[],
  items: HTMLElement[],
  list: HTMLElement,
): void {
  let current = -1;
  const update = (): void => {
    const now = video.currentTime + 0.05; // a seek lands on a frame just before the moment
    let found = -1;
    lines.forEach((line, index) => {
      if (line.seconds !== null && line.seconds <= now) found = index;
    });
    if (found === current) return;
    items[current]?.classList.remove("current");
    items[current]?.removeAttribute("aria-current");
    current = found;
    const item = items[current];
    if (item === undefined) return;
    item.classList.add("current");
    item.setAttribute("aria-current", "true");
    if (item.offsetTop < list.scrollTop || item.offsetTop > list.scrollTop + list.clientHeight) {
      list.scrollTop = item.offsetTop - list.clientHeight / 3; // the list only, not the page
    }
  };
  video.addEventListener("timeupdate", update);
  video.addEventListener("seeked", update);
}
