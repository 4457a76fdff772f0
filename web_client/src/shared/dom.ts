// Building DOM without a framework, for every screen: an element with attributes, children and a
// test id; translated text that follows the language switch (data-i18n, with data-i18n-vars for
// the values in a message); a labelled field; a button; replacing what an element shows.
import { t, type MessageKey } from "./i18n";

type Vars = Record<string, string | number>;
type Attributes = { i18n?: MessageKey; testid?: string } & Record<
  string,
  string | boolean | undefined
>;
type Child = Node | string | null | undefined | false;

/**
 * `el("button.primary", { testid: "join", i18n: "join.start" }, ...children)`: the classes may
 * follow the tag after dots or come as `class`; `testid` becomes data-testid, `i18n` the
 * translated text; `true` sets an empty attribute, false/undefined none.
 */
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
    else if (name === "i18n") setText(element, value as MessageKey);
    else element.setAttribute(name, value === true ? "" : value);
  }
  element.append(...nodes(children));
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

/** Show the message `key` in `element`, and again in the other language after a switch. */
export function setText<E extends HTMLElement>(element: E, key: MessageKey, vars?: Vars): E {
  element.dataset.i18n = key;
  if (vars === undefined) delete element.dataset.i18nVars;
  else element.dataset.i18nVars = JSON.stringify(vars);
  element.textContent = t(key, vars);
  return element;
}

/** A labelled form field: the label's text is a message key. */
export function field(label: MessageKey, control: HTMLElement): HTMLLabelElement {
  return el("label", { class: "field" }, el("span", { i18n: label }), control);
}

/** Replace everything in `parent` with `children`. */
export function show(parent: HTMLElement, ...children: Child[]): void {
  parent.replaceChildren(...nodes(children));
}

function nodes(children: Child[]): Array<Node | string> {
  return children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false);
}
