// The administrator's landing: the courts and staff accounts (managed through the API), and the
// hearings of the day across courts. Administrators take part in no hearing.
import { render } from "preact";
import type { CourtOut, SessionOut, UserOut } from "../generated/api";
import { api } from "../shared/api";
import { el, show } from "../shared/dom";
import { showError } from "./errors";
import { hearingList } from "./hearing_list";
import type { Items } from "./types";

export function adminView(session: SessionOut): HTMLElement {
  const courts = el("ul", { class: "rows", testid: "courts" });
  const users = el("ul", { class: "rows", testid: "users" });
  const hearings = el("div"); // the hearing list, drawn with Preact
  render(hearingList(session), hearings);
  void (async () => {
    try {
      const [c, u] = await Promise.all([
        api<Items<CourtOut>>("GET", "/courts"),
        api<Items<UserOut>>("GET", "/users"),
      ]);
      const courtName = new Map(c.items.map((court) => [court.id, court.name]));
      show(
        courts,
        ...c.items.map((court) => el("li", { class: "row" }, `${court.name} (${court.code})`)),
      );
      show(
        users,
        ...u.items.map((user) =>
          el(
            "li",
            { class: user.active ? "row" : "row muted" },
            el(
              "span",
              {},
              el("strong", {}, user.display_name),
              ` ${user.username} · `,
              el("span", { i18n: `role.${user.role}` as const }),
              user.court_id !== null ? ` · ${courtName.get(user.court_id) ?? user.court_id}` : "",
            ),
          ),
        ),
      );
    } catch (error) {
      show(courts, showError(el("p", { class: "error" }), error));
    }
  })();
  return el(
    "div",
    { class: "admin", testid: "admin" },
    hearings,
    el("section", { class: "card" }, el("h2", { i18n: "staff.admin.courts" }), courts),
    el(
      "section",
      { class: "card" },
      el("h2", { i18n: "staff.admin.users" }),
      el("p", { class: "muted", i18n: "staff.admin.manage_hint" }),
      users,
    ),
  );
}
