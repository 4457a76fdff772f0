// What every staff screen shares: the session check (or the login form), and a top bar with
// the screens, the person logged in, the language switch and logout.
import type { SessionOut } from "../generated/api";
import { languageSwitch, startI18n } from "../shared/i18n";
import { el, show } from "../shared/dom";
import { showError } from "./errors";
import { loginView } from "./login";
import { currentSession, logOut } from "./session";

type Screen = "hearings" | "archive";

/** Start a staff page: `render` fills the main area once someone is logged in. */
export async function startStaffPage(
  screen: Screen,
  render: (session: SessionOut, main: HTMLElement) => void,
): Promise<void> {
  startI18n();
  const app = document.getElementById("app");
  if (app === null) throw new Error("the page has no #app");
  const main = el("div", { class: "staff-main" });
  const enter = (session: SessionOut): void => {
    show(app, topBar(screen, session), main);
    render(session, main);
  };
  let session: SessionOut | null;
  try {
    session = await currentSession();
  } catch (error) {
    show(app, topBar(screen, null), showError(el("p", { class: "error" }), error));
    return;
  }
  if (session === null) show(app, topBar(screen, null), loginView(enter));
  else enter(session);
}

function topBar(screen: Screen, session: SessionOut | null): HTMLElement {
  const bar = el("header", { class: "staff-bar" }, el("strong", { i18n: "app.title" }));
  if (session !== null) {
    const link = (to: Screen, href: string): HTMLAnchorElement =>
      el("a", {
        href,
        i18n: to === "hearings" ? "staff.nav.hearings" : "staff.nav.archive",
        "aria-current": to === screen ? "page" : undefined,
        testid: `nav-${to}`,
      });
    const nav = el("nav", {}, link("hearings", "/"));
    if (session.role !== "admin") nav.append(link("archive", "/archive"));
    const logout = el("button", { type: "button", i18n: "common.logout", testid: "logout" });
    logout.addEventListener("click", async () => {
      logout.disabled = true;
      try {
        await logOut();
      } finally {
        location.assign("/");
      }
    });
    bar.append(
      nav,
      el(
        "span",
        { class: "who", testid: "who" },
        `${session.name} · `,
        el("span", { i18n: `role.${session.role}` as const }),
      ),
      logout,
    );
  }
  bar.append(languageSwitch());
  return bar;
}
