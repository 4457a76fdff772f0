// The `/hearing` socket.io namespace as the browser sees it (signaling/messages.py on the server).

export type Presence =
  | "invited"
  | "joining"
  | "waiting"
  | "in_hearing"
  | "in_consultation"
  | "reconnecting"
  | "left"
  | "removed";

export type HearingState = "scheduled" | "open" | "in_session" | "recess" | "closed" | "cancelled";

export interface Member {
  id: number;
  role: string;
  name: string;
  side: string | null;
  presence: Presence;
  audio_muted: boolean;
  bench_muted: boolean;
  camera_off: boolean;
  hand_raised: boolean;
  identity_verified: boolean;
  in_consultation: boolean;
  /** A lawyer's (agent's or counsel's) client: the one person they may consult in private. */
  represents_id?: number | null;
  /** Whose video is paused for them: their connection cannot carry it (weak connection). The
   * server lists it for "you", and for everyone on the bench's screen. */
  paused_video?: number[];
  /** Connected, but nothing arrives from their device any more: their picture is frozen. */
  media_stalled?: boolean;
}

/** The room as this member may see it, sent after every change. */
export interface RoomView {
  hearing_id: number;
  state: HearingState;
  phase: string | null;
  phases: string[];
  recording: boolean;
  /** "failed": recording stopped after a failure (e.g. a full disk) until the hearing closes. */
  recording_state: "off" | "recording" | "paused" | "failed";
  you: Member;
  members: Member[];
}

export interface Welcome {
  hearing_id: number;
  participant_id: number;
  ice_servers: RTCIceServer[];
}

/** The server renegotiates what the client receives; `tracks` says whom each mid carries. */
export interface ServerOffer {
  sdp: string;
  tracks: Record<string, { participant_id: number; kind: string }>;
}

export interface ChatMessage {
  from_id: number;
  from_name: string;
  /** `"all"`: a court notice to everyone connected. */
  to: number | "bench" | "all";
  text: string;
  at: string;
}

/** A court notice (POST /hearings/{id}/notices) to everyone connected, the waiting room too. */
export interface CourtNotice {
  hearing_id: number;
  text: string;
  by: string;
  at: string;
}

/** What a person's self-test found, reported to the server once connected. */
export interface SelfTestResult {
  camera: boolean;
  microphone: boolean;
  network: "good" | "poor" | "failed";
}

export type AlertKind =
  | "dropped"
  | "reconnected"
  | "connection_failed"
  | "poor_connection"
  | "recording_failed"
  | "self_test_failed"
  | "media_stopped"
  | "media_resumed";

export interface Alert {
  kind: AlertKind;
  participant_id: number | null;
  message: string;
  at: string;
  /** With `self_test_failed`: what did not work. */
  failed?: Array<"camera" | "microphone" | "network">;
}

export interface Closed {
  hearing_id: number;
  verification_code?: string;
}

export interface ServerEvents {
  welcome: (data: Welcome) => void;
  room: (data: RoomView) => void;
  speaker: (data: { participant_id: number }) => void;
  offer: (data: ServerOffer) => void;
  message: (data: ChatMessage) => void;
  alert: (data: Alert) => void;
  notice: (data: CourtNotice) => void;
  /** `code`: "removed" by the bench, or why the invitation stopped working (invitation_*). */
  removed: (data: { reason: string; code?: string }) => void;
  closed: (data: Closed) => void;
  bye: (data: { reason: string }) => void;
}

export interface Refusal {
  code: string;
  message: string;
  /** With `moved`: the server process that holds the hearing, to connect to instead. */
  node_url?: string;
}

/** Every event is answered through its acknowledgement. */
export interface Reply {
  ok?: true;
  error?: Refusal;
  [field: string]: unknown;
}

export const BENCH_ROLES: readonly string[] = ["judge", "clerk"];
