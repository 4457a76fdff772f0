// The bench's console: the hearing's state and phase, the people (presence, identity check,
// consent to taking part online) with admit / send back / mute / remove / verify / the floor
// (live/people.tsx), admit all and mute all, alerts. A clerk sees the
// subset their role allows. On a phone the hearing's actions go to a dock at the bottom of the
// screen (HearingView places them) and the people open as a sheet from a button there.
//
// Drawn with Preact (docs/architecture.md#client-views): every socket event redraws the console,
// each change of speaker too, and the keyed diff keeps its elements, so the judge's focus, a
// button under a finger and an open phase picker survive it. The hand-built HearingView redraws
// it after a language switch as after any change, which is when the texts from t() follow.
import { createPortal, render, type VNode } from "preact";
import { useState } from "preact/hooks";
import type { Action } from "../generated/court";
import type { AlertOut, MemberView, RoomView } from "../generated/protocol";
import { api } from "../shared/api";
import { el } from "../shared/dom";
import { t, type MessageKey } from "../shared/i18n";
import { may, mayInRoom } from "../shared/permissions";
import { BroadcastPanel } from "./broadcast";
import { confirmDialog } from "./confirm";
import { notify, notifyFailure, report } from "./notice";
import { phaseName } from "./names";
import { type Allowed, Button, Person, isBench, isHere } from "./people";
import type { LiveSession } from "./session";
import { TranscriptPanel } from "./transcript";

const TRANSITIONS: Array<[Action, MessageKey]> = [
  ["open", "live.console.open"],
  ["start_session", "live.console.start"],
  ["recess", "live.console.recess"],
  ["resume", "live.console.resume"],
];

export class BenchConsole {
  readonly root = el("section.panel.console", { testid: "console" });
  /** The actions of the moment in a phone's dock (on a desktop they stay in the console). */
  private readonly dockedActions = el("div.console-hearing", { testid: "console-actions" });
  private docked = false;
  private room: RoomView | null = null;
  private alertsSeen = 0;

  /** ``onPeople`` is told when the people button opens (true) or closes the people sheet. */
  constructor(
    private readonly session: LiveSession,
    private readonly onPeople: (open: boolean) => void = () => undefined,
  ) {}

  update(room: RoomView): void {
    this.room = room;
    const alerts = this.session.state.alerts;
    for (const alert of alerts.slice(0, alerts.length - this.alertsSeen)) {
      notify(alertText(alert, room.members));
    }
    this.alertsSeen = alerts.length;
    this.draw();
  }

  /** Put the actions in ``dock`` (a phone's bottom bar), or back under the title (null). */
  dockActions(dock: HTMLElement | null): void {
    if (dock !== null) dock.prepend(this.dockedActions);
    else this.dockedActions.remove();
    this.docked = dock !== null;
    this.draw();
  }

  private draw(): void {
    if (this.room === null) return;
    render(
      <Console
        session={this.session}
        room={this.room}
        dock={this.docked ? this.dockedActions : null}
        onPeople={this.onPeople}
      />,
      this.root,
    );
  }
}

interface ConsoleProps {
  session: LiveSession;
  room: RoomView;
  /** Where the actions go instead of under the title (a phone's dock), or null. */
  dock: HTMLElement | null;
  onPeople: (open: boolean) => void;
}

function Console({ session, room, dock, onPeople }: ConsoleProps): VNode {
  const [peopleOpen, setPeopleOpen] = useState(false);
  // among the judges only the one presiding conducts (court/bench.py)
  const allowed: Allowed = (action) => mayInRoom(room.you, action, room.state);
  const togglePeople = (): void => {
    setPeopleOpen(!peopleOpen);
    onPeople(!peopleOpen);
  };
  const actions = (
    <HearingActions
      session={session}
      room={room}
      allowed={allowed}
      peopleOpen={peopleOpen}
      onPeople={togglePeople}
    />
  );
  const others = room.members.filter((m) => m.id !== room.you.id);
  // Whose identity is still to be checked (the bench and observers are not checked).
  const unchecked = others.filter(
    (m) => !isBench(m) && m.role !== "observer" && !m.identity_verified && isHere(m),
  );
  const alerts = session.state.alerts;
  return (
    <>
      <h2>{t("live.console.title")}</h2>
      <Presiding room={room} />
      {dock !== null ? (
        createPortal(actions, dock)
      ) : (
        <div class="console-hearing" data-testid="console-actions">
          {actions}
        </div>
      )}
      <h3 class="people-title">{t("live.console.people")}</h3>
      {unchecked.length > 0 && (
        <p class="unchecked" data-testid="unchecked">
          {t("live.identity.unchecked", { names: unchecked.map((m) => m.name).join("、") })}
        </p>
      )}
      <ul class="people" data-testid="people">
        {others.map((member) => (
          <Person key={member.id} session={session} member={member} allowed={allowed} />
        ))}
      </ul>
      <h3>{t("live.console.alerts")}</h3>
      <ol class="alerts" data-testid="alerts">
        {alerts.slice(0, 20).map((alert, index) => (
          // Newer alerts come first: counted from the oldest, an alert keeps its key.
          <Alert key={alerts.length - index} alert={alert} members={room.members} />
        ))}
      </ol>
      {may(room.you.role, "view_records") && (
        <BroadcastPanel
          hearingId={room.hearing_id}
          mayCut={room.you.presiding && allowed("cut_broadcast")}
        />
      )}
      <NoticeForm
        hearingId={room.hearing_id}
        hidden={!may(room.you.role, "post_notice", room.state)}
      />
      {allowed("view_transcript") && (
        <TranscriptPanel
          hearingId={room.hearing_id}
          members={room.members}
          writable={allowed("write_transcript")}
        />
      )}
    </>
  );
}

