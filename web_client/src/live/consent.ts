// Taking part online, on the join page: the court's notice (its words from the server, in the
// page's language) and, for parties and their lawyers, whether they agree to take part online.
// Asked once, before the self-test; once answered the notice folds away but stays readable, the
// answer is shown with its time and may be changed. A refusal stops nothing: they go on to the
// waiting room, told that the court will be informed.
import type { ConsentIn, ConsentOut, OnlineNotice } from "../generated/api";
import type { ConsentView } from "../generated/protocol";
import { ApiError, api } from "../shared/api";
import { button, el, setText, show } from "../shared/dom";
import { language, onLanguageChange } from "../shared/i18n";
import { refusalText } from "../shared/refusals";

const PATH = "/invitation/consent";

export interface ConsentStep {
  readonly root: HTMLElement;
  /** Settles once the person has an answer on record (at once if they had one, or are not
   * asked); the self-test waits for it. */
  readonly answered: Promise<void>;
}

/** The notice and the question, as the server has this invitation's answer. */
export async function consentStep(): Promise<ConsentStep> {
  const state = await api<ConsentOut>("GET", PATH);
  const root = el("section.consent", { testid: "consent" });
  let done = (): void => {};
  const answered = new Promise<void>((resolve) => (done = resolve));
  const notice = noticeText(state.notice);
  const status = el("p.consent-status", {
    testid: "consent-status",
    role: "status",
  });
  const error = el("p.problem", {
    testid: "consent-error",
    role: "alert",
    hidden: true,
  });
  const choices = el("div.consent-choices", {});

  const send = async (agreed: boolean): Promise<void> => {
    for (const b of choices.querySelectorAll("button")) b.disabled = true;
    error.hidden = true;
    setText(status, "consent.sending");
    try {
      const body: ConsentIn = { agreed, notice_version: state.notice.version };
      render((await api<ConsentOut>("POST", PATH, body)).consent);
    } catch (failure) {
      error.hidden = false;
      error.textContent =
        failure instanceof ApiError ? refusalText(failure.code, failure.message) : String(failure);
      render((await api<ConsentOut>("GET", PATH).catch(() => state)).consent);
    }
  };
  const render = (consent: ConsentView | null): void => {
    root.dataset.answer = consent?.answer ?? "not_asked";
    if (consent === null || consent.answer === "pending") {
      // Not asked: the notice to read, folded. Asked, no answer yet: the notice open, the question.
      show(root, consent === null ? folded(notice) : open(notice), consent && choices, error);
      if (consent !== null) {
        show(
          choices,
          el("p.consent-question", { i18n: "consent.question" }),
          button("consent.agree", "consent-agree", () => void send(true), "primary"),
          button("consent.refuse", "consent-refuse", () => void send(false)),
        );
        status.textContent = "";
      } else done();
      return;
    }
    const at = consent.at ? when(consent.at) : "";
    const agreed = consent.answer === "agreed";
    setText(status, agreed ? "consent.agreed_note" : "consent.refused_at", {
      at,
    });
    const change = agreed
      ? button("consent.change_to_refuse", "consent-change", () => void send(false))
      : button("consent.change_to_agree", "consent-change", () => void send(true));
    const note = agreed
      ? null
      : el("p.consent-note", {
          i18n: "consent.refused_note",
          testid: "consent-refused-note",
        });
    show(choices, change);
    show(root, folded(notice), status, note, choices, error);
    done();
  };
  render(state.consent);
  onLanguageChange(() => notice.refresh());
  return { root, answered };
}

interface NoticeText {
  readonly body: HTMLElement;
  readonly title: HTMLElement;
  refresh(): void;
}

function noticeText(notice: OnlineNotice): NoticeText {
  const title = el("span", { testid: "consent-notice-title" });
  const body = el("div.consent-notice", { testid: "consent-notice" });
  const refresh = (): void => {
    const zh = language() === "zh-CN";
    title.textContent = zh ? notice.title.zh : notice.title.en;
    show(body, ...notice.paragraphs.map((p) => el("p", {}, zh ? p.zh : p.en)));
  };
  refresh();
  return { body, title, refresh };
}

function open(notice: NoticeText): HTMLElement {
  return el("div", {}, el("h2", {}, notice.title), notice.body);
}

function folded(notice: NoticeText): HTMLElement {
  return el("details", { testid: "consent-details" }, el("summary", {}, notice.title), notice.body);
}

function when(iso: string): string {
  return new Date(iso).toLocaleString(language(), {
    dateStyle: "medium",
    timeStyle: "short",
  });
}
