// The hearings of one day (today by default, in the court's time zone): time, case, kind, state,
// and for the bench a way into each hearing and to its participants. Drawn with Preact, the first
// screen to be (docs/architecture.md#client-views).
import type { TargetedEvent, VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { HearingOut, SessionOut, SittingSummary } from "../generated/api";
import { BENCH, LIVE_STATES } from "../generated/court";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import { useLanguage } from "../shared/use_language";
import { courtClock, courtDate } from "./court_time";
import { errorMessage } from "./errors";
import type { Items } from "./types";

/** The day's hearings, or why they could not be loaded; null while they load. */
type Loaded = { items: HearingOut[] } | { error: unknown } | null;

export function hearingList(session: SessionOut): VNode {
  return <HearingList session={session} />;
}

function HearingList({ session }: { session: SessionOut }): VNode {
  useLanguage();
  const zone = session.time_zone;
  const bench = BENCH.includes(session.role);
  const [day, setDay] = useState(() => courtDate(zone));
  const [loaded, setLoaded] = useState<Loaded>(null);
  useEffect(() => {
    let current = true; // an earlier day's late answer does not replace this day's
    setLoaded(null);
    api<Items<HearingOut>>("GET", `/hearings?date=${day}`).then(
      ({ items }) => current && setLoaded({ items }),
      (error: unknown) => current && setLoaded({ error }),
    );
    return () => {
      current = false;
    };
  }, [day]);
  const pick = (event: TargetedEvent<HTMLInputElement>): void => {
    const input = event.currentTarget;
    if (!input.value) input.value = courtDate(zone); // a cleared day is today
    setDay(input.value);
  };
  return (
    <section class="card">
      <div class="section-head">
        <h2>{t("staff.hearings.title")}</h2>
        <label class="inline">
          <span>{t("staff.hearings.day")}</span>
          <input type="date" value={day} data-testid="day" onChange={pick} />
        </label>
        {bench && (
          <a class="button primary" href="#/schedule" data-testid="schedule">
            {t("staff.hearings.schedule")}
          </a>
        )}
      </div>
      <div class="hearing-list" data-testid="hearing-list">
        <Hearings loaded={loaded} session={session} bench={bench} />
      </div>
      {bench && <Sittings day={day} loaded={loaded} />}
    </section>
  );
}

/** The day's mediation sittings, and a new one when the day has mediations to queue. */
function Sittings({ day, loaded }: { day: string; loaded: Loaded }): VNode | null {
  const [sittings, setSittings] = useState<SittingSummary[]>([]);
  useEffect(() => {
    let current = true;
    api<Items<SittingSummary>>("GET", `/sittings?date=${day}`).then(
      ({ items }) => current && setSittings(items),
      () => current && setSittings([]),
    );
    return () => {
      current = false;
    };
  }, [day]);
  const mediations =
    loaded !== null && "items" in loaded
      ? loaded.items.filter((h) => h.kind === "mediation" && h.state === "scheduled").length
      : 0;
  if (sittings.length === 0 && mediations < 2) return null;
  return (
    <div class="sittings" data-testid="sittings">
      <h3>{t("staff.sitting.list")}</h3>
      <ul class="rows">
        {sittings.map((s) => (
          <li class="row" key={s.id}>
            <a href={`#/sittings/${s.id}`} data-testid={`sitting-${s.id}`}>
              {s.title}
            </a>
            <small class="muted">{t("staff.sitting.cases", { count: s.cases })}</small>
          </li>
        ))}
      </ul>
      {mediations >= 2 && (
        <a class="button" href={`#/sittings/new?date=${day}`} data-testid="new-sitting">
          {t("staff.sitting.new")}
        </a>
      )}
    </div>
  );
}

function Hearings(props: { loaded: Loaded; session: SessionOut; bench: boolean }): VNode {
  const { loaded, session, bench } = props;
  if (loaded === null) return <p>{t("common.loading")}</p>;
  if ("error" in loaded) {
    const { key, vars } = errorMessage(loaded.error);
    return (
      <p class="error" role="alert">
        {t(key, vars)}
      </p>
    );
  }
  if (loaded.items.length === 0) {
    return (
      <p class="muted" data-testid="no-hearings">
        {t("staff.hearings.none")}
      </p>
    );
  }
  return (
    <ul class="rows">
      {loaded.items.map((hearing) => (
        <Row key={hearing.id} hearing={hearing} session={session} bench={bench} />
      ))}
    </ul>
  );
}

function Row(props: { hearing: HearingOut; session: SessionOut; bench: boolean }): VNode {
  const { hearing, session, bench } = props;
  const live = LIVE_STATES.includes(hearing.state);
  const enterable = hearing.state !== "closed" && hearing.state !== "cancelled";
  return (
    <li class="row" data-testid={`hearing-${hearing.id}`}>
      <span class="time">{courtClock(session.time_zone, hearing.scheduled_start)}</span>
      <span class="what">
        <strong>{hearing.case_number}</strong>
        <span>{hearing.title}</span>
        <small class="muted">
          <span>{t(`kind.${hearing.kind}`)}</span>
          {" · "}
          <span>{t(hearing.public ? "staff.public" : "staff.private")}</span>
        </small>
      </span>
      <span class={`state state-${hearing.state}`} data-testid="state">
        {t(`state.${hearing.state}`)}
      </span>
      <span class="actions">
        {bench && (
          <a class="button" href={`#/hearings/${hearing.id}`} data-testid="participants">
            {t("staff.hearings.participants")}
          </a>
        )}
        {bench && hearing.state === "closed" && (
          <a class="button" href={`/hearing/${hearing.id}`} data-testid="record">
            {t("signing.bench.open_record")}
          </a>
        )}
        {bench && enterable && (
          <a
            class={live ? "button primary" : "button"}
            href={`/hearing/${hearing.id}`}
            data-testid="enter"
          >
            {t("staff.hearings.enter")}
          </a>
        )}
      </span>
    </li>
  );
}
