// The public broadcast as the bench sees it in the console (court/broadcast.py): whether the
// hearing is broadcast and how late, whether the court has cut it, a link to the public page,
// and for the presiding judge the button that cuts it (what the public has not seen yet is
// withheld) or resumes it. Over REST: the broadcast runs on the hearing's process, which
// follows the timeline.
import type { VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { BroadcastIn, BroadcastOut } from "../generated/api";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import { notifyFailure } from "./notice";
import { Button } from "./people";

export function BroadcastPanel({
  hearingId,
  mayCut,
}: {
  hearingId: number;
  mayCut: boolean;
}): VNode | null {
  const [state, setState] = useState<BroadcastOut | null>(null);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    void api<BroadcastOut>("GET", `/hearings/${hearingId}/broadcast`)
      .then(setState)
      .catch(() => undefined); // no broadcast panel: the hearing goes on
  }, [hearingId]);
  if (state === null || !state.broadcast) return null;
  const toggle = async (): Promise<void> => {
    setBusy(true);
    try {
      const body: BroadcastIn = { cut: !state.cut };
      setState(await api<BroadcastOut>("PUT", `/hearings/${hearingId}/broadcast`, body));
    } catch (error) {
      notifyFailure(error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="broadcast" data-testid="broadcast" data-cut={String(state.cut)}>
      <h3>{t("broadcast.heading")}</h3>
      <p data-testid="broadcast-state">
        {state.cut
          ? t("broadcast.is_cut")
          : t("broadcast.on", { seconds: String(Math.round(state.delay_seconds)) })}
      </p>
      <div class="button-row">
        {mayCut && !busy && (
          <Button
            label={state.cut ? "broadcast.resume" : "broadcast.cut_now"}
            testid="broadcast-toggle"
            onClick={() => void toggle()}
            kind={state.cut ? "primary" : "danger"}
          />
        )}
        {state.page !== null && (
          <a href={state.page} target="_blank" rel="noopener" data-testid="broadcast-page">
            {t("broadcast.open_page")}
          </a>
        )}
      </div>
    </section>
  );
}
