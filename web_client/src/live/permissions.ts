// What the bench may do, so a console offers only what the server will accept
// (docs/architecture.md#roles-and-permissions; signaling/permissions.py decides).
import type { HearingState } from "./protocol";

export type BenchAction =
  | "open"
  | "start_session"
  | "set_phase"
  | "recess"
  | "resume"
  | "close"
  | "admit"
  | "send_back"
  | "mute"
  | "remove"
  | "verify_identity";

const LIVE: readonly HearingState[] = ["open", "in_session", "recess"];

const RULES: Record<BenchAction, { roles: readonly string[]; states: readonly HearingState[] }> = {
  open: { roles: ["judge", "clerk"], states: ["scheduled"] },
  start_session: { roles: ["judge"], states: ["open"] },
  set_phase: { roles: ["judge"], states: ["in_session"] },
  recess: { roles: ["judge", "clerk"], states: ["in_session"] },
  resume: { roles: ["judge"], states: ["recess"] },
  close: { roles: ["judge"], states: LIVE },
  admit: { roles: ["judge", "clerk"], states: LIVE },
  send_back: { roles: ["judge", "clerk"], states: LIVE },
  mute: { roles: ["judge", "clerk"], states: LIVE },
  remove: { roles: ["judge"], states: LIVE },
  verify_identity: { roles: ["judge", "clerk"], states: LIVE },
};

export function may(role: string, action: BenchAction, state: HearingState): boolean {
  const rule = RULES[action];
  return rule.roles.includes(role) && rule.states.includes(state);
}
