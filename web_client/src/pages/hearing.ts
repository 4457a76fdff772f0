// Staff in a live hearing (/hearing/<id>): the judge's (or clerk's) console beside the video;
// once the hearing is closed, its record: the transcript and its confirmations (live/record.tsx).
import "../shared/base.css";
import "../live/live.css";
import type { HearingOut, SessionOut } from "../generated/api";
import { ApiError, api, setCsrfToken } from "../shared/api";
import { languageSwitch, startI18n } from "../shared/i18n";
import { button, el } from "../shared/dom";
import { BenchConsole } from "../live/console";
import { mediaHelp } from "../live/help";
import { MediaError, openCameraAndMicrophone } from "../live/media";
import { LiveSession } from "../live/session";
import { HearingView } from "../live/view";

const app = document.getElementById("app") as HTMLElement;

async function main(): Promise<void> {
  startI18n();
  const hearingId = Number(location.pathname.split("/").filter(Boolean)[1]);
  let hearing: HearingOut;
  try {
    const me = await api<SessionOut>("GET", "/auth/me");
    setCsrfToken(me.csrf_token);
    hearing = await api<HearingOut>("GET", `/hearings/${hearingId}`);
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      show(
        el("p", { i18n: "live.staff.login_needed" }),
        el("a.button", { href: "/", testid: "login-link", i18n: "live.staff.login_link" }),
      );
    } else {
      const message = error instanceof Error ? error.message : String(error);
      show(el("p.problem", { role: "alert" }, message));
    }
    return;
  }
  if (hearing.state === "closed") {
    await showRecord(hearingId, el("h1", {}, `${hearing.case_number} ${hearing.title}`));
    return;
  }
  const enter = (stream: MediaStream | null): void => {
    const session = new LiveSession({ hearingId }, stream);
    const view = new HearingView(session, {
      mode: "bench",
      title: `${hearing.case_number} ${hearing.title}`,
      benchConsole: (live, onPeople) => new BenchConsole(live, onPeople),
      onEnded: (ending) => {
        // closed now: the record follows on the same screen
        const last = view.root.querySelector<HTMLElement>("[data-testid=ended]");
        if (ending.kind === "closed" && last !== null) void showRecord(hearingId, last);
      },
    });
    app.replaceChildren(view.root);
    session.start();
  };
  const tryCamera = async (): Promise<void> => {
    try {
      enter(await openCameraAndMicrophone());
    } catch (error) {
      const problem = error instanceof MediaError ? error : new MediaError("failed", String(error));
      show(
        mediaHelp(
          problem,
          () => void tryCamera(),
          button("live.staff.without_camera", "join-without-camera", () => enter(null)),
        ),
      );
    }
  };
  await tryCamera();
}

/** The closed hearing's record under `above` (its title, or the live screen's last words). */
async function showRecord(hearingId: number, above: HTMLElement): Promise<void> {
  const host = el("div.record-host", {});
  const { mountRecord } = await import("../live/record");
  if (above.isConnected) above.after(host);
  else show(above, host);
  mountRecord(host, hearingId);
}

function show(...nodes: Node[]): void {
  app.replaceChildren(el("div.page", {}, el("div.top-bar", {}, languageSwitch()), ...nodes));
}

void main();
