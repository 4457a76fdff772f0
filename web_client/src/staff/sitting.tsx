// A mediation sitting for the bench (docs/architecture.md#sittings): `#/sittings/new?date=D`
// queues the day's mediation hearings in one sitting (all ticked, in their order); `#/sittings/N`
// is the mediator's queue: call the next case (the one heard until now is done), set a case
// aside, call one by name, enter the hearing being heard; each case's place and expected start,
// asked again every 10 s. Drawn with Preact.
import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { HearingOut, SessionOut, SittingOut } from "../generated/api";
import { ApiError, api } from "../shared/api";
import { refusalKey } from "../shared/refusals";
import { t } from "../shared/i18n";
import { useLanguage } from "../shared/use_language";
import { courtClock, courtDateTime } from "./court_time";
import { errorMessage } from "./errors";
import type { Items } from "./types";

const EVERY_MS = 10_000;

function Problem({ error }: { error: unknown }): VNode | null {
  if (error === null) return null;
  // a refusal of the queue's own (no case waiting...) in its words, else the general sentence
  const own =
    error instanceof ApiError && error.status === 409
      ? refusalKey(error.code)
      : null;
  const { key, vars } =
    own !== null ? { key: own, vars: undefined } : errorMessage(error);
  return (
    <p class="error" role="alert" data-testid="sitting-error">
      {t(key, vars)}
    </p>
  );
}

export function newSitting(session: SessionOut, day: string): VNode {
  return <NewSitting session={session} day={day} />;
}

function NewSitting({
  session,
  day,
}: {
  session: SessionOut;
  day: string;
}): VNode {
  useLanguage();
  const zone = session.time_zone;
  const [hearings, setHearings] = useState<HearingOut[] | null>(null);
  const [chosen, setChosen] = useState<Set<number>>(new Set());
  const [title, setTitle] = useState(() =>
    t("staff.sitting.default_title", { day }),
  );
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    api<Items<HearingOut>>("GET", `/hearings?date=${day}&limit=500`).then(
      ({ items }) => {
        const open = items.filter(
          (h) =>
            h.kind === "mediation" &&
            h.state !== "closed" &&
            h.state !== "cancelled",
        );
        setHearings(open);
        setChosen(new Set(open.map((h) => h.id)));
      },
      setError,
    );
  }, [day]);
  const toggle = (id: number): void => {
    const next = new Set(chosen);
    if (!next.delete(id)) next.add(id);
    setChosen(next);
  };
  const submit = (event: Event): void => {
    event.preventDefault();
    const ids = (hearings ?? []).filter((h) => chosen.has(h.id));
    if (ids.length === 0) return;
    const body = {
      title,
      starts_at: ids[0].scheduled_start,
      hearing_ids: ids.map((h) => h.id),
    };
    api<SittingOut>("POST", "/sittings", body).then(
      (made) => location.assign(`#/sittings/${made.id}`),
      setError,
    );
  };
  return (
    <section class="card">
      <a href="#/">{t("staff.back")}</a>
      <h2>{t("staff.sitting.new")}</h2>
      <Problem error={error} />
      {hearings === null ? (
        <p>{t("common.loading")}</p>
      ) : hearings.length === 0 ? (
        <p class="muted">{t("staff.sitting.no_mediations")}</p>
      ) : (
        <form onSubmit={submit} data-testid="sitting-form">
          <label>
            <span>{t("staff.sitting.title")}</span>
            <input
              value={title}
              maxLength={500}
              required
              data-testid="sitting-title"
              onInput={(e) => setTitle(e.currentTarget.value)}
            />
          </label>
          <ul class="rows">
            {hearings.map((h) => (
              <li class="row" key={h.id}>
                <label class="check">
                  <input
                    type="checkbox"
                    checked={chosen.has(h.id)}
                    data-testid={`sitting-pick-${h.id}`}
                    onChange={() => toggle(h.id)}
                  />
                  <span class="time">
                    {courtClock(zone, h.scheduled_start)}
                  </span>
                  <strong>{h.case_number}</strong> <span>{h.title}</span>
                </label>
              </li>
            ))}
          </ul>
          <button type="submit" class="primary" data-testid="sitting-create">
            {t("staff.sitting.create", { count: chosen.size })}
          </button>
        </form>
      )}
    </section>
  );
}

