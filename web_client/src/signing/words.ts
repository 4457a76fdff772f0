// How the confirmation screens word a time and a refusal from the server.
import { ApiError } from "../shared/api";
import type { Lang } from "../shared/i18n";
import { refusalText } from "../shared/refusals";

export function when(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
}

/** A refusal in the person's language (the server's words for a code we have none for). */
export function refusal(error: unknown): string {
  if (error instanceof ApiError) return refusalText(error.code, error.message);
  return refusalText("network", String(error));
}
