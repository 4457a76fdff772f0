// What to do when the camera or microphone cannot be used, with a way to try again; and, since a
// court still wants to hear the person, a way in without them: with the microphone only when it
// works on its own, else watching and listening (the bench still sees them listed, and is told).
import { button, el, setText } from "../shared/dom";
import { MediaError, openMicrophone, stopAll, watchLevel } from "./media";

export function mediaHelp(error: MediaError, retry: () => void, ...more: Node[]): HTMLElement {
  const body = el("p");
  setText(body, `live.help.${error.problem}.body`, { message: error.message });
  return el(
    "section.help",
    { testid: "media-help", "data-problem": error.problem, role: "alert" },
    el("h2", { i18n: `live.help.${error.problem}.title` }),
    body,
    el("div.button-row", {}, button("common.retry", "media-retry", retry, "primary"), ...more),
  );
}

/** `error` once the microphone is known to work on its own: only the camera is blocked (or
 * missing); null when the problem was not a blocked or missing device. */
export function cameraOnly(error: MediaError): MediaError | null {
  if (error.problem === "denied") return new MediaError("camera_denied", error.message);
  if (error.problem === "no_device") return new MediaError("no_camera", error.message);
  return null;
}

/** The ways in that remain after `error`: tries the microphone alone and offers what works.
 * `onJoin` gets the microphone's stream, or null to join without camera or microphone. */
export class DeviceFallback {
  readonly root = el("section.fallback.panel", { testid: "media-fallback" });
  private stream: MediaStream | null = null;
  private stopLevel: (() => void) | null = null;
  private stopped = false;

  constructor(
    private readonly error: MediaError,
    private readonly onJoin: (stream: MediaStream | null) => void,
  ) {
    this.root.hidden = true;
  }

  async run(): Promise<void> {
    let microphone: MediaStream | null = null;
    if (this.error.problem !== "insecure") {
      microphone = await openMicrophone().catch(() => null);
    }
    if (this.stopped) {
      stopAll(microphone); // "try again" was tapped meanwhile
      return;
    }
    this.stream = microphone;
    this.root.hidden = false;
    this.root.dataset.offer = microphone === null ? "none" : "microphone";
    if (microphone === null) {
      this.root.replaceChildren(
        el("h2", { i18n: "live.fallback.title" }),
        el("p", { i18n: "live.fallback.none_body" }),
        button("live.fallback.join_none", "join-no-devices", () => this.join(), "primary"),
      );
      return;
    }
    const level = el("div.meter-level");
    const meter = el("div.meter", { testid: "fallback-mic-meter", role: "meter" }, level);
    this.stopLevel = watchLevel(microphone, (value) => {
      level.style.width = `${Math.round(value * 100)}%`;
      meter.dataset.level = value.toFixed(2);
    });
    this.root.replaceChildren(
      el("h2", { i18n: "live.fallback.title" }),
      el("p", { i18n: "live.fallback.microphone_body" }),
      meter,
      el("small", { i18n: "live.test.mic_hint" }),
      button("live.fallback.join_microphone", "join-audio-only", () => this.join(), "primary"),
    );
  }

  /** Whether the microphone alone works (known once `run` is done). */
  get microphoneWorks(): boolean {
    return this.root.dataset.offer === "microphone";
  }

  /** Before trying the camera again: let go of the microphone. */
  stop(): void {
    this.stopped = true;
    this.stopLevel?.();
    stopAll(this.stream);
    this.stream = null;
  }

  private join(): void {
    this.stopped = true;
    this.stopLevel?.();
    this.onJoin(this.stream);
  }
}
