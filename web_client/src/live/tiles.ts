// The video tiles: one per person in the hearing, the judge largest, the active speaker outlined,
// each labelled with name and role and what is switched off. The person's own camera is a small
// picture-in-picture. A shared screen is the main picture, the people small beside it. Tiles
// persist across updates so their videos keep playing.
import type { MemberView } from "../generated/protocol";
import { t } from "../shared/i18n";
import { button, el, setText } from "../shared/dom";
import { nameInText, roleName } from "./names";
import { signPinned, signs, volumeFor } from "./interpretation";
import type { Incoming } from "./peer";

const SHOWN = new Set(["in_hearing", "in_consultation", "reconnecting"]);

/** What the person's self-test found unusable (the server adds it to every member it lists):
 * they take part without being seen, or without being heard. */
export function missingDevices(member: MemberView): { camera: boolean; microphone: boolean } {
  return { camera: member.no_camera, microphone: member.no_microphone };
}

class Tile {
  readonly root: HTMLElement;
  private readonly video = el("video", { autoplay: true, playsinline: true, muted: true });
  private readonly audio = el("audio", { autoplay: true });
  private readonly name = el("span.tile-name", { testid: "tile-name" });
  private readonly role = el("span.tile-role");
  private readonly badges = el("span.tile-badges");

  constructor(member: MemberView, self: boolean) {
    this.video.muted = true;
    this.root = el(
      "figure.tile",
      { testid: self ? "self-tile" : "tile", "data-participant": String(member.id) },
      this.video,
      self ? null : this.audio,
      el("figcaption", {}, this.name, this.role, this.badges),
    );
  }

  show(member: MemberView, speaking: boolean, prominent: boolean, videoPaused = false): void {
    this.root.dataset.role = member.role;
    this.root.dataset.presence = member.presence;
    this.root.classList.toggle("speaking", speaking);
    this.root.classList.toggle("prominent", prominent);
    const missing = missingDevices(member);
    this.root.classList.toggle("camera-off", member.camera_off || missing.camera);
    this.name.textContent = member.name;
    this.role.textContent = member.presiding ? t("role.presiding") : roleName(member.role);
    const badges: Array<[string, string]> = [];
    if (missing.camera) badges.push(["no-camera", t("live.tile.no_camera")]);
    if (missing.microphone) badges.push(["no-microphone", t("live.tile.no_microphone")]);
    else if (member.audio_muted) {
      badges.push(["muted", t(member.bench_muted ? "live.tile.bench_muted" : "live.tile.muted")]);
    }
    if (member.camera_off && !missing.camera) {
      badges.push(["camera-off", t("live.tile.camera_off")]);
    }
    if (member.hand_raised) badges.push(["hand", t("live.tile.hand")]);
    // On the bench's screen: this person's connection cannot carry someone's video.
    if ((member.paused_video ?? []).length > 0) {
      badges.push(["weak-connection", t("live.tile.weak_connection")]);
    }
    // On this person's own screen: this tile's video is paused for their weak connection.
    if (videoPaused) badges.push(["video-paused", t("live.tile.video_paused")]);
    this.root.classList.toggle("video-paused", videoPaused);
    if (member.presence === "reconnecting") {
      badges.push(["reconnecting", t("live.tile.reconnecting")]);
    } else if (member.media_stalled) {
      badges.push(["stalled", t("live.tile.stalled")]);
    }
    this.root.classList.toggle("stalled", member.media_stalled === true);
    this.badges.replaceChildren(
      ...badges.map(([kind, text]) => el("span.badge", { testid: `tile-${kind}` }, text)),
    );
  }

  play(video: MediaStreamTrack | undefined, audio: MediaStreamTrack | undefined): void {
    attach(this.video, video);
    attach(this.audio, audio);
  }

  /** How loud this person is heard (interpretation: court/interpretation.py). */
  setVolume(volume: number): void {
    this.audio.volume = volume;
    this.audio.dataset.volume = String(volume);
  }

  playLocal(stream: MediaStream | null): void {
    if (this.video.srcObject !== stream) this.video.srcObject = stream;
  }
}

function attach(element: HTMLMediaElement, track: MediaStreamTrack | undefined): void {
  const shown = element.srcObject;
  const current = shown instanceof MediaStream ? shown.getTracks()[0] : null;
  if (current === (track ?? null)) return;
  element.srcObject = track ? new MediaStream([track]) : null;
  if (track) {
    element.play().catch(() => {
      // Sound may need a tap first (autoplay policy): the page offers a button for it.
      element.dispatchEvent(new CustomEvent("blocked", { bubbles: true }));
    });
  }
}

