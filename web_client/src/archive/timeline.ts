// The hearing as it happened: state changes (recesses among them), procedure phases,
// admissions, identity checks, people joining and leaving, a creditors' meeting's votes, the
// recorder's own states.
import type { TimelineEntry } from "../generated/api";
import { el } from "../shared/dom";
import { courtClock, courtDate } from "../staff/court_time";
import { label } from "./labels";

/** Where each kind's values come from: hearing states, phases, recorder states or a person. */
const VALUES: Record<string, string> = {
  state: "state",
  phase: "phase",
  recording: "archive.recording",
  online_consent: "consent.answer",
  ballot_cast: "archive.ballot",
  vote_closed: "archive.vote_result",
  outcome: "outcome",
};

/** Times are court clock times; an entry on another day than `day` (YYYY-MM-DD) shows its date. */
export function timelineView(zone: string, day: string, entries: TimelineEntry[]): HTMLElement {
  return el(
    "div",
    { class: "timeline" },
    el("h3", { i18n: "archive.timeline" }),
    el("ol", { class: "rows", testid: "timeline" }, ...entries.map((e) => entry(zone, day, e))),
  );
}

function entry(zone: string, day: string, e: TimelineEntry): HTMLElement {
  const date = courtDate(zone, new Date(e.at));
  const values = VALUES[e.kind];
  const what: Array<HTMLElement | string> = [label("archive.event", e.kind)];
  if (values !== undefined) {
    if (e.from_value) what.push(": ", label(values, e.from_value), " → ");
    else if (e.to_value) what.push(": ");
    if (e.to_value) what.push(label(values, e.to_value));
  }
  if (e.participant_name) what.push(": ", el("strong", {}, e.participant_name));
  return el(
    "li",
    { class: `row event-${e.kind} to-${e.to_value ?? "none"}`, testid: "event" },
    el("span", { class: "time" }, date === day ? "" : `${date} `, courtClock(zone, e.at, true)),
    el("span", { class: "text" }, ...what),
  );
}
