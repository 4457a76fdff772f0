// The join page's evidence (docs/architecture.md#exhibits), for a party or their lawyer before
// the hearing: their side's exhibits (submit, withdraw), the court's, and the other side's once
// the exchange took place, with their opinion on each of those per aspect (质证). Drawn with
// Preact and loaded only for those who submit evidence.
import { render, type TargetedEvent, type VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import type {
  Examination,
  ExchangeOut,
  ExhibitOut,
  InvitationInfo,
  OpinionIn,
  OpinionOut,
} from "../generated/api";
import { ASPECTS, type Aspect, type Opinion, OPINIONS } from "../generated/court";
import { ApiError, api } from "../shared/api";
import { ExhibitCard, exhibitLabel } from "../shared/exhibit_card";
import { type Lang, t } from "../shared/i18n";
import { may } from "../shared/permissions";
import { refusalText } from "../shared/refusals";
import { useLanguage } from "../shared/use_language";
import { AddFile } from "./add_file";

interface Loaded {
  exhibits: ExhibitOut[];
  exchange: ExchangeOut;
  examination: Examination;
}

/** Draw the section into `host`; the returned function takes it off (when the person enters
 * the hearing). */
export function mountEvidence(host: HTMLElement, info: InvitationInfo): () => void {
  render(<Evidence info={info} />, host);
  return () => render(null, host);
}

function Evidence({ info }: { info: InvitationInfo }): VNode {
  const lang = useLanguage();
  const hearing = info.hearing;
  const [loaded, setLoaded] = useState<Loaded | null>(null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  const load = async (): Promise<void> => {
    const [list, exchange, examination] = await Promise.all([
      api<{ items: ExhibitOut[] }>("GET", `/hearings/${hearing.id}/exhibits`),
      api<ExchangeOut>("GET", `/cases/${hearing.case_id}/exchange`),
      api<Examination>("GET", `/hearings/${hearing.id}/examination`),
    ]);
    setLoaded({ exhibits: list.items, exchange, examination });
  };
  /** Make a change, then show the evidence as the server now has it (or why it refused). */
  const act = async (change: () => Promise<unknown>): Promise<boolean> => {
    setFailure(null);
    try {
      await change();
      await load();
      return true;
    } catch (error) {
      setFailure({ error });
      return false;
    }
  };
  useEffect(() => {
    load().catch((error: unknown) => setFailure({ error }));
  }, []);

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
        <SubmitForm
          submit={(body) => act(() => api("POST", `/cases/${hearing.case_id}/exhibits`, body))}
        />
      )}
    </section>
  );
}

type Act = (change: () => Promise<unknown>) => Promise<boolean>;

function Lists(props: {
  info: InvitationInfo;
  loaded: Loaded;
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
  const withdraw = (exhibit: ExhibitOut): void => {
    if (!confirm(t("exhibit.withdraw_confirm", { label: exhibitLabel(exhibit, lang) }))) return;
    void act(() => api("POST", `/exhibits/${exhibit.id}/withdraw`));
  };
  const mayWithdraw = may(info.role, "withdraw_exhibit", state);
  const mayAddFiles = may(info.role, "submit_exhibit", state);
  const reload = async (): Promise<void> => {
    await act(async () => undefined);
  };
  const mayExamine = column !== undefined && may(info.role, "examine_exhibit", state);
  return (
    <>
      <h3>{t("exhibit.ours")}</h3>
      <ul class="exhibits" data-testid="our-exhibits">
        {ours.length === 0 && <li class="muted">{t("exhibit.none")}</li>}
        {ours.map((exhibit) => (
          <ExhibitCard key={exhibit.id} exhibit={exhibit} lang={lang} when={when}>
            {mayAddFiles && exhibit.withdrawn_at === null && (
              <AddFile exhibitId={exhibit.id} added={reload} />
            )}
            {mayWithdraw && exhibit.withdrawn_at === null && (
              <button type="button" data-testid="withdraw" onClick={() => withdraw(exhibit)}>
                {t("exhibit.withdraw")}
              </button>
            )}
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
  const [saved, setSaved] = useState(false);
  const save = async (event: TargetedEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    if (choice === "") return;
    const body = {
      aspect,
      opinion: choice,
      reason: reason.trim() === "" ? null : reason,
    };
    setSaved(await props.record(body));
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
            setSaved(false);
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
        placeholder={t("exhibit.reason")}
        aria-label={t("exhibit.reason")}
        value={reason}
        onInput={(event) => {
          setReason(event.currentTarget.value);
          setSaved(false);
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
    </form>
  );
}

/** A new exhibit on the person's side's list: its title and what it is meant to prove. */
function SubmitForm(props: {
  submit: (body: { title: string; purpose: string }) => Promise<boolean>;
}): VNode {
  const [title, setTitle] = useState("");
  const [purpose, setPurpose] = useState("");
  const [busy, setBusy] = useState(false);
  const send = async (event: TargetedEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    const done = await props.submit({ title: title.trim(), purpose });
    setBusy(false);
    if (done) {
      setTitle("");
      setPurpose("");
    }
  };
  return (
    <form class="exhibit-form" data-testid="exhibit-form" onSubmit={send}>
      <h3>{t("exhibit.submit_title")}</h3>
      <label class="field">
        <span>{t("exhibit.field.title")}</span>
        <input
          data-testid="exhibit-title-input"
          required
          maxLength={500}
          value={title}
          onInput={(event) => setTitle(event.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>{t("exhibit.field.purpose")}</span>
        <textarea
          data-testid="exhibit-purpose-input"
          required
          maxLength={4000}
          rows={3}
          value={purpose}
          onInput={(event) => setPurpose(event.currentTarget.value)}
        />
      </label>
      {/* The exhibit's files are added on its card once it is submitted (party/add_file.tsx). */}
      <button type="submit" class="primary" data-testid="exhibit-submit" disabled={busy}>
        {t("exhibit.submit")}
      </button>
    </form>
  );
}

/** A refusal in the person's language (the server's words for a code we have none for). */
function refusal(error: unknown): string {
  if (error instanceof ApiError) return refusalText(error.code, error.message);
  return refusalText("network", String(error));
}
