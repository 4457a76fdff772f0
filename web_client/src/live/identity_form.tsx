// The bench's identity check of one person (docs/architecture.md#identity-check): the document
// the clerk reads and the last digits of its number; the server takes the still of the
// person's camera itself. Afterwards the still is shown here (the bench only: the REST API
// refuses everyone else).
import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import { DOCUMENT_TYPES, type DocumentType } from "../generated/court";
import type { MemberView } from "../generated/protocol";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import { report } from "./notice";
import type { LiveSession } from "./session";

interface CheckItem {
  id: number;
  participant_id: number;
  still: boolean;
}

interface Props {
  session: LiveSession;
  member: MemberView;
  hearingId: number;
}

export function IdentityCheckForm({ session, member, hearingId }: Props): VNode {
  const [document, setDocument] = useState<DocumentType>("resident_id");
  const [digits, setDigits] = useState("");
  const [stillId, setStillId] = useState<number | null>(null);

  useEffect(() => {
    if (!member.identity_verified) return;
    void api<{ items: CheckItem[] }>("GET", `/hearings/${hearingId}/identity-checks`)
      .then(({ items }) => {
        const last = items.filter((c) => c.participant_id === member.id && c.still).pop();
        setStillId(last?.id ?? null);
      })
      .catch(() => setStillId(null));
  }, [member.identity_verified, member.id, hearingId]);

  if (member.identity_verified) {
    return stillId === null ? (
      <span data-testid="identity-no-still">{t("live.identity.no_still")}</span>
    ) : (
      <img
        class="identity-still"
        data-testid="identity-still"
        alt={t("live.identity.still")}
        src={`/api/v1/identity-checks/${stillId}/still`}
        width={96}
      />
    );
  }
  const submit = (event: Event): void => {
    event.preventDefault();
    report(
      session.act("verify_identity", {
        participant_id: member.id,
        document_type: document,
        digits,
      }),
    );
  };
  return (
    <form class="identity-form" data-testid="identity-form" onSubmit={submit}>
      <select
        aria-label={t("live.identity.document")}
        data-testid="identity-document"
        value={document}
        onChange={(e) => setDocument((e.target as HTMLSelectElement).value as DocumentType)}
      >
        {DOCUMENT_TYPES.map((type) => (
          <option value={type} key={type}>
            {t(`identity.document.${type}`)}
          </option>
        ))}
      </select>
      <input
        aria-label={t("live.identity.digits")}
        data-testid="identity-digits"
        placeholder={t("live.identity.digits")}
        inputMode="numeric"
        pattern="[0-9]{3,5}[0-9Xx]"
        maxLength={6}
        required
        value={digits}
        onInput={(e) => setDigits((e.target as HTMLInputElement).value)}
      />
      <button type="submit" data-testid="verify">
        {t("live.console.verify")}
      </button>
    </form>
  );
}
