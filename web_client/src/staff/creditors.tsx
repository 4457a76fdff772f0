// A creditors' meeting's roll (债权人名册, docs/architecture.md#votes) on the hearing's
// participants screen: import the creditors from a CSV list, their claims, and the motions.
// Drawn with Preact into a host the hand-built participants screen gives it.
import { render, type VNode } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import type { ClaimOut, MotionOut } from "../generated/api";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import { useLanguage } from "../shared/use_language";
import { ClaimsTable } from "./claims";
import { CreditorImport } from "./creditor_import";
import { errorMessage } from "./errors";
import { Motions } from "./motions";
import type { Items } from "./types";

/** Draw the roll into `host`; `imported` loads the participants again once a list made some. */
export function mountCreditors(
  host: HTMLElement,
  hearingId: number,
  imported: () => Promise<void>,
): void {
  render(<CreditorsRoll hearingId={hearingId} imported={imported} />, host);
}

interface Props {
  hearingId: number;
  imported: () => Promise<void>;
}

function CreditorsRoll({ hearingId, imported }: Props): VNode {
  useLanguage();
  const [claims, setClaims] = useState<ClaimOut[] | null>(null);
  const [motions, setMotions] = useState<MotionOut[] | null>(null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const loadClaims = useCallback(async (): Promise<void> => {
    setClaims((await api<Items<ClaimOut>>("GET", `/hearings/${hearingId}/claims`)).items);
  }, [hearingId]);
  const loadMotions = useCallback(async (): Promise<void> => {
    setMotions((await api<Items<MotionOut>>("GET", `/hearings/${hearingId}/motions`)).items);
  }, [hearingId]);
  useEffect(() => {
    Promise.all([loadClaims(), loadMotions()]).catch((error: unknown) => setFailure({ error }));
  }, [loadClaims, loadMotions]);
  const problem = failure === null ? null : errorMessage(failure.error);
  return (
    <section class="creditors" data-testid="creditors">
      <h3>{t("staff.creditors.title")}</h3>
      {problem !== null && (
        <p class="error" role="alert" data-testid="creditors-error">
          {t(problem.key, problem.vars)}
        </p>
      )}
      <CreditorImport
        hearingId={hearingId}
        imported={() => Promise.all([loadClaims(), imported()]).then(() => undefined)}
      />
      {claims !== null && (
        <ClaimsTable
          hearingId={hearingId}
          claims={claims}
          saved={(claim) =>
            setClaims(claims.map((c) => (c.participant_id === claim.participant_id ? claim : c)))
          }
        />
      )}
      {motions !== null && <Motions hearingId={hearingId} motions={motions} added={loadMotions} />}
    </section>
  );
}
