// The bench's side of a staggered hearing (docs/architecture.md#staggered-hearings), on the
// hearing's page: its stages in order with every statement (videos played, texts read), the
// questions asked and their answers; add a stage, ask a participant a question, extend a
// deadline, close a stage, and start the hearing (refused, with the names, while someone has not
// agreed to take part online). Follows the parties' statements by asking again every few seconds.
import { actorName } from "../shared/actor";
import "../shared/staggered.css";
import { render, type TargetedEvent, type VNode } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import type {
  ExtendIn,
  NewStageIn,
  ParticipantOut,
  QuestionIn,
  QuestionOut,
  RemindIn,
  ReminderOut,
  SessionOut,
  StageList,
  StageOut,
  StartedOut,
  TurnOut,
} from "../generated/api";
import {
  BENCH,
  type Role,
  STAGE_LABELS,
  STAGE_KINDS,
  type StageKind,
  VISIBILITIES,
  VISIBILITY_LABELS,
  type Visibility,
} from "../generated/court";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import { words } from "../shared/money";
import { usePolling } from "../shared/polling";
import { stageRefusal } from "../shared/stage_refusal";
import { type RecorderWords, VideoRecorder } from "../shared/recorder";
import { clock, QuestionUpload, stageName } from "../shared/staggered";
import { Turn, TurnVideo } from "../shared/turn";
import { useLanguage } from "../shared/use_language";
import { courtDateTime, courtLocalToIso } from "./court_time";
import { TurnLive } from "./turn_live";
import type { Items } from "./types";

const POLL_MS = 5000;
/** Who never acts in a stage (hearing_server/api/stages_api.py NOT_LISTED): not offered. */
const NOT_LISTED: readonly Role[] = [...BENCH, "assessor", "observer", "admin"];

/** Draw the stages into `host`. */
export function mountStages(host: HTMLElement, session: SessionOut, hearingId: number): void {
  render(<Stages session={session} hearingId={hearingId} />, host);
}

interface Loaded {
  stage: StageOut;
  turns: TurnOut[];
  questions: QuestionOut[];
}

/** Run a change and load again; its refusal, kept as the error, worded when drawn. */
type Act = (change: () => Promise<unknown>) => Promise<boolean>;