/** The screen someone shares, with who shares it; the bench may stop it from here. */
class ScreenTile {
  readonly root: HTMLElement;
  private readonly video = el("video", { autoplay: true, playsinline: true, muted: true });
  private readonly caption = el("span.tile-name", { testid: "screen-sharer" });
  private readonly stop: HTMLButtonElement;
  private sharer = 0;

  constructor(onStop: ((participantId: number) => void) | null) {
    this.video.muted = true;
    this.stop = button("live.screen.stop", "stop-share", () => onStop?.(this.sharer), "danger");
    this.stop.hidden = onStop === null;
    this.root = el(
      "figure.tile.screen",
      { testid: "screen-tile" },
      this.video,
      el("figcaption", {}, this.caption, this.stop),
    );
  }

  show(sharer: MemberView, screen: MediaStreamTrack | undefined): void {
    this.sharer = sharer.id;
    this.root.dataset.participant = String(sharer.id);
    setText(this.caption, "live.screen.shared_by", { name: nameInText(sharer.name) });
    attach(this.video, screen);
  }

  hide(): void {
    attach(this.video, undefined);
    this.root.remove();
  }
}

export class TileGrid {
  readonly root = el("section.stage", { testid: "stage" });
  private readonly tiles = new Map<number, Tile>();
  private self: Tile | null = null;
  private readonly screen: ScreenTile;

  /** `onStopShare`: the bench stops someone's share (null: not the bench). */
  constructor(
    private readonly local: MediaStream | null,
    onStopShare: ((participantId: number) => void) | null = null,
  ) {
    this.screen = new ScreenTile(onStopShare);
  }

  update(
    you: MemberView,
    members: MemberView[],
    incoming: Map<number, Incoming>,
    speaker: number | null,
  ): void {
    const others = members.filter((m) => m.id !== you.id && SHOWN.has(m.presence));
    // The presiding judge first and largest, a sign-language interpreter beside them for
    // those who asked, then the bench, then everyone else.
    const pinSigner = signPinned();
    const place = (m: MemberView): number => (pinSigner && signs(m) ? 0.5 : rank(m));
    others.sort((a, b) => place(a) - place(b) || a.id - b.id);
    const wanted = new Set(others.map((m) => m.id));
    for (const [id, tile] of this.tiles) {
      if (!wanted.has(id)) {
        tile.play(undefined, undefined);
        tile.root.remove();
        this.tiles.delete(id);
      }
    }
    // Someone else's shared screen is the main picture (the sharer knows their own).
    const sharer = others.find((m) => m.sharing_screen);
    if (sharer === undefined) this.screen.hide();
    else this.screen.show(sharer, incoming.get(sharer.id)?.screen);
    this.root.classList.toggle("sharing", sharer !== undefined);
    const judgeProminent = you.role !== "judge" && sharer === undefined;
    const paused = new Set(you.paused_video ?? []);
    for (const member of others) {
      let tile = this.tiles.get(member.id);
      if (tile === undefined) {
        tile = new Tile(member, false);
        this.tiles.set(member.id, tile);
      }
      const prominent = judgeProminent && member.presiding === true; // the other judges sit beside
      tile.show(member, member.id === speaker, prominent, paused.has(member.id));
      tile.root.classList.toggle("sign-pinned", pinSigner && signs(member));
      tile.setVolume(volumeFor(you, member));
      const media = incoming.get(member.id);
      tile.play(media?.video, media?.audio);
    }
    const order = others.map((m) => this.tiles.get(m.id)?.root);
    if (sharer !== undefined) order.unshift(this.screen.root);
    if (this.local !== null) {
      this.self ??= new Tile(you, true);
      this.self.show(you, you.id === speaker, false);
      this.self.playLocal(this.local);
      order.push(this.self.root);
    }
    // Move only what is out of place: a video taken out of the page stops.
    order.forEach((node, i) => {
      if (node !== undefined && this.root.children[i] !== node) {
        this.root.insertBefore(node, this.root.children[i] ?? null);
      }
    });
    this.root.dataset.count = String(others.length);
    // As square a grid as the tiles make (a prominent tile takes two cells); on a wide screen
    // the stylesheet gives the rows the screen's height.
    const prominent = this.root.querySelector(".tile.prominent") !== null;
    const cells = order.length + (prominent ? 1 : 0);
    // With a shared screen, the people in one row beneath it (the screen spans the columns).
    const columns =
      sharer !== undefined
        ? Math.min(Math.max(order.length - 1, 2), 6)
        : Math.max(prominent ? 2 : 1, Math.ceil(Math.sqrt(cells)));
    this.root.style.setProperty("--columns", String(columns));
  }
}

function rank(member: MemberView): number {
  if (member.presiding === true) return 0;
  if (member.role === "judge") return 1;
  if (member.role === "assessor") return 2;
  if (member.role === "clerk") return 3;
  return 4;
}
