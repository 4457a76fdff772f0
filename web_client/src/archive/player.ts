// The archive video, streamed with byte ranges (so the browser seeks without downloading it
// all; the staff cookie authenticates it), with its chapters: a click plays from there.
import { h, say } from "../staff/dom";
import type { Chapter, RecordingDetail } from "./types";

export function playerView(recording: RecordingDetail): HTMLElement {
  const archive = recording.archive;
  if (archive === null || !recording.archive_available) {
    return h("p", { class: "muted", i18n: "archive.no_video", testid: "no-video" });
  }
  const video = h("video", {
    src: archive.url,
    controls: true,
    preload: "metadata",
    playsinline: true,
    testid: "video",
  });
  const problem = h("p", { class: "error", hidden: true, testid: "video-error" });
  video.addEventListener("error", () => {
    say(problem, "archive.video_failed").hidden = false;
  });
  const download = h("a", {
    class: "button",
    href: `${archive.url}?download=true`,
    download: true,
    i18n: "archive.download",
    testid: "download",
  });
  return h(
    "div",
    { class: "player" },
    video,
    problem,
    h("div", { class: "buttons" }, download),
    chapterList(recording, video),
  );
}

function chapterList(recording: RecordingDetail, video: HTMLVideoElement): HTMLElement {
  // Chapters from the timeline count from the start of the hearing, recesses included: they do
  // not match the video's clock, so only the archive's own chapters seek.
  const seekable = recording.chapters_source === "archive";
  const items = recording.chapters.map((chapter) => {
    const button = h(
      "button",
      { type: "button", class: "chapter", disabled: !seekable, testid: "chapter" },
      h("span", { class: "at" }, clock(chapter.start_seconds)),
      ` ${chapter.title}`,
    );
    button.addEventListener("click", () => {
      video.currentTime = chapter.start_seconds;
      void video.play().catch(() => undefined); // paused is fine: the seek is what was asked
    });
    return { chapter, item: h("li", {}, button) };
  });
  video.addEventListener("timeupdate", () => {
    for (const { chapter, item } of items) {
      item.classList.toggle("current", playing(chapter, video));
    }
  });
  return h(
    "div",
    { class: "chapters" },
    h("h3", { i18n: "archive.chapters" }),
    items.length === 0
      ? h("p", { class: "muted", i18n: "archive.no_chapters" })
      : h("ol", { testid: "chapters" }, ...items.map(({ item }) => item)),
  );
}

function playing(chapter: Chapter, video: HTMLVideoElement): boolean {
  return video.currentTime >= chapter.start_seconds && video.currentTime < chapter.end_seconds;
}

/** H:MM:SS or M:SS. */
function clock(seconds: number): string {
  const whole = Math.floor(seconds);
  const [h_, m, s] = [Math.floor(whole / 3600), Math.floor((whole % 3600) / 60), whole % 60];
  const two = (n: number): string => String(n).padStart(2, "0");
  return h_ > 0 ? `${h_}:${two(m)}:${two(s)}` : `${m}:${two(s)}`;
}
