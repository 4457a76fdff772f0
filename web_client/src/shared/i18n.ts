// Simplified Chinese and English. Every dictionary is defined with `messages(en, zh)`, so the
// compiler refuses a key that one language lacks; `t` reports a key that no dictionary has.
import type {
  Aspect,
  DocumentType,
  ExhibitSide,
  HearingKind,
  HearingState,
  Opinion,
  Outcome,
  Phase,
  Presence,
  Role,
} from "../generated/court";
import type { AlertOut, ConsentView } from "../generated/protocol";
import { archiveMessages } from "../i18n/archive";
import { commonMessages } from "../i18n/common";
import { consentMessages } from "../i18n/consent";
import { exhibitMessages } from "../i18n/exhibits";
import { liveMessages } from "../i18n/live";
import { presentingMessages } from "../i18n/presenting";
import { publicMessages } from "../i18n/public";
import { refusalMessages } from "../i18n/refusals";
import { signingMessages } from "../i18n/signing";
import { staffMessages } from "../i18n/staff";
import { staggeredMessages } from "../i18n/staggered";
import { transcriptMessages } from "../i18n/transcript";
import { voteMessages } from "../i18n/votes";

export type Lang = "zh-CN" | "en";

/** The words for the values of the court's tables and of the server's alerts: a new role, state,
 * kind, phase, presence, exhibit side, aspect, opinion or alert does not compile until both
 * languages have its words. */
type CourtWord =
  | `role.${Role}`
  | `state.${HearingState}`
  | `kind.${HearingKind}`
  | `phase.${Phase}`
  | `outcome.${Outcome}`
  | `live.presence.${Presence}`
  | `exhibit.side.${ExhibitSide}`
  | `exhibit.aspect.${Aspect}`
  | `exhibit.opinion.${Opinion}`
  | `live.alert.${AlertOut["kind"]}`
  | `consent.answer.${ConsentView["answer"]}`
  | `identity.document.${DocumentType}`;
export const LANGUAGES: readonly Lang[] = ["zh-CN", "en"];

const all = {
  en: {
    ...commonMessages.en,
    ...liveMessages.en,
    ...presentingMessages.en,
    ...staffMessages.en,
    ...archiveMessages.en,
    ...exhibitMessages.en,
    ...refusalMessages.en,
    ...consentMessages.en,
    ...transcriptMessages.en,
    ...signingMessages.en,
    ...voteMessages.en,
    ...staggeredMessages.en,
    ...publicMessages.en,
  },
  "zh-CN": {
    ...commonMessages.zh,
    ...liveMessages.zh,
    ...presentingMessages.zh,
    ...staffMessages.zh,
    ...archiveMessages.zh,
    ...exhibitMessages.zh,
    ...refusalMessages.zh,
    ...consentMessages.zh,
    ...transcriptMessages.zh,
    ...signingMessages.zh,
    ...voteMessages.zh,
    ...staggeredMessages.zh,
    ...publicMessages.zh,
  },
} satisfies Record<Lang, Record<CourtWord, string>>;
export type MessageKey = keyof (typeof all)["en"];

const STORAGE_KEY = "hs-lang";
let current: Lang = detectLanguage();
const listeners: Array<(lang: Lang) => void> = [];

/** The saved choice, else the browser's first language we speak, else Chinese. */
export function detectLanguage(): Lang {
  const saved = localStorage.getItem(STORAGE_KEY);
  if (saved === "zh-CN" || saved === "en") return saved;
  for (const wanted of navigator.languages ?? [navigator.language]) {
    const lower = wanted.toLowerCase();
    if (lower.startsWith("zh")) return "zh-CN";
    if (lower.startsWith("en")) return "en";
  }
  return "zh-CN";
}

/** Whether the person chose a language on this device (else it was guessed from the browser). */
export function languageChosen(): boolean {
  return localStorage.getItem(STORAGE_KEY) !== null;
}

export function language(): Lang {
  return current;
}

/** `remember`: kept as the person's choice on this device (not for a language the court chose
 * for them). */
export function setLanguage(lang: Lang, remember = true): void {
  current = lang;
  if (remember) localStorage.setItem(STORAGE_KEY, lang);
  document.documentElement.lang = lang;
  applyTranslations(document.body);
  for (const listener of [...listeners]) listener(lang);
}

/** Called after every language switch, for text that is not in a data-i18n attribute; the
 * returned function stops the calls (a view that is taken off the page). */
export function onLanguageChange(listener: (lang: Lang) => void): () => void {
  listeners.push(listener);
  return () => {
    const index = listeners.indexOf(listener);
    if (index >= 0) listeners.splice(index, 1);
  };
}

/** The message for `key`, with `{name}` placeholders filled from `vars`. */
export function t(key: MessageKey, vars: Record<string, string | number> = {}): string {
  const text: string | undefined = all[current][key];
  if (text === undefined) {
    console.error(`missing i18n key: ${String(key)}`);
    return String(key);
  }
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in vars ? String(vars[name]) : whole,
  );
}

/** Whether `key` names a message (for keys that come from the server, such as roles). */
export function hasMessage(key: string): key is MessageKey {
  return key in all.en;
}

/**
 * Fill elements marked `data-i18n="key"` (text, with placeholders from the JSON object in
 * `data-i18n-vars` if present), `data-i18n-placeholder`, `data-i18n-title`
 * and `data-i18n-aria-label` under `root`.
 */
export function applyTranslations(root: ParentNode): void {
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n]")) {
    const vars = el.dataset.i18nVars
      ? (JSON.parse(el.dataset.i18nVars) as Record<string, string>)
      : {};
    el.textContent = t(el.dataset.i18n as MessageKey, vars);
  }
  for (const el of root.querySelectorAll<HTMLInputElement>("[data-i18n-placeholder]")) {
    el.placeholder = t(el.dataset.i18nPlaceholder as MessageKey);
  }
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-title]")) {
    el.title = t(el.dataset.i18nTitle as MessageKey);
  }
  for (const el of root.querySelectorAll<HTMLElement>("[data-i18n-aria-label]")) {
    el.setAttribute("aria-label", t(el.dataset.i18nAriaLabel as MessageKey));
  }
}

/** A button that switches between the two languages; it shows the language it switches to. */
export function languageSwitch(): HTMLButtonElement {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "lang-switch";
  button.dataset.testid = "lang-switch";
  const label = (): void => {
    button.textContent = current === "en" ? "中文" : "English";
  };
  label();
  button.addEventListener("click", () => {
    setLanguage(current === "en" ? "zh-CN" : "en");
    label();
  });
  return button;
}

/** Set the page language and translate what is already in the page. */
export function startI18n(): void {
  document.documentElement.lang = current;
  applyTranslations(document.body);
}
