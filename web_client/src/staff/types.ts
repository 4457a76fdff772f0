// The REST API's shapes the staff screens use (see /api/openapi.json).

export const HEARING_KINDS = [
  "civil_trial",
  "criminal_trial",
  "creditors_meeting",
  "mediation",
  "panel_deliberation",
  "committee_meeting",
  "async_hearing",
] as const;
export type HearingKind = (typeof HEARING_KINDS)[number];

type HearingState = "scheduled" | "open" | "in_session" | "recess" | "closed" | "cancelled";

type Role =
  | "admin"
  | "judge"
  | "clerk"
  | "prosecutor"
  | "party"
  | "agent"
  | "counsel"
  | "detainee"
  | "creditor"
  | "interpreter"
  | "witness"
  | "observer";

/** The roles a scheduler adds by name; judges and clerks come with the hearing's staff. */
export const INVITED_ROLES = [
  "party",
  "agent",
  "counsel",
  "prosecutor",
  "detainee",
  "creditor",
  "interpreter",
  "witness",
  "observer",
] as const satisfies readonly Role[];

export interface Session {
  kind: string;
  id: number;
  name: string;
  role: Role;
  court_id: number | null;
  csrf_token: string | null;
  time_zone: string;
}

export interface Hearing {
  id: number;
  case_id: number;
  case_number: string;
  kind: HearingKind;
  title: string;
  scheduled_start: string;
  duration_minutes: number;
  public: boolean;
  courtroom_id: number | null;
  state: HearingState;
  phase: string | null;
}

export interface Case {
  id: number;
  court_id: number;
  number: string;
  title: string;
  kind: HearingKind;
  judge_id: number | null;
}

export interface Participant {
  id: number;
  hearing_id: number;
  role: Role;
  name: string;
  side: string | null;
  represents_id: number | null;
  user_id: number | null;
  detention_centre_id: number | null;
  invitation_status: "none" | "active" | "expired" | "revoked";
  invitation_expires_at: string | null;
}

export interface Invitation {
  token: string;
  url: string;
  expires_at: string;
}

export interface StaffUser {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  court_id: number | null;
  active: boolean;
}

export interface Named {
  id: number;
  name: string;
}

export interface Court extends Named {
  code: string;
}

export interface Items<T> {
  items: T[];
}
