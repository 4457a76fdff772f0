// A case's evidence as both evidence screens show it (docs/architecture.md#exhibits): the
// exhibits the reader may see, the exchange, the examination matrix; loaded, then followed
// (shared/polling.ts) so that what others do appears without a reload, and refreshed at once
// after the reader's own change. A redraw keeps what the reader is in the middle of (an opinion
// being written, an upload): those live in components that stay mounted.
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { Examination, ExchangeOut, ExhibitOut } from "../generated/api";
import { Watched, usePolling } from "./polling";

export interface Evidence {
  exhibits: ExhibitOut[];
  exchange: ExchangeOut;
  examination: Examination;
}

/** Make a change, then show the evidence as the server now has it; false: it was refused
 * (the refusal is the feed's `failure`). */
export type Act = (change: () => Promise<unknown>) => Promise<boolean>;

export interface EvidenceFeed {
  loaded: Evidence | null;
  failure: { error: unknown } | null;
  act: Act;
}

export function useEvidence(hearingId: number, caseId: number): EvidenceFeed {
  const watched = useMemo(() => new Watched(), [hearingId, caseId]);
  const [loaded, setLoaded] = useState<Evidence | null>(null);
  const [failure, setFailure] = useState<{ error: unknown } | null>(null);
  // reads in flight may come back out of order: one older than what is shown is dropped
  const order = useRef({ started: 0, shown: 0 });
  const load = async (): Promise<void> => {
    const mine = ++order.current.started;
    const [exhibits, exchange, examination] = await Promise.all([
      watched.get<{ items: ExhibitOut[] }>(`/hearings/${hearingId}/exhibits`),
      watched.get<ExchangeOut>(`/cases/${caseId}/exchange`),
      watched.get<Examination>(`/hearings/${hearingId}/examination`),
    ]);
    if (mine < order.current.shown) return;
    order.current.shown = mine;
    for (const read of [exhibits, exchange, examination]) read.keep();
    if (!exhibits.changed && !exchange.changed && !examination.changed) return;
    if (loaded === null) setFailure(null); // the first load failed; a later one came through
    setLoaded({
      exhibits: exhibits.value.items,
      exchange: exchange.value,
      examination: examination.value,
    });
  };
  const act: Act = async (change) => {
    setFailure(null);
    try {
      await change();
    } catch (error) {
      setFailure({ error });
      return false;
    }
    // made: shown now, or by the next poll if this read fails (the change is not refused,
    // so that the person does not make it twice)
    await load().catch(() => undefined);
    return true;
  };
  useEffect(() => {
    load().catch((error: unknown) => setFailure({ error }));
  }, [watched]);
  usePolling(load);
  return { loaded, failure, act };
}
