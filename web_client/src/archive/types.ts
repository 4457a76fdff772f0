// The recordings API's shapes (see /api/openapi.json).
import type { HearingKind } from "../staff/types";

export interface RecordingSummary {
  id: number;
  hearing_id: number;
  case_id: number;
  case_number: string;
  case_title: string;
  hearing_title: string;
  kind: HearingKind;
  state: string;
  started_at: string | null;
  ended_at: string | null;
  sealed: boolean;
  archive_available: boolean;
}

export interface RecordingList {
  items: RecordingSummary[];
  total: number;
}

export interface Chapter {
  title: string;
  start_seconds: number;
  end_seconds: number;
}

export interface TimelineEntry {
  at: string;
  kind: string;
  actor: string | null;
  from_value: string | null;
  to_value: string | null;
  participant_id: number | null;
  participant_name: string | null;
}

export interface RecordingDetail extends RecordingSummary {
  seal: { sealed: boolean; sealed_at: string | null; verification_code: string | null };
  archive: { url: string; bytes: number | null; sha256: string | null } | null;
  chapters: Chapter[];
  chapters_source: "archive" | "timeline";
  timeline: TimelineEntry[];
}

interface Problem {
  kind: string;
  subject: string;
  detail: string;
}

export interface Verification {
  ok: boolean;
  verification_code: string;
  key_trusted: boolean;
  files: number;
  entries: number;
  problems: Problem[];
}
