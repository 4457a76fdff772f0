// Whether a hearing is public (broadcast to anyone, court/broadcast.py), changed by the bench
// before the hearing opens: a party may ask that a minor's case, trade secrets or a divorce
// stay off the public web. Once the hearing is live the presiding judge cuts the broadcast
// instead (the console's broadcast panel).
import type { HearingOut, SessionOut } from "../generated/api";
import { KIND_RULES } from "../generated/court";
import { api } from "../shared/api";
import { button } from "../shared/dom";
import { may } from "../shared/permissions";
import { clearError, showRefusal } from "./errors";

/** The button that makes the hearing public or not (null: not the caller's to change now). */
export function publicToggle(
  session: SessionOut,
  hearing: HearingOut,
  error: HTMLElement,
  reload: () => Promise<void>,
): HTMLButtonElement | null {
  if (!may(session.role, "set_public", hearing.state)) return null;
  if (!hearing.public && !KIND_RULES[hearing.kind].may_be_public) return null;
  const label = hearing.public ? "staff.make_private" : "staff.make_public";
  return button(label, "public-toggle", () => {
    clearError(error);
    api<HearingOut>("PUT", `/hearings/${hearing.id}/public`, { public: !hearing.public })
      .then(reload)
      .catch((failure: unknown) => showRefusal(error, failure));
  });
}
