// Inviting a creditors' meeting's creditors from a CSV list (docs/architecture.md#votes): the
// clerk picks the file; a refused list shows every problem by line and column in the reader's
// language (nothing was made); an accepted one lists the creditors made, each with their claim,
// contact and invitation link (shown once, with a copy button).
import type { TargetedEvent, VNode } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import type {
  BadRow,
  CreditorImportIn,
  CreditorImportOut,
  ImportedCreditor,
  InvitationOut,
} from "../generated/api";
import { CLAIM_GROUP_LABELS } from "../generated/court";
import { ApiError, api } from "../shared/api";
import { hasMessage, t } from "../shared/i18n";
import { words, yuan } from "../shared/money";
import { errorMessage } from "./errors";
import { invitationBox } from "./invitation_box";

type Outcome =
  | { kind: "none" }
  | { kind: "no_file" }
  | { kind: "refused"; rows: BadRow[] }
  | { kind: "failed"; error: unknown };

interface Props {
  hearingId: number;
  /** Called once creditors were made (the participants and claims to load again). */
  imported: () => Promise<void>;
}

export function CreditorImport({ hearingId, imported }: Props): VNode {
  const file = useRef<HTMLInputElement>(null);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome>({ kind: "none" });
  const [made, setMade] = useState<ImportedCreditor[]>([]);

  const submit = async (event: TargetedEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    const chosen = file.current?.files?.[0];
    if (chosen === undefined) {
      setOutcome({ kind: "no_file" });
      return;
    }
    setBusy(true);
    try {
      const body: CreditorImportIn = { csv: await textOf(chosen) };
      const answer = await api<CreditorImportOut>(
        "POST",
        `/hearings/${hearingId}/creditors/import`,
        body,
      );
      setOutcome({ kind: "none" });
      setMade(answer.items);
      if (file.current !== null) file.current.value = "";
      await imported();
    } catch (error) {
      setOutcome(
        error instanceof ApiError && error.code === "bad_rows"
          ? { kind: "refused", rows: error.details as BadRow[] }
          : { kind: "failed", error },
      );
    } finally {
      setBusy(false);
    }
  };
  return (
    <div class="creditor-import-box">
      <form class="creditor-import" data-testid="creditor-import-form" onSubmit={submit}>
        <p class="muted">{t("staff.creditors.hint")}</p>
        <label class="field">
          <span>{t("staff.creditors.file")}</span>
          <input ref={file} type="file" accept=".csv,text/csv" data-testid="creditor-file" />
        </label>
        <button type="submit" class="primary" disabled={busy} data-testid="creditor-import">
          {t("staff.creditors.import")}
        </button>
      </form>
      <Refusal outcome={outcome} />
      {made.length > 0 && (
        <div>
          <h4>{t("staff.creditors.made")}</h4>
          <ul class="rows" data-testid="creditors-made">
            {made.map((c) => (
              <Made key={c.participant_id} creditor={c} />
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

function Refusal({ outcome }: { outcome: Outcome }): VNode | null {
  if (outcome.kind === "none") return null;
  if (outcome.kind === "no_file" || outcome.kind === "failed") {
    const { key, vars } =
      outcome.kind === "no_file"
        ? { key: "staff.creditors.no_file" as const, vars: undefined }
        : errorMessage(outcome.error);
    return (
      <p class="error" role="alert" data-testid="creditor-import-error">
        {t(key, vars)}
      </p>
    );
  }
  return (
    <>
      <p class="error" role="alert" data-testid="creditor-import-error">
        {t("staff.creditors.refused", { count: outcome.rows.length })}
      </p>
      <ul class="problems" data-testid="creditor-problems">
        {outcome.rows.map((row) => (
          <Problem key={`${row.line}-${row.column}-${row.code}`} row={row} />
        ))}
      </ul>
    </>
  );
}

/** "Line 4, column “claim”: a claim is yuan …", the server's words in the reader's language. */
function Problem({ row }: { row: BadRow }): VNode {
  const column = `staff.creditors.column.${row.column}`;
  return (
    <li class="problem" data-testid={`problem-${row.line}-${row.column}`}>
      <strong>
        {t("staff.creditors.line", { line: row.line })}
        {hasMessage(column) && t(column)}
      </strong>
      {t("staff.creditors.problem_sep")}
      {words([row.message_zh, row.message])}
    </li>
  );
}

function Made({ creditor: c }: { creditor: ImportedCreditor }): VNode {
  return (
    <li class="row person" data-testid={`creditor-made-${c.participant_id}`}>
      <span class="what">
        <strong>{c.name}</strong>
        <small class="muted">
          {words(CLAIM_GROUP_LABELS[c.group])} · ¥{yuan(c.amount_fen)}
          {c.contact && ` · ${c.contact}`}
        </small>
      </span>
      <Invitation invitation={c.invitation} participantId={c.participant_id} />
    </li>
  );
}

/** The staff screens' one invitation box (a link shown once, its copy button, QR code and
 * printable invitation), hosted here. */
function Invitation(props: { invitation: InvitationOut; participantId: number }): VNode {
  const { invitation, participantId } = props;
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    host.current?.replaceChildren(invitationBox(invitation, participantId));
  }, [invitation, participantId]);
  return <div class="invitation-host" ref={host} />;
}

/** The file's text: UTF-8 (with or without its mark), else GB18030 (a spreadsheet's Chinese CSV). */
async function textOf(file: File): Promise<string> {
  const bytes = await file.arrayBuffer();
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder("gb18030").decode(bytes);
  }
}
