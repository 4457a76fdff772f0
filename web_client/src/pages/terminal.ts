// A detention centre's kiosk (/terminal): logs in with the terminal's credential, lists today's
// hearings for the centre, joins the one the court has opened, full screen, with no way to leave
// the hearing from the screen. When the hearing ends it returns to the list, where a closed
// hearing's transcript is read and signed by the detainee (signing/).
import "../shared/base.css";
import "../live/live.css";
import type { HearingOut, SessionOut } from "../generated/api";
import { LIVE_STATES } from "../generated/court";
import { ApiError, api, setCsrfToken } from "../shared/api";
import { language, languageSwitch, onLanguageChange, startI18n } from "../shared/i18n";
import { button, el, setText } from "../shared/dom";
import { mediaHelp } from "../live/help";
import { MediaError, openCameraAndMicrophone } from "../live/media";
import { stateName } from "../live/names";
import { LiveSession } from "../live/session";
import { HearingView } from "../live/view";

const POLL_MS = 3000;
const BACK_TO_LIST_MS = 10_000;

const app = document.getElementById("app") as HTMLElement;
let poll: number | undefined;
/** Redraws the hearing list in the current language (nothing while in a hearing). */
let redrawList = (): void => undefined;

async function main(): Promise<void> {
  startI18n();
  try {
    const me = await api<SessionOut>("GET", "/auth/me");
    if (me.kind === "terminal") {
      setCsrfToken(me.csrf_token);
      void showHearings();
      return;
    }
  } catch {
    // Not logged in (or the server is out of reach: the login form says so when used).
  }
  showLogin();
}

function showLogin(): void {
  const id = el("input", {
    testid: "terminal-id",
    inputmode: "numeric",
    required: true,
    autocomplete: "username",
  });
  const secret = el("input", {
    testid: "terminal-secret",
    type: "password",
    required: true,
    autocomplete: "current-password",
  });
  const failed = el("p.problem", {
    testid: "login-problem",
    role: "alert",
    i18n: "live.terminal.bad_credentials",
  });
  failed.hidden = true;
  const form = el(
    "form.terminal-login",
    { testid: "terminal-login" },
    el("h1", { i18n: "live.terminal.title" }),
    el("label", {}, el("span", { i18n: "live.terminal.id" }), id),
    el("label", {}, el("span", { i18n: "live.terminal.secret" }), secret),
    failed,
    el("button.primary", {
      type: "submit",
      testid: "terminal-submit",
      i18n: "live.terminal.login",
    }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    void fullScreen();
    api<SessionOut>("POST", "/auth/terminal-login", { terminal_id: Number(id.value), secret: secret.value })
      .then((me) => {
        setCsrfToken(me.csrf_token);
        void showHearings();
      })
      .catch((error: unknown) => {
        const wrong = error instanceof ApiError && error.status === 401;
        setText(failed, wrong ? "live.terminal.bad_credentials" : "common.network_error");
        failed.hidden = false;
      });
  });
  app.replaceChildren(el("div.page.terminal", {}, el("div.top-bar", {}, languageSwitch()), form));
}

async function showHearings(): Promise<void> {
  const list = el("ul.hearings", { testid: "terminal-hearings" });
  const full = button("live.terminal.fullscreen", "fullscreen", () => void fullScreen());
  app.replaceChildren(
    el(
      "div.page.terminal",
      {},
      el("div.top-bar", {}, full, languageSwitch()),
      el("h1", { i18n: "live.terminal.today" }),
      list,
      el("p", { i18n: "live.terminal.waiting" }),
    ),
  );
  let hearings: HearingOut[] = [];
  const render = (): void => {
    list.replaceChildren(
      ...(hearings.length === 0
        ? [el("li", { i18n: "live.terminal.none" })]
        : hearings.map((h) =>
            el(
              "li.hearing",
              { testid: "terminal-hearing", "data-state": h.state },
              el("span", {}, time(h.scheduled_start)),
              el("strong", {}, `${h.case_number} ${h.title}`),
              el("span.badge", {}, stateName(h.state)),
              h.state === "closed"
                ? button("signing.terminal.open", "terminal-sign", () => void confirm(h))
                : null,
            ),
          )),
    );
  };
  redrawList = render;
  const check = async (): Promise<void> => {
    try {
      hearings = (await api<{ items: HearingOut[] }>("GET", "/terminal/hearings")).items;
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) {
        showLogin();
        return;
      }
      poll = window.setTimeout(() => void check(), POLL_MS); // the network: try again soon
      return;
    }
    render();
    const live = hearings.find((h) => LIVE_STATES.includes(h.state));
    if (live) await join(live);
    else poll = window.setTimeout(() => void check(), POLL_MS);
  };
  await check();
}

async function join(hearing: HearingOut): Promise<void> {
  window.clearTimeout(poll);
  redrawList = () => undefined;
  let stream: MediaStream;
  try {
    stream = await openCameraAndMicrophone();
  } catch (error) {
    const problem = error instanceof MediaError ? error : new MediaError("failed", String(error));
    app.replaceChildren(el("div.page.terminal", {}, mediaHelp(problem, () => void join(hearing))));
    return;
  }
  const session = new LiveSession({ hearingId: hearing.id }, stream);
  const view = new HearingView(session, {
    mode: "terminal",
    title: `${hearing.case_number} ${hearing.title}`,
    onEnded: () => {
      view.root.append(el("p.back-soon", { i18n: "live.terminal.back_soon" }));
      window.setTimeout(() => void showHearings(), BACK_TO_LIST_MS);
    },
  });
  app.replaceChildren(view.root);
  session.start();
}

/** The detainee reads and confirms a closed hearing's transcript; the list waits meanwhile. */
async function confirm(hearing: HearingOut): Promise<void> {
  window.clearTimeout(poll);
  redrawList = () => undefined;
  const host = el("div", {});
  const { mountConfirmation } = await import("../signing/confirm");
  let leave = (): void => undefined;
  const back = button("signing.terminal.back", "terminal-back", () => {
    leave();
    void showHearings();
  });
  app.replaceChildren(
    el(
      "div.page.terminal",
      {},
      el("div.top-bar", {}, back, languageSwitch()),
      el("h1", {}, `${hearing.case_number} ${hearing.title}`),
      host,
    ),
  );
  leave = mountConfirmation(host, hearing.id);
}

function time(iso: string): string {
  return new Date(iso).toLocaleTimeString(language(), { timeStyle: "short" });
}

async function fullScreen(): Promise<void> {
  if (document.fullscreenElement) return;
  try {
    await document.documentElement.requestFullscreen();
  } catch {
    // Not allowed without a tap, or not supported: the kiosk browser is full screen anyway.
  }
}

onLanguageChange(() => redrawList());
void main();
