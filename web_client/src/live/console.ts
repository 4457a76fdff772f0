// The bench's console: the hearing's state and phase, the people (presence, identity check) with
// admit / send back / mute / remove / verify, admit all and mute all, alerts. A clerk sees the
// subset their role allows. On a phone the hearing's actions go to a dock at the bottom of the
// screen (HearingView places them) and the people open as a sheet from a button there.
import { type Action, BENCH } from "../generated/court";
import type { AlertOut, MemberView, RoomView } from "../generated/protocol";
import { ApiError, api } from "../shared/api";
import { button, el, setText } from "../shared/dom";
import { t, type MessageKey } from "../shared/i18n";
import { may } from "../shared/permissions";
import { refusalText } from "../shared/refusals";
import { confirmDialog } from "./confirm";
import { notify, report } from "./notice";
import { phaseName, presenceName, roleName } from "./names";
import type { LiveSession } from "./session";
import { missingDevices } from "./tiles";

const TRANSITIONS: Array<[Action, MessageKey]> = [
  ["open", "live.console.open"],
  ["start_session", "live.console.start"],
  ["recess", "live.console.recess"],
  ["resume", "live.console.resume"],
];

export class BenchConsole {
  readonly root = el("section.panel.console", { testid: "console" });
  /** The actions of the moment (state, phase, admit all, mute all, close, the people button). */
  readonly actions = el("div.console-hearing", { testid: "console-actions" });
  private readonly title = el("h2", { i18n: "live.console.title" });
  private readonly peopleToggle: HTMLButtonElement;
  private peopleOpen = false;
  private readonly people = el("ul.people", { testid: "people" });
  private readonly alerts = el("ol.alerts", { testid: "alerts" });
  private readonly noticeText = el("textarea", {
    testid: "notice-text",
    rows: "2",
    maxlength: "500",
    "data-i18n-placeholder": "live.notice.placeholder",
  });
  private readonly noticeForm: HTMLFormElement;
  private alertsSeen = 0;
  private hearingId = 0;

