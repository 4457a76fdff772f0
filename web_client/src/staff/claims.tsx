// A creditors' meeting's claim table (docs/architecture.md#votes): each creditor's name, group,
// claim in yuan and whether it is secured; the bench edits one claim (amount and group) at a time.
import type { VNode } from "preact";
import { useState } from "preact/hooks";
import type { ClaimIn, ClaimOut } from "../generated/api";
import { CLAIM_GROUP_LABELS, CLAIM_GROUPS, type ClaimGroup } from "../generated/court";
import { api } from "../shared/api";
import { type MessageKey, t } from "../shared/i18n";
import { fenOf, words, yuan } from "../shared/money";
import { errorMessage } from "./errors";

interface Props {
  hearingId: number;
  claims: ClaimOut[];
  /** A claim as the server now has it. */
  saved: (claim: ClaimOut) => void;
}

type Problem = { key: MessageKey; vars?: Record<string, string | number> };

export function ClaimsTable({ hearingId, claims, saved }: Props): VNode {
  const [editing, setEditing] = useState<number | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const edit = (id: number | null): void => {
    setEditing(id);
    setProblem(null);
  };
  const save = async (claim: ClaimOut, typed: string, group: ClaimGroup): Promise<void> => {
    setProblem(null);
    const amount_fen = fenOf(typed);
    if (amount_fen === null) {
      setProblem({ key: "staff.claims.bad_amount" });
      return;
    }
    const change: ClaimIn = { amount_fen, group };
    try {
      const path = `/hearings/${hearingId}/claims/${claim.participant_id}`;
      saved(await api<ClaimOut>("PUT", path, change));
      setEditing(null);
    } catch (error) {
      setProblem(errorMessage(error));
    }
  };
  return (
    <div class="claims">
      <h4>{t("staff.claims.title")}</h4>
      {problem !== null && (
        <p class="error" role="alert" data-testid="claims-error">
          {t(problem.key, problem.vars)}
        </p>
      )}
      <table class="claims-table" data-testid="claims">
        <thead>
          <tr>
            <th>{t("staff.claims.name")}</th>
            <th>{t("staff.claims.group")}</th>
            <th>{t("staff.claims.amount")}</th>
            <th>{t("staff.claims.secured")}</th>
            <th />
          </tr>
        </thead>
        <tbody data-testid="claims-body">
          {claims.map((c) =>
            c.participant_id === editing ? (
              <EditRow
                key={c.participant_id}
                claim={c}
                save={(typed, group) => void save(c, typed, group)}
                cancel={() => edit(null)}
              />
            ) : (
              <Row key={c.participant_id} claim={c} edit={() => edit(c.participant_id)} />
            ),
          )}
        </tbody>
      </table>
      {claims.length === 0 && (
        <p class="muted" data-testid="claims-none">
          {t("staff.claims.none")}
        </p>
      )}
    </div>
  );
}

function Row({ claim: c, edit }: { claim: ClaimOut; edit: () => void }): VNode {
  return (
    <tr data-testid={`claim-${c.participant_id}`}>
      <td data-testid="claim-name">{c.name}</td>
      <td data-testid="claim-group">{words(CLAIM_GROUP_LABELS[c.group])}</td>
      <td class="amount" data-testid="claim-amount">
        {yuan(c.amount_fen)}
      </td>
      <td data-testid="claim-secured">
        {t(c.group === "secured" ? "staff.claims.secured_yes" : "staff.claims.secured_no")}
      </td>
      <td>
        <button type="button" onClick={edit} data-testid="claim-edit">
          {t("staff.claims.edit")}
        </button>
      </td>
    </tr>
  );
}

interface EditProps {
  claim: ClaimOut;
  save: (typed: string, group: ClaimGroup) => void;
  cancel: () => void;
}

function EditRow({ claim: c, save, cancel }: EditProps): VNode {
  const [typed, setTyped] = useState(yuan(c.amount_fen));
  const [group, setGroup] = useState<ClaimGroup>(c.group);
  return (
    <tr class="editing" data-testid={`claim-${c.participant_id}`}>
      <td>{c.name}</td>
      <td>
        <select
          value={group}
          aria-label={t("staff.claims.group")}
          onChange={(e) => setGroup(e.currentTarget.value as ClaimGroup)}
          data-testid="claim-group-input"
        >
          {CLAIM_GROUPS.map((g) => (
            <option key={g} value={g}>
              {words(CLAIM_GROUP_LABELS[g])}
            </option>
          ))}
        </select>
      </td>
      <td>
        <input
          value={typed}
          inputMode="decimal"
          aria-label={t("staff.claims.amount")}
          onInput={(e) => setTyped(e.currentTarget.value)}
          data-testid="claim-amount-input"
        />
      </td>
      <td />
      <td>
        <button
          type="button"
          class="primary"
          onClick={() => save(typed, group)}
          data-testid="claim-save"
        >
          {t("common.save")}
        </button>
        <button type="button" onClick={cancel} data-testid="claim-cancel">
          {t("common.cancel")}
        </button>
      </td>
    </tr>
  );
}
