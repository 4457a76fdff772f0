// May this role take this action (in a hearing in this state)? The server's answer
// (court/permissions.py, docs/architecture.md#roles-and-permissions) from the same table, so
// a screen offers only what the server will accept.
import {
  type Action,
  type HearingState,
  PERMISSIONS,
  PRESIDING_ACTIONS,
  type Role,
} from "../generated/court";

/** `state`: null for an action that is not about one hearing (any state then passes). */
export function may(role: Role, action: Action, state: HearingState | null = null): boolean {
  const rule = PERMISSIONS[action];
  return (
    rule.roles.includes(role) && (rule.states === null || state === null || rule.states.includes(state))
  );
}

/** As `may`, for a member of a live hearing: among the judges only the one presiding conducts
 * (court/bench.py; the others are refused `not_presiding`). */
export function mayInRoom(
  member: { role: Role; presiding?: boolean },
  action: Action,
  state: HearingState,
): boolean {
  if (member.role === "judge" && !member.presiding && PRESIDING_ACTIONS.includes(action)) {
    return false;
  }
  return may(member.role, action, state);
}