  /** ``onPeople`` is told when the people button opens (true) or closes the people sheet. */
  constructor(
    private readonly session: LiveSession,
    private readonly onPeople: (open: boolean) => void = () => undefined,
  ) {
    this.peopleToggle = button("live.console.people", "people-toggle", () => {
      this.peopleOpen = !this.peopleOpen;
      this.onPeople(this.peopleOpen);
      const room = this.session.state.room;
      if (room !== null) this.update(room);
    });
    this.peopleToggle.classList.add("people-toggle");
    this.noticeText.placeholder = t("live.notice.placeholder");
    this.noticeForm = el(
      "form.notice-form",
      { testid: "notice-form" },
      el("h3", { i18n: "live.notice.post_title" }),
      el("small", { i18n: "live.notice.post_hint" }),
      this.noticeText,
      el("button.primary", { type: "submit", testid: "notice-send", i18n: "live.notice.send" }),
    );
    this.noticeForm.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.postNotice();
    });
    this.root.append(
      this.title,
      this.actions,
      el("h3.people-title", { i18n: "live.console.people" }),
      this.people,
      el("h3", { i18n: "live.console.alerts" }),
      this.alerts,
      this.noticeForm,
    );
  }

  /** A court notice to everyone connected, the waiting room too (over REST: any process). */
  private async postNotice(): Promise<void> {
    const text = this.noticeText.value.trim();
    if (!text || this.hearingId === 0) return;
    const send = this.noticeForm.querySelector("button");
    if (send) send.disabled = true;
    try {
      await api("POST", `/hearings/${this.hearingId}/notices`, { text });
      this.noticeText.value = "";
      notify(t("live.notice.sent"));
    } catch (error) {
      const message =
        error instanceof ApiError
          ? refusalText(error.code, error.message)
          : refusalText("network", String(error));
      notify(t("live.refused", { message }));
    } finally {
      if (send) send.disabled = false;
    }
  }

  update(room: RoomView): void {
    const role = room.you.role;
    this.hearingId = room.hearing_id;
    this.noticeForm.hidden = !may(role, "post_notice", room.state);
    const allowed = (action: Action): boolean => may(role, action, room.state);
    this.actions.replaceChildren(...this.hearingControls(room, allowed));
    const others = room.members.filter((m) => m.id !== room.you.id);
    this.people.replaceChildren(...others.map((m) => this.person(m, allowed)));
    const alerts = this.session.state.alerts;
    for (const alert of alerts.slice(0, alerts.length - this.alertsSeen)) {
      notify(alertText(alert, room.members));
    }
    this.alertsSeen = alerts.length;
    this.alerts.replaceChildren(...alerts.slice(0, 20).map((a) => alertLine(a, room.members)));
  }

  /** Put the actions in ``dock`` (a phone's bottom bar), or back under the title (null). */
  dockActions(dock: HTMLElement | null): void {
    if (dock !== null) dock.prepend(this.actions);
    else this.title.after(this.actions);
  }

  private hearingControls(room: RoomView, allowed: (a: Action) => boolean): Node[] {
    const nodes: Node[] = [];
    const buttons = el("div.button-row");
    const waiting = room.members.filter((m) => m.presence === "waiting").length;
    // Shown on phones only (the stylesheet hides it beside a desktop's console).
    this.peopleToggle.dataset.waiting = String(waiting);
    this.peopleToggle.setAttribute("aria-expanded", String(this.peopleOpen));
    if (this.peopleOpen) setText(this.peopleToggle, "live.console.people_hide");
    else if (waiting > 0) {
      setText(this.peopleToggle, "live.console.people_waiting", { count: String(waiting) });
    } else setText(this.peopleToggle, "live.console.people");
    buttons.append(this.peopleToggle);
    for (const [action, key] of TRANSITIONS) {
      if (allowed(action)) {
        const act = (): void => report(this.session.act(action));
        buttons.append(button(key, `hearing-${action}`, act, "primary"));
      }
    }
    if (allowed("admit") && waiting > 0) {
      buttons.append(
        button("live.console.admit_all", "admit-all", () => report(this.session.act("admit_all"))),
      );
    }
    if (allowed("mute")) {
      buttons.append(
        button("live.console.mute_all", "mute-all", () => report(this.session.act("mute_all"))),
      );
    }
    if (allowed("close")) {
      const close = (): void => void this.close();
      buttons.append(button("live.console.close", "hearing-close", close, "danger"));
    }
    nodes.push(buttons);
    if (allowed("set_phase") && room.phases.length > 0) {
      const select = el("select", { testid: "phase-select" });
      for (const phase of room.phases) {
        const option = el("option", { value: phase }, phaseName(phase));
        option.selected = phase === room.phase;
        select.append(option);
      }
      select.addEventListener("change", () =>
        report(this.session.act("set_phase", { phase: select.value })),
      );
      nodes.push(el("label.phase", {}, el("span", { i18n: "live.console.phase" }), select));
    }
    return nodes;
  }

  private person(member: MemberView, allowed: (a: Action) => boolean): HTMLElement {
    const act = (event: string, data: Record<string, unknown> = {}) => () =>
      report(this.session.act(event, { participant_id: member.id, ...data }));
    const actions = el("div.person-actions");
    // The bench is conducted by nobody: its members get no actions and no identity check.
    if (isBench(member)) return this.row(member, actions);
    const present = member.presence === "in_hearing" || member.presence === "in_consultation";
    if (member.presence === "waiting" && allowed("admit")) {
      actions.append(button("live.console.admit", "admit", act("admit"), "primary"));
    }
    if (!member.identity_verified && allowed("verify_identity") && isHere(member)) {
      actions.append(button("live.console.verify", "verify", act("verify_identity")));
    }
    if (present && allowed("mute")) {
      actions.append(
        member.bench_muted
          ? button("live.console.unmute", "unmute", act("mute", { muted: false }))
          : button("live.console.mute", "mute", act("mute", { muted: true })),
      );
    }
    if (present && allowed("send_back")) {
      actions.append(button("live.console.send_back", "send-back", act("send_back")));
    }
    if (allowed("remove") && isHere(member)) {
      actions.append(button("live.console.remove", "remove", () => void this.remove(member)));
    }
    return this.row(member, actions);
  }

  private row(member: MemberView, actions: HTMLElement): HTMLElement {
    const flags = [
      member.hand_raised ? t("live.tile.hand") : "",
      member.audio_muted ? t(member.bench_muted ? "live.tile.bench_muted" : "live.tile.muted") : "",
    ].filter(Boolean);
    // Taking part without a camera or microphone (their self-test found none usable).
    const missing = missingDevices(member);
    const devices = [
      missing.camera ? t("live.tile.no_camera") : "",
      missing.microphone ? t("live.tile.no_microphone") : "",
    ].filter(Boolean);
    return el(
      "li.person",
      {
        testid: "person",
        "data-participant": String(member.id),
        "data-presence": member.presence,
        "data-no-camera": String(missing.camera),
        "data-no-microphone": String(missing.microphone),
      },
      el(
        "div.person-who",
        {},
        el("strong", {}, member.name),
        el("span", {}, roleName(member.role)),
        el("span.presence", { testid: "presence" }, presenceName(member.presence)),
        isBench(member)
          ? null
          : el(
              "span.identity",
              { testid: "identity", "data-verified": String(member.identity_verified) },
              t(member.identity_verified ? "live.console.verified" : "live.console.unverified"),
            ),
        devices.length
          ? el("span.flags.devices", { testid: "person-devices" }, devices.join(" · "))
          : null,
        flags.length ? el("span.flags", {}, flags.join(" · ")) : null,
      ),
      actions,
    );
  }

  private async close(): Promise<void> {
    if (await confirmDialog("live.console.close_question", "live.console.close")) {
      report(this.session.act("close"));
    }
  }

  private async remove(member: MemberView): Promise<void> {
    if (await confirmDialog("live.console.remove_question", "live.console.remove")) {
      report(this.session.act("remove", { participant_id: member.id }));
    }
  }
}

function isHere(member: MemberView): boolean {
  return ["waiting", "in_hearing", "in_consultation", "reconnecting"].includes(member.presence);
}

function isBench(member: MemberView): boolean {
  return BENCH.includes(member.role);
}

function alertText(alert: AlertOut, members: MemberView[]): string {
  const name = members.find((m) => m.id === alert.participant_id)?.name ?? "";
  const failed = alert.failed ?? [];
  const listed = failed
    .map((what) => t(`live.alert.failed.${what}`))
    .join(t("live.alert.list_separator"));
  const text = t(`live.alert.${alert.kind}`, { name, failed: listed });
  // Someone without a camera still takes part: say how the court will have them.
  if (failed.includes("camera") && failed.includes("microphone")) {
    return `${text}${t("live.alert.takes_part_without_devices")}`;
  }
  if (failed.includes("camera")) return `${text}${t("live.alert.takes_part_audio_only")}`;
  return text;
}

function alertLine(alert: AlertOut, members: MemberView[]): HTMLElement {
  const at = new Date(alert.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return el(
    "li",
    { testid: "alert", "data-kind": alert.kind, title: alert.message },
    el("span.alert-time", {}, at),
    el("strong", {}, alertText(alert, members)),
  );
}
