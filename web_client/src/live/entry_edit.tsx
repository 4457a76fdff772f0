// The bench corrects an entry's text after it was committed (an accepted correction request,
// or its own slip): PATCH with the version it started from. If someone changed the entry
// meanwhile the server refuses (409 stale_version) and sends the entry as it now stands: its
// text is shown beside what the writer typed, which stays in the box to merge and send again.
import type { VNode } from "preact";
import { useState } from "preact/hooks";
import type { EntryOut, EntryPatch } from "../generated/api";
import { ApiError, api } from "../shared/api";
import { t } from "../shared/i18n";
import { refusal } from "../signing/words";

interface EditProps {
  entry: EntryOut;
  /** The entry changed (saved, or found changed by someone else): read the list again. */
  onChanged: () => void;
}

export function EntryEdit({ entry, onChanged }: EditProps): VNode {
  const [open, setOpen] = useState(false);
  const [text, setText] = useState(entry.text);
  const [version, setVersion] = useState(entry.version);
  const [theirs, setTheirs] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  if (!open) {
    return (
      <button
        type="button"
        class="link entry-edit"
        data-testid="entry-edit"
        onClick={() => {
          setText(entry.text);
          setVersion(entry.version);
          setTheirs(null);
          setProblem(null);
          setOpen(true);
        }}
      >
        {t("signing.bench.edit_entry")}
      </button>
    );
  }
  const save = async (): Promise<void> => {
    setSaving(true);
    setProblem(null);
    try {
      const body: EntryPatch = { version, text };
      await api<EntryOut>("PATCH", `/transcript-entries/${entry.id}`, body);
      setOpen(false);
      onChanged();
    } catch (error) {
      const current = staleCurrent(error);
      if (current !== null) {
        setTheirs(current.text);
        setVersion(current.version);
        onChanged();
      } else setProblem(refusal(error));
    } finally {
      setSaving(false);
    }
  };
  return (
    <form
      class="entry-edit-form"
      data-testid="entry-edit-form"
      onSubmit={(event) => {
        event.preventDefault();
        void save();
      }}
    >
      {theirs !== null && (
        <div class="entry-conflict" role="alert" data-testid="entry-conflict">
          <p>{t("signing.bench.stale_version")}</p>
          <blockquote data-testid="entry-current">{theirs}</blockquote>
        </div>
      )}
      <textarea
        data-testid="entry-edit-text"
        rows={3}
        maxLength={20000}
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
      />
      {problem !== null && (
        <p class="problem" role="alert" data-testid="entry-edit-problem">
          {problem}
        </p>
      )}
      <div class="button-row">
        <button
          type="submit"
          class="primary"
          data-testid="entry-edit-save"
          disabled={saving || text.trim() === ""}
        >
          {t("common.save")}
        </button>
        <button type="button" data-testid="entry-edit-cancel" onClick={() => setOpen(false)}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}

/** The entry as it now stands, from a stale_version refusal (null for any other failure). */
function staleCurrent(error: unknown): EntryOut | null {
  if (!(error instanceof ApiError) || error.code !== "stale_version") return null;
  const details = Array.isArray(error.details) ? (error.details as unknown[]) : [];
  const first = details[0] as { current?: EntryOut } | undefined;
  return first?.current ?? null;
}
