// The bench turns a staggered hearing into a live one (docs/architecture.md#staggered-hearings):
// a button with a confirmation; once done, when, in the court's time. The same hearing then
// opens from the courtroom as any live hearing, the parties with the links they have.
import type { VNode } from "preact";
import type { LiveOut } from "../generated/api";
import { api } from "../shared/api";
import { t } from "../shared/i18n";
import { courtDateTime } from "./court_time";

export function TurnLive(props: {
  hearingId: number;
  zone: string;
  liveAt: string | null;
  act: (change: () => Promise<unknown>) => Promise<boolean>;
}): VNode {
  const { hearingId, zone, liveAt, act } = props;
  if (liveAt !== null) {
    return (
      <p class="notice" role="status" data-testid="stag-live-done">
        {t("stag.live.done", { when: courtDateTime(zone, liveAt) })}
      </p>
    );
  }
  const turn = (): void => {
    if (!confirm(t("stag.live.confirm"))) return;
    void act(() => api<LiveOut>("POST", `/hearings/${hearingId}/staggered/live`, {}));
  };
  return (
    <button type="button" data-testid="stag-live" onClick={turn}>
      {t("stag.live.turn")}
    </button>
  );
}
