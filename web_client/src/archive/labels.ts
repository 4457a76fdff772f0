// Words for values the server sends as codes (states, phases, event kinds); a code this client
// does not know yet is shown as it came.
import { el } from "../shared/dom";
import { hasMessage } from "../shared/i18n";

/** The message `${prefix}.${code}` if there is one, else the code itself. */
export function label(prefix: string, code: string): HTMLElement {
  const key = `${prefix}.${code}`;
  return hasMessage(key) ? el("span", { i18n: key }) : el("span", {}, code);
}
