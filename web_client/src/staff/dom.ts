// Building the staff screens: a small element helper, and translated text that follows the
// language switch (data-i18n, with data-i18n-vars for the values in a message).
import { t, type MessageKey } from "../shared/i18n";

type Vars = Record<string, string | number>;
type Attrs = { i18n?: MessageKey; testid?: string } & Record<string, string | boolean | undefined>;
type Child = Node | string | null | undefined | false;

/**
 * `h("button", { class: "primary", testid: "save", i18n: "common.save" })`: `testid` becomes
 * data-testid, `i18n` the translated text; `true` sets an empty attribute, false/undefined none.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (name === "i18n") say(el, value as MessageKey);
    else if (name === "testid") el.dataset.testid = String(value);
    else el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...nodes(children));
  return el;
}

/** Show the message `key` in `el`, and again in the other language after a switch. */
export function say<E extends HTMLElement>(el: E, key: MessageKey, vars?: Vars): E {
  el.dataset.i18n = key;
  if (vars === undefined) delete el.dataset.i18nVars;
  else el.dataset.i18nVars = JSON.stringify(vars);
  el.textContent = t(key, vars);
  return el;
}

/** A labelled form field: the label's text is a message key. */
export function field(label: MessageKey, control: HTMLElement): HTMLLabelElement {
  return h("label", { class: "field" }, h("span", { i18n: label }), control);
}

/** Replace everything in `parent` with `children`. */
export function show(parent: HTMLElement, ...children: Child[]): void {
  parent.replaceChildren(...nodes(children));
}

function nodes(children: Child[]): Array<Node | string> {
  return children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false);
}
