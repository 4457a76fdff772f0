// Staff home: login, the day's hearings, scheduling, and each hearing's participants.
import "../shared/base.css";
import "../staff/staff.css";
import { adminView } from "../staff/admin";
import { show } from "../shared/dom";
import { hearingListView } from "../staff/hearing_list";
import { participantsView } from "../staff/participants";
import { scheduleView } from "../staff/schedule";
import { startStaffPage } from "../staff/shell";
import type { Session } from "../staff/types";

/** `#/` the day's hearings, `#/schedule` a new hearing, `#/hearings/<id>` its participants. */
function route(session: Session, main: HTMLElement): void {
  if (session.role === "admin") {
    show(main, adminView(session));
    return;
  }
  const hash = location.hash;
  const hearing = /^#\/hearings\/(\d+)$/.exec(hash);
  if (hearing !== null) show(main, participantsView(session, Number(hearing[1])));
  else if (hash === "#/schedule")
    show(main, scheduleView(session, (created) => location.assign(`#/hearings/${created.id}`)));
  else show(main, hearingListView(session));
  window.scrollTo(0, 0);
}

void startStaffPage("hearings", (session, main) => {
  window.addEventListener("hashchange", () => route(session, main));
  route(session, main);
});
