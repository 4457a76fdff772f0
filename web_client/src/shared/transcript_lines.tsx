// The transcript's lines as everyone reads them: the committed entries (who said what, when)
// among the timeline's facts, in the court's language (the words of the record, which is what a
// signature confirms).
// The bench's console, the record page and the signer's screen show the same list; each may
// add its own controls after an entry (``after``).
import type { ComponentChildren, VNode } from "preact";
import type { EntryOut, TranscriptLine } from "../generated/api";
import { language, t } from "./i18n";

interface LinesProps {
  lines: TranscriptLine[] | null;
  /** What follows an entry's text (a button to correct it, a request about it). */
  after?: (entry: EntryOut) => ComponentChildren;
}

export function TranscriptLines({ lines, after }: LinesProps): VNode {
  if (lines !== null && lines.length === 0) return <p>{t("transcript.empty")}</p>;
  return (
    <ol class="transcript-lines" data-testid="transcript-lines">
      {(lines ?? []).map((line) => {
        const at = new Date(line.at).toLocaleTimeString(language());
        if (line.entry) {
          return (
            <li
              key={`entry-${line.entry.id}`}
              data-testid="transcript-entry"
              data-entry={String(line.entry.id)}
            >
              <span class="transcript-time">{at}</span> <strong>{line.entry.speaker}：</strong>
              <span class="transcript-said">{line.entry.text}</span>
              {after?.(line.entry)}
            </li>
          );
        }
        return (
          <li
            key={`fact-${line.at}-${line.event}`}
            class="transcript-fact"
            data-testid="transcript-fact"
          >
            <span class="transcript-time">{at}</span> <em>{line.fact}</em>
          </li>
        );
      })}
    </ol>
  );
}

/** An entry's number and the start of its text, to name it in a list of requests. */
export function entryLabel(lines: TranscriptLine[], entryId: number | null): string | null {
  if (entryId === null) return null;
  const entry = lines.find((line) => line.entry?.id === entryId)?.entry;
  if (!entry) return null;
  const text = entry.text.length > 40 ? `${entry.text.slice(0, 40)}…` : entry.text;
  return `${entry.seq ?? ""} ${entry.speaker}：${text}`.trim();
}
