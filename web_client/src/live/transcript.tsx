// The transcript panel of the bench's console (docs/architecture.md#transcript): pick who
// speaks (a button, or Alt+1–9 / Alt+0 for the court), type what they say, Enter adds it.
// The entry being typed is a draft: kept on this device at every keystroke and sent to the
// server every second while it changes, so a reload, a lost connection or a restarted server
// loses nothing (a server killed outright, at most the last second or so of typing); the
// server's copy is what another device or a new tab starts from. The list shows the committed
// entries with the timeline's facts in their place, in the court's language, each entry
// correctable (live/entry_edit.tsx).
import type { VNode } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type { DraftIn, Transcript, TranscriptLine } from "../generated/api";
import type { MemberView } from "../generated/protocol";
import { ApiError, api } from "../shared/api";
import { t } from "../shared/i18n";
import { refusalText } from "../shared/refusals";
import { TranscriptLines } from "../shared/transcript_lines";
import { EntryEdit } from "./entry_edit";
import { notify } from "./notice";

/** A change reaches the server within this, plus the save's own latency: all a server killed
 * outright can lose (the promise is 2 s: docs/architecture.md#transcript,
 * tests/browser/test_transcript_kill.py). Nothing is sent while the text stays the same. */
const SAVE_EVERY_MS = 1000;
const REFRESH_EVERY_MS = 10000;

type Draft = Required<DraftIn>;
type Saving = "saved" | "saving" | "unsaved";

/** What this device keeps of the draft: ``synced`` once the server has this very text. */
interface Kept {
  draft: Draft;
  synced: boolean;
}

interface PanelProps {
  hearingId: number;
  members: MemberView[];
  /** The caller may write now (the bench, the hearing live); else the list only. */
  writable: boolean;
}

export function TranscriptPanel({ hearingId, members, writable }: PanelProps): VNode {
  const kept = useRef(readKept(hearingId));
  const [lines, setLines] = useState<TranscriptLine[] | null>(null);
  const [draft, setDraft] = useState<Draft>(() => kept.current?.draft ?? fresh(null));
  const [saving, setSaving] = useState<Saving>(
    kept.current?.synced === false ? "unsaved" : "saved",
  );
  const current = useRef(draft);
  const dirty = useRef(kept.current?.synced === false);
  const sending = useRef(false);
  const committing = useRef(false);
  const canWrite = useRef(writable);
  canWrite.current = writable;

  const change = (next: Draft): void => {
    current.current = next;
    dirty.current = true;
    setDraft(next);
    setSaving("saving");
    keep(hearingId, { draft: next, synced: false });
  };

  const load = async (restore: boolean): Promise<void> => {
    try {
      const transcript = await api<Transcript>("GET", `/hearings/${hearingId}/transcript`);
      setLines(transcript.lines);
      // the server's draft, unless this device holds a newer one it has not sent yet
      const saved = transcript.draft;
      if (restore && saved && !dirty.current) {
        const restored = {
          key: saved.key,
          speaker_id: saved.speaker_id,
          text: saved.text,
          at: saved.at,
        };
        current.current = restored;
        setDraft(restored);
        keep(hearingId, { draft: restored, synced: true });
      }
    } catch (error) {
      notify(t("transcript.failed", { message: errorText(error) }));
    }
  };

  const save = async (): Promise<void> => {
    if (!dirty.current || sending.current || committing.current || !canWrite.current) return;
    sending.current = true;
    const sent = current.current;
    try {
      await api("PUT", `/hearings/${hearingId}/transcript/draft`, sent);
      if (current.current === sent) {
        dirty.current = false;
        keep(hearingId, { draft: sent, synced: true });
        setSaving("saved");
      }
    } catch (error) {
      // already committed (a late save): nothing left to keep
      if (error instanceof ApiError && error.code === "key_taken") dirty.current = false;
      else setSaving("unsaved");
    } finally {
      sending.current = false;
    }
  };

  const commit = async (): Promise<void> => {
    const entry = current.current;
    if (!entry.text.trim() || committing.current) return;
    committing.current = true;
    try {
      await commitOnce(hearingId, entry);
      // what was typed while the entry was on its way begins the next one
      const typed = current.current.text;
      const rest = typed.startsWith(entry.text) ? typed.slice(entry.text.length).trimStart() : "";
      const next = { ...fresh(entry.speaker_id), text: rest };
      current.current = next;
      dirty.current = rest !== "";
      setDraft(next);
      setSaving(dirty.current ? "saving" : "saved");
      keep(hearingId, { draft: next, synced: !dirty.current });
    } catch (error) {
      setSaving("unsaved");
      notify(t("live.refused", { message: errorText(error) }));
    } finally {
      committing.current = false;
    }
    await load(false);
  };

  useEffect(() => {
    void load(true);
    const refresh = setInterval(() => void load(false), REFRESH_EVERY_MS);
    const saver = setInterval(() => void save(), SAVE_EVERY_MS);
    return () => {
      clearInterval(refresh);
      clearInterval(saver);
    };
  }, [hearingId]);

  const pick = (speakerId: number | null): void => {
    const entry = current.current;
    change({
      ...entry,
      speaker_id: speakerId,
      at: entry.text ? entry.at : now(),
    });
  };
  const speakers = members.slice(0, 9);
  const byDigit = (key: string): boolean => {
    if (key === "0") pick(null);
    else if (/^[1-9]$/.test(key) && Number(key) <= speakers.length) {
      pick(speakers[Number(key) - 1].id);
    } else return false;
    return true;
  };

  return (
    <section
      class="transcript"
      data-testid="transcript"
      onKeyDown={(event) => {
        const target = event.target as HTMLElement;
        const typing = target.tagName === "TEXTAREA" || target.tagName === "INPUT";
        if (writable && !typing && !event.ctrlKey && !event.metaKey && byDigit(event.key)) {
          event.preventDefault();
        }
      }}
    >
      <h3>{t("transcript.title")}</h3>
      <TranscriptLines
        lines={lines}
        after={(entry) => writable && <EntryEdit entry={entry} onChanged={() => void load(false)} />}
      />
      {writable && (
        <form
          class="transcript-form"
          onSubmit={(event) => {
            event.preventDefault();
            void commit();
          }}
        >
          <div
            class="button-row transcript-speakers"
            role="group"
            aria-label={t("transcript.speaker")}
          >
            <SpeakerButton
              digit="0"
              name={t("transcript.court")}
              chosen={draft.speaker_id === null}
              onPick={() => pick(null)}
            />
            {speakers.map((member, index) => (
              <SpeakerButton
                key={member.id}
                digit={String(index + 1)}
                name={member.name}
                chosen={draft.speaker_id === member.id}
                onPick={() => pick(member.id)}
              />
            ))}
          </div>
          <textarea
            data-testid="transcript-text"
            rows={3}
            maxLength={20000}
            placeholder={t("transcript.placeholder")}
            value={draft.text}
            onInput={(event) => {
              const text = event.currentTarget.value;
              const entry = current.current;
              change({ ...entry, text, at: entry.text ? entry.at : now() });
            }}
            onKeyDown={(event) => {
              if (event.altKey && byDigit(event.key)) {
                event.preventDefault();
              } else if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
                // isComposing: Enter that picks a word in a Chinese input method adds nothing
                event.preventDefault();
                void commit();
              }
            }}
          />
          <small>{t("transcript.hint")}</small>
          <div class="button-row">
            <button type="submit" class="primary" data-testid="transcript-commit">
              {t("transcript.commit")}
            </button>
            <span class="transcript-saving" data-testid="transcript-saving" data-state={saving}>
              {t(`transcript.${saving}`)}
            </span>
          </div>
        </form>
      )}
    </section>
  );
}

