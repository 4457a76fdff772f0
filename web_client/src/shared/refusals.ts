// A server refusal ({code, message}) in the person's language: the code's message when we have
// one, else the server's own words.
import { hasMessage, type MessageKey, t } from "./i18n";

/** The message key for a refusal code, or null for a code we have no words for. */
export function refusalKey(code: string | undefined): MessageKey | null {
  const key = `refusal.${code ?? ""}`;
  return code && hasMessage(key) ? key : null;
}

export function refusalText(code: string | undefined, message: string): string {
  const key = refusalKey(code);
  return key === null ? message : t(key);
}
