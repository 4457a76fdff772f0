// What the screen must say about the connection and the hearing, most urgent first.
import type { MessageKey } from "../shared/i18n";
import type { SessionState } from "./session";
import { missingDevices } from "./tiles";

export interface Banner {
  kind:
    | "connecting"
    | "reconnecting"
    | "poor"
    | "weak_connection"
    | "recess"
    | "scheduled"
    | "not_started"
    | "audio_only"
    | "no_devices";
  key: MessageKey;
}

export function banners(state: SessionState): Banner[] {
  const shown: Banner[] = [];
  if (state.link === "reconnecting") {
    shown.push({ kind: "reconnecting", key: "live.status.reconnecting" });
  } else if (state.link === "connecting") {
    shown.push({ kind: "connecting", key: "live.status.connecting" });
  }
  if (state.poorConnection) shown.push({ kind: "poor", key: "live.status.poor" });
  // Their link cannot carry some video: paused (they still hear everyone) until it recovers.
  if ((state.room?.you.paused_video ?? []).length > 0) {
    shown.push({ kind: "weak_connection", key: "live.status.weak_connection" });
  }
  const room = state.room;
  if (room?.state === "recess") shown.push({ kind: "recess", key: "live.status.recess" });
  if (room?.state === "scheduled") shown.push({ kind: "scheduled", key: "live.status.scheduled" });
  if (room?.state === "open" && room.you.presence === "in_hearing") {
    shown.push({ kind: "not_started", key: "live.status.not_started" });
  }
  // Taking part without a camera (or microphone): how the court has them, as the bench sees it.
  if (room !== null && room.you.role !== "observer") {
    const missing = missingDevices(room.you);
    if (missing.camera && missing.microphone) {
      shown.push({ kind: "no_devices", key: "live.status.no_devices" });
    } else if (missing.camera) {
      shown.push({ kind: "audio_only", key: "live.status.audio_only" });
    }
  }
  return shown;
}
