// Following what others change (docs/architecture.md#client-views): a screen asks the server
// again every few seconds, and only while it is seen (a hidden tab asks nothing; it asks at once
// when shown again). Each list is asked with the ETag of the copy held, so an unchanged one
// costs a 304 and no redraw. Asking, rather than being told, works whichever server process
// answers, and needs nothing kept open.
import { useEffect, useRef } from "preact/hooks";
import { getIfChanged } from "./api";

/** How often a screen asks. */
export const POLL_MS = 3000;

/** Call `tick` every `everyMs` while the page is visible, never two at once; its failures
 * are let pass (the next tick tries again). */
export function usePolling(tick: () => Promise<void>, everyMs: number = POLL_MS): void {
  const latest = useRef(tick);
  latest.current = tick;
  useEffect(() => {
    let busy = false;
    const run = (): void => {
      if (busy || document.visibilityState !== "visible") return;
      busy = true;
      latest
        .current()
        .catch(() => undefined)
        .finally(() => {
          busy = false;
        });
    };
    const timer = setInterval(run, everyMs);
    const shown = (): void => {
      if (document.visibilityState === "visible") run();
    };
    document.addEventListener("visibilitychange", shown);
    return () => {
      clearInterval(timer);
      document.removeEventListener("visibilitychange", shown);
    };
  }, [everyMs]);
}

/** One path as a read found it: its value, whether it differs from the copy held, and `keep`,
 * which makes it the copy held. */
export interface Read<T> {
  value: T;
  changed: boolean;
  keep: () => void;
}

/** The copies of some lists as last shown, each with its ETag. A read is asked with the ETag of
 * the copy held, and its answer held only once kept: a read that is not shown (an older one's
 * that came back after a newer, or one of several of which another failed) leaves the copy as
 * it was, so the next read is told of the change again instead of answered 304 for it. */
export class Watched {
  private readonly held = new Map<string, { tag: string | null; value: unknown }>();

  async get<T>(path: string): Promise<Read<T>> {
    const before = this.held.get(path);
    const fresh = await getIfChanged<T>(path, before?.tag ?? null);
    if (fresh === null && before !== undefined) {
      return { value: before.value as T, changed: false, keep: () => undefined };
    }
    if (fresh === null) throw new Error(`304 for ${path}, of which no copy is held`);
    return { value: fresh.value, changed: true, keep: () => this.held.set(path, fresh) };
  }
}
