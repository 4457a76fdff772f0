// The live hearing screen: a header with the hearing's state, recording and phase; banners for
// connection and recess; the waiting room or the video tiles; the person's controls; for the
// bench the console and messages; and a final screen when the hearing ends for this person.
import { button, el, setText } from "../shared/dom";
import { languageSwitch, onLanguageChange, t } from "../shared/i18n";
import { refusalKey } from "../shared/refusals";
import { Chat } from "./chat";
import type { BenchConsole } from "./console";
import { Controls } from "./controls";
import { nameInText, phaseName, roleName, stateName } from "./names";
import { notify, report } from "./notice";
import type { Ending, LiveSession } from "./session";
import { banners } from "./status";
import { ListeningBar } from "./interpretation";
import { HiddenVideos } from "./hidden";
import { TileGrid } from "./tiles";
import { VotePanel } from "./vote";

export type Mode = "participant" | "bench" | "terminal";

export interface ViewOptions {
  mode: Mode;
  /** The case number and hearing title, shown in the header. */
  title: string;
  onEnded?: (ending: Ending) => void;
  /** The bench's console (mode "bench"), made by the bench's page: the parties' and the
   * terminal's pages then load neither it nor Preact, which draws it. */
  benchConsole?: (session: LiveSession, onPeople: (open: boolean) => void) => BenchConsole;
  /** Shown in the waiting room: when the hearing is scheduled (the invitation's times). */
  waitingFacts?: HTMLElement;
}

export class HearingView {
  readonly root: HTMLElement;
  private readonly state = el("span.badge.state", { testid: "hearing-state" });
  private readonly recording = el("span.badge.recording", {
    testid: "recording",
    i18n: "live.recording",
  });
  private readonly recordingFailed = el("span.badge.recording-failed", {
    testid: "recording-failed",
    i18n: "live.recording_failed",
  });
  private readonly phase = el("span.phase", { testid: "phase" });
  private readonly banners = el("div.banners", { testid: "banners" });
  private readonly courtNotices = el("div.court-notices", { "aria-live": "assertive" });
  private readonly consultation = el("section.consultation", { testid: "consultation" });
  private readonly waiting = el("section.waiting", { testid: "waiting-room" });
  private readonly waitingPreview = el("video", { autoplay: true, playsinline: true, muted: true });
  private readonly benchMuted = el("p.bench-muted", {
    testid: "bench-muted",
    i18n: "live.bench_muted",
  });
  private readonly soundOn = button(
    "live.sound_on",
    "sound-on",
    () => this.unblockSound(),
    "primary",
  );
  private readonly ended = el("section.ended", { testid: "ended" });
  /** The exhibit on screen and the presenter's controls (live/presentation/). */
  private readonly presentation = el("div.presentation-host");
  private readonly main: HTMLElement;
  /** Draws the presentation again; null until its module is loaded, the first time someone
   * presents or this person may (the pages of those who never see one load none of it). */
  private drawPresentation: (() => void) | null = null;
  private presentationLoading = false;
  private readonly tiles: TileGrid;
  /** Tells the server whose tiles are not shown (scrolled away, or the page in the background). */
  private readonly hiddenVideos: HiddenVideos;
  private readonly controls: Controls;
  private readonly console: BenchConsole | null;
  private readonly chat: Chat;
  /** A creditors' meeting's vote (vote.ts). */
  private readonly vote: VotePanel;
  private readonly body: HTMLElement;
  /** The bench's bottom bar on a phone: the hearing's actions and one's own switches. */
  private readonly dock = el("div.bench-dock", { testid: "bench-dock" });
  private readonly side: HTMLElement;
  /** Floor or interpretation; a sign-language interpreter kept beside the speaker. */
  private readonly listening: ListeningBar;
  private endingShown = false;

