// An API failure as a sentence in the reader's language. The server's own message (English,
// precise: "a mediation has no prosecutor") is kept inside it.
import { ApiError } from "../shared/api";
import { setText } from "../shared/dom";
import type { MessageKey } from "../shared/i18n";
import { refusalKey } from "../shared/refusals";

type Vars = Record<string, string | number>;

interface Detail {
  field?: string;
  problem?: string;
}

/** Fill `el` with what went wrong in `error`, and mark it as an alert. */
export function showError(el: HTMLElement, error: unknown): HTMLElement {
  el.hidden = false;
  el.setAttribute("role", "alert");
  const { key, vars } = errorMessage(error);
  return setText(el, key, vars);
}

/** Like showError, but a refusal whose code has words of its own (refusals.ts: e.g. the
 * participant has no mail address) is said in them alone: a conflict (409), a server that
 * cannot (503), or a particular check of what was entered (422 other than the general
 * invalid_request, whose message names the field). */
export function showRefusal(el: HTMLElement, error: unknown): HTMLElement {
  const particular =
    error instanceof ApiError &&
    (error.status === 409 ||
      error.status === 503 ||
      (error.status === 422 && error.code !== "invalid_request"));
  const key = particular ? refusalKey(error.code) : null;
  if (key === null) return showError(el, error);
  el.hidden = false;
  el.setAttribute("role", "alert");
  return setText(el, key);
}

/** What went wrong in `error`: the message to show and its values. */
export function errorMessage(error: unknown): { key: MessageKey; vars?: Vars } {
  if (!(error instanceof ApiError)) {
    return { key: "common.error", vars: { message: String(error) } };
  }
  const message = withDetails(error);
  if (error.status === 0) return { key: "common.network_error" };
  if (error.status === 429) {
    return { key: "staff.error.throttled", vars: { seconds: error.retryAfter ?? 60 } };
  }
  const key: MessageKey =
    error.status === 401
      ? "staff.error.unauthenticated"
      : error.status === 403
        ? "staff.error.forbidden"
        : error.status === 404
          ? "staff.error.not_found"
          : error.status === 409 || error.status === 422
            ? "staff.error.refused"
            : "common.error";
  return { key, vars: { message } };
}

/** Hide an earlier error (before trying again). */
export function clearError(el: HTMLElement): void {
  el.hidden = true;
  el.replaceChildren();
}

function withDetails(error: ApiError): string {
  if (!Array.isArray(error.details)) return error.message;
  const parts = (error.details as Detail[]).map((d) => `${d.field ?? "?"}: ${d.problem ?? ""}`);
  return `${error.message} (${parts.join("; ")})`;
}
