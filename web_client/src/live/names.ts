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

/** A person's name set into a sentence. Chinese text puts no spaces around a name, but a name
 * that begins or ends in Latin letters needs one where it meets Chinese characters
 * ("与吴律师 Counsel Wu 私下沟通", not "…Counsel Wu私下沟通"); in English text the extra
 * space collapses. Kept in the message's variables, so it holds after a language switch. */
export function nameInText(name: string): string {
  const before = /^[A-Za-z0-9]/.test(name) ? " " : "";
  const after = /[A-Za-z0-9.)]$/.test(name) ? " " : "";
  return `${before}${name}${after}`;
}
