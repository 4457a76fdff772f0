// The join page's evidence (docs/architecture.md#exhibits), for a party or their lawyer before
// the hearing: their side's exhibits (submit, withdraw), the court's, and the other side's once
// the exchange took place, with their opinion on each of those per aspect (质证). Follows what
// the others do (shared/evidence_feed.ts). Drawn with Preact and loaded only for those who
// submit evidence.
import { render, type TargetedEvent, type VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { InvitationInfo, OpinionIn, OpinionOut } from "../generated/api";
import { ASPECTS, type Aspect, type Opinion, OPINIONS } from "../generated/court";
import { ApiError, api } from "../shared/api";
import { type Act, type Evidence, useEvidence } from "../shared/evidence_feed";
import { ExhibitCard } from "../shared/exhibit_card";
import { ExhibitForm } from "../shared/exhibit_form";
import { type Lang, t } from "../shared/i18n";
import { OwnExhibitActions } from "../shared/own_exhibit";
import { may } from "../shared/permissions";
import { refusalText } from "../shared/refusals";
import { useLanguage } from "../shared/use_language";

/** Draw the section into `host`; the returned function takes it off (when the person enters
 * the hearing). */
export function mountEvidence(host: HTMLElement, info: InvitationInfo): () => void {
  render(<Evidence info={info} />, host);
  return () => render(null, host);
}

function Evidence({ info }: { info: InvitationInfo }): VNode {
  const lang = useLanguage();
  const hearing = info.hearing;
  const { loaded, failure, act } = useEvidence(hearing.id, hearing.case_id);
  const state = hearing.state;
  const when = (iso: string): string =>
    new Date(iso).toLocaleString(lang, {
      dateStyle: "medium",
      timeStyle: "short",
    });
  return (
    <section class="evidence" data-testid="evidence">
      <h2>{t("exhibit.title")}</h2>
      {failure !== null && (
        <p class="problem" role="alert" data-testid="evidence-error">
          {refusal(failure.error)}
        </p>
      )}
      {loaded === null ? (
        failure === null && <p class="muted">{t("common.loading")}</p>
      ) : (
        <Lists info={info} loaded={loaded} lang={lang} when={when} act={act} />
      )}
      {may(info.role, "submit_exhibit", state) && (
        <ExhibitForm
          heading="exhibit.submit_title"
          submit={(body) => act(() => api("POST", `/cases/${hearing.case_id}/exhibits`, body))}
        />
      )}
    </section>
  );
}

function Lists(props: {
  info: InvitationInfo;
  loaded: Evidence;
  lang: Lang;
  when: (iso: string) => string;
  act: Act;
}): VNode {
  const { info, loaded, lang, when, act } = props;
  const { exhibits, exchange, examination } = loaded;
  const state = info.hearing.state;
  const side = info.exhibit_side;
  // Whose opinions this person records (a party their own, a lawyer their client's): the one
  // column of the matrix they are shown (none for a lawyer who acts for nobody).
  const column = examination.parties[0];
  const ours = exhibits.filter((e) => side !== null && e.side === side);
  const others = exhibits.filter((e) => side === null || e.side !== side);
  const opinions = new Map(examination.rows.map((row) => [row.exhibit_id, row.opinions]));
  const mayWithdraw = may(info.role, "withdraw_exhibit", state);
  const mayAddFiles = may(info.role, "submit_exhibit", state);
  const mayExamine = column !== undefined && may(info.role, "examine_exhibit", state);
  return (
    <>
      <h3>{t("exhibit.ours")}</h3>
      <ul class="exhibits" data-testid="our-exhibits">
        {ours.length === 0 && <li class="muted">{t("exhibit.none")}</li>}
        {ours.map((exhibit) => (
          <ExhibitCard key={exhibit.id} exhibit={exhibit} lang={lang} when={when}>
            <OwnExhibitActions
              exhibit={exhibit}
              lang={lang}
              mayAddFiles={mayAddFiles}
              mayWithdraw={mayWithdraw}
              act={act}
            />
          </ExhibitCard>
        ))}
      </ul>
      <h3>{t("exhibit.others")}</h3>
      <p class="exchange-note" data-testid="exchange-note">
        {exchange.exchanged && exchange.exchanged_at !== null
          ? t("exhibit.exchanged_at", { when: when(exchange.exchanged_at) })
          : exchange.deadline !== null
            ? t("exhibit.after_exchange_on", {
                deadline: when(exchange.deadline),
              })
            : t("exhibit.after_exchange")}
      </p>
      <ul class="exhibits" data-testid="other-exhibits">
        {others.length === 0 && <li class="muted">{t("exhibit.none")}</li>}
        {others.map((exhibit) => (
          <ExhibitCard key={exhibit.id} exhibit={exhibit} lang={lang} when={when}>
            {mayExamine && exhibit.withdrawn_at === null && (
              <Opinions
                given={opinions.get(exhibit.id) ?? []}
                record={(body) => act(() => api("POST", `/exhibits/${exhibit.id}/opinions`, body))}
              />
            )}
          </ExhibitCard>
        ))}
      </ul>
    </>
  );
}

/** The person's opinion on each aspect of one exhibit of another side. */
function Opinions(props: {
  given: OpinionOut[];
  record: (body: OpinionIn) => Promise<boolean>;
}): VNode {
  return (
    <div class="opinions" data-testid="opinions">
      <h4>{t("exhibit.your_opinion")}</h4>
      {ASPECTS.map((aspect) => (
        <AspectOpinion
          key={aspect}
          aspect={aspect}
          given={props.given.find((o) => o.aspect === aspect)}
          record={props.record}
        />
      ))}
    </div>
  );
}

function AspectOpinion(props: {
  aspect: Aspect;
  given: OpinionOut | undefined;
  record: (body: OpinionIn) => Promise<boolean>;
}): VNode {
  const { aspect, given } = props;
  const [choice, setChoice] = useState<Opinion | "">(given?.opinion ?? "");
  const [reason, setReason] = useState(given?.reason ?? "");
  // changed by the person and not saved yet: what the server says meanwhile (their lawyer's
  // opinion, seen on the next poll) does not overwrite it
  const [edited, setEdited] = useState(false);
  const [saved, setSaved] = useState(false);
  const [unreasoned, setUnreasoned] = useState(false);
  useEffect(() => {
    if (edited) return;
    setChoice(given?.opinion ?? "");
    setReason(given?.reason ?? "");
  }, [given?.opinion, given?.reason, given?.at]);
  const edit = (): void => {
    setEdited(true);
    setSaved(false);
    setUnreasoned(false);
  };
  const save = async (event: TargetedEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (choice === "") return;
    const stated = reason.trim() === "" ? null : reason;
    // a dispute gives its reason (the court refuses one without: reason_required)
    if (choice === "disputed" && stated === null) {
      setUnreasoned(true);
      return;
    }
    const done = await props.record({ aspect, opinion: choice, reason: stated });
    if (done) setEdited(false);
    setSaved(done);
  };
  return (
    <form
      class="aspect"
      data-testid={`opinion-${aspect}`}
      data-given={given?.opinion ?? ""}
      onSubmit={save}
    >
      <label>
        <span class="aspect-name">{t(`exhibit.aspect.${aspect}`)}</span>
        <select
          data-testid="opinion-choice"
          value={choice}
          onChange={(event) => {
            setChoice(event.currentTarget.value as Opinion | "");
            edit();
          }}
        >
          <option value="">{t("exhibit.opinion.choose")}</option>
          {OPINIONS.map((opinion) => (
            <option key={opinion} value={opinion}>
              {t(`exhibit.opinion.${opinion}`)}
            </option>
          ))}
        </select>
      </label>
      <input
        data-testid="opinion-reason"
        maxLength={4000}
        placeholder={t(choice === "disputed" ? "exhibit.reason_needed" : "exhibit.reason")}
        aria-label={t("exhibit.reason")}
        aria-required={choice === "disputed"}
        aria-invalid={unreasoned}
        value={reason}
        onInput={(event) => {
          setReason(event.currentTarget.value);
          edit();
        }}
      />
      <button type="submit" data-testid="opinion-save" disabled={choice === ""}>
        {t("exhibit.save_opinion")}
      </button>
      {saved && (
        <span class="saved" data-testid="opinion-saved">
          {t("exhibit.saved")}
        </span>
      )}
      {unreasoned && (
        <span class="problem" role="alert" data-testid="opinion-reason-missing">
          {t("exhibit.reason_required")}
        </span>
      )}
    </form>
  );
}

/** A refusal in the person's language (the server's words for a code we have none for). */
function refusal(error: unknown): string {
  if (error instanceof ApiError) return refusalText(error.code, error.message);
  return refusalText("network", String(error));
}
