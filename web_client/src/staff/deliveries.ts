// The hearing's invitations sent by mail or SMS, newest first: to whom, how, to which address,
// and whether it went (with the mail server's or the gateway's reason when it did not). A send
// is finished in the background, so while any is still on its way the list asks again every few
// seconds; a failure leaves the link working (the clerk passes it on by hand or sends again).
import { el, setText, show } from "../shared/dom";
import type { MessageKey } from "../shared/i18n";
import { POLL_MS } from "../shared/polling";
import { courtDateTime } from "./court_time";
import { showError } from "./errors";
import { type DeliveryOut, deliveries } from "./invitation_api";

export interface DeliveriesView {
  root: HTMLElement;
  /** Ask the server again now (after a send), and again while any is on its way. */
  refresh(): void;
}

export function deliveriesView(zone: string, hearingId: number): DeliveriesView {
  const list = el("ul", { class: "rows deliveries", testid: "deliveries" });
  const error = el("p", { class: "error", hidden: true, testid: "deliveries-error" });
  const root = el(
    "section",
    { class: "deliveries-slot", hidden: true, testid: "deliveries-section" },
    el("h3", { i18n: "staff.delivery.title" }),
    list,
    error,
  );
  let timer: ReturnType<typeof setTimeout> | undefined;
  let asking = 0; // the newest request's number: an older answer that comes later is dropped
  let sending = false; // some attempt was on its way at the last answer
  let shown = false; // the page has been on the screen (it is built before it is placed)

  const refresh = (): void => {
    clearTimeout(timer);
    const mine = ++asking;
    deliveries(hearingId).then(
      (items) => {
        if (mine !== asking) return;
        error.hidden = true;
        root.hidden = items.length === 0; // shown once anything was sent
        show(list, ...items.map((d) => deliveryRow(zone, d)));
        sending = items.some((d) => d.state === "sending");
        if (sending) again();
      },
      (failure: unknown) => {
        if (mine !== asking) return;
        if (!root.hidden) showError(error, failure);
        if (sending) again(); // a hiccup while one is on its way: ask again
      },
    );
  };
  const again = (): void => {
    // the page was left (another screen replaced this one): stop asking
    if (root.isConnected) shown = true;
    else if (shown) return;
    timer = setTimeout(refresh, POLL_MS);
  };
  return { root, refresh };
}

function deliveryRow(zone: string, d: DeliveryOut): HTMLElement {
  const state = setText(
    el("span", { class: `state delivery-${d.state}`, testid: "delivery-state" }),
    `staff.delivery.state.${d.state}`,
  );
  return el(
    "li",
    {
      class: "row delivery",
      testid: `delivery-${d.id}`,
      "data-state": d.state,
      "data-channel": d.channel,
    },
    el(
      "span",
      { class: "what" },
      el("strong", { testid: "delivery-name" }, d.participant_name),
      el(
        "small",
        { class: "muted" },
        el("span", { i18n: `staff.delivery.channel.${d.channel}` as const }),
        " · ",
        el("span", { testid: "delivery-address" }, d.address),
      ),
      d.state === "failed" && failure(d),
    ),
    state,
    el(
      "small",
      { class: "muted time" },
      setText(el("span"), "staff.delivery.when", {
        when: courtDateTime(zone, d.requested_at),
        who: byName(d.requested_by),
      }),
    ),
  );
}

/** Why it was not sent, in the reader's words, the server's own (English) words after them. */
function failure(d: DeliveryOut): HTMLElement {
  const reason = d.reason ?? "other";
  const key: MessageKey =
    reason === "interrupted" || reason === "other"
      ? `staff.delivery.reason.${reason}`
      : `staff.delivery.reason.${d.channel}.${reason}`;
  return el(
    "small",
    { class: "error", testid: "delivery-detail" },
    el("span", { i18n: key }),
    d.detail !== null && ` (${d.detail})`,
    " ",
    el("span", { i18n: "staff.delivery.still_works" }),
  );
}

/** The name in an audit label ("user:3:clerk" → "clerk"); another label as it is. */
function byName(label: string): string {
  return /^[a-z_]+:\d+:(.+)$/s.exec(label)?.[1] ?? label;
}
