// What a signer asks of the court besides signing: a correction (of one line, or in general),
// and a refusal to sign (confirmed in a second step: it goes on the record with its time). And
// their own requests, each with the court's answer once given.
import type { ComponentChildren, VNode } from "preact";
import { useState } from "preact/hooks";
import type {
  CorrectionIn,
  CorrectionOut,
  RefusalIn,
  RefusalOut,
  TranscriptLine,
} from "../generated/api";
import { api } from "../shared/api";
import { type Lang, t } from "../shared/i18n";
import { entryLabel } from "../shared/transcript_lines";
import { refusal, when } from "./words";

interface CorrectionProps {
  hearingId: number;
  lines: TranscriptLine[];
  /** The line asked about (null: the transcript in general). */
  entryId: number | null;
  onEntry: (entryId: number | null) => void;
  onDone: () => void;
  onCancel: () => void;
}

export function CorrectionForm(props: CorrectionProps): VNode {
  const { hearingId, lines, entryId, onEntry, onDone, onCancel } = props;
  const [text, setText] = useState("");
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const entries = lines.flatMap((line) => (line.entry ? [line.entry] : []));
  const send = async (): Promise<void> => {
    if (text.trim() === "" || sending) return;
    setSending(true);
    setProblem(null);
    try {
      const body: CorrectionIn = { entry_id: entryId, text: text.trim() };
      await api<CorrectionOut>("POST", `/hearings/${hearingId}/transcript/corrections`, body);
      onDone();
    } catch (error) {
      setProblem(refusal(error));
      setSending(false);
    }
  };
  return (
    <form
      class="signing-form"
      data-testid="correction-form"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <h3>{t("signing.correction_title")}</h3>
      <label class="field">
        <span>{t("signing.correction_line")}</span>
        <select
          data-testid="correction-line"
          value={entryId === null ? "" : String(entryId)}
          onChange={(event) => {
            const value = event.currentTarget.value;
            onEntry(value === "" ? null : Number(value));
          }}
        >
          <option value="">{t("signing.correction_general")}</option>
          {entries.map((entry) => (
            <option key={entry.id} value={String(entry.id)}>
              {entryLabel(lines, entry.id)}
            </option>
          ))}
        </select>
      </label>
      <label class="field">
        <span>{t("signing.correction_text")}</span>
        <textarea
          data-testid="correction-text"
          rows={4}
          maxLength={5000}
          value={text}
          onInput={(event) => setText(event.currentTarget.value)}
        />
      </label>
      {problem !== null && (
        <p class="problem" role="alert" data-testid="correction-problem">
          {problem}
        </p>
      )}
      <div class="button-row">
        <button
          type="submit"
          class="primary"
          data-testid="correction-send"
          disabled={text.trim() === "" || sending}
        >
          {t("signing.correction_send")}
        </button>
        <button type="button" data-testid="correction-cancel" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

interface RefuseProps {
  hearingId: number;
  onDone: () => void;
  onCancel: () => void;
}

export function RefuseForm({ hearingId, onDone, onCancel }: RefuseProps): VNode {
  const [reason, setReason] = useState("");
  const [sure, setSure] = useState(false);
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const send = async (): Promise<void> => {
    setSending(true);
    setProblem(null);
    try {
      const body: RefusalIn = { reason: reason.trim() === "" ? null : reason.trim() };
      await api<RefusalOut>("POST", `/hearings/${hearingId}/transcript/refusal`, body);
      onDone();
    } catch (error) {
      setProblem(refusal(error));
      setSending(false);
    }
  };
  return (
    <form
      class="signing-form"
      data-testid="refuse-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (sure) void send();
        else setSure(true);
      }}
    >
      <h3>{t("signing.refuse_title")}</h3>
      <p>{t("signing.refuse_explained")}</p>
      <label class="field">
        <span>{t("signing.refuse_reason")}</span>
        <textarea
          data-testid="refuse-reason"
          rows={3}
          maxLength={2000}
          value={reason}
          onInput={(event) => setReason(event.currentTarget.value)}
        />
      </label>
      {sure && (
        <p class="problem" role="alert" data-testid="refuse-question">
          {t("signing.refuse_question")}
        </p>
      )}
      {problem !== null && (
        <p class="problem" role="alert" data-testid="refuse-problem">
          {problem}
        </p>
      )}
      <div class="button-row">
        <button type="submit" class="danger" data-testid="refuse-send" disabled={sending}>
          {t(sure ? "signing.refuse_confirm" : "signing.refuse")}
        </button>
        <button type="button" data-testid="refuse-cancel" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

interface MineProps {
  corrections: CorrectionOut[];
  lines: TranscriptLine[];
  lang: Lang;
}

/** The person's own requests, the newest first, each with the court's answer once given. */
export function MyCorrections({ corrections, lines, lang }: MineProps): VNode | null {
  if (corrections.length === 0) return null;
  return (
    <section class="signing-requests">
      <h3>{t("signing.my_corrections")}</h3>
      <ul data-testid="my-corrections">
        {[...corrections].reverse().map((c) => (
          <CorrectionItem key={c.id} correction={c} lines={lines} lang={lang} />
        ))}
      </ul>
    </section>
  );
}

export function CorrectionItem(props: {
  correction: CorrectionOut;
  lines: TranscriptLine[];
  lang: Lang;
  /** Whose request (the bench's list of everyone's). */
  who?: string;
  /** What follows it (the bench's answer). */
  children?: ComponentChildren;
}): VNode {
  const { correction: c, lines, lang, who } = props;
  const line = entryLabel(lines, c.entry_id);
  const answer = c.answer;
  const state = answer === null ? "pending" : answer.accepted ? "accepted" : "rejected";
  return (
    <li class="correction" data-testid="correction" data-state={state} data-id={String(c.id)}>
      <small class="muted">
        {who !== undefined && <strong>{who} · </strong>}
        {when(c.asked_at, lang)}
        {" · "}
        {line === null ? t("signing.correction_general") : line}
      </small>
      <p class="correction-text">{c.text}</p>
      <p class="correction-answer" data-testid="correction-answer">
        {answer === null
          ? t("signing.answer.pending")
          : t(answer.accepted ? "signing.answer.accepted" : "signing.answer.rejected", {
              by: answer.by_name,
              at: when(answer.answered_at, lang),
              reason: answer.reason,
            })}
      </p>
      {props.children}
    </li>
  );
}
