// The hearings of one day (today by default, in the court's time zone): time, case, kind, state,
// and for the bench a way into each hearing and to its participants.
import { api } from "../shared/api";
import { el, show } from "../shared/dom";
import { courtClock, courtDate } from "./court_time";
import { showError } from "./errors";
import type { Hearing, Items, Session } from "./types";

export function hearingListView(session: Session): HTMLElement {
  const bench = session.role === "judge" || session.role === "clerk";
  const day = el("input", { type: "date", value: courtDate(session.time_zone), testid: "day" });
  const list = el("div", { class: "hearing-list", testid: "hearing-list" });
  const load = async (): Promise<void> => {
    show(list, el("p", { i18n: "common.loading" }));
    try {
      if (!day.value) day.value = courtDate(session.time_zone);
      const { items } = await api<Items<Hearing>>("GET", `/hearings?date=${day.value}`);
      show(
        list,
        items.length === 0
          ? el("p", { class: "muted", i18n: "staff.hearings.none", testid: "no-hearings" })
          : el("ul", { class: "rows" }, ...items.map((hearing) => row(hearing, session, bench))),
      );
    } catch (error) {
      show(list, showError(el("p", { class: "error" }), error));
    }
  };
  day.addEventListener("change", () => void load());
  void load();
  return el(
    "section",
    { class: "card" },
    el(
      "div",
      { class: "section-head" },
      el("h2", { i18n: "staff.hearings.title" }),
      el("label", { class: "inline" }, el("span", { i18n: "staff.hearings.day" }), day),
      bench &&
        el("a", {
          class: "button primary",
          href: "#/schedule",
          i18n: "staff.hearings.schedule",
          testid: "schedule",
        }),
    ),
    list,
  );
}

function row(hearing: Hearing, session: Session, bench: boolean): HTMLElement {
  const live = ["open", "in_session", "recess"].includes(hearing.state);
  return el(
    "li",
    { class: "row", testid: `hearing-${hearing.id}` },
    el("span", { class: "time" }, courtClock(session.time_zone, hearing.scheduled_start)),
    el(
      "span",
      { class: "what" },
      el("strong", {}, hearing.case_number),
      el("span", {}, hearing.title),
      el(
        "small",
        { class: "muted" },
        el("span", { i18n: `kind.${hearing.kind}` as const }),
        " · ",
        el("span", { i18n: hearing.public ? "staff.public" : "staff.private" }),
      ),
    ),
    el("span", {
      class: `state state-${hearing.state}`,
      i18n: `state.${hearing.state}` as const,
      testid: "state",
    }),
    el(
      "span",
      { class: "actions" },
      bench &&
        el("a", {
          class: "button",
          href: `#/hearings/${hearing.id}`,
          i18n: "staff.hearings.participants",
          testid: "participants",
        }),
      bench &&
        hearing.state !== "closed" &&
        hearing.state !== "cancelled" &&
        el("a", {
          class: live ? "button primary" : "button",
          href: `/hearing/${hearing.id}`,
          i18n: "staff.hearings.enter",
          testid: "enter",
        }),
    ),
  );
}
