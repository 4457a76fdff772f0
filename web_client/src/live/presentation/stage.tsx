// Presenting an exhibit on the live page (docs/architecture.md#presenting-an-exhibit): the file
// on screen with its caption, the presenter's controls, and the button that opens the list of
// exhibits for whoever may present. Drawn with Preact into a host the hand-built HearingView
// gives it; loaded only once someone presents or this person may (live/view.ts).
import "./presentation.css";
import { createPortal, render, type VNode } from "preact";
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import { BENCH } from "../../generated/court";
import type { PresentedView, RoomView } from "../../generated/protocol";
import { language, t } from "../../shared/i18n";
import type { LiveSession } from "../session";
import { ExhibitPicker, PageControls, refused } from "./controls";
import { FrameSender, presentationKey, type Shown } from "./sync";
import { MediaView } from "./playback";
import { type Geometry, PageView } from "./viewer";

/** Draw into `host` (the launcher into `slot`, among the person's own controls); the returned
 * function draws again after a change of the session. */
export function mountPresentation(
  host: HTMLElement,
  slot: HTMLElement,
  session: LiveSession,
): () => void {
  const draw = (): void => {
    const room = session.state.room;
    render(
      room === null || session.state.ending !== null ? null : (
        <Presentation session={session} room={room} shown={session.state.shown} slot={slot} />
      ),
      host,
    );
  };
  session.onMove(draw);
  return draw;
}

interface ScreenProps {
  session: LiveSession;
  room: RoomView;
  shown: Shown | null;
  slot: HTMLElement;
}

function Presentation({ session, room, shown, slot }: ScreenProps): VNode {
  const [picking, setPicking] = useState(false);
  const you = room.you;
  const mayPresent =
    you.may_present && you.presence === "in_hearing" && room.state === "in_session";
  return (
    <>
      {mayPresent &&
        createPortal(
          <button
            type="button"
            data-testid="present-open"
            aria-expanded={picking}
            onClick={() => setPicking(!picking)}
          >
            {t("live.present.open")}
          </button>,
          slot,
        )}
      {mayPresent && picking && (
        <ExhibitPicker
          session={session}
          hearingId={room.hearing_id}
          onClose={() => setPicking(false)}
        />
      )}
      {shown !== null && (
        <Presented
          key={presentationKey(shown.presentation)}
          session={session}
          shown={shown}
          mine={shown.presentation.presenter_id === you.id}
          mayStop={BENCH.includes(you.role)}
        />
      )}
    </>
  );
}

interface PresentedProps {
  session: LiveSession;
  shown: Shown;
  /** This person presents it: their view leads, the others follow. */
  mine: boolean;
  /** The bench may take down what anyone presents. */
  mayStop: boolean;
}

function Presented({ session, shown, mine, mayStop }: PresentedProps): VNode {
  const { presentation } = shown;
  const [own, setOwn] = useState<PresentedView>(shown.view);
  const [pointing, setPointing] = useState(false);
  const geometry = useRef<Geometry>({ width: 0, height: 0, aspect: Math.SQRT2 });
  const sender = useMemo(
    () =>
      new FrameSender<PresentedView>((view) => {
        void session.act("present_view", view).then(refused);
      }),
    [],
  );
  // a drag's last move waiting for its frame is not sent once the presentation is gone
  useEffect(() => () => sender.cancel(), []);
  const view = mine ? own : shown.view;
  const onMove = (moved: PresentedView, now: boolean): void => {
    setOwn(moved);
    if (now) sender.now(moved);
    else sender.soon(moved);
  };
  const paged = presentation.pages !== null;
  const stop = (): void => {
    sender.cancel();
    void session.act("stop_presenting").then(refused);
  };
  return (
    <section
      class="presentation"
      data-testid="presentation"
      data-exhibit={String(presentation.exhibit_id)}
      data-file={String(presentation.file_id)}
      data-mine={String(mine)}
      aria-label={t("live.present.region")}
    >
      <p class="present-caption" data-testid="present-caption">
        <strong>{language() === "en" ? presentation.label_en : presentation.label}</strong>{" "}
        <span>{presentation.title}</span>
        {paged && (
          <span class="present-page-number" data-testid="present-page-number" aria-live="polite">
            {t("live.present.page", {
              page: String(view.page),
              pages: String(presentation.pages ?? 1),
            })}
          </span>
        )}
        <small class="muted">{t("live.present.by", { name: presentation.presenter_name })}</small>
      </p>
      {paged ? (
        <PageView
          shown={shown}
          view={view}
          onMove={mine ? onMove : undefined}
          pointing={pointing}
          geometry={geometry}
        />
      ) : (
        <MediaView shown={{ ...shown, view }} onMove={mine ? onMove : undefined} />
      )}
      {(mine || mayStop) && (
        <div class="present-controls button-row" data-testid="present-controls">
          {mine && paged && (
            <PageControls
              view={view}
              pages={presentation.pages}
              geometry={geometry}
              pointing={pointing}
              onPointing={setPointing}
              onMove={onMove}
            />
          )}
          <button type="button" class="danger" data-testid="present-stop" onClick={stop}>
            {t("live.present.stop")}
          </button>
        </div>
      )}
    </section>
  );
}