  constructor(
    private readonly session: LiveSession,
    private readonly options: ViewOptions,
  ) {
    const bench = options.mode === "bench";
    this.tiles = new TileGrid(
      session.local,
      bench ? (id) => report(session.act("stop_share", { participant_id: id })) : null,
    );
    this.hiddenVideos = new HiddenVideos(this.tiles.root, (views) => session.setVideoViews(views));
    this.console = options.benchConsole?.(session, (open) => this.showPeople(open)) ?? null;
    this.listening = new ListeningBar(
      (interpreterId) => report(session.act("listen", { interpreter_id: interpreterId })),
      () => this.render(),
    );
    this.chat = new Chat(session, bench);
    this.vote = new VotePanel(session, bench);
    this.chat.root.hidden = !bench;
    this.controls = new Controls(session, {
      takesPart: !bench,
      kiosk: options.mode === "terminal",
      onMessages: () => {
        this.chat.root.hidden = !this.chat.root.hidden;
        this.side.hidden = this.chat.root.hidden;
      },
    });
    // Joined with the microphone only: no camera switch to offer.
    const published = session.local?.getTracks() ?? [];
    for (const [kind, testid] of [
      ["video", "camera-toggle"],
      ["audio", "mic-toggle"],
    ] as const) {
      const toggle = this.controls.root.querySelector<HTMLElement>(`[data-testid=${testid}]`);
      if (toggle !== null && !published.some((track) => track.kind === kind)) toggle.hidden = true;
    }
    this.waitingPreview.muted = true;
    this.waitingPreview.srcObject = session.local;
    this.soundOn.hidden = true;
    this.waiting.hidden = true;
    this.ended.hidden = true;
    this.recordingFailed.hidden = true;
    this.benchMuted.hidden = true;
    this.side = el("div.live-side", {}, this.console?.root, this.chat.root);
    this.side.hidden = !bench;
    this.main = el(
      "div.live-main",
      {},
      this.waiting,
      this.consultation,
      this.vote.root,
      this.presentation,
      // above the pictures: the controls are fixed at the bottom of a phone's screen
      this.listening.root,
      this.tiles.root,
      this.benchMuted,
      this.controls.root,
    );
    this.body = el("div.live-body", {}, this.main, this.side);
    this.root = el(
      `div.live.mode-${options.mode}`,
      { testid: "live" },
      el(
        "header.live-bar",
        {},
        el("h1.live-title", {}, options.title),
        this.state,
        this.recording,
        this.recordingFailed,
        this.phase,
        languageSwitch(),
      ),
      this.courtNotices,
      this.banners,
      this.soundOn,
      this.ended,
      this.body,
      bench ? this.dock : null,
    );
    if (this.console !== null) this.dockOnPhones(this.console);
    this.root.addEventListener("blocked", () => {
      this.soundOn.hidden = false;
    });
    let messages = 0;
    session.onChange(() => {
      // Court notices have their own banner; the toast is for messages to this person.
      const count = session.state.messages.filter((m) => m.to !== "all").length;
      if (count > messages && !bench && this.chat.root.hidden) notify(t("live.chat.new"));
      messages = count;
      this.render();
    });
    onLanguageChange(() => this.render());
    this.render();
  }

  render(): void {
    const { room, ending, link, media } = this.session.state;
    this.root.dataset.link = link;
    this.root.dataset.media = media;
    this.banners.replaceChildren(
      ...(ending === null ? banners(this.session.state) : []).map((b) =>
        el(`p.banner.banner-${b.kind}`, {
          testid: `banner-${b.kind}`,
          role: "status",
          i18n: b.key,
        }),
      ),
    );
    this.showNotices();
    if (ending !== null) {
      this.showEnding(ending);
      return;
    }
    if (room === null) return;
    this.state.dataset.state = room.state;
    this.state.textContent = stateName(room.state);
    this.recording.hidden = !room.recording;
    this.recordingFailed.hidden = room.recording_state !== "failed";
    this.phase.textContent = room.phase ? phaseName(room.phase) : "";
    const waiting = room.you.presence === "waiting";
    this.waiting.hidden = !waiting;
    this.tiles.root.hidden = waiting;
    if (waiting) this.showWaiting();
    const { incoming, speaker } = this.session.state;
    this.tiles.update(room.you, room.members, incoming, speaker);
    this.listening.update(room.you, room.members);
    this.hiddenVideos.check();
    this.benchMuted.hidden = !room.you.bench_muted;
    this.showConsultation();
    this.controls.update();
    this.showPresentation();
    this.vote.update(room);
    this.console?.update(room);
    this.chat.update(room.members, room.state, room.you.role);
  }

  private showWaiting(): void {
    const you = this.session.state.room?.you;
    if (you === undefined) return;
    this.waiting.replaceChildren(
      el("h2", { i18n: "live.waiting.title" }),
      el("p.who", { testid: "waiting-who" }, `${you.name} · ${roleName(you.role)}`),
      el("p", { i18n: you.role === "witness" ? "live.waiting.witness" : "live.waiting.body" }),
      this.options.waitingFacts ?? "",
      this.session.local?.getVideoTracks().length ? this.waitingPreview : "",
    );
  }

