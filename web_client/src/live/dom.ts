// Building DOM without a framework: an element with attributes, children and a test id.
import { t, type MessageKey } from "../shared/i18n";

type Attributes = Record<string, string | boolean | undefined>;
type Child = Node | string | null | undefined | false;

/** `el("button.primary", {testid: "join", i18n: "join.start"}, ...children)` */
export function el<K extends keyof HTMLElementTagNameMap>(
  spec: K | `${K}.${string}`,
  attributes: Attributes = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const [tag, ...classes] = spec.split(".") as [K, ...string[]];
  const element = document.createElement(tag);
  if (classes.length > 0) element.className = classes.join(" ");
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === "testid") element.dataset.testid = String(value);
    else if (name === "i18n") {
      element.dataset.i18n = String(value);
      element.textContent = t(value as MessageKey);
    } else element.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined && child !== false) element.append(child);
  }
  return element;
}

/** A button whose label is a message (kept translated by applyTranslations). */
export function button(
  key: MessageKey,
  testid: string,
  onClick: () => void,
  className = "",
): HTMLButtonElement {
  const b = el("button", { type: "button", testid, i18n: key, class: className || undefined });
  b.addEventListener("click", onClick);
  return b;
}

/** Give an element the text of a message, kept translated on a language switch. */
export function setText(
  element: HTMLElement,
  key: MessageKey,
  vars?: Record<string, string>,
): void {
  element.dataset.i18n = key;
  if (vars === undefined) delete element.dataset.i18nVars;
  else element.dataset.i18nVars = JSON.stringify(vars);
  element.textContent = t(key, vars);
}
