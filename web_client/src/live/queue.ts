// A person's place in a mediation sitting's queue (docs/architecture.md#sittings), on the join
// page and in the waiting room: how many cases are ahead of theirs and when theirs may start (the
// court's time), or that it is being heard, set aside or done. Asked again every few seconds
// while shown; nothing is shown for a hearing in no sitting. The party common to the cases (the
// same mail or phone on record in another case) follows to the case heard now: with a tap, or
// by itself once their own case has ended (`autoFollow`).
import type { InvitationInfo, InvitationOut, QueueOut } from "../generated/api";
import { api } from "../shared/api";
import { el, setText } from "../shared/dom";

const EVERY_MS = 5000;

export function queueCard(info: InvitationInfo, autoFollow = false): HTMLElement {
  const title = el("strong", { testid: "queue-sitting" });
  const where = el("p", { testid: "queue-place" });
  const follow = el("button", {
    type: "button",
    class: "primary",
    hidden: true,
    i18n: "live.queue.follow",
    testid: "queue-follow",
  });
  follow.addEventListener("click", () => void followNow());
  const card = el("section.queue", { testid: "queue", hidden: true }, title, where, follow);
  let shown = false;
  let following = false;
  const followNow = async (): Promise<void> => {
    if (following) return;
    following = true;
    follow.disabled = true;
    try {
      const link = await api<InvitationOut>("POST", "/invitation/queue/follow");
      // the next case's own link, opened as the person would open it
      location.replace(`/join#${encodeURIComponent(link.token)}`);
      location.reload();
    } catch {
      following = false; // asked again at the next tick
      follow.disabled = false;
    }
  };
  const ask = async (): Promise<void> => {
    const queue = await api<QueueOut>("GET", "/invitation/queue");
    if (queue.sitting === null) return;
    card.hidden = false;
    title.textContent = queue.sitting;
    card.dataset.state = queue.state ?? "";
    if (queue.state === "queued" && queue.ahead !== null && queue.expected_at !== null) {
      const at = new Date(queue.expected_at).toLocaleTimeString([], {
        hour: "2-digit",
        minute: "2-digit",
        timeZone: info.court_time_zone,
      });
      setText(where, queue.ahead === 0 ? "live.queue.next" : "live.queue.ahead", {
        ahead: queue.ahead,
        time: at,
      });
    } else if (queue.state !== null) {
      setText(where, `live.queue.${queue.state}` as const);
    }
    follow.hidden = !queue.next_case;
    if (queue.next_case && autoFollow) await followNow();
  };
  const tick = (): void => {
    if (card.isConnected) shown = true;
    else if (shown) return; // taken off the page: stop asking
    ask()
      .catch(() => undefined) // a missed answer: the next one comes
      .finally(() => window.setTimeout(tick, EVERY_MS));
  };
  tick();
  return card;
}