  /** The exhibit on screen, large, the people small beside it; the presenter's controls. */
  private showPresentation(): void {
    const { room, shown } = this.session.state;
    this.main.classList.toggle("presenting", shown !== null);
    if (this.drawPresentation !== null) {
      this.drawPresentation();
      return;
    }
    if (this.presentationLoading || (shown === null && !room?.you.may_present)) return;
    this.presentationLoading = true;
    import("./presentation/stage")
      .then(({ mountPresentation }) => {
        this.drawPresentation = mountPresentation(
          this.presentation,
          this.controls.presentSlot,
          this.session,
        );
        this.drawPresentation();
      })
      .catch((error: unknown) => {
        this.presentationLoading = false; // e.g. offline: the next change of the room tries again
        console.warn(`the presentation could not be loaded: ${String(error)}`);
      });
  }

  /** Court notices stay on screen until the person dismisses them. */
  private showNotices(): void {
    const shown = this.session.state.notices
      .map((notice, index) => ({ notice, index }))
      .filter(({ notice }) => !notice.dismissed);
    this.courtNotices.replaceChildren(
      ...shown.map(({ notice, index }) => {
        const at = new Date(notice.at).toLocaleTimeString([], {
          hour: "2-digit",
          minute: "2-digit",
        });
        return el(
          "section.court-notice",
          { testid: "court-notice", role: "alert" },
          el("strong.court-notice-title", { i18n: "live.notice.title" }),
          el("p.court-notice-text", { testid: "court-notice-text" }, notice.text),
          el("small.court-notice-meta", {}, `${notice.by} · ${at}`),
          button("live.notice.dismiss", "court-notice-dismiss", () =>
            this.session.dismissNotice(index),
          ),
        );
      }),
    );
  }

  /** In a private consultation: with whom, that the court does not hear it, and the way back. */
  private showConsultation(): void {
    const room = this.session.state.room;
    const consulting = room?.you.presence === "in_consultation";
    this.consultation.hidden = !consulting;
    if (!consulting || room === null) return;
    const you = room.you;
    const other = room.members.find(
      (m) =>
        m.id !== you.id &&
        m.presence === "in_consultation" &&
        (m.represents_id === you.id || you.represents_id === m.id),
    );
    const title = el("h2");
    setText(title, "live.consult.active", { name: nameInText(other?.name ?? "") });
    this.consultation.replaceChildren(
      title,
      el("p", { i18n: "live.consult.private" }),
      button(
        "live.consult.end",
        "consult-end",
        () => report(this.session.endConsultation()),
        "primary",
      ),
    );
  }

  /** Shown under the ending (e.g. a mediation sitting's next case). */
  appendToEnding(node: HTMLElement): void {
    this.ended.append(node);
  }

  private showEnding(ending: Ending): void {
    this.ended.hidden = false;
    this.ended.dataset.kind = ending.kind;
    this.body.hidden = true;
    this.dock.hidden = true;
    this.soundOn.hidden = true;
    this.recording.hidden = true;
    this.recordingFailed.hidden = true;
    if (ending.kind === "closed") {
      this.state.dataset.state = "closed";
      this.state.textContent = stateName("closed");
    }
    const title = el("h2");
    const detail = el("p", { testid: "ended-detail" });
    setText(title, `live.ended.${ending.kind}`);
    if (ending.kind === "closed") {
      if (ending.code) setText(detail, "live.ended.code", { code: ending.code });
    } else if (ending.kind === "refused") {
      const key = refusalKey(ending.code);
      if (key === null) detail.textContent = ending.message;
      else setText(detail, key);
    } else if (ending.kind === "disconnected") {
      detail.textContent = ending.reason;
    }
    this.ended.replaceChildren(title, detail);
    if (this.options.mode === "bench") {
      this.ended.append(
        el("a.button", { href: "/", testid: "back-to-list", i18n: "live.ended.back_to_list" }),
      );
    }
    if (!this.endingShown) {
      this.endingShown = true;
      this.options.onEnded?.(ending);
    }
  }

  /** On a narrow screen the bench conducts from the dock, in a thumb's reach; on a wide one the
   * actions stay in the console beside the stage and the switches under it. */
  private dockOnPhones(bench: BenchConsole): void {
    const narrow = window.matchMedia("(max-width: 899px)");
    const place = (): void => {
      if (narrow.matches) {
        bench.dockActions(this.dock);
        this.dock.append(this.controls.root);
      } else {
        bench.dockActions(null);
        this.benchMuted.after(this.controls.root);
      }
    };
    narrow.addEventListener("change", place);
    place();
  }

  /** The people sheet (phones): the list of people in place of the stage, scrolled to its top. */
  private showPeople(open: boolean): void {
    this.root.classList.toggle("people-open", open);
    this.body.scrollTop = 0;
  }

  private unblockSound(): void {
    for (const media of this.root.querySelectorAll<HTMLMediaElement>("audio, video")) {
      void media.play().catch(() => undefined);
    }
    this.soundOn.hidden = true;
  }
}
