// An audio or video exhibit on screen, in step with its presenter (docs/architecture.md#
// presenting-an-exhibit): the presenter plays it with the element's own controls and a button;
// a follower's copy plays, pauses and seeks as the presenter's does.
import type { VNode } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { PresentedView } from "../../generated/protocol";
import { t } from "../../shared/i18n";
import { DRIFT_S, expectedPosition, type Shown } from "./sync";

interface MediaProps {
  shown: Shown;
  /** The presenter's play, pause and seek (absent on a follower's screen). */
  onMove?: (view: PresentedView, now: boolean) => void;
}

type Blocked = "no" | "muted" | "stopped";

/** An audio or video exhibit. The presenter plays it with the element's own controls and the
 * buttons under it; a follower's copy plays, pauses and seeks as the presenter's does. */
export function MediaView({ shown, onMove }: MediaProps): VNode {
  const { presentation, view } = shown;
  const element = useRef<HTMLMediaElement | null>(null);
  const [blocked, setBlocked] = useState<Blocked>("no");
  const [playing, setPlaying] = useState(false);
  // the first link stays (a new one would load the file again), unless it stops working
  const [src, setSrc] = useState(presentation.file_url);
  const video = presentation.media_type.startsWith("video/");

  const play = (media: HTMLMediaElement): void => {
    media.play().catch(() => {
      // the browser wants a tap before sound: play muted, else wait for the tap
      if (media.muted) {
        setBlocked("stopped");
        return;
      }
      media.muted = true;
      setBlocked("muted");
      media.play().catch(() => setBlocked("stopped"));
    });
  };
  const follow = (): void => {
    const media = element.current;
    if (media === null) return;
    const expected = expectedPosition(view, shown.at, performance.now());
    if (Math.abs(media.currentTime - expected) > DRIFT_S) media.currentTime = expected;
    if (view.playing && media.paused) play(media);
    if (!view.playing && !media.paused) media.pause();
  };
  useEffect(() => {
    // the presenter's own copy starts where the hearing's is, then leads
    if (onMove !== undefined && element.current !== null)
      element.current.currentTime = view.position;
  }, []);
  useEffect(() => {
    if (onMove !== undefined) return;
    follow();
    const timer = window.setInterval(follow, 1000);
    return () => window.clearInterval(timer);
  }, [shown.seq, shown.at, onMove === undefined]);

  const told = (now: boolean) => (): void => {
    const media = element.current;
    if (media === null) return;
    setPlaying(!media.paused);
    onMove?.({ ...view, playing: !media.paused, position: media.currentTime }, now);
  };
  const attributes = {
    ref: (node: HTMLMediaElement | null) => {
      element.current = node;
    },
    src,
    onError: () => {
      if (presentation.file_url !== src) setSrc(presentation.file_url);
    },
    preload: "auto" as const,
    controls: onMove !== undefined,
    "data-testid": "present-media",
    "aria-label": presentation.title,
    onPlay: told(true),
    onPause: told(true),
    onSeeked: told(true),
  };
  const tap = (): void => {
    const media = element.current;
    if (media === null) return;
    media.muted = false;
    setBlocked("no");
    if (view.playing || onMove !== undefined) play(media);
  };
  return (
    <div class="present-media">
      {video ? <video {...attributes} playsInline /> : <audio {...attributes} />}
      {blocked !== "no" && (
        <button type="button" class="primary" data-testid="present-unblock" onClick={tap}>
          {t(blocked === "muted" ? "live.present.sound_on" : "live.present.tap_to_play")}
        </button>
      )}
      {onMove !== undefined && (
        <button
          type="button"
          data-testid="present-play"
          aria-pressed={playing}
          onClick={() => {
            const media = element.current;
            if (media === null) return;
            if (media.paused) play(media);
            else media.pause();
          }}
        >
          {t(playing ? "live.present.pause" : "live.present.play")}
        </button>
      )}
    </div>
  );
}
