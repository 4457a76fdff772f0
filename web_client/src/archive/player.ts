// The archive video, streamed with byte ranges (so the browser seeks without downloading it
// all), with its chapters and the exhibits shown: a click plays from there. Staff stream it from the API path (their
// cookie goes along); an invitation holder, whose token a <video> element cannot send, plays a
// short-lived signed link that is renewed when it stops working.
import type { ChapterOut, RecordingDetail } from "../generated/api";
import { el, setText } from "../shared/dom";
import { clock } from "./clock";
import { exhibitsShownView } from "./exhibits_shown";
import { label } from "./labels";

/** Where the player gets a URL the video element can load without headers. */
export interface VideoSource {
  /** A URL that works now (a fresh signed link). */
  link(): Promise<string>;
}

/** After a renewed link fails again this soon, it is not the link: say it cannot play. */
const RENEW_AGAIN_MS = 15_000;

/** The player's element, and its video when there is one to play (for the transcript beside it). */
export interface Player {
  view: HTMLElement;
  video: HTMLVideoElement | null;
}

export function playerView(recording: RecordingDetail, source?: VideoSource): Player {
  const archive = recording.archive;
  if (archive === null || !recording.archive_available) {
    const view = el(
      "div",
      { class: "player" },
      el("p", { class: "muted", i18n: "archive.no_video", testid: "no-video" }),
      exhibitsShownView(recording),
    );
    return { view, video: null };
  }
  const video = el("video", {
    controls: true,
    preload: "metadata",
    playsinline: true,
    testid: "video",
  });
  const problem = el("p", { class: "error", hidden: true, testid: "video-error" });
  const failed = (): void => {
    setText(problem, "archive.video_failed").hidden = false;
  };
  const download = el("a", {
    class: "button",
    download: true,
    i18n: "archive.download",
    testid: "download",
  });
  if (source === undefined) {
    video.src = archive.url;
    download.href = `${archive.url}?download=true`;
    video.addEventListener("error", failed);
  } else {
    playSigned(video, download, source, failed);
  }
  const view = el(
    "div",
    { class: "player" },
    video,
    problem,
    el("div", { class: "buttons" }, download),
    chapterList(recording, video),
    exhibitsShownView(
      recording,
      // as the chapters: moments counted from the start of the hearing do not match the video
      recording.chapters_source === "archive" ? (at) => playFrom(video, at) : undefined,
    ),
  );
  return { view, video };
}

/** Load a signed link; when it stops working (it expired while paused, say), take a fresh one
 * and carry on from the same moment. The download link is renewed before it is followed. */
function playSigned(
  video: HTMLVideoElement,
  download: HTMLAnchorElement,
  source: VideoSource,
  failed: () => void,
): void {
  let renewedAt = 0;
  let linkedAt = 0;
  const use = (url: string): void => {
    linkedAt = Date.now();
    video.src = url;
    download.href = `${url}&download=true`;
  };
  const renew = async (): Promise<void> => {
    const at = video.currentTime;
    const paused = video.paused;
    renewedAt = Date.now();
    use(await source.link());
    if (at > 0) video.currentTime = at;
    if (!paused) await video.play().catch(() => undefined);
  };
  video.addEventListener("error", () => {
    if (Date.now() - renewedAt < RENEW_AGAIN_MS) failed();
    else renew().catch(failed);
  });
  download.addEventListener("click", (event) => {
    // A link nearly as old as its lifetime (5 minutes) may not last the download: renew it.
    if (Date.now() - linkedAt < 60_000) return;
    event.preventDefault();
    void source.link().then((url) => {
      use(url);
      download.click();
    }, failed);
  });
  source.link().then(use, failed);
}

function chapterList(recording: RecordingDetail, video: HTMLVideoElement): HTMLElement {
  // Chapters from the timeline count from the start of the hearing, recesses included: they do
  // not match the video's clock, so only the archive's own chapters seek.
  const seekable = recording.chapters_source === "archive";
  const items = recording.chapters.map((chapter) => {
    const button = el(
      "button",
      { type: "button", class: "chapter", disabled: !seekable, testid: "chapter" },
      el("span", { class: "at" }, clock(chapter.start_seconds)),
      " ",
      // the timeline's chapters are phase codes; the archive's are already words
      label("phase", chapter.title),
    );
    button.addEventListener("click", () => playFrom(video, chapter.start_seconds));
    return { chapter, item: el("li", {}, button) };
  });
  video.addEventListener("timeupdate", () => {
    for (const { chapter, item } of items) {
      item.classList.toggle("current", playing(chapter, video));
    }
  });
  return el(
    "div",
    { class: "chapters" },
    el("h3", { i18n: "archive.chapters" }),
    items.length === 0
      ? el("p", { class: "muted", i18n: "archive.no_chapters" })
      : el("ol", { testid: "chapters" }, ...items.map(({ item }) => item)),
  );
}

export function playFrom(video: HTMLVideoElement, seconds: number): void {
  video.currentTime = seconds;
  void video.play().catch(() => undefined); // paused is fine: the seek is what was asked
}

function playing(chapter: ChapterOut, video: HTMLVideoElement): boolean {
  return video.currentTime >= chapter.start_seconds && video.currentTime < chapter.end_seconds;
}
