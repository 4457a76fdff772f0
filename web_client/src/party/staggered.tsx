// A staggered hearing (错时审理) on the invitation page, instead of the live courtroom
// (docs/architecture.md#staggered-hearings): the hearing's stages in order, each with its kind,
// deadline (and the time left), state and where the person stands in it; in an open stage they
// are listed in, a video statement (party/statement.tsx) or a written one, and answers to the
// court's questions to them; the others' statements as the stage's visibility allows. Follows
// the court's changes by asking again every few seconds (shared/polling.ts). Phone first.
import "../shared/staggered.css";
import { render, type TargetedEvent, type VNode } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import type {
  InvitationInfo,
  QuestionAnswerIn,
  QuestionOut,
  StageList,
  StageOut,
  TextTurnIn,
  TurnOut,
} from "../generated/api";
import { api } from "../shared/api";
import { type Lang, t } from "../shared/i18n";
import { usePolling } from "../shared/polling";
import { stageRefusal } from "../shared/stage_refusal";
import { clock, dateTime, stageName, timeLeft } from "../shared/staggered";
import { Turn, TurnVideo } from "../shared/turn";
import { useLanguage } from "../shared/use_language";
import { StatementRecorder } from "./statement";

const POLL_MS = 5000;

/** Draw the stages into `host`; `onLive` is called when the court has turned the hearing
 * into a live one (the page then offers the live courtroom, with the stages read-only). */
export function mountStaggered(host: HTMLElement, info: InvitationInfo, onLive?: () => void): void {
  render(<Staggered info={info} onLive={onLive} />, host);
}

interface Loaded {
  stage: StageOut;
  turns: TurnOut[];
  questions: QuestionOut[];
}

