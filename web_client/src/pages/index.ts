// Staff home: login, the day's hearings, scheduling, and each hearing's participants.
import "../shared/base.css";
import "../staff/staff.css";
import { render } from "preact";
import type { SessionOut } from "../generated/api";
import { adminView } from "../staff/admin";
import { evidenceScreen } from "../staff/evidence";
import { show } from "../shared/dom";
import { hearingList } from "../staff/hearing_list";
import { participantsView } from "../staff/participants";
import { scheduleView } from "../staff/schedule";
import { newSitting, sittingQueue } from "../staff/sitting";
import { startStaffPage } from "../staff/shell";

/** `#/` the day's hearings, `#/schedule` a new hearing, `#/hearings/<id>` its participants,
 * `#/hearings/<id>/evidence` its case's evidence, `#/sittings/<id>` a mediation sitting's queue,
 * `#/sittings/new?date=<day>` a new one of the day's mediations. */
function route(session: SessionOut, main: HTMLElement): void {
  // The hearing list and the evidence are drawn with Preact: take them off (their effects and
  // language listeners stop) before another screen fills the main area, and give it an empty one.
  render(null, main);
  show(main);
  if (session.role === "admin") {
    show(main, adminView(session));
    return;
  }
  const hash = location.hash;
  const hearing = /^#\/hearings\/(\d+)$/.exec(hash);
  const evidence = /^#\/hearings\/(\d+)\/evidence$/.exec(hash);
  const sitting = /^#\/sittings\/(\d+)$/.exec(hash);
  const newOne = /^#\/sittings\/new\?date=(\d{4}-\d{2}-\d{2})$/.exec(hash);
  if (hearing !== null) show(main, participantsView(session, Number(hearing[1])));
  else if (evidence !== null) render(evidenceScreen(session, Number(evidence[1])), main);
  else if (sitting !== null) render(sittingQueue(session, Number(sitting[1])), main);
  else if (newOne !== null) render(newSitting(session, newOne[1]), main);
  else if (hash === "#/schedule")
    show(main, scheduleView(session, (created) => location.assign(`#/hearings/${created.id}`)));
  else render(hearingList(session), main);
  window.scrollTo(0, 0);
}

void startStaffPage("hearings", (session, main) => {
  window.addEventListener("hashchange", () => route(session, main));
  route(session, main);
});
