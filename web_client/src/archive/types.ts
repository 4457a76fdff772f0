// The recordings API's shapes (see /api/openapi.json).
import type { InvitationOut } from "../generated/api";
import type { HearingKind } from "../generated/court";

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
  /** Judges and clerks only: who outside the bench was given access. */
  grants: Grant[] | null;
  /** The court's time zone (IANA): the timeline's times are meant in it. */
  time_zone: string;
}

export interface Grant {
  participant_id: number;
  name: string;
  role: string;
  granted_by: string;
  granted_at: string;
}

export interface GrantCreated {
  grant: Grant;
  invitation: InvitationOut | null;
}

/** The link to a recording for a <video> element: works without credentials until it expires. */
export interface ArchiveLink {
  url: string;
  expires_at: string;
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
