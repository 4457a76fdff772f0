// Words for values the server sends (roles, phases, presence), in the page's language.
import { hasMessage, t } from "../shared/i18n";

function named(prefix: string, value: string): string {
  const key = `${prefix}.${value}`;
  return hasMessage(key) ? t(key) : value;
}

export const roleName = (role: string): string => named("role", role);
export const phaseName = (phase: string): string => named("phase", phase);
export const presenceName = (presence: string): string => named("live.presence", presence);
export const stateName = (state: string): string => named("state", state);
