// Interpretation in the live hearing (docs/architecture.md#interpretation): whom each person
// hears. A spoken interpreter's voice is a channel: on the floor it is silent, on the
// interpretation it is full and the floor low beneath it. An interpreter hears everyone. A
// sign-language interpreter is seen: those who need them keep their picture beside the
// speaker (the choice stays on this device).
import type { MemberView } from "../generated/protocol";
import {
  LANGUAGE_LABELS,
  SIGN_LANGUAGES,
  type InterpretedLanguage,
} from "../generated/court";
import { el } from "../shared/dom";
import { t } from "../shared/i18n";
import { words } from "../shared/money";

/** How loud the floor stays under the interpretation. */
export const FLOOR_UNDER = 0.2;
const SIGN_PINNED_KEY = "hs-sign-pinned";

export function signs(member: MemberView): boolean {
  return (member.interprets ?? "")
    .split("-")
    .some((code) => SIGN_LANGUAGES.includes(code));
}

export function spokenInterpreter(member: MemberView): boolean {
  return (
    member.role === "interpreter" && member.interprets != null && !signs(member)
  );
}

/** The volume at which `you` hear `member`. */
export function volumeFor(you: MemberView, member: MemberView): number {
  if (you.role === "interpreter") return 1;
  if (spokenInterpreter(member)) return you.listening === member.id ? 1 : 0;
  return you.listening != null ? FLOOR_UNDER : 1;
}

/** "普通话⇄英语" for `zh-en`, in the reader's language. */
export function pairName(pair: string): string {
  return pair
    .split("-")
    .map((code) => {
      const label = LANGUAGE_LABELS[code as InterpretedLanguage];
      return label === undefined ? code : words(label);
    })
    .join("⇄");
}

export function signPinned(): boolean {
  return localStorage.getItem(SIGN_PINNED_KEY) === "1";
}

/** The bar above the person's controls: floor or an interpreter's channel (one tap each),
 * and whether a sign-language interpreter stays beside the speaker. Hidden without one. */
export class ListeningBar {
  readonly root = el("div.listening", { testid: "listening", hidden: true });

  constructor(
    private readonly choose: (interpreterId: number | null) => void,
    private readonly pinChanged: () => void,
  ) {}

  update(you: MemberView, members: MemberView[]): void {
    const present = members.filter(
      (m) => m.id !== you.id && m.presence === "in_hearing",
    );
    const channels =
      you.role === "interpreter" ? [] : present.filter(spokenInterpreter);
    const signers = present.filter((m) => m.role === "interpreter" && signs(m));
    this.root.hidden = channels.length === 0 && signers.length === 0;
    const option = (
      id: number | null,
      label: string,
      testid: string,
    ): HTMLElement => {
      const chosen = (you.listening ?? null) === id;
      const button = el(
        "button",
        {
          type: "button",
          class: chosen ? "chosen" : "",
          "aria-pressed": String(chosen),
          testid,
        },
        label,
      );
      button.addEventListener("click", () => this.choose(id));
      return button;
    };
    const parts: HTMLElement[] = [];
    if (channels.length > 0) {
      parts.push(
        el("span.listening-label", {}, t("live.listen.title")),
        option(null, t("live.listen.floor"), "listen-floor"),
        ...channels.map((m) =>
          option(
            m.id,
            t("live.listen.interpretation", {
              pair: pairName(m.interprets ?? ""),
            }),
            `listen-${m.id}`,
          ),
        ),
      );
    }
    if (signers.length > 0) {
      const pinned = signPinned();
      const pin = el(
        "button",
        {
          type: "button",
          class: pinned ? "chosen" : "",
          "aria-pressed": String(pinned),
          testid: "sign-pin",
        },
        t("live.listen.sign"),
      );
      pin.addEventListener("click", () => {
        localStorage.setItem(SIGN_PINNED_KEY, pinned ? "0" : "1");
        this.pinChanged();
      });
      parts.push(pin);
    }
    this.root.replaceChildren(...parts);
  }
}