/** Who conducts the hearing: the person themself, or the presiding judge by name. */
function Presiding({ room }: { room: RoomView }): VNode | null {
  if (room.you.presiding) {
    return (
      <p class="presiding" data-testid="presiding" data-you="true">
        {t("live.console.presiding_you")}
      </p>
    );
  }
  const presiding = room.members.find((m) => m.presiding);
  if (presiding === undefined) return null;
  return (
    <p class="presiding" data-testid="presiding" data-you="false">
      {t("live.console.presiding_other", { name: presiding.name })}
    </p>
  );
}

interface ActionsProps {
  session: LiveSession;
  room: RoomView;
  allowed: Allowed;
  peopleOpen: boolean;
  onPeople: () => void;
}

function HearingActions({ session, room, allowed, peopleOpen, onPeople }: ActionsProps): VNode {
  const waiting = room.members.filter((m) => m.presence === "waiting").length;
  const act = (event: string) => (): void => report(session.act(event));
  const people = peopleOpen
    ? t("live.console.people_hide")
    : waiting > 0
      ? t("live.console.people_waiting", { count: String(waiting) })
      : t("live.console.people");
  return (
    <>
      <div class="button-row">
        {/* Shown on phones only (the stylesheet hides it beside a desktop's console). */}
        <button
          type="button"
          class="people-toggle"
          data-testid="people-toggle"
          data-waiting={String(waiting)}
          aria-expanded={peopleOpen}
          onClick={onPeople}
        >
          {people}
        </button>
        {TRANSITIONS.map(
          ([action, key]) =>
            allowed(action) && (
              <Button
                key={action}
                label={key}
                testid={`hearing-${action}`}
                onClick={act(action)}
                kind="primary"
              />
            ),
        )}
        {allowed("admit") && waiting > 0 && (
          <Button label="live.console.admit_all" testid="admit-all" onClick={act("admit_all")} />
        )}
        {allowed("mute") && (
          <Button label="live.console.mute_all" testid="mute-all" onClick={act("mute_all")} />
        )}
        {allowed("close") && (
          <Button
            label="live.console.close"
            testid="hearing-close"
            onClick={() => void close(session)}
            kind="danger"
          />
        )}
      </div>
      {allowed("set_phase") && room.phases.length > 0 && (
        <label class="phase">
          <span>{t("live.console.phase")}</span>
          <select
            data-testid="phase-select"
            value={room.phase ?? room.phases[0]}
            onChange={(event) =>
              report(session.act("set_phase", { phase: event.currentTarget.value }))
            }
          >
            {room.phases.map((phase) => (
              <option key={phase} value={phase}>
                {phaseName(phase)}
              </option>
            ))}
          </select>
        </label>
      )}
    </>
  );
}

function Alert({ alert, members }: { alert: AlertOut; members: MemberView[] }): VNode {
  const at = new Date(alert.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return (
    <li data-testid="alert" data-kind={alert.kind} title={alert.message}>
      <span class="alert-time">{at}</span>
      <strong>{alertText(alert, members)}</strong>
    </li>
  );
}

/** A court notice to everyone connected, the waiting room too (over REST: any process). */
function NoticeForm({ hearingId, hidden }: { hearingId: number; hidden: boolean }): VNode {
  const [draft, setDraft] = useState("");
  const [sending, setSending] = useState(false);
  const post = async (): Promise<void> => {
    const notice = draft.trim();
    if (!notice) return;
    setSending(true);
    try {
      await api("POST", `/hearings/${hearingId}/notices`, { text: notice });
      setDraft("");
      notify(t("live.notice.sent"));
    } catch (error) {
      notifyFailure(error);
    } finally {
      setSending(false);
    }
  };
  return (
    <form
      class="notice-form"
      data-testid="notice-form"
      hidden={hidden}
      onSubmit={(event) => {
        event.preventDefault();
        void post();
      }}
    >
      <h3>{t("live.notice.post_title")}</h3>
      <small>{t("live.notice.post_hint")}</small>
      <textarea
        data-testid="notice-text"
        rows={2}
        maxLength={500}
        placeholder={t("live.notice.placeholder")}
        value={draft}
        onInput={(event) => setDraft(event.currentTarget.value)}
      />
      <button type="submit" class="primary" data-testid="notice-send" disabled={sending}>
        {t("live.notice.send")}
      </button>
    </form>
  );
}

async function close(session: LiveSession): Promise<void> {
  if (await confirmDialog("live.console.close_question", "live.console.close")) {
    report(session.act("close"));
  }
}

function alertText(alert: AlertOut, members: MemberView[]): string {
  const name = members.find((m) => m.id === alert.participant_id)?.name ?? "";
  const failed = alert.failed ?? [];
  const listed = failed
    .map((what) => t(`live.alert.failed.${what}`))
    .join(t("live.alert.list_separator"));
  const text = t(`live.alert.${alert.kind}`, { name, failed: listed });
  // Someone without a camera still takes part: say how the court will have them.
  if (failed.includes("camera") && failed.includes("microphone")) {
    return `${text}${t("live.alert.takes_part_without_devices")}`;
  }
  if (failed.includes("camera")) return `${text}${t("live.alert.takes_part_audio_only")}`;
  return text;
}
