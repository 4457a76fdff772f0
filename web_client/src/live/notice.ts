// A short-lived line at the bottom of the screen: a refused action, a new message, an alert.
import { ApiError } from "../shared/api";
import { el } from "../shared/dom";
import { t } from "../shared/i18n";
import { refusalText } from "../shared/refusals";
import type { Refusal } from "./protocol";

const SHOWN_MS = 5000;
let area: HTMLElement | null = null;

export function notify(text: string): void {
  area ??= document.body.appendChild(
    el("div.notices", { testid: "notices", "aria-live": "polite" }),
  );
  const line = el("p.notice", { testid: "notice" }, text);
  area.append(line);
  window.setTimeout(() => line.remove(), SHOWN_MS);
}

/** Show the server's refusal of an action, if any. */
export function report(result: Promise<Refusal | null>): void {
  void result.then((refused) => {
    if (refused) notify(t("live.refused", { message: refusalText(refused.code, refused.message) }));
  });
}

/** Show why a REST request of the console failed (the server's refusal, or the network). */
export function notifyFailure(error: unknown): void {
  const message =
    error instanceof ApiError
      ? refusalText(error.code, error.message)
      : refusalText("network", String(error));
  notify(t("live.refused", { message }));
}