function SpeakerButton(props: {
  digit: string;
  name: string;
  chosen: boolean;
  onPick: () => void;
}): VNode {
  return (
    <button
      type="button"
      data-testid={`transcript-speaker-${props.digit}`}
      aria-pressed={props.chosen}
      class={props.chosen ? "primary" : undefined}
      onClick={props.onPick}
    >
      {props.digit} {props.name}
    </button>
  );
}

/** POST the entry; a commit that met another at the same moment (409 conflict) is sent again
 * with its key, which makes it one entry whatever happened to the first. */
async function commitOnce(hearingId: number, entry: Draft): Promise<void> {
  const path = `/hearings/${hearingId}/transcript/entries`;
  try {
    await api("POST", path, entry);
  } catch (error) {
    if (!(error instanceof ApiError && error.code === "conflict")) throw error;
    await api("POST", path, entry);
  }
}

function fresh(speakerId: number | null): Draft {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  const key = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  return { key, speaker_id: speakerId, text: "", at: now() };
}

function now(): string {
  return new Date().toISOString();
}

function storageKey(hearingId: number): string {
  return `hs-transcript-draft-${hearingId}`;
}

function readKept(hearingId: number): Kept | null {
  try {
    const raw = localStorage.getItem(storageKey(hearingId));
    return raw ? (JSON.parse(raw) as Kept) : null;
  } catch {
    return null;
  }
}

function keep(hearingId: number, kept: Kept): void {
  try {
    localStorage.setItem(storageKey(hearingId), JSON.stringify(kept));
  } catch {
    // storage full or off: the server's copy, sent every second, still keeps the draft
  }
}

function errorText(error: unknown): string {
  return error instanceof ApiError
    ? refusalText(error.code, error.message)
    : refusalText("network", String(error));
}
