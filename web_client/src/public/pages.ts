// The public pages (no login): a court's public hearings today and to come
// (/public/courts/<id>), and one hearing's page (/public/hearing/<id>) that plays its live
// broadcast, or says why there is none now. Only what the court publishes: the case number,
// the cause of action, the time and the state; the names are in the picture alone.
import type { PublicHearing, PublicHearingList } from "../generated/api";
import { SLATE_LABELS } from "../generated/court";
import { ApiError, api } from "../shared/api";
import { el, setText, show } from "../shared/dom";
import { language, onLanguageChange, t } from "../shared/i18n";
import { words } from "../shared/money";
import { playLive } from "./player";

const POLL_MS = 5000;
/** Once the broadcast plays, its own pictures say what happens (a slate, the close): the page
 * asks less often, a thousand viewers' pages being a load on the server. */
const PLAYING_POLL_MS = 20000;

function when(hearing: { scheduled_start: string }, zone: string): string {
  return new Date(hearing.scheduled_start).toLocaleString(language(), {
    dateStyle: "medium",
    timeStyle: "short",
    timeZone: zone,
  });
}

function stateText(hearing: PublicHearing): string {
  if (hearing.slate === null) return t("public.live");
  return words(SLATE_LABELS[hearing.slate]);
}

function problem(main: HTMLElement, error: unknown, notFound: "public.not_found" | "public.court_not_found"): void {
  if (error instanceof ApiError && error.status === 404) {
    show(main, setText(el("p.notice", { testid: "public-not-found" }), notFound));
  } else {
    show(main, el("p.notice", { testid: "public-error" }, t("common.network_error")));
  }
}

export async function courtPage(main: HTMLElement, courtId: number): Promise<void> {
  let list: PublicHearingList;
  try {
    list = await api<PublicHearingList>("GET", `/public/courts/${courtId}/hearings`);
  } catch (error) {
    problem(main, error, "public.court_not_found");
    return;
  }
  const draw = (): void => {
    const rows = list.items.map((hearing) =>
      el(
        "li.public-item",
        { testid: `public-hearing-${hearing.id}` },
        el("a", { href: `/public/hearing/${hearing.id}` }, hearing.case_number),
        el("span.cause", {}, hearing.cause ?? t(`kind.${hearing.kind}`)),
        el("span.time", {}, when(hearing, list.time_zone)),
        el("span.state", { testid: "public-state" }, stateText(hearing)),
      ),
    );
    show(
      main,
      el("h1", {}, t("public.today", { court: list.court })),
      rows.length > 0
        ? el("ul.public-list", { testid: "public-list" }, ...rows)
        : setText(el("p.notice", { testid: "public-none" }), "public.none"),
    );
  };
  draw();
  onLanguageChange(draw);
}

export async function hearingPage(main: HTMLElement, hearingId: number): Promise<void> {
  let hearing: PublicHearing;
  try {
    hearing = await api<PublicHearing>("GET", `/public/hearings/${hearingId}`);
  } catch (error) {
    problem(main, error, "public.not_found");
    return;
  }
  const video = el("video.public-video", {
    testid: "public-video",
    controls: true,
    muted: true,
    autoplay: true,
    playsinline: true,
  });
  video.muted = true; // the attribute alone does not mute for autoplay in every browser
  const status = el("p.public-status", { testid: "public-status" });
  const facts = el("dl.public-facts");
  let stop: (() => void) | null = null;
  let playing: string | null = null;

  const draw = (): void => {
    document.title = `${hearing.case_number} · ${t("public.heading")}`;
    facts.replaceChildren(
      el("dt", { i18n: "public.case" }),
      el("dd", { testid: "public-case" }, hearing.case_number),
      el("dt", { i18n: "public.cause" }),
      el("dd", {}, hearing.cause ?? t(`kind.${hearing.kind}`)),
      el("dt", {}, t("public.time", { zone: hearing.time_zone })),
      el("dd", {}, when(hearing, hearing.time_zone)),
    );
    status.textContent = `${stateText(hearing)}${
      hearing.playlist ? ` · ${t("public.behind", { seconds: Math.round(hearing.delay_seconds) })}` : ""
    }`;
    status.dataset.slate = hearing.slate ?? "live";
  };
  const attach = async (): Promise<void> => {
    if (hearing.playlist === null || hearing.playlist === playing) return;
    playing = hearing.playlist;
    const started = await playLive(video, hearing.playlist);
    if (started === false) {
      show(main, setText(el("p.notice", { testid: "public-no-player" }), "public.no_player"));
      return;
    }
    stop = started;
  };
  show(
    main,
    el("h1", {}, hearing.court),
    facts,
    status,
    video,
    el("a.back", { href: `/public/courts/${hearing.court_id}`, i18n: "public.back" }),
  );
  draw();
  onLanguageChange(draw);
  await attach();
  let timer = 0;
  const poll = async (): Promise<void> => {
    try {
      hearing = await api<PublicHearing>("GET", `/public/hearings/${hearingId}`);
      draw();
      await attach();
      if (hearing.playlist === null && stop !== null) {
        stop(); // the broadcast's files are gone
        stop = playing = null;
      }
    } catch {
      // a missed poll: the next one comes
    }
    timer = window.setTimeout(() => void poll(), stop === null ? POLL_MS : PLAYING_POLL_MS);
  };
  timer = window.setTimeout(() => void poll(), POLL_MS);
  window.addEventListener("pagehide", () => window.clearTimeout(timer));
}
