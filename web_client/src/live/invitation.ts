// The card at the top of the join page (and of a party's recording page after the hearing):
// which court, case and hearing, and who is invited. The time is the court's, named so, and for
// someone in another zone (the one the court recorded, else the browser's) also their own; the
// waiting room repeats the times (`hearingTimes`).
import type { InvitationInfo } from "../generated/api";
import { language, onLanguageChange, t, type MessageKey } from "../shared/i18n";
import { el } from "../shared/dom";
import { roleName } from "./names";

function row(key: MessageKey, value: string, testid: string): HTMLElement {
  return el("div.fact", {}, el("dt", { i18n: key }), el("dd", { testid }, value));
}

/** The scheduled time in the court's zone and, when it reads differently there, the person's. */
function timeRows(info: InvitationInfo): HTMLElement[] {
  const start = new Date(info.hearing.scheduled_start);
  const at = (timeZone: string): string =>
    start.toLocaleString(language(), { dateStyle: "medium", timeStyle: "short", timeZone });
  const ownZone = info.time_zone ?? Intl.DateTimeFormat().resolvedOptions().timeZone;
  const court = t("live.join.court_time", {
    time: at(info.court_time_zone),
    zone: info.court_time_zone,
  });
  const rows = [row("live.join.time", court, "hearing-time")];
  if (at(ownZone) !== at(info.court_time_zone)) {
    rows.push(row("live.join.own_time", `${at(ownZone)} (${ownZone})`, "hearing-own-time"));
  }
  return rows;
}

/** `title`: the card's heading (the invitation itself, or the hearing's recording after it);
 * `scheduled`: whether to show when the hearing is scheduled (not after it was held). */
export function invitationCard(
  info: InvitationInfo,
  title: MessageKey = "live.join.title",
  scheduled = true,
): HTMLElement {
  const facts = el("dl");
  const fill = (): void => {
    facts.replaceChildren(
      row("live.join.court", info.court, "court"),
      row("live.join.case", `${info.case_number} ${info.case_title}`, "case"),
      row("live.join.hearing", info.hearing.title, "hearing-title"),
      ...(scheduled ? timeRows(info) : []),
      row("live.join.you", `${info.name} · ${roleName(info.role)}`, "invitee"),
    );
  };
  fill();
  onLanguageChange(fill);
  const heading = el("h1", { i18n: title });
  return el("section.invitation", { testid: "invitation" }, heading, facts);
}

/** The times alone, for the waiting room. */
export function hearingTimes(info: InvitationInfo): HTMLElement {
  const times = el("dl.times", { testid: "waiting-times" });
  const fill = (): void => {
    times.replaceChildren(...timeRows(info));
  };
  fill();
  onLanguageChange(fill);
  return times;
}
