// One person's presence in a live hearing: signaling, the peer connection, their camera and
// microphone switches, and the state the screen shows. Reconnects without a page reload: a new
// socket.io connection gets a new `welcome`, and with it a new peer connection.
import type {
  AlertOut,
  ClosedOut,
  IceServer,
  NoticeOut,
  RoomView,
  SelfTestIn,
} from "../generated/protocol";
import type { VideoViews } from "./hidden";
import { stopAll } from "./media";
import { applyMove, fromRoom, type Shown } from "./presentation/sync";
import { type Incoming, PeerLink } from "./peer";
import type { ChatMessage, Refusal, Reply } from "./protocol";
import { watchQuality } from "./quality";
import { type Credentials, refusalOf, Signaling } from "./signaling";

/** The pause before going back to the page's own server again when it keeps sending us to a
 * process that does not answer (it died, and the registry forgets it within a few seconds). */
const HOME_RETRY_MS = 1000;

export type LinkState = "connecting" | "connected" | "reconnecting";

export type Ending =
  | { kind: "closed"; code?: string }
  | { kind: "removed" }
  | { kind: "left" }
  | { kind: "refused"; code?: string; message: string }
  | { kind: "disconnected"; reason: string };

export interface SessionState {
  link: LinkState;
  room: RoomView | null;
  speaker: number | null;
  incoming: Map<number, Incoming>;
  /** The peer connection's state ("none" between connections). */
  media: RTCPeerConnectionState | "none";
  poorConnection: boolean;
  micOn: boolean;
  cameraOn: boolean;
  /** The screen this person shares now. */
  screen: MediaStream | null;
  messages: ChatMessage[];
  alerts: AlertOut[];
  /** Court notices, oldest first; a dismissed one leaves the banner but stays in the messages. */
  notices: Array<NoticeOut & { dismissed: boolean }>;
  ending: Ending | null;
  /** The exhibit on screen, with the presenter's newest view (null: none, or not for us). */
  shown: Shown | null;
}

export class LiveSession {
  readonly state: SessionState = {
    link: "connecting",
    room: null,
    speaker: null,
    incoming: new Map(),
    media: "none",
    poorConnection: false,
    micOn: true,
    cameraOn: true,
    screen: null,
    messages: [],
    alerts: [],
    notices: [],
    ending: null,
    shown: null,
  };
  private signaling: Signaling;
  private peer: PeerLink | null = null;
  private stopQuality: (() => void) | null = null;
  private readonly listeners: Array<() => void> = [];
  /** Told of the presenter's moves alone (up to 30 a second: the rest of the screen stays). */
  private readonly moveListeners: Array<() => void> = [];

  /** Whose video this screen does not show now (hidden.ts): the server sends none of it. */
  private videoViews: VideoViews = { hidden: [], small: [] };
  private readonly credentials: Credentials;
  /** Times we went back to the page's own server since the last successful connection. */
  private homeFallbacks = 0;

  /** `selfTest`: the self-test's result, reported to the server once connected. */
  constructor(
    credentials: Omit<Credentials, "publishes">,
    readonly local: MediaStream | null,
    private readonly selfTest: Promise<SelfTestIn> | null = null,
  ) {
    this.credentials = { ...credentials, publishes: local !== null };
    this.signaling = new Signaling(this.credentials);
    this.listen();
  }

  /**
   * With several server processes, the hearing lives in one of them: connect there (`node`),
   * or back to the page's own server (null), which places the hearing again if its process died.
   */
  private switchNode(node: string | null, delayMs = 0): void {
    const previous = this.signaling;
    const next = new Signaling(this.credentials, node);
    this.signaling = next;
    previous.close(); // its events are ignored from now on (see listen)
    this.listen();
    if (delayMs === 0) next.connect();
    else {
      window.setTimeout(() => {
        if (this.signaling === next && this.state.ending === null) next.connect();
      }, delayMs);
    }
  }

  /** Called after every change of `state`. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Called after each move of the exhibit on screen that changed `state.shown`. */
  onMove(listener: () => void): void {
    this.moveListeners.push(listener);
  }

  start(): void {
    this.signaling.connect();
  }

  /** A conducting or taking-part event (admit, recess, raise_hand, message...). */
  async act(event: string, data: unknown = {}): Promise<Refusal | null> {
    const reply: Reply = await this.signaling.call(event, data);
    return refusalOf(reply);
  }

  async setMicrophone(on: boolean): Promise<Refusal | null> {
    this.state.micOn = on;
    return this.applyMedia();
  }

  async setCamera(on: boolean): Promise<Refusal | null> {
    this.state.cameraOn = on;
    return this.applyMedia();
  }