function Stages({ session, hearingId }: { session: SessionOut; hearingId: number }): VNode {
  useLanguage();
  const zone = session.time_zone;
  const [stages, setStages] = useState<Loaded[] | null>(null);
  const [people, setPeople] = useState<ParticipantOut[]>([]);
  const [started, setStarted] = useState<string | null>(null);
  const [liveAt, setLiveAt] = useState<string | null>(null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const load = useCallback(async (): Promise<void> => {
    const [list, participants] = await Promise.all([
      api<StageList>("GET", `/hearings/${hearingId}/stages`),
      api<Items<ParticipantOut>>("GET", `/hearings/${hearingId}/participants`),
    ]);
    const loaded = await Promise.all(
      list.items.map(async (stage) => {
        const [turns, questions] = await Promise.all([
          api<Items<TurnOut>>("GET", `/stages/${stage.id}/turns`),
          api<Items<QuestionOut>>("GET", `/stages/${stage.id}/questions`),
        ]);
        return { stage, turns: turns.items, questions: questions.items };
      }),
    );
    setPeople(participants.items.filter((p) => !NOT_LISTED.includes(p.role)));
    setStages(loaded);
    setLiveAt(list.live_at ?? null);
  }, [hearingId]);
  useEffect(() => {
    load().catch((error: unknown) => setFailure({ error }));
  }, [load]);
  usePolling(load, POLL_MS);
  const act: Act = async (change) => {
    setFailure(null);
    try {
      await change();
      await load();
      return true;
    } catch (error) {
      setFailure({ error });
      return false;
    }
  };
  const start = (): void => {
    void act(async () => {
      const out = await api<StartedOut>("POST", `/hearings/${hearingId}/staggered/start`, {});
      setStarted(out.started_at);
    });
  };
  const names = new Map(people.map((p) => [p.id, p.name]));
  return (
    <section class="staggered staff-stages" data-testid="stages">
      <h3>{t("stag.staff.title")}</h3>
      <p class="muted">{t("stag.staff.start_hint")}</p>
      <div class="buttons">
        <button type="button" class="primary" data-testid="stag-start" onClick={start}>
          {t("stag.staff.start")}
        </button>
        {started !== null && (
          <span data-testid="stag-started">{t("stag.staff.started", { when: courtDateTime(zone, started) })}</span>
        )}
        <TurnLive hearingId={hearingId} zone={zone} liveAt={liveAt} act={act} />
      </div>
      {failure !== null && (
        <p class="problem" role="alert" data-testid="stages-error">
          {stageRefusal(failure.error)}
        </p>
      )}
      {stages !== null && stages.length === 0 && <p class="muted">{t("stag.staff.none")}</p>}
      <ol class="stages">
        {stages?.map((loaded) => (
          <Stage key={loaded.stage.id} loaded={loaded} zone={zone} names={names} act={act} />
        ))}
      </ol>
      <AddStage hearingId={hearingId} zone={zone} people={people} act={act} />
    </section>
  );
}

function Stage(props: { loaded: Loaded; zone: string; names: Map<number, string>; act: Act }): VNode {
  const { loaded, zone, names, act } = props;
  const { stage, turns, questions } = loaded;
  const lang = useLanguage();
  const listed = stage.participant_ids.map((id) => names.get(id) ?? `#${id}`);
  const silent = stage.participant_ids.filter((id) => !turns.some((turn) => turn.participant_id === id));
  const close = (): void => {
    if (!confirm(t("stag.staff.close_confirm", { title: stageName(stage) }))) return;
    void act(() => api<StageOut>("POST", `/stages/${stage.id}/close`, {}));
  };
  return (
    <li class="stage-card" data-testid={`stage-${stage.seq}`} data-state={stage.state}>
      <h4>
        {stage.seq}. {stageName(stage)}{" "}
        <span class={`stage-state ${stage.state}`} data-testid="stage-state">
          {t(`stag.state.${stage.state}`)}
        </span>
      </h4>
      {stage.title && <p class="muted">{words(STAGE_LABELS[stage.kind])}</p>}
      <p>
        {courtDateTime(zone, stage.opens_at)} – <strong data-testid="deadline">{courtDateTime(zone, stage.deadline)}</strong>
      </p>
      <p class="muted">{t(`stag.visibility.${stage.visibility}`)}</p>
      <p>{t("stag.staff.listed", { names: listed.join("、") })}</p>
      <Reminded loaded={loaded} zone={zone} names={names} act={act} />
      {stage.extensions.map((extension) => (
        <p class="muted" key={extension.at}>
          {t("stag.staff.extended", {
            deadline: courtDateTime(zone, extension.deadline),
            by: actorName(extension.by),
            at: courtDateTime(zone, extension.at),
          })}
        </p>
      ))}
      <ul class="turns" data-testid="turns">
        {turns.map((turn) => (
          <Turn key={turn.id} turn={turn} lang={lang} own={false} />
        ))}
        {stage.state === "closed" &&
          silent.map((id) => (
            <li class="muted" key={`silent-${id}`}>
              {t("stag.staff.not_submitted", { name: names.get(id) ?? `#${id}` })}
            </li>
          ))}
      </ul>
      {questions.length > 0 && (
        <div class="questions">
          <h4>{t("stag.staff.questions")}</h4>
          <ul>
            {questions.map((q) => (
              <li class="question" key={q.id} data-testid={`question-${q.id}`}>
                {q.media_url !== null && (
                  <>
                    <p class="muted">{t("stag.questions.video", { duration: clock(q.duration_s ?? 0) })}</p>
                    <TurnVideo url={q.media_url} testId="question-video" />
                  </>
                )}
                <p>
                  {names.get(q.participant_id) ?? `#${q.participant_id}`}: {q.text}
                </p>
                <p class={q.answer === null ? "muted" : ""} data-testid="answer">
                  {q.answer === null
                    ? t("stag.questions.unanswered")
                    : t("stag.staff.answer", { name: names.get(q.participant_id) ?? "", text: q.answer.text })}
                </p>
              </li>
            ))}
          </ul>
        </div>
      )}
      {stage.state !== "closed" && <Ask stage={stage} names={names} act={act} />}
      <Extend stage={stage} zone={zone} act={act} />
      {stage.state !== "closed" && (
        <div class="buttons">
          <button type="button" class="danger" data-testid="stage-close" onClick={close}>
            {t("stag.staff.close")}
          </button>
        </div>
      )}
    </li>
  );
}

/** Per listed participant: done, or whether and when they were reminded, and a button that
 * reminds them (on their invitation page: there is no mail or SMS) while the stage is open. */
function Reminded(props: { loaded: Loaded; zone: string; names: Map<number, string>; act: Act }): VNode {
  const { loaded, zone, names, act } = props;
  const { stage, turns, questions } = loaded;
  const [sent, setSent] = useState<string | null>(null);
  const seen = new Map(stage.reminders.map((r) => [r.participant_id, r]));
  const remind = (id: number): void => {
    const body: RemindIn = { participant_ids: [id] };
    setSent(null);
    void act(async () => {
      await api<Items<ReminderOut>>("POST", `/stages/${stage.id}/reminders`, body);
      setSent(names.get(id) ?? `#${id}`);
    });
  };
  return (
    <div class="reminded" data-testid="reminded">
      <ul class="reminded-list">
        {stage.participant_ids.map((id) => {
          const name = names.get(id) ?? `#${id}`;
          const done =
            turns.some((turn) => turn.participant_id === id) &&
            !questions.some((q) => q.participant_id === id && q.answer === null);
          const last = seen.get(id);
          const when = last === undefined ? "" : courtDateTime(zone, last.at);
          return (
            <li key={id} data-testid={`reminded-${id}`}>
              <span data-testid="reminded-state">
                {done
                  ? t("stag.staff.acted", { name })
                  : last === undefined
                    ? t("stag.staff.not_reminded", { name })
                    : last.count > 1
                      ? t("stag.staff.reminded_times", { name, count: last.count, when })
                      : t("stag.staff.reminded", { name, when })}
                {!done && last !== undefined && last.by === null && ` ${t("stag.staff.reminded_by_sweep")}`}
              </span>
              {!done && stage.state === "open" && (
                <button type="button" data-testid={`remind-${id}`} onClick={() => remind(id)}>
                  {t("stag.staff.remind")}
                </button>
              )}
            </li>
          );
        })}
      </ul>
      {sent !== null && (
        <p class="muted" role="status" data-testid="remind-done">
          {t("stag.staff.remind_done", { name: sent })}
        </p>
      )}
    </div>
  );
}

/** The recorder's words for a question the bench records (shared/recorder.tsx). */
const QUESTION_WORDS: RecorderWords = {
  testHint: "stag.question.test_hint",
  review: "stag.question.review",
  submit: "stag.question.submit",
  unsupported: "stag.question.unsupported",
};

/** Ask a listed participant a question: in writing, or recorded (录制提问) with its words. */
function Ask(props: { stage: StageOut; names: Map<number, string>; act: Act }): VNode {
  const { stage, names, act } = props;
  const [to, setTo] = useState(stage.participant_ids[0] ?? 0);
  const [text, setText] = useState("");
  const [recording, setRecording] = useState(false);
  const said = text.trim();
  const ask = async (event: TargetedEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const body: QuestionIn = { participant_id: to, text: said };
    if (await act(() => api<QuestionOut>("POST", `/stages/${stage.id}/questions`, body))) setText("");
  };
  const recorded = (): void => {
    setRecording(false);
    setText("");
    void act(async () => undefined); // the new question, loaded with the rest
  };
  return (
    <>
      <form class="ask" data-testid="ask-form" onSubmit={(event) => void ask(event)}>
        <h4>{t("stag.staff.ask_title")}</h4>
        <label class="field">
          <span>{t("stag.staff.ask_to")}</span>
          <select data-testid="ask-to" value={String(to)} onChange={(e) => setTo(Number(e.currentTarget.value))}>
            {stage.participant_ids.map((id) => (
              <option key={id} value={String(id)}>
                {names.get(id) ?? `#${id}`}
              </option>
            ))}
          </select>
        </label>
        <label class="field">
          <span>{t("stag.staff.ask_text")}</span>
          <textarea data-testid="ask-text" rows={2} required value={text} onInput={(e) => setText(e.currentTarget.value)} />
        </label>
        <div class="buttons">
          <button type="submit" data-testid="ask-submit" disabled={said === "" || recording}>
            {t("stag.staff.ask")}
          </button>
          {!recording && (
            <button type="button" data-testid="ask-record-open" onClick={() => setRecording(true)}>
              {t("stag.staff.ask_record")}
            </button>
          )}
        </div>
      </form>
      {recording && (
        <div class="ask-record" data-testid="ask-record">
          {said === "" && (
            <p class="muted" data-testid="ask-record-hint">
              {t("stag.staff.ask_record_hint")}
            </p>
          )}
          <VideoRecorder<QuestionOut>
            upload={(blob, mediaType, progress) => new QuestionUpload(stage.id, to, said, blob, mediaType, progress)}
            words={QUESTION_WORDS}
            ready={said !== ""}
            submitted={recorded}
            cancel={() => setRecording(false)}
          />
        </div>
      )}
    </>
  );
}

function Extend(props: { stage: StageOut; zone: string; act: Act }): VNode {
  const { stage, zone, act } = props;
  const [local, setLocal] = useState("");
  const extend = (event: TargetedEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (local === "") return;
    const deadline = courtLocalToIso(zone, local);
    const body: ExtendIn = { deadline };
    void act(() => api<StageOut>("PATCH", `/stages/${stage.id}`, body));
  };
  return (
    <form class="extend" onSubmit={extend}>
      <label class="field">
        <span>{t("stag.staff.new_deadline")}</span>
        <input type="datetime-local" data-testid="extend-deadline" required value={local} onInput={(e) => setLocal(e.currentTarget.value)} />
      </label>
      <button type="submit" data-testid="extend-submit">
        {t("stag.staff.extend")}
      </button>
    </form>
  );
}

function AddStage(props: { hearingId: number; zone: string; people: ParticipantOut[]; act: Act }): VNode {
  const { hearingId, zone, people, act } = props;
  const [kind, setKind] = useState<StageKind>("claims_statement");
  const [title, setTitle] = useState("");
  const [chosen, setChosen] = useState<number[]>([]);
  const [opens, setOpens] = useState("");
  const [deadline, setDeadline] = useState("");
  const [visibility, setVisibility] = useState<Visibility>("on_submit");
  const toggle = (id: number, on: boolean): void =>
    setChosen((ids) => (on ? [...ids.filter((x) => x !== id), id] : ids.filter((x) => x !== id)));
  const add = async (event: TargetedEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const [first, ...rest] = chosen;
    if (first === undefined) return;
    const body: NewStageIn = {
      kind,
      title: title.trim() || null,
      participant_ids: [first, ...rest],
      opens_at: opens === "" ? null : courtLocalToIso(zone, opens),
      deadline: courtLocalToIso(zone, deadline),
      visibility,
    };
    if (await act(() => api<StageOut>("POST", `/hearings/${hearingId}/stages`, body))) {
      setTitle("");
      setChosen([]);
    }
  };
  return (
    <form class="add-stage" data-testid="stage-form" onSubmit={(event) => void add(event)}>
      <h4>{t("stag.staff.add_title")}</h4>
      <label class="field">
        <span>{t("stag.staff.kind")}</span>
        <select data-testid="stage-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as StageKind)}>
          {STAGE_KINDS.map((k) => (
            <option key={k} value={k}>
              {words(STAGE_LABELS[k])}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>{t("stag.staff.stage_title")}</span>
        <input data-testid="stage-title" maxLength={200} value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
      </label>
      <fieldset class="field" data-testid="stage-participants">
        <legend>{t("stag.staff.participants")}</legend>
        {people.map((p) => (
          <label key={p.id} class="check">
            <input
              type="checkbox"
              data-testid={`stage-participant-${p.id}`}
              checked={chosen.includes(p.id)}
              onChange={(e) => toggle(p.id, e.currentTarget.checked)}
            />{" "}
            {p.name}
          </label>
        ))}
      </fieldset>
      <label class="field">
        <span>{t("stag.staff.opens_at")}</span>
        <input type="datetime-local" data-testid="stage-opens" value={opens} onInput={(e) => setOpens(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>{t("stag.staff.deadline")}</span>
        <input type="datetime-local" data-testid="stage-deadline" required value={deadline} onInput={(e) => setDeadline(e.currentTarget.value)} />
      </label>
      <label class="field">
        <span>{t("stag.staff.visibility")}</span>
        <select
          data-testid="stage-visibility"
          value={visibility}
          onChange={(e) => setVisibility(e.currentTarget.value as Visibility)}
        >
          {VISIBILITIES.map((v) => (
            <option key={v} value={v}>
              {words(VISIBILITY_LABELS[v])}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="primary" data-testid="stage-add" disabled={chosen.length === 0}>
        {t("stag.staff.add")}
      </button>
    </form>
  );
}
