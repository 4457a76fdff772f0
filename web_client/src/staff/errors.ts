// An API failure as a sentence in the reader's language. The server's own message (English,
// precise: "a mediation has no prosecutor") is kept inside it.
import { ApiError } from "../shared/api";
import type { MessageKey } from "../shared/i18n";
import { setText } from "../shared/dom";

interface Detail {
  field?: string;
  problem?: string;
}

/** Fill `el` with what went wrong in `error`, and mark it as an alert. */
export function showError(el: HTMLElement, error: unknown): HTMLElement {
  el.hidden = false;
  el.setAttribute("role", "alert");
  if (!(error instanceof ApiError)) {
    return setText(el, "common.error", { message: String(error) });
  }
  const message = withDetails(error);
  if (error.status === 0) return setText(el, "common.network_error");
  if (error.status === 429) {
    return setText(el, "staff.error.throttled", { seconds: error.retryAfter ?? 60 });
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
  return setText(el, key, { message });
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
