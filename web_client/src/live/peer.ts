// The one peer connection to the server (an SFU). The browser offers what it publishes; the server
// offers what the browser receives, with a map from mid to the participant each transceiver
// carries. Negotiations run one at a time; an offer of ours that crossed the server's is rolled
// back, the server's answered, and ours sent again. A shared screen is one more sendonly
// transceiver, a new one each time (the server takes a transceiver's track once).
import type { OfferOut } from "../generated/protocol";
import { onPhone } from "./media";
import { refusalOf, type Signaling } from "./signaling";

export interface Incoming {
  audio?: MediaStreamTrack;
  video?: MediaStreamTrack;
  /** The screen they share. */
  screen?: MediaStreamTrack;
}

/** The camera's simulcast layers, lowest first (the server ranks them in this order): three on
 * a computer, two on a phone or tablet, whose encoder has less to spare. The top layer's rate
 * is left to the server's bandwidth estimate, capped by the person's role. */
export function cameraLayers(): RTCRtpEncodingParameters[] {
  const layers: RTCRtpEncodingParameters[] = [
    { rid: "q", scaleResolutionDownBy: 4, maxBitrate: 120_000 },
    { rid: "h", scaleResolutionDownBy: 2, maxBitrate: 350_000 },
    { rid: "f", scaleResolutionDownBy: 1 },
  ];
  return onPhone() ? layers.slice(1) : layers;
}

export class PeerLink {
  private readonly pc: RTCPeerConnection;
  private sources: OfferOut["tracks"] = {};
  private queue: Promise<void> = Promise.resolve();
  private pendingCandidates: RTCIceCandidate[] = [];
  private negotiated = false;
  private closed = false;
  private screen: RTCRtpTransceiver | null = null;

  constructor(
    private readonly signaling: Signaling,
    iceServers: RTCIceServer[],
    /** Whom we now receive, by participant id; called after every change. */
    private readonly onIncoming: (incoming: Map<number, Incoming>) => void,
    private readonly onState: (state: RTCPeerConnectionState) => void,
    private readonly onProblem: (message: string) => void,
  ) {
    this.pc = new RTCPeerConnection({ iceServers, bundlePolicy: "max-bundle" });
    this.pc.addEventListener("icecandidate", (event) => this.candidate(event.candidate));
    this.pc.addEventListener("track", () => this.announce());
    this.pc.addEventListener("connectionstatechange", () => this.onState(this.pc.connectionState));
  }

  /** Publish the camera and microphone (or nothing: then only the server offers). The camera
   * goes as simulcast: the server sends each person the layer their connection and their tile
   * can take, so one weak link lowers nobody else's picture. */
  publish(stream: MediaStream | null): void {
    if (stream === null) return;
    for (const track of stream.getTracks()) {
      const sendEncodings = track.kind === "video" ? cameraLayers() : undefined;
      this.pc.addTransceiver(track, { direction: "sendonly", streams: [stream], sendEncodings });
    }
    this.run(() => this.offer());
  }

  /** Send a shared screen (the server was told its track's id first). */
  shareScreen(stream: MediaStream): void {
    const [track] = stream.getVideoTracks();
    if (track === undefined) return;
    this.stopScreen();
    this.screen = this.pc.addTransceiver(track, { direction: "sendonly", streams: [stream] });
    this.run(() => this.offer());
  }

  /** Stop sending the shared screen: its transceiver stays, inactive. */
  stopScreen(): void {
    const transceiver = this.screen;
    if (transceiver === null) return;
    this.screen = null;
    transceiver.direction = "inactive";
    this.run(async () => {
      await transceiver.sender.replaceTrack(null);
      await this.offer();
    });
  }

  /** The server renegotiated what we receive. */
  answer(offer: OfferOut): void {
    this.run(async () => {
      this.sources = offer.tracks;
      await this.pc.setRemoteDescription({ type: "offer", sdp: offer.sdp });
      await this.pc.setLocalDescription(await this.pc.createAnswer());
      const refused = refusalOf(
        await this.signaling.call("answer", { sdp: this.pc.localDescription?.sdp }),
      );
      if (refused) throw new Error(refused.message);
      this.negotiatedOnce();
      this.announce();
    });
  }

  close(): void {
    this.closed = true;
    this.pc.close();
  }

  stats(): Promise<RTCStatsReport> {
    return this.pc.getStats();
  }

  private async offer(): Promise<void> {
    // Offered as the browser wrote it: the server keeps our payload types and extension ids.
    await this.pc.setLocalDescription(await this.pc.createOffer());
    const reply = await this.signaling.call("offer", { sdp: this.pc.localDescription?.sdp });
    const refused = refusalOf(reply);
    if (refused) throw new Error(refused.message);
    if (reply.glare === true) {
      // The server's offer crossed ours: it arrives as an `offer` event queued behind this one.
      await this.pc.setLocalDescription({ type: "rollback" });
      this.run(() => this.offer());
      return;
    }
    await this.pc.setRemoteDescription({ type: "answer", sdp: String(reply.sdp) });
    this.negotiatedOnce();
  }

  /** Candidates wait until the server has our first description to match them against. */
  private candidate(candidate: RTCIceCandidate | null): void {
    if (candidate === null) return;
    if (!this.negotiated) {
      this.pendingCandidates.push(candidate);
      return;
    }
    void this.signaling.call("candidate", {
      candidate: candidate.candidate,
      sdpMid: candidate.sdpMid,
      sdpMLineIndex: candidate.sdpMLineIndex,
    });
  }

  private negotiatedOnce(): void {
    if (this.negotiated) return;
    this.negotiated = true;
    const pending = this.pendingCandidates;
    this.pendingCandidates = [];
    for (const candidate of pending) this.candidate(candidate);
  }

  private run(step: () => Promise<void>): void {
    this.queue = this.queue
      .then(() => (this.closed ? undefined : step()))
      .catch((error: unknown) => {
        if (!this.closed) this.onProblem(error instanceof Error ? error.message : String(error));
      });
  }

  private announce(): void {
    const incoming = new Map<number, Incoming>();
    for (const transceiver of this.pc.getTransceivers()) {
      const source = transceiver.mid === null ? undefined : this.sources[transceiver.mid];
      if (source === undefined || transceiver.direction === "sendonly") continue;
      const entry = incoming.get(source.participant_id) ?? {};
      const track = transceiver.receiver.track;
      if (track.kind === "audio") entry.audio = track;
      else if (source.source === "screen") entry.screen = track;
      else entry.video = track;
      incoming.set(source.participant_id, entry);
    }
    this.onIncoming(incoming);
  }
}
