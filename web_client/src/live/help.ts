// What to do when the camera or microphone cannot be used, with a way to try again.
import { button, el, setText } from "./dom";
import type { MediaError } from "./media";

export function mediaHelp(error: MediaError, retry: () => void, ...more: Node[]): HTMLElement {
  const body = el("p");
  setText(body, `live.help.${error.problem}.body`, { message: error.message });
  return el(
    "section.help",
    { testid: "media-help", "data-problem": error.problem, role: "alert" },
    el("h2", { i18n: `live.help.${error.problem}.title` }),
    body,
    el("div.button-row", {}, button("common.retry", "media-retry", retry, "primary"), ...more),
  );
}

