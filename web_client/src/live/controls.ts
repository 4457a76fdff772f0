// The person's own switches: microphone, camera, share screen (desktop browsers), raise hand,
// message the bench, leave (confirmed: leaving a court hearing without permission matters). A
// terminal shows neither camera, screen nor leave.
import type { MemberView } from "../generated/protocol";
import { confirmDialog } from "./confirm";
import { button, el, setText } from "../shared/dom";
import { may } from "../shared/permissions";
import { nameInText } from "./names";
import { report } from "./notice";
import type { LiveSession } from "./session";

export interface ControlOptions {
  /** May raise a hand and write to the bench (parties, witnesses...; not the bench itself). */
  takesPart: boolean;
  /** A detention terminal: the camera stays on and nobody leaves from the screen. */
  kiosk: boolean;
  /** Show or hide the messages to the bench. */
  onMessages: () => void;
}

export class Controls {
  readonly root = el("nav.controls", { testid: "controls" });
  private readonly mic: HTMLButtonElement;
  private readonly camera: HTMLButtonElement;
  private readonly hand: HTMLButtonElement;
  private readonly share: HTMLButtonElement;
  /** Private consultation with one's own lawyer (or, for a lawyer, their client). */
  private readonly consult = el("span.consult-buttons");
  /** Where the button to present an exhibit goes (live/presentation/stage.tsx draws it). */
  readonly presentSlot = el("span.present-slot");
  private consultWith = "";

  constructor(
    private readonly session: LiveSession,
    options: ControlOptions,
  ) {
    this.mic = button("live.controls.mic_off", "mic-toggle", () =>
      report(session.setMicrophone(!session.state.micOn)),
    );
    this.camera = button("live.controls.camera_off", "camera-toggle", () =>
      report(session.setCamera(!session.state.cameraOn)),
    );
    this.hand = button("live.controls.raise_hand", "hand-toggle", () => {
      const raised = session.state.room?.you.hand_raised ?? false;
      report(session.act("raise_hand", { raised: !raised }));
    });
    this.share = button("live.controls.share_screen", "share-toggle", () =>
      report(session.state.screen ? session.stopScreen() : session.shareScreen()),
    );
    this.share.hidden = true; // until the room says this person may share
    // phones and tablets have no getDisplayMedia; nor does a detention terminal share
    const canShare =
      !options.kiosk && typeof navigator.mediaDevices?.getDisplayMedia === "function";
    const message = button("live.controls.messages", "messages-toggle", options.onMessages);
    const leave = button("live.controls.leave", "leave", () => void this.leave(), "danger");
    this.root.append(
      this.mic,
      options.kiosk ? "" : this.camera,
      canShare ? this.share : "",
      this.presentSlot,
      options.takesPart ? this.hand : "",
      options.takesPart ? message : "",
      options.takesPart ? this.consult : "",
      options.kiosk ? "" : leave,
    );
    if (session.local === null) {
      this.mic.hidden = true;
      this.camera.hidden = true;
    }
  }

  update(): void {
    const { micOn, cameraOn, room } = this.session.state;
    const benchMuted = room?.you.bench_muted ?? false;
    const live = micOn && !benchMuted;
    setText(this.mic, live ? "live.controls.mic_off" : "live.controls.mic_on");
    this.mic.dataset.state = benchMuted ? "bench-muted" : micOn ? "on" : "off";
    this.mic.disabled = benchMuted;
    this.mic.setAttribute("aria-pressed", String(!live));
    setText(this.camera, cameraOn ? "live.controls.camera_off" : "live.controls.camera_on");
    this.camera.dataset.state = cameraOn ? "on" : "off";
    const raised = room?.you.hand_raised ?? false;
    setText(this.hand, raised ? "live.controls.lower_hand" : "live.controls.raise_hand");
    this.hand.hidden =
      room?.you.presence !== "in_hearing" || !may(room.you.role, "raise_hand", room.state);
    this.updateShare();
    this.updateConsult(room?.you, room?.members ?? []);
  }

  /** Shown while the permission table lets this person share now; one person at a time. */
  private updateShare(): void {
    const { room, screen } = this.session.state;
    const you = room?.you;
    const allowed =
      you !== undefined &&
      you.presence === "in_hearing" &&
      may(you.role, "share_screen", room?.state ?? null);
    this.share.hidden = !allowed;
    const other = room?.members.find((m) => m.sharing_screen && m.id !== you?.id);
    this.share.disabled = screen === null && other !== undefined;
    setText(this.share, screen ? "live.controls.stop_share" : "live.controls.share_screen");
    this.share.dataset.state = screen ? "on" : "off";
    this.share.setAttribute("aria-pressed", String(screen !== null));
  }

  /** A button per counterpart (client or lawyer) who is in the hearing, while we are too. */
  private updateConsult(you: MemberView | undefined, members: MemberView[]): void {
    const partners =
      you?.presence === "in_hearing"
        ? members.filter(
            (m) =>
              m.id !== you.id &&
              m.presence === "in_hearing" &&
              (m.represents_id === you.id || you.represents_id === m.id),
          )
        : [];
    const shown = partners.map((m) => `${m.id}:${m.name}`).join(",");
    if (shown === this.consultWith) return;
    this.consultWith = shown;
    this.consult.replaceChildren(
      ...partners.map((m) => {
        const b = button("live.consult.start", "consult-start", () =>
          report(this.session.consult(m.id)),
        );
        b.dataset.participant = String(m.id);
        setText(b, "live.consult.start", { name: nameInText(m.name) });
        return b;
      }),
    );
  }

  private async leave(): Promise<void> {
    if (await confirmDialog("live.leave.question", "live.leave.confirm")) {
      await this.session.leave();
    }
  }
}
