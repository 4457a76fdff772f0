// The card at the top of the join page (and of a party's recording page after the hearing):
// which court, case and hearing, and who is invited.
import type { InvitationInfo } from "../generated/api";
import { language, onLanguageChange, type MessageKey } from "../shared/i18n";
import { el } from "../shared/dom";
import { roleName } from "./names";

/** `title`: the card's heading (the invitation itself, or the hearing's recording after it);
 * `scheduled`: whether to show when the hearing is scheduled (not after it was held). */
export function invitationCard(
  info: InvitationInfo,
  title: MessageKey = "live.join.title",
  scheduled = true,
): HTMLElement {
  const row = (key: MessageKey, value: string, testid: string): HTMLElement =>
    el("div.fact", {}, el("dt", { i18n: key }), el("dd", { testid }, value));
  const facts = el("dl");
  const fill = (): void => {
    const when = new Date(info.hearing.scheduled_start).toLocaleString(language(), {
      dateStyle: "medium",
      timeStyle: "short",
    });
    facts.replaceChildren(
      row("live.join.court", info.court, "court"),
      row("live.join.case", `${info.case_number} ${info.case_title}`, "case"),
      row("live.join.hearing", info.hearing.title, "hearing-title"),
      scheduled ? row("live.join.time", when, "hearing-time") : "",
      row("live.join.you", `${info.name} · ${roleName(info.role)}`, "invitee"),
    );
  };
  fill();
  onLanguageChange(fill);
  const heading = el("h1", { i18n: title });
  return el("section.invitation", { testid: "invitation" }, heading, facts);
}
