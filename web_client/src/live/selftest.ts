// The self-test before joining: camera preview, microphone level meter and a network check against
// the server; clear help when the camera or microphone cannot be used.
import type { SelfTestIn } from "../generated/protocol";
import { button, el, setText } from "../shared/dom";
import type { MessageKey } from "../shared/i18n";
import { cameraOnly, DeviceFallback, mediaHelp } from "./help";
import { MediaError, openCameraAndMicrophone, watchLevel } from "./media";

const PINGS = 4;
const SLOW_MS = 400;

export class SelfTest {
  readonly root = el("section.selftest", { testid: "selftest" });
  private readonly preview = el("video.preview", {
    testid: "preview",
    autoplay: true,
    playsinline: true,
    muted: true,
  });
  private readonly meter = el("div.meter-level");
  private readonly meterBox = el("div.meter", { testid: "mic-meter", role: "meter" }, this.meter);
  private readonly network = el("span.check-result", { testid: "network-check" });
  private readonly checks = el("div.checks");
  private readonly join: HTMLButtonElement;
  private stream: MediaStream | null = null;
  private stopLevel: (() => void) | null = null;
  private networkResult: Promise<SelfTestIn["network"]> = Promise.resolve("failed");
  private released = false;

  /** `onJoin` gets null when the person joins without camera or microphone; `enter` is the
   * button's words (a staggered hearing's recorder goes on to recording, not into a hearing). */
  constructor(
    private readonly onJoin: (stream: MediaStream | null) => void,
    enter: MessageKey = "live.join.enter",
  ) {
    this.preview.muted = true;
    this.join = button(
      enter,
      "join-button",
      () => {
        if (this.stream === null) return;
        this.stopLevel?.();
        onJoin(this.stream);
      },
      "primary",
    );
    this.join.disabled = true;
    this.root.append(el("h2", { i18n: "live.test.title" }), this.checks, this.join);
  }

  /** Let the camera and microphone go (the test left without going on). */
  release(): void {
    this.released = true;
    this.stopLevel?.();
    this.stream?.getTracks().forEach((track) => track.stop());
  }

  async run(): Promise<void> {
    if (typeof RTCPeerConnection !== "function") {
      // Some in-app browsers and engine builds cannot make calls at all: no way in from here.
      this.checks.replaceChildren(
        el(
          "section.help",
          { testid: "media-help", "data-problem": "no_webrtc", role: "alert" },
          el("h2", { i18n: "live.help.no_webrtc.title" }),
          el("p", { i18n: "live.help.no_webrtc.body" }),
        ),
      );
      return;
    }
    this.networkResult = this.checkNetwork();
    await this.openMedia();
  }

  /** What the test found, for the court (the network check may still be running at joining). */
  async result(): Promise<SelfTestIn> {
    const live = (tracks: MediaStreamTrack[] | undefined): boolean =>
      (tracks ?? []).some((track) => track.readyState === "live");
    return {
      camera: live(this.stream?.getVideoTracks()),
      microphone: live(this.stream?.getAudioTracks()),
      network: await this.networkResult,
    };
  }

  private async openMedia(): Promise<void> {
    this.join.disabled = true;
    try {
      this.stream = await openCameraAndMicrophone();
      if (this.released) {
        this.release(); // let go while the browser was still asking
        return;
      }
    } catch (error) {
      const problem = error instanceof MediaError ? error : new MediaError("failed", String(error));
      // The court still wants to hear (or at least see listed) someone without a camera.
      const fallback = new DeviceFallback(problem, (stream) => {
        this.stream = stream;
        this.onJoin(stream);
      });
      const retry = (): void => {
        fallback.stop();
        void this.openMedia();
      };
      const help = mediaHelp(problem, retry);
      this.join.hidden = true; // the ways in are the fallback's
      this.checks.replaceChildren(help, fallback.root, this.networkRow());
      void fallback.run().then(() => {
        // With the microphone working, only the camera is the problem: say just that.
        const narrower = fallback.microphoneWorks ? cameraOnly(problem) : null;
        if (narrower !== null) help.replaceWith(mediaHelp(narrower, retry));
      });
      return;
    }
    this.join.hidden = false;
    this.preview.srcObject = this.stream;
    this.stopLevel = watchLevel(this.stream, (level) => {
      this.meter.style.width = `${Math.round(level * 100)}%`;
      this.meterBox.dataset.level = level.toFixed(2);
    });
    this.checks.replaceChildren(
      el("div.check", {}, el("span.check-name", { i18n: "live.test.camera" }), this.preview),
      el(
        "div.check",
        {},
        el("span.check-name", { i18n: "live.test.microphone" }),
        this.meterBox,
        el("small", { i18n: "live.test.mic_hint" }),
      ),
      this.networkRow(),
    );
    this.join.disabled = false;
  }

  private networkRow(): HTMLElement {
    return el("div.check", {}, el("span.check-name", { i18n: "live.test.network" }), this.network);
  }

  /** Round trips to the server: the median decides between good and slow. */
  private async checkNetwork(): Promise<SelfTestIn["network"]> {
    setText(this.network, "live.test.checking");
    const times: number[] = [];
    try {
      for (let i = 0; i < PINGS; i++) {
        const started = performance.now();
        const response = await fetch("/healthz", { cache: "no-store" });
        if (!response.ok) throw new Error(String(response.status));
        times.push(performance.now() - started);
      }
    } catch {
      this.network.dataset.result = "failed";
      setText(this.network, "live.test.network_failed");
      return "failed";
    }
    times.sort((a, b) => a - b);
    const ms = String(Math.round(times[Math.floor(times.length / 2)]));
    const slow = Number(ms) > SLOW_MS;
    this.network.dataset.result = slow ? "slow" : "good";
    this.network.dataset.ms = ms;
    setText(this.network, slow ? "live.test.network_slow" : "live.test.network_good", { ms });
    return slow ? "poor" : "good";
  }
}
