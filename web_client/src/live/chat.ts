// Written messages: participants write to the bench; the bench writes to one participant, or in
// its private channel (judges, assessors, clerk: nobody else receives it).
import { type HearingState, type Role, SEATED } from "../generated/court";
import type { MemberView } from "../generated/protocol";
import { t } from "../shared/i18n";
import { el } from "../shared/dom";
import { report } from "./notice";
import type { ChatMessage } from "./protocol";
import type { LiveSession } from "./session";

export class Chat {
  readonly root = el("section.panel.chat", { testid: "chat" });
  private readonly list = el("ol.messages", { testid: "messages" });
  private readonly to = el("select", { testid: "message-to" });
  private readonly text = el("textarea", {
    testid: "message-text",
    rows: "2",
    maxlength: "2000",
    "data-i18n-placeholder": "live.chat.placeholder",
  });
  private readonly form: HTMLFormElement;
  /** Before the court opens the waiting room nobody reads messages (the server refuses them). */
  private readonly notYet = el("p.muted", {
    testid: "chat-not-yet",
    i18n: "live.chat.not_yet",
    hidden: true,
  });
  private shown = 0;
  /** This person's role: a people's assessor joins by invitation, yet writes to the bench's
   * private channel (not "to the bench" as the parties do). */
  private role: Role | null = null;

  constructor(
    private readonly session: LiveSession,
    private readonly bench: boolean,
  ) {
    const form = (this.form = el(
      "form.chat-form",
      {},
      bench ? this.to : null,
      this.text,
      el("button.primary", { type: "submit", testid: "message-send", i18n: "live.chat.send" }),
    ));
    this.text.placeholder = t("live.chat.placeholder");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.send();
    });
    this.root.append(
      el("h2", { i18n: bench ? "live.chat.title_bench" : "live.chat.title" }),
      this.list,
      this.notYet,
      form,
    );
  }

  update(members: MemberView[], state: HearingState, role: Role): void {
    this.role = role;
    const messages = this.session.state.messages;
    for (const message of messages.slice(this.shown)) this.list.append(line(message));
    this.shown = messages.length;
    if (this.bench) this.recipients(members);
    const notYet = !this.bench && state === "scheduled";
    this.form.hidden = notYet;
    this.notYet.hidden = !notYet;
  }

  private recipients(members: MemberView[]): void {
    const chosen = this.to.value;
    const options = [
      el("option", { value: PANEL, i18n: "live.chat.to_panel" }),
      ...members
        .filter((m) => !SEATED.includes(m.role))
        .map((m) => el("option", { value: String(m.id) }, m.name)),
    ];
    this.to.replaceChildren(...options);
    if (options.some((o) => o.value === chosen)) this.to.value = chosen;
  }

  private send(): void {
    const text = this.text.value.trim();
    if (!text) return;
    const seated = this.role !== null && SEATED.includes(this.role);
    if ((this.bench && this.to.value === PANEL) || (!this.bench && seated)) {
      this.text.value = "";
      report(this.session.benchChat(text));
      return;
    }
    const to = this.bench ? Number(this.to.value) : "bench";
    if (this.bench && !to) return;
    this.text.value = "";
    report(this.session.message(to, text));
  }
}

/** The recipient that stands for the bench's private channel. */
const PANEL = "panel";

function line(message: ChatMessage): HTMLElement {
  const at = new Date(message.at).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  const notice = message.to === "all";
  const panel = message.to === PANEL;
  return el(
    notice ? "li.message-notice" : panel ? "li.message-panel" : "li",
    { testid: "message", "data-notice": notice, "data-panel": panel },
    notice ? el("strong", { i18n: "live.notice.title" }) : null,
    panel ? el("strong", { i18n: "live.chat.panel" }) : null,
    el("span.message-meta", {}, `${message.from_name} · ${at}`),
    el("span.message-text", {}, message.text),
  );
}
