// A hearing's case's evidence for the bench (docs/architecture.md#exhibits): every side's
// exhibits, the court's own (submitted, given files and withdrawn here), the exchange (its date,
// or opened now: the judge's), and the examination matrix (exhibit × party × aspect). Follows
// what the parties do (shared/evidence_feed.ts). Drawn with Preact; reached from the hearing's
// participants.
import type { TargetedEvent, VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import type {
  Examination,
  ExaminationRow,
  ExchangeOut,
  HearingOut,
  SessionOut,
} from "../generated/api";
import type { Aspect } from "../generated/court";
import { api } from "../shared/api";
import { type Act, useEvidence } from "../shared/evidence_feed";
import { ExhibitCard, exhibitLabel } from "../shared/exhibit_card";
import { ExhibitForm } from "../shared/exhibit_form";
import { type Lang, t } from "../shared/i18n";
import { OwnExhibitActions } from "../shared/own_exhibit";
import { may } from "../shared/permissions";
import { useLanguage } from "../shared/use_language";
import { courtDateTime, courtLocalToIso } from "./court_time";
import { errorMessage } from "./errors";

export function evidenceScreen(session: SessionOut, hearingId: number): VNode {
  return <EvidenceScreen session={session} hearingId={hearingId} />;
}

function EvidenceScreen({ session, hearingId }: { session: SessionOut; hearingId: number }): VNode {
  const [hearing, setHearing] = useState<HearingOut | null>(null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  useEffect(() => {
    setHearing(null);
    api<HearingOut>("GET", `/hearings/${hearingId}`)
      .then(setHearing)
      .catch((error: unknown) => setFailure({ error }));
  }, [hearingId]);
  const problem = failure === null ? null : errorMessage(failure.error);
  return (
    <section class="card evidence-bench" data-testid="bench-evidence">
      <a href={`#/hearings/${hearingId}`} data-testid="back">
        {t("exhibit.bench.back")}
      </a>
      <h2>
        {t("exhibit.bench.title")}
        {hearing !== null && ` · ${hearing.case_number} ${hearing.title}`}
      </h2>
      {problem !== null && (
        <p class="error" role="alert" data-testid="evidence-error">
          {t(problem.key, problem.vars)}
        </p>
      )}
      {hearing === null ? (
        problem === null && <p>{t("common.loading")}</p>
      ) : (
        <CaseEvidence key={hearing.id} session={session} hearing={hearing} />
      )}
    </section>
  );
}

/** The case's evidence, followed while the screen is open. */
function CaseEvidence({ session, hearing }: { session: SessionOut; hearing: HearingOut }): VNode {
  const lang = useLanguage();
  const { loaded, failure, act } = useEvidence(hearing.id, hearing.case_id);
  const when = (iso: string): string => courtDateTime(session.time_zone, iso);
  const problem = failure === null ? null : errorMessage(failure.error);
  const role = session.role;
  const mayAddFiles = may(role, "submit_exhibit", hearing.state);
  const mayWithdraw = may(role, "withdraw_exhibit", hearing.state);
  return (
    <>
      {problem !== null && (
        <p class="error" role="alert" data-testid="evidence-error">
          {t(problem.key, problem.vars)}
        </p>
      )}
      {loaded === null ? (
        problem === null && <p>{t("common.loading")}</p>
      ) : (
        <>
          <ExchangePanel session={session} exchange={loaded.exchange} when={when} act={act} />
          <h3>{t("exhibit.matrix.title")}</h3>
          <Matrix examination={loaded.examination} lang={lang} />
          <h3>{t("exhibit.all")}</h3>
          <ul class="exhibits" data-testid="all-exhibits">
            {loaded.exhibits.length === 0 && <li class="muted">{t("exhibit.none")}</li>}
            {loaded.exhibits.map((exhibit) => (
              <ExhibitCard key={exhibit.id} exhibit={exhibit} lang={lang} when={when}>
                {exhibit.side === "court" && (
                  <OwnExhibitActions
                    exhibit={exhibit}
                    lang={lang}
                    mayAddFiles={mayAddFiles}
                    mayWithdraw={mayWithdraw}
                    act={act}
                  />
                )}
              </ExhibitCard>
            ))}
          </ul>
        </>
      )}
      {mayAddFiles && (
        <ExhibitForm
          heading="exhibit.court.submit_title"
          submit={(body) => act(() => api("POST", `/cases/${hearing.case_id}/exhibits`, body))}
        />
      )}
    </>
  );
}

/** Where the exchange stands; before it, the judge sets its date or opens it now. */
function ExchangePanel(props: {
  session: SessionOut;
  exchange: ExchangeOut;
  when: (iso: string) => string;
  act: Act;
}): VNode {
  const { session, exchange, when, act } = props;
  const [local, setLocal] = useState("");
  const path = `/cases/${exchange.case_id}/exchange`;
  const status =
    exchange.exchanged && exchange.exchanged_at !== null
      ? t("exhibit.exchange.done", { when: when(exchange.exchanged_at) })
      : exchange.deadline !== null
        ? t("exhibit.exchange.deadline", { when: when(exchange.deadline) })
        : t("exhibit.exchange.none");
  const setDeadline = (event: TargetedEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (local === "") return;
    const deadline = courtLocalToIso(session.time_zone, local);
    void act(() => api("PUT", path, { deadline }));
  };
  const open = (): void => {
    if (!confirm(t("exhibit.exchange.open_confirm"))) return;
    void act(() => api("POST", `${path}/open`));
  };
  const judge = may(session.role, "set_exchange") && !exchange.exchanged;
  return (
    <div class="exchange" data-testid="exchange">
      <h3>{t("exhibit.exchange.title")}</h3>
      <p
        class="exchange-note"
        data-testid="exchange-status"
        data-exchanged={exchange.exchanged ? "true" : "false"}
      >
        {status}
      </p>
      {judge && (
        <form class="exchange-form" onSubmit={setDeadline}>
          <label class="field">
            <span>{t("exhibit.exchange.set_label")}</span>
            <input
              type="datetime-local"
              data-testid="exchange-deadline"
              required
              value={local}
              onInput={(event) => setLocal(event.currentTarget.value)}
            />
          </label>
          <button type="submit" data-testid="exchange-set">
            {t("exhibit.exchange.set")}
          </button>
          <button type="button" class="primary" data-testid="exchange-open" onClick={open}>
            {t("exhibit.exchange.open")}
          </button>
        </form>
      )}
    </div>
  );
}

/** A row per exhibit, a column per party and aspect; a party's own side's exhibits are
 * examined by the others, so their cells there say so. */
function Matrix({ examination, lang }: { examination: Examination; lang: Lang }): VNode {
  const { parties, aspects, rows } = examination;
  if (parties.length === 0 || rows.length === 0) {
    return (
      <p class="muted" data-testid="matrix-empty">
        {t(parties.length === 0 ? "exhibit.matrix.none" : "exhibit.none")}
      </p>
    );
  }
  return (
    <div class="matrix-scroll">
      <table class="matrix" data-testid="matrix">
        <thead>
          <tr>
            <th rowSpan={2}>{t("exhibit.matrix.exhibit")}</th>
            {parties.map((party) => (
              <th key={party.id} colSpan={aspects.length} data-testid={`party-${party.id}`}>
                {party.name}
                {party.side !== null && ` (${t(`exhibit.side.${party.side}`)})`}
              </th>
            ))}
          </tr>
          <tr>
            {parties.map((party) =>
              aspects.map((aspect) => (
                <th key={`${party.id}-${aspect}`}>{t(`exhibit.aspect.${aspect}`)}</th>
              )),
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.exhibit_id} data-testid={`matrix-row-${row.exhibit_id}`}>
              <th scope="row">
                <strong>{exhibitLabel(row, lang)}</strong> {row.title}
                {row.withdrawn && <small class="muted"> · {t("exhibit.withdrawn_short")}</small>}
              </th>
              {parties.map((party) =>
                aspects.map((aspect) => (
                  <Cell
                    key={`${party.id}-${aspect}`}
                    row={row}
                    partyId={party.id}
                    aspect={aspect}
                    own={party.side === row.side}
                  />
                )),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Cell(props: {
  row: ExaminationRow;
  partyId: number;
  aspect: Aspect;
  own: boolean;
}): VNode {
  const { row, partyId, aspect, own } = props;
  const testid = `cell-${partyId}-${aspect}`;
  if (own) {
    return (
      <td class="muted" data-testid={testid} data-opinion="own">
        {t("exhibit.matrix.own")}
      </td>
    );
  }
  const given = row.opinions.find((o) => o.party_id === partyId && o.aspect === aspect);
  if (given === undefined) {
    return (
      <td class="muted" data-testid={testid} data-opinion="">
        –
      </td>
    );
  }
  return (
    <td class={given.opinion} data-testid={testid} data-opinion={given.opinion}>
      {t(`exhibit.opinion.${given.opinion}`)}
      {given.reason !== null && <span class="reason">{given.reason}</span>}
    </td>
  );
}
