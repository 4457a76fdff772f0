// What the screen must say about the connection and the hearing, most urgent first.
import type { MessageKey } from "../shared/i18n";
import type { SessionState } from "./session";

export interface Banner {
  kind: "connecting" | "reconnecting" | "poor" | "recess" | "scheduled" | "not_started";
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
  const room = state.room;
  if (room?.state === "recess") shown.push({ kind: "recess", key: "live.status.recess" });
  if (room?.state === "scheduled") shown.push({ kind: "scheduled", key: "live.status.scheduled" });
  if (room?.state === "open" && room.you.presence === "in_hearing") {
    shown.push({ kind: "not_started", key: "live.status.not_started" });
  }
  return shown;
}
