// The hearings of one day (today by default, in the court's time zone): time, case, kind, state,
// and for the bench a way into each hearing and to its participants.
import { api } from "../shared/api";
import { courtClock, courtDate } from "./court_time";
import { h, show } from "./dom";
import { showError } from "./errors";
import type { Hearing, Items, Session } from "./types";

export function hearingListView(session: Session): HTMLElement {
  const bench = session.role === "judge" || session.role === "clerk";
  const day = h("input", { type: "date", value: courtDate(session.time_zone), testid: "day" });
  const list = h("div", { class: "hearing-list", testid: "hearing-list" });
  const load = async (): Promise<void> => {
    show(list, h("p", { i18n: "common.loading" }));
    try {
      if (!day.value) day.value = courtDate(session.time_zone);
      const { items } = await api<Items<Hearing>>("GET", `/hearings?date=${day.value}`);
      show(
        list,
        items.length === 0
          ? h("p", { class: "muted", i18n: "staff.hearings.none", testid: "no-hearings" })
          : h("ul", { class: "rows" }, ...items.map((hearing) => row(hearing, session, bench))),
      );
    } catch (error) {
      show(list, showError(h("p", { class: "error" }), error));
    }
  };
  day.addEventListener("change", () => void load());
  void load();
  return h(
    "section",
    { class: "card" },
    h(
      "div",
      { class: "section-head" },
      h("h2", { i18n: "staff.hearings.title" }),
      h("label", { class: "inline" }, h("span", { i18n: "staff.hearings.day" }), day),
      bench &&
        h("a", {
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
  return h(
    "li",
    { class: "row", testid: `hearing-${hearing.id}` },
    h("span", { class: "time" }, courtClock(session.time_zone, hearing.scheduled_start)),
    h(
      "span",
      { class: "what" },
      h("strong", {}, hearing.case_number),
      h("span", {}, hearing.title),
      h(
        "small",
        { class: "muted" },
        h("span", { i18n: `kind.${hearing.kind}` as const }),
        " · ",
        h("span", { i18n: hearing.public ? "staff.public" : "staff.private" }),
      ),
    ),
    h("span", {
      class: `state state-${hearing.state}`,
      i18n: `state.${hearing.state}` as const,
      testid: "state",
    }),
    h(
      "span",
      { class: "actions" },
      bench &&
        h("a", {
          class: "button",
          href: `#/hearings/${hearing.id}`,
          i18n: "staff.hearings.participants",
          testid: "participants",
        }),
      bench &&
        hearing.state !== "closed" &&
        hearing.state !== "cancelled" &&
        h("a", {
          class: live ? "button primary" : "button",
          href: `/hearing/${hearing.id}`,
          i18n: "staff.hearings.enter",
          testid: "enter",
        }),
    ),
  );
}