export function sittingQueue(session: SessionOut, id: number): VNode {
  return <SittingQueue session={session} id={id} />;
}

function SittingQueue({
  session,
  id,
}: {
  session: SessionOut;
  id: number;
}): VNode {
  useLanguage();
  const zone = session.time_zone;
  const [sitting, setSitting] = useState<SittingOut | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let current = true;
    const load = (): void => {
      api<SittingOut>("GET", `/sittings/${id}`).then(
        (s) => current && setSitting(s),
        (e: unknown) => current && setError(e),
      );
    };
    load();
    const timer = window.setInterval(load, EVERY_MS);
    return () => {
      current = false;
      window.clearInterval(timer);
    };
  }, [id]);
  const step = (path: string, body?: object): void => {
    setBusy(true);
    setError(null);
    api<SittingOut>("POST", `/sittings/${id}${path}`, body).then(
      (s) => {
        setSitting(s);
        setBusy(false);
      },
      (e: unknown) => {
        setError(e);
        setBusy(false);
      },
    );
  };
  if (sitting === null) {
    return (
      <section class="card">
        <Problem error={error} />
        {error === null && <p>{t("common.loading")}</p>}
      </section>
    );
  }
  const waiting = sitting.cases.some((c) => c.state === "queued");
  return (
    <section class="card sitting" data-testid="sitting">
      <a href="#/">{t("staff.back")}</a>
      <h2>{sitting.title}</h2>
      <p class="muted">
        {courtDateTime(zone, sitting.starts_at)} ·{" "}
        {t("staff.sitting.per_case", {
          minutes: Math.round(sitting.minutes_per_case),
        })}
      </p>
      <Problem error={error} />
      <button
        type="button"
        class="primary"
        disabled={busy || !waiting}
        data-testid="sitting-next"
        onClick={() => step("/next", {})}
      >
        {t("staff.sitting.next")}
      </button>
      <ol class="rows" data-testid="sitting-queue">
        {sitting.cases.map((c) => (
          <li
            class={`row queue-${c.state}`}
            key={c.hearing_id}
            data-testid={`queue-${c.hearing_id}`}
          >
            <span class="what">
              <strong>{c.case_number}</strong> <span>{c.case_title}</span>
              <small class="muted">
                {c.state === "queued" && c.expected_at !== null
                  ? t("staff.sitting.expected", {
                      ahead: c.ahead ?? 0,
                      time: courtClock(zone, c.expected_at),
                    })
                  : ""}
              </small>
            </span>
            <span
              class={`state queue-state-${c.state}`}
              data-testid="queue-state"
            >
              {t(`staff.sitting.state.${c.state}`)}
            </span>
            <span class="actions">
              {c.state === "called" && (
                <a
                  class="button primary"
                  href={`/hearing/${c.hearing_id}`}
                  data-testid="enter"
                >
                  {t("staff.hearings.enter")}
                </a>
              )}
              {(c.state === "queued" || c.state === "called") && (
                <button
                  type="button"
                  disabled={busy}
                  data-testid="set-aside"
                  onClick={() => step(`/cases/${c.hearing_id}/aside`)}
                >
                  {t("staff.sitting.aside")}
                </button>
              )}
              {(c.state === "set_aside" || c.state === "queued") && (
                <button
                  type="button"
                  disabled={busy}
                  data-testid="call"
                  onClick={() => step("/next", { hearing_id: c.hearing_id })}
                >
                  {t("staff.sitting.call")}
                </button>
              )}
            </span>
          </li>
        ))}
      </ol>
    </section>
  );
}
