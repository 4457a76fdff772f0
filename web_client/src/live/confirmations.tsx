// The bench's side of the transcript's confirmation (docs/architecture.md#confirmation-screens):
// who signed (with their signature), refused, is still to sign, or signed a transcript that has
// changed since; the correction requests, each accepted or rejected with a reason; recording
// that a person refused to sign (拒绝签名); and closing the record once no request is open.
import type { VNode } from "preact";
import { useState } from "preact/hooks";
import type {
  AnswerIn,
  ConfirmationsOut,
  CorrectionOut,
  CourtRefusalIn,
  SignerOut,
  TranscriptLine,
} from "../generated/api";
import { ApiError, api } from "../shared/api";
import { type Lang, t } from "../shared/i18n";
import { CorrectionItem } from "../signing/requests";
import { refusal, when } from "../signing/words";
import { confirmDialog } from "./confirm";
import { roleName } from "./names";

interface PanelProps {
  hearingId: number;
  data: ConfirmationsOut;
  lines: TranscriptLine[];
  lang: Lang;
  /** Read the screen again after a change. */
  reload: () => Promise<void>;
}

export function ConfirmationsPanel({ hearingId, data, lines, lang, reload }: PanelProps): VNode {
  const [problem, setProblem] = useState<string | null>(null);
  const open = !data.record_closed;
  const names = new Map(data.signers.map((s) => [s.participant_id, s.name]));
  const pending = data.corrections.filter((c) => c.answer === null).length;
  const act = async (write: () => Promise<unknown>): Promise<boolean> => {
    setProblem(null);
    try {
      await write();
      return true;
    } catch (error) {
      setProblem(
        error instanceof ApiError && error.code === "corrections_pending"
          ? t("signing.bench.corrections_pending", { count: String(pending) })
          : refusal(error),
      );
      return false;
    } finally {
      await reload();
    }
  };
  const close = async (): Promise<void> => {
    if (await confirmDialog("signing.bench.close_question", "signing.bench.close")) {
      await act(() => api("POST", `/hearings/${hearingId}/transcript/close`));
    }
  };
  return (
    <section
      class="confirmations"
      data-testid="confirmations"
      data-closed={String(data.record_closed)}
    >
      <h3>{t("signing.bench.title")}</h3>
      <ul class="signers" data-testid="signers">
        {data.signers.map((signer) => (
          <Signer
            key={signer.participant_id}
            signer={signer}
            lang={lang}
            open={open}
            refuse={(reason) =>
              act(() =>
                api("POST", `/hearings/${hearingId}/transcript/refusals`, {
                  participant_id: signer.participant_id,
                  reason,
                } satisfies CourtRefusalIn),
              )
            }
          />
        ))}
      </ul>
      <h3>{t("signing.bench.corrections")}</h3>
      {data.corrections.length === 0 && <p class="muted">{t("signing.bench.no_corrections")}</p>}
      <ul class="corrections" data-testid="corrections">
        {data.corrections.map((c) => (
          <CorrectionItem
            key={c.id}
            correction={c}
            lines={lines}
            lang={lang}
            who={names.get(c.participant_id) ?? ""}
          >
            {open && c.answer === null && <Answer correction={c} act={act} />}
          </CorrectionItem>
        ))}
      </ul>
      {problem !== null && (
        <p class="problem" role="alert" data-testid="confirmations-problem">
          {problem}
        </p>
      )}
      {open ? (
        <div class="button-row">
          <button
            type="button"
            class="danger"
            data-testid="record-close"
            onClick={() => void close()}
          >
            {t("signing.bench.close")}
          </button>
          <small>{t("signing.bench.close_hint")}</small>
        </div>
      ) : (
        <p class="signing-closed" data-testid="record-closed">
          {data.closed_at === null
            ? t("signing.record_closed")
            : t("signing.bench.closed_at", { at: when(data.closed_at, lang) })}
        </p>
      )}
    </section>
  );
}

function Signer(props: {
  signer: SignerOut;
  lang: Lang;
  open: boolean;
  refuse: (reason: string | null) => Promise<boolean>;
}): VNode {
  const { signer, lang, open, refuse } = props;
  const [asking, setAsking] = useState(false);
  const [reason, setReason] = useState("");
  const status = signer.stale ? "stale" : signer.status;
  const at = signer.at === null ? "" : when(signer.at, lang);
  const refusal = signer.refusal;
  return (
    <li
      class="signer"
      data-testid="signer"
      data-participant={String(signer.participant_id)}
      data-status={status}
    >
      <span class="signer-who">
        <strong>{signer.name}</strong> <small>{roleName(signer.role)}</small>
      </span>
      <span class={`badge signer-${status}`} data-testid="signer-status">
        {t(`signing.bench.status.${status}`, { at })}
      </span>
      {signer.signature !== null && (
        <img
          class="signature-thumb"
          data-testid="signature-thumb"
          src={signer.signature.image_url}
          alt={t("signing.bench.signature_of", { name: signer.signature.name })}
        />
      )}
      {refusal !== null && signer.status === "refused" && (
        <small data-testid="refusal-detail">
          {t(refusal.recorded_by === "court" ? "signing.bench.by_court" : "signing.bench.by_self")}
          {refusal.reason ? ` · ${refusal.reason}` : ""}
        </small>
      )}
      {open && signer.status === "pending" && !asking && (
        <button type="button" data-testid="record-refusal" onClick={() => setAsking(true)}>
          {t("signing.bench.record_refusal")}
        </button>
      )}
      {asking && (
        <form
          class="refusal-form"
          onSubmit={(event) => {
            event.preventDefault();
            void refuse(reason.trim() === "" ? null : reason.trim()).then((done) => {
              if (done) setAsking(false);
            });
          }}
        >
          <input
            data-testid="refusal-reason"
            maxLength={2000}
            placeholder={t("signing.bench.refusal_reason")}
            value={reason}
            onInput={(event) => setReason(event.currentTarget.value)}
          />
          <button type="submit" class="danger" data-testid="refusal-save">
            {t("signing.bench.record_refusal")}
          </button>
          <button type="button" onClick={() => setAsking(false)}>
            {t("common.cancel")}
          </button>
        </form>
      )}
    </li>
  );
}

/** The court's answer to one request: accepted or rejected, with its reason. */
function Answer(props: {
  correction: CorrectionOut;
  act: (write: () => Promise<unknown>) => Promise<boolean>;
}): VNode {
  const { correction, act } = props;
  const [reason, setReason] = useState("");
  const answer = (accepted: boolean): void => {
    if (reason.trim() === "") return;
    void act(() =>
      api("POST", `/transcript-corrections/${correction.id}/answer`, {
        accepted,
        reason: reason.trim(),
      } satisfies AnswerIn),
    );
  };
  return (
    <div class="correction-reply" data-testid="correction-reply">
      <input
        data-testid="answer-reason"
        maxLength={2000}
        placeholder={t("signing.bench.answer_reason")}
        value={reason}
        onInput={(event) => setReason(event.currentTarget.value)}
      />
      <div class="button-row">
        <button
          type="button"
          class="primary"
          data-testid="answer-accept"
          disabled={reason.trim() === ""}
          onClick={() => answer(true)}
        >
          {t("signing.bench.accept")}
        </button>
        <button
          type="button"
          data-testid="answer-reject"
          disabled={reason.trim() === ""}
          onClick={() => answer(false)}
        >
          {t("signing.bench.reject")}
        </button>
      </div>
    </div>
  );
}