  /** Share a screen (a window or tab): the browser asks which; the court must agree (one
   * person at a time). Nothing happens if the person cancels the browser's question. */
  async shareScreen(): Promise<Refusal | null> {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    } catch {
      return null; // cancelled, or not allowed by the browser
    }
    const [track] = stream.getVideoTracks();
    const refused =
      track === undefined ? null : await this.act("share", { on: true, track_id: track.id });
    if (track === undefined || refused !== null || this.peer === null) {
      stopAll(stream);
      return refused;
    }
    // the browser's own "Stop sharing" ends the track
    track.addEventListener("ended", () => void this.stopScreen());
    this.state.screen = stream;
    this.peer.shareScreen(stream);
    this.changed();
    return null;
  }

  async stopScreen(): Promise<Refusal | null> {
    if (this.state.screen === null) return null;
    this.dropScreen();
    return this.act("share", { on: false });
  }

  /** Stop sending our screen (we stopped, or the court or the server ended the share). */
  private dropScreen(): void {
    if (this.state.screen === null) return;
    stopAll(this.state.screen);
    this.state.screen = null;
    this.peer?.stopScreen();
    this.changed();
  }

  /** Write to the bench (`"bench"`) or, from the bench, to one participant. */
  async message(to: number | "bench", text: string): Promise<Refusal | null> {
    const refused = await this.act("message", { to, text });
    const you = this.state.room?.you;
    // The server copies the bench on everything, but not a participant on their own words.
    if (refused === null && to === "bench" && you !== undefined) {
      const at = new Date().toISOString();
      this.state.messages.push({ from_id: you.id, from_name: you.name, to, text, at });
      this.changed();
    }
    return refused;
  }

  /** Write in the bench's private channel (the server sends it back to the whole bench). */
  async benchChat(text: string): Promise<Refusal | null> {
    return this.act("bench_chat", { text });
  }

  /** Hide a court notice's banner (it stays in the messages). */
  dismissNotice(index: number): void {
    const notice = this.state.notices[index];
    if (notice === undefined) return;
    notice.dismissed = true;
    this.changed();
  }

  /** Step out with one's own lawyer (or client): nobody else hears the two of them. */
  async consult(participantId: number): Promise<Refusal | null> {
    return this.act("consult", { participant_id: participantId });
  }

  async endConsultation(): Promise<Refusal | null> {
    return this.act("end_consultation");
  }

  /** Tell the court what the self-test found, on every connection: the bench is alerted if it
   * failed and lists who has no camera or microphone; a hearing placed again on another server
   * process learns it too (the server ignores a report it already has). */
  private async reportSelfTest(): Promise<void> {
    if (this.selfTest === null) return;
    const refused = await this.act("self_test", await this.selfTest);
    if (refused !== null) {
      // e.g. the connection dropped: the next welcome reports again
      console.warn(`self-test report refused: ${refused.code} ${refused.message}`);
    }
  }

  /** Tell the server whose video this screen does not show now, and whose it shows small, when
   * that changed; it is said again on every connection (a new connection starts with every
   * video sent in full). */
  setVideoViews(views: VideoViews): void {
    const same = (a: number[], b: number[]): boolean =>
      a.length === b.length && a.every((id, i) => id === b[i]);
    if (same(views.hidden, this.videoViews.hidden) && same(views.small, this.videoViews.small)) {
      return;
    }
    this.videoViews = views;
    void this.sendVideoViews();
  }

  private async sendVideoViews(): Promise<void> {
    const refused = await this.act("hidden_videos", {
      participant_ids: this.videoViews.hidden,
      shown_small: this.videoViews.small,
    });
    // e.g. the connection dropped: the next welcome says it again
    if (refused !== null) console.warn(`hidden videos refused: ${refused.code} ${refused.message}`);
  }

  async leave(): Promise<void> {
    await this.act("leave");
    this.end({ kind: "left" });
  }

  private async applyMedia(): Promise<Refusal | null> {
    this.enableTracks();
    this.changed();
    return this.act("set_media", { audio: this.state.micOn, video: this.state.cameraOn });
  }

  /** The bench's mute wins over the person's own switch. */
  private enableTracks(): void {
    const benchMuted = this.state.room?.you.bench_muted ?? false;
    for (const track of this.local?.getAudioTracks() ?? []) {
      track.enabled = this.state.micOn && !benchMuted;
    }
    for (const track of this.local?.getVideoTracks() ?? []) track.enabled = this.state.cameraOn;
  }

  private listen(): void {
    const socket = this.signaling.socket;
    socket.on("connect", () => {
      this.homeFallbacks = 0;
      this.state.link = "connected";
      this.changed();
    });
    socket.on("welcome", (welcome) => {
      this.closePeer();
      const peer = new PeerLink(
        this.signaling,
        welcome.ice_servers.map(iceServer),
        (incoming) => {
          if (peer !== this.peer) return;
          this.state.incoming = incoming;
          this.changed();
        },
        (state) => {
          if (peer !== this.peer) return;
          this.state.media = state;
          this.changed();
          if (state === "failed") this.restart();
        },
        (message) => console.warn(`media negotiation failed: ${message}`),
      );
      this.peer = peer;
      this.stopQuality = watchQuality(
        () => peer.stats(),
        (poor) => {
          this.state.poorConnection = poor;
          this.changed();
        },
      );
      peer.publish(this.local);
      if (!this.state.micOn || !this.state.cameraOn) void this.applyMedia();
      void this.reportSelfTest();
      const { hidden, small } = this.videoViews;
      if (hidden.length > 0 || small.length > 0) void this.sendVideoViews();
    });
    socket.on("offer", (offer) => this.peer?.answer(offer));
    socket.on("room", (room) => {
      this.state.room = room;
      this.state.shown = fromRoom(this.state.shown, room.presentation, performance.now());
      if (!room.you.sharing_screen) this.dropScreen(); // e.g. the bench stopped it
      this.enableTracks();
      this.changed();
    });
    socket.on("present_view", (move) => {
      const shown = applyMove(this.state.shown, move, performance.now());
      if (shown === this.state.shown) return; // another file's, or older than the one shown
      this.state.shown = shown;
      for (const listener of this.moveListeners) listener();
    });
    socket.on("speaker", ({ participant_id }) => {
      this.state.speaker = participant_id;
      this.changed();
    });
    socket.on("message", (message) => {
      this.state.messages.push(message);
      this.changed();
    });
    socket.on("bench_message", (message) => {
      this.state.messages.push({ ...message, to: "panel" });
      this.changed();
    });
    socket.on("notice", (notice) => {
      this.state.notices.push({ ...notice, dismissed: false });
      const { by, text, at } = notice;
      this.state.messages.push({ from_id: 0, from_name: by, to: "all", text, at });
      this.changed();
    });
    socket.on("alert", (alert) => {
      this.state.alerts.unshift(alert);
      this.changed();
    });
    socket.on("removed", ({ code, reason }) =>
      // an invitation withdrawn, replaced or expired while connected: said in their words
      this.end(
        code && code !== "removed"
          ? { kind: "refused", code, message: reason }
          : { kind: "removed" },
      ),
    );
    socket.on("closed", (closed: ClosedOut) =>
      this.end({ kind: "closed", code: closed.verification_code ?? undefined }),
    );
    socket.on("bye", ({ reason }) => {
      if (this.state.ending === null) this.end({ kind: "disconnected", reason });
    });
    socket.on("disconnect", (reason) => {
      if (socket !== this.signaling.socket) return;
      this.closePeer();
      if (this.state.ending !== null) return;
      if (!socket.active) {
        // The server ended the connection without a word: it will not take us back.
        this.end({ kind: "disconnected", reason });
        return;
      }
      this.state.link = "reconnecting";
      this.changed();
    });
    socket.on("connect_error", (error: Error & { data?: Refusal }) => {
      if (socket !== this.signaling.socket) return;
      if (error.data?.code === "moved" && error.data.node_url) this.switchNode(error.data.node_url);
      else if (error.data?.message) {
        this.end({ kind: "refused", code: error.data.code, message: error.data.message });
      }
      else if (this.signaling.node !== null) {
        // Until the registry notices that the dead process is gone, the page's own server still
        // sends us there: go back at once the first time, then pause between rounds.
        this.switchNode(null, this.homeFallbacks++ === 0 ? 0 : HOME_RETRY_MS);
      }
      else if (this.state.room !== null) {
        this.state.link = "reconnecting";
        this.changed();
      }
    });
  }

  /** The media connection failed for good: connect again, as after a dropped socket. */
  private restart(): void {
    this.closePeer();
    this.state.link = "reconnecting";
    this.changed();
    this.signaling.socket.io.engine?.close();
  }

  private closePeer(): void {
    this.dropScreen(); // the server ends a share whose connection is gone
    this.stopQuality?.();
    this.stopQuality = null;
    this.peer?.close();
    this.peer = null;
    this.state.incoming = new Map();
    this.state.media = "none";
    this.state.poorConnection = false;
  }

  private end(ending: Ending): void {
    if (this.state.ending !== null) return;
    this.state.ending = ending;
    this.closePeer();
    this.signaling.close();
    stopAll(this.local);
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}

/** An ICE server as RTCConfiguration takes it: what the server leaves empty (null) left out. */
function iceServer({ urls, username, credential }: IceServer): RTCIceServer {
  return { urls, username: username ?? undefined, credential: credential ?? undefined };
}
