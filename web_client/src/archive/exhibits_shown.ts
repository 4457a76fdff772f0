// The exhibits shown in the hearing, each with the moments it was shown: a click on a moment
// plays the archive from there. Before the video is made the moments count from the start of
// the hearing, recesses included, so they do not seek (as the timeline's chapters).
import type { RecordingDetail, ShownOut } from "../generated/api";
import { el, setText } from "../shared/dom";
import { clock } from "./clock";

/** `seek` plays the archive from a second; none: the moments are shown only. */
export function exhibitsShownView(
  recording: RecordingDetail,
  seek?: (seconds: number) => void,
): HTMLElement {
  const items = recording.exhibits_shown.map((exhibit) =>
    el(
      "li",
      { testid: "exhibit-shown" },
      el("strong", {}, exhibit.label),
      " ",
      exhibit.title,
      el("div", { class: "moments" }, ...exhibit.shown.map((shown) => moment(shown, seek))),
    ),
  );
  return el(
    "div",
    { class: "exhibits-shown" },
    el("h3", { i18n: "archive.exhibits_shown" }),
    items.length === 0
      ? el("p", { class: "muted", i18n: "archive.no_exhibits_shown" })
      : el("ul", { testid: "exhibits-shown" }, ...items),
  );
}

function moment(shown: ShownOut, seek?: (seconds: number) => void): HTMLElement {
  const button = el(
    "button",
    { type: "button", class: "moment", disabled: seek === undefined, testid: "exhibit-moment" },
    `${clock(shown.start)}–${clock(shown.end)}`,
  );
  if (shown.pages && shown.pages.length > 0) {
    const pages = el("span", { class: "pages" });
    setText(pages, "archive.exhibit_pages", { pages: shown.pages.join(", ") });
    button.append(" ", pages);
  }
  if (seek !== undefined) button.addEventListener("click", () => seek(shown.start));
  return button;
}