function Staggered({ info, onLive }: { info: InvitationInfo; onLive?: () => void }): VNode {
  const lang = useLanguage();
  const [stages, setStages] = useState<Loaded[] | null>(null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const [now, setNow] = useState(Date.now());
  const load = useCallback(async (): Promise<void> => {
    const list = await api<StageList>("GET", `/hearings/${info.hearing.id}/stages`);
    if ((list.live_at ?? null) !== null && onLive !== undefined) onLive();
    const loaded = await Promise.all(
      list.items.map(async (stage) => {
        const [turns, questions] = await Promise.all([
          api<{ items: TurnOut[] }>("GET", `/stages/${stage.id}/turns`),
          api<{ items: QuestionOut[] }>("GET", `/stages/${stage.id}/questions`),
        ]);
        return { stage, turns: turns.items, questions: questions.items };
      }),
    );
    setStages(loaded);
    setFailure(null);
    setNow(Date.now());
  }, [info.hearing.id, onLive]);
  useEffect(() => {
    load().catch((error: unknown) => setFailure({ error }));
  }, [load]);
  usePolling(load, POLL_MS);
  return (
    <section class="staggered" data-testid="staggered">
      <h2>{t("stag.title")}</h2>
      {stages !== null && <Reminders stages={stages} me={info.participant_id} lang={lang} now={now} />}
      <p class="muted">{t("stag.intro")}</p>
      {failure !== null && (
        <p class="problem" role="alert" data-testid="staggered-error">
          {stageRefusal(failure.error)}
        </p>
      )}
      {stages === null && failure === null && <p class="muted">{t("common.loading")}</p>}
      {stages !== null && stages.length === 0 && <p class="muted">{t("stag.none")}</p>}
      <ol class="stages">
        {stages?.map((loaded) => (
          <Stage key={loaded.stage.id} loaded={loaded} me={info.participant_id} lang={lang} now={now} reload={load} />
        ))}
      </ol>
    </section>
  );
}

/** What is left for the person in a stage they are listed in: a statement, an answer, nothing. */
function leftToDo(loaded: Loaded, me: number): "turn" | "question" | null {
  const { stage, turns, questions } = loaded;
  if (stage.mine?.listed !== true) return null;
  if (!stage.mine.submitted && !turns.some((turn) => turn.participant_id === me)) return "turn";
  if (questions.some((q) => q.participant_id === me && q.answer === null)) return "question";
  return null;
}

/** The court's reminders (there is no mail or SMS: this page is where they arrive): one banner
 * per open stage where the person was reminded and has not yet acted; gone once they have. */
function Reminders(props: { stages: Loaded[]; me: number; lang: Lang; now: number }): VNode | null {
  const { stages, me, lang, now } = props;
  const due = stages.flatMap((loaded) => {
    const todo = leftToDo(loaded, me);
    const at = loaded.stage.reminded_at;
    return loaded.stage.state === "open" && todo !== null && at !== null ? [{ loaded, todo, at }] : [];
  });
  if (due.length === 0) return null;
  return (
    <div class="reminders" data-testid="reminders">
      {due.map(({ loaded, todo, at }) => {
        const { stage } = loaded;
        const left = timeLeft(stage.deadline, now);
        return (
          <div class="reminder-banner" role="alert" key={stage.id} data-testid={`reminder-${stage.seq}`}>
            <strong>{t("stag.remind.title")}</strong>
            <p>
              {t(`stag.remind.${todo}`, { stage: stageName(stage), deadline: dateTime(stage.deadline, lang) })}
              {left !== null && <strong class="time-left"> · {left}</strong>}
            </p>
            <p class="muted">{t("stag.remind.when", { when: dateTime(at, lang) })}</p>
          </div>
        );
      })}
    </div>
  );
}

function Stage(props: { loaded: Loaded; me: number; lang: Lang; now: number; reload: () => Promise<void> }): VNode {
  const { loaded, me, lang, now, reload } = props;
  const { stage, turns, questions } = loaded;
  const mine = stage.mine;
  const deadline = dateTime(stage.deadline, lang);
  const left = stage.state === "open" ? timeLeft(stage.deadline, now) : null;
  const own = turns.filter((turn) => turn.participant_id === me);
  const others = turns.filter((turn) => turn.participant_id !== me);
  const acts = stage.state === "open" && mine?.listed === true && !mine.submitted && own.length === 0;
  // a submitted turn is never changed: while the stage is open it may be followed by a
  // correction of the person's latest, itself on the record
  const latest = own.length > 0 ? own[own.length - 1] : null;
  const corrects = stage.state === "open" && mine?.listed === true && latest !== null;
  return (
    <li class="stage-card" data-testid={`stage-${stage.seq}`} data-state={stage.state}>
      <h3>
        {stage.seq}. {stageName(stage)} <span class={`stage-state ${stage.state}`}>{t(`stag.state.${stage.state}`)}</span>
      </h3>
      {stage.state === "pending" && <p>{t("stag.opens", { when: dateTime(stage.opens_at, lang) })}</p>}
      <p data-testid="deadline">
        {t("stag.deadline", { when: deadline })}
        {left !== null && <strong class="time-left"> · {left}</strong>}
      </p>
      {stage.closed_at !== null && <p class="muted">{t("stag.closed_at", { when: dateTime(stage.closed_at, lang) })}</p>}
      <p class="muted">{t(`stag.visibility.${stage.visibility}`)}</p>
      <p class="mine" data-testid="mine">
        {mine === null || !mine.listed
          ? t("stag.mine.not_listed")
          : mine.submitted || own.length > 0
            ? t("stag.mine.submitted")
            : mine.missed
              ? t("stag.mine.missed")
              : `${t("stag.mine.listed")} ${t("stag.mine.to_do")}`}
      </p>
      {mine?.listed === true && stage.state === "pending" && <p class="muted">{t("stag.pending_note")}</p>}
      {mine?.listed === true && stage.state === "closed" && own.length === 0 && (
        <p class="muted" data-testid="closed-note">{t("stag.closed_note")}</p>
      )}
      {acts && <Act stage={stage} me={me} deadline={deadline} corrects={null} reload={reload} />}
      {own.length > 0 && (
        <ul class="turns" data-testid="own-turns">
          {own.map((turn) => (
            <Turn key={turn.id} turn={turn} lang={lang} own />
          ))}
        </ul>
      )}
      {corrects && <Correction stage={stage} me={me} deadline={deadline} latest={latest.id} reload={reload} />}
      {questions.length > 0 && (
        <Questions questions={questions} open={stage.state === "open"} lang={lang} deadline={deadline} reload={reload} />
      )}
      <h4>{t("stag.turns.title")}</h4>
      <ul class="turns" data-testid="other-turns">
        {others.length === 0 && (
          <li class="muted">
            {stage.visibility === "on_close" && stage.state !== "closed" ? t("stag.turns.after_close") : t("stag.turns.none")}
          </li>
        )}
        {others.map((turn) => (
          <Turn key={turn.id} turn={turn} lang={lang} own={false} />
        ))}
      </ul>
    </li>
  );
}

/** A correction of the person's latest turn, offered closed: opened, it is a turn as the first
 * was (recorded or written) that names the one it corrects. */
function Correction(props: { stage: StageOut; me: number; deadline: string; latest: number; reload: () => Promise<void> }): VNode {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <div class="correction" data-testid="correction">
        <p class="muted">{t("stag.correct.note")}</p>
        <button type="button" data-testid="correct-open" onClick={() => setOpen(true)}>
          {t("stag.correct.open")}
        </button>
      </div>
    );
  }
  const reload = async (): Promise<void> => {
    setOpen(false);
    await props.reload();
  };
  return (
    <div class="correction" data-testid="correction">
      <h4>{t("stag.correct.title")}</h4>
      <Act stage={props.stage} me={props.me} deadline={props.deadline} corrects={props.latest} reload={reload} />
      <button type="button" data-testid="correct-cancel" onClick={() => setOpen(false)}>
        {t("common.cancel")}
      </button>
    </div>
  );
}

