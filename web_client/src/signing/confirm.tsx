// The signer's screen (docs/architecture.md#confirmation-screens): a party, lawyer or witness
// on their invitation page after the hearing closed, or the detainee on the detention centre's
// terminal, reads the transcript and then confirms it with a signature drawn on the screen and
// their name, asks the court for a correction (of one line or in general), or refuses to sign.
// Their status, their requests with the court's answers and a closed record follow what the
// court does (asked again every few seconds). Drawn with Preact, loaded only on this screen.
import { render, type VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import { api } from "../shared/api";
import { type Lang, type MessageKey, t } from "../shared/i18n";
import { usePolling } from "../shared/polling";
import { TranscriptLines } from "../shared/transcript_lines";
import { useLanguage } from "../shared/use_language";
import { CorrectionForm, MyCorrections, RefuseForm } from "./requests";
import { SignForm } from "./sign_form";
import type { ConfirmationOut, MyConfirmation } from "../generated/api";
import { refusal, when } from "./words";
import "./signing.css";

const POLL_MS = 5000;

type Step = "read" | "sign" | "correct" | "refuse";

/** Draw the screen into `host`; the returned function takes it off. */
export function mountConfirmation(host: HTMLElement, hearingId: number): () => void {
  render(<Confirmation hearingId={hearingId} />, host);
  return () => render(null, host);
}

function Confirmation({ hearingId }: { hearingId: number }): VNode {
  const lang = useLanguage();
  const [data, setData] = useState<ConfirmationOut | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const [step, setStep] = useState<Step>("read");
  /** The digest of the transcript as it was when they chose to sign: what they read (a
   * change that arrives meanwhile is refused by the server, and they read again). */
  const [read, setRead] = useState("");
  const [line, setLine] = useState<number | null>(null);
  /** What the last answer said, while their standing is what it was then. */
  const [notice, setNotice] = useState<{ said: MessageKey; standing: string } | null>(null);
  const path = `/hearings/${hearingId}/transcript/confirmation`;
  const load = async (): Promise<ConfirmationOut | null> => {
    try {
      const fresh = await api<ConfirmationOut>("GET", path);
      setData(fresh);
      setFailure(null);
      return fresh;
    } catch (error) {
      setFailure(error);
      return null;
    }
  };
  useEffect(() => void load(), [hearingId]);
  usePolling(async () => void (await load()), POLL_MS);
  /** After an answer from the server: read the screen again, back to reading. */
  const done = async (said: MessageKey | null): Promise<void> => {
    setStep("read");
    setLine(null);
    const fresh = await load();
    setNotice(said === null || fresh === null ? null : { said, standing: standing(fresh.mine) });
  };
  if (data === null) {
    return (
      <section class="signing" data-testid="signing">
        <h2 data-testid="signing-title">{t("signing.title")}</h2>
        {failure === null ? (
          <p class="muted">{t("common.loading")}</p>
        ) : (
          <p class="problem" role="alert" data-testid="signing-error">
            {refusal(failure)}
          </p>
        )}
      </section>
    );
  }
  const mine = data.mine;
  const open = !data.record_closed;
  const signedNow = mine.status === "signed" && !mine.stale;
  return (
    <section
      class="signing"
      data-testid="signing"
      data-status={mine.stale ? "stale" : mine.status}
      data-closed={String(data.record_closed)}
    >
      <h2 data-testid="signing-title">
        {t(data.record_closed ? "signing.title_closed" : "signing.title")}
      </h2>
      <p class="muted">
        {data.court_name} · {data.case_number}
      </p>
      <p class="signing-status" data-testid="signing-status" role="status">
        {statusText(mine, lang)}
      </p>
      {data.record_closed && (
        <p class="signing-closed" data-testid="record-closed">
          {t("signing.record_closed")}
        </p>
      )}
      {notice !== null && notice.standing === standing(mine) && (
        <p class="signing-notice" data-testid="signing-notice">
          {t(notice.said)}
        </p>
      )}
      <TranscriptLines
        lines={data.lines}
        after={(entry) =>
          open && (
            <button
              type="button"
              class="link line-correct"
              data-testid="line-correct"
              onClick={() => {
                setLine(entry.id);
                setStep("correct");
              }}
            >
              {t("signing.correct_this_line")}
            </button>
          )
        }
      />
      <MyCorrections corrections={data.corrections} lines={data.lines} lang={lang} />
      {open && step === "read" && (
        <div class="button-row signing-actions">
          {!signedNow && (
            <button
              type="button"
              class="primary"
              data-testid="signing-sign"
              onClick={() => {
                setRead(data.digest);
                setStep("sign");
              }}
            >
              {t(mine.stale ? "signing.sign_again" : "signing.sign")}
            </button>
          )}
          <button type="button" data-testid="signing-correct" onClick={() => setStep("correct")}>
            {t("signing.ask_correction")}
          </button>
          {mine.status === "pending" && (
            <button type="button" data-testid="signing-refuse" onClick={() => setStep("refuse")}>
              {t("signing.refuse")}
            </button>
          )}
        </div>
      )}
      {open && step === "sign" && (
        <SignForm
          hearingId={hearingId}
          digest={read}
          name={mine.name}
          onDone={(said) => void done(said)}
          onCancel={() => setStep("read")}
        />
      )}
      {open && step === "correct" && (
        <CorrectionForm
          hearingId={hearingId}
          lines={data.lines}
          entryId={line}
          onEntry={setLine}
          onDone={() => void done("signing.correction_sent")}
          onCancel={() => setStep("read")}
        />
      )}
      {open && step === "refuse" && (
        <RefuseForm
          hearingId={hearingId}
          onDone={() => void done(null)}
          onCancel={() => setStep("read")}
        />
      )}
    </section>
  );
}

function statusText(mine: MyConfirmation, lang: Lang): string {
  const at = mine.at === null ? "" : when(mine.at, lang);
  if (mine.status === "signed" && mine.stale) return t("signing.status.stale", { at });
  if (mine.status === "signed") return t("signing.status.signed", { at });
  if (mine.status === "refused") return t("signing.status.refused", { at });
  return t("signing.status.pending");
}

/** Where the person stands, as one word: a notice about it goes once it changes. */
function standing(mine: MyConfirmation): string {
  return `${mine.status} ${String(mine.stale)} ${mine.at ?? ""}`;
}
