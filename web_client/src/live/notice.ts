// A short-lived line at the bottom of the screen: a refused action, a new message, an alert.
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