/** What the person may do in an open stage they are listed in: record, or write (a first turn,
 * or a correction of `corrects`). */
function Act(props: {
  stage: StageOut;
  me: number;
  deadline: string;
  corrects: number | null;
  reload: () => Promise<void>;
}): VNode {
  const { stage, me, deadline, corrects, reload } = props;
  const [mode, setMode] = useState<"choose" | "video" | "text">("choose");
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const done = (): void => {
    setMode("choose");
    void reload();
  };
  const submitText = async (event: TargetedEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const body: TextTurnIn = { kind: "text", text: text.trim(), corrects_id: corrects };
      await api<TurnOut>("POST", `/stages/${stage.id}/turns`, body);
      done();
    } catch (error) {
      setFailure({ error });
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="act" data-testid="act">
      {mode === "choose" && (
        <div class="buttons">
          <button type="button" class="primary" data-testid="record-open" onClick={() => setMode("video")}>
            {t("stag.record.open")}
          </button>
          <span class="muted">{t("stag.or")}</span>
          <button type="button" data-testid="text-open" onClick={() => setMode("text")}>
            {t("stag.text.open")}
          </button>
        </div>
      )}
      {mode === "video" && (
        <StatementRecorder
          stageId={stage.id}
          participantId={me}
          deadline={deadline}
          corrects={corrects}
          submitted={done}
          cancel={() => setMode("choose")}
        />
      )}
      {mode === "text" && (
        <form class="text-turn" onSubmit={(event) => void submitText(event)}>
          <label>
            {t("stag.text.label")}
            <textarea
              data-testid="text-turn"
              rows={6}
              maxLength={20000}
              value={text}
              onInput={(event) => setText(event.currentTarget.value)}
            />
          </label>
          <div class="buttons">
            <button type="submit" class="primary" data-testid="text-submit" disabled={busy || text.trim() === ""}>
              {t("stag.text.submit")}
            </button>
            <button type="button" onClick={() => setMode("choose")}>
              {t("common.cancel")}
            </button>
          </div>
        </form>
      )}
      {failure !== null && (
        <p class="problem" role="alert" data-testid="act-problem">
          {stageRefusal(failure.error, deadline)}
        </p>
      )}
    </div>
  );
}

/** The court's questions to the person in a stage (a recorded one played above its words),
 * answered in words while it is open. */
function Questions(props: {
  questions: QuestionOut[];
  open: boolean;
  lang: Lang;
  deadline: string;
  reload: () => Promise<void>;
}): VNode {
  const { questions, open, lang, deadline, reload } = props;
  return (
    <div class="questions" data-testid="questions">
      <h4>{t("stag.questions.title")}</h4>
      <ul>
        {questions.map((question) => (
          <Question key={question.id} question={question} open={open} lang={lang} deadline={deadline} reload={reload} />
        ))}
      </ul>
    </div>
  );
}

function Question(props: {
  question: QuestionOut;
  open: boolean;
  lang: Lang;
  deadline: string;
  reload: () => Promise<void>;
}): VNode {
  const { question, open, lang, deadline, reload } = props;
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const answer = async (event: TargetedEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    setFailure(null);
    try {
      const body: QuestionAnswerIn = { text: text.trim() };
      await api<QuestionOut>("POST", `/questions/${question.id}/answer`, body);
      await reload();
    } catch (error) {
      setFailure({ error });
    } finally {
      setBusy(false);
    }
  };
  return (
    <li class="question" data-testid={`question-${question.id}`} data-kind={question.media_url === null ? "text" : "video"}>
      {question.media_url !== null && (
        <>
          <p class="muted">{t("stag.questions.video", { duration: clock(question.duration_s ?? 0) })}</p>
          <TurnVideo url={question.media_url} testId="question-video" />
        </>
      )}
      <p class="question-text">{question.text}</p>
      <p class="muted">{t("stag.questions.asked", { when: dateTime(question.asked_at, lang) })}</p>
      {question.answer !== null ? (
        <>
          <p class="answer" data-testid="answer">{question.answer.text}</p>
          <p class="muted">{t("stag.questions.answered", { when: dateTime(question.answer.answered_at, lang) })}</p>
        </>
      ) : open ? (
        <form onSubmit={(event) => void answer(event)}>
          <label>
            {t("stag.questions.answer_label")}
            <textarea data-testid="answer-text" rows={3} value={text} onInput={(event) => setText(event.currentTarget.value)} />
          </label>
          <button type="submit" class="primary" data-testid="answer-submit" disabled={busy || text.trim() === ""}>
            {t("stag.questions.answer")}
          </button>
        </form>
      ) : (
        <p class="muted">{t("stag.questions.unanswered")}</p>
      )}
      {failure !== null && (
        <p class="problem" role="alert">
          {stageRefusal(failure.error, deadline)}
        </p>
      )}
    </li>
  );
}
