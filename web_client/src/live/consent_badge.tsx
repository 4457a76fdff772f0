// A participant's answer on taking part online, as the bench sees it in the console's list of
// people: agreed, refused (in the warning colour: the court may hold their part in the
// courtroom) or not yet, with when they answered.
import type { VNode } from "preact";
import type { ConsentView } from "../generated/protocol";
import { language, t } from "../shared/i18n";

export function ConsentBadge({ consent }: { consent: ConsentView }): VNode {
  const answer = t(`consent.short.${consent.answer}`);
  const text = consent.at ? t("consent.at", { answer, at: answeredAt(consent.at) }) : answer;
  return (
    <span
      class="consent-badge"
      data-testid="consent"
      data-answer={consent.answer}
      title={t(`consent.answer.${consent.answer}`)}
    >
      {text}
    </span>
  );
}

/** The time of day if it was today, else the date and time. */
export function answeredAt(iso: string): string {
  const at = new Date(iso);
  const today = at.toDateString() === new Date().toDateString();
  const style: Intl.DateTimeFormatOptions = today
    ? { timeStyle: "short" }
    : { dateStyle: "short", timeStyle: "short" };
  return at.toLocaleString(language(), style);
}
