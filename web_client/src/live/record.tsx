// The bench's screen for a closed hearing's record (/hearing/<id> once closed, and under the
// console's last screen when the hearing closes): the transcript, each entry correctable until
// the record is closed, and the confirmations (live/confirmations.tsx). Asked again every few
// seconds, so a signature or a request shows up without a reload.
import { render, type VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { ConfirmationsOut, Transcript } from "../generated/api";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import { usePolling } from "../shared/polling";
import { TranscriptLines } from "../shared/transcript_lines";
import { useLanguage } from "../shared/use_language";
import { refusal } from "../signing/words";
import { ConfirmationsPanel } from "./confirmations";
import { EntryEdit } from "./entry_edit";
import "../signing/signing.css";

const POLL_MS = 5000;

/** Draw the screen into `host`; the returned function takes it off. */
export function mountRecord(host: HTMLElement, hearingId: number): () => void {
  render(<RecordScreen hearingId={hearingId} />, host);
  return () => render(null, host);
}

function RecordScreen({ hearingId }: { hearingId: number }): VNode {
  const lang = useLanguage();
  const [transcript, setTranscript] = useState<Transcript | null>(null);
  const [confirmations, setConfirmations] = useState<ConfirmationsOut | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  const load = async (): Promise<void> => {
    try {
      const [lines, signers] = await Promise.all([
        api<Transcript>("GET", `/hearings/${hearingId}/transcript`),
        api<ConfirmationsOut>("GET", `/hearings/${hearingId}/transcript/confirmations`),
      ]);
      setTranscript(lines);
      setConfirmations(signers);
      setFailure(null);
    } catch (error) {
      setFailure(error);
    }
  };
  useEffect(() => void load(), [hearingId]);
  usePolling(load, POLL_MS);
  const open = confirmations !== null && !confirmations.record_closed;
  return (
    <section class="record" data-testid="record">
      <h2>{t("signing.bench.record_title")}</h2>
      {failure !== null && (
        <p class="problem" role="alert" data-testid="record-error">
          {refusal(failure)}
        </p>
      )}
      {transcript === null || confirmations === null ? (
        failure === null && <p class="muted">{t("common.loading")}</p>
      ) : (
        <>
          <div class="transcript">
            <h3>{t("transcript.title")}</h3>
            <TranscriptLines
              lines={transcript.lines}
              after={(entry) => open && <EntryEdit entry={entry} onChanged={() => void load()} />}
            />
          </div>
          <ConfirmationsPanel
            hearingId={hearingId}
            data={confirmations}
            lines={transcript.lines}
            lang={lang}
            reload={load}
          />
        </>
      )}
    </section>
  );
}
