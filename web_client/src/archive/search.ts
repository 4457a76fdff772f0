// Finding recordings by case number, day and party (the latest ones until something is asked).
// The query lives in the address (#/?case_number=…): back from a recording shows the same results.
import { api } from "../shared/api";
import { courtDateTime } from "../staff/court_time";
import { field, h, say, show } from "../staff/dom";
import { showError } from "../staff/errors";
import type { Session } from "../staff/types";
import { label } from "./labels";
import type { RecordingList, RecordingSummary } from "./types";

const FIELDS = ["case_number", "date", "party"] as const;

export function searchView(session: Session, query: URLSearchParams): HTMLElement {
  const inputs = {
    case_number: h("input", { name: "case_number", maxlength: "100", testid: "search-case" }),
    date: h("input", { name: "date", type: "date", testid: "search-date" }),
    party: h("input", { name: "party", maxlength: "200", testid: "search-party" }),
  };
  for (const name of FIELDS) inputs[name].value = query.get(name) ?? "";
  const results = h("div", { testid: "results" });
  const form = h(
    "form",
    { class: "search", testid: "search-form" },
    field("archive.search.case_number", inputs.case_number),
    field("archive.search.date", inputs.date),
    field("archive.search.party", inputs.party),
    h("button", {
      type: "submit",
      class: "primary",
      i18n: "archive.search.submit",
      testid: "search",
    }),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const wanted = new URLSearchParams();
    for (const name of FIELDS) {
      const value = inputs[name].value.trim();
      if (value) wanted.set(name, value);
    }
    const target = `#/?${wanted}`;
    if (location.hash === target) void find(session, wanted, results);
    else location.assign(target);
  });
  void find(session, query, results); // with nothing asked: the latest recordings
  const title = h("h2", { i18n: "archive.search.title" });
  return h("section", { class: "card" }, title, form, results);
}

async function find(
  session: Session,
  query: URLSearchParams,
  results: HTMLElement,
): Promise<void> {
  show(results, h("p", { i18n: "common.loading" }));
  const asked = new URLSearchParams();
  for (const name of FIELDS) {
    const value = query.get(name);
    if (value) asked.set(name, value);
  }
  try {
    const found = await api<RecordingList>("GET", `/recordings?${asked}`);
    const shown = found.items.length;
    show(
      results,
      h(
        "p",
        { class: "muted", testid: "found" },
        say(h("span"), "archive.search.found", { total: found.total }),
        shown < found.total && say(h("span"), "archive.search.first", { shown }),
      ),
      h("ul", { class: "rows" }, ...found.items.map((r) => row(session, r))),
    );
  } catch (error) {
    show(results, showError(h("p", { class: "error" }), error));
  }
}

function row(session: Session, recording: RecordingSummary): HTMLElement {
  return h(
    "li",
    { class: "row", testid: `recording-${recording.id}` },
    h(
      "span",
      { class: "what" },
      h("strong", {}, recording.case_number),
      h("span", {}, recording.hearing_title),
      h(
        "small",
        { class: "muted" },
        recording.started_at ? `${courtDateTime(session.time_zone, recording.started_at)} · ` : "",
        h("span", { i18n: `kind.${recording.kind}` as const }),
      ),
    ),
    h("span", { class: "state" }, label("archive.recording", recording.state)),
    h("a", {
      class: "button primary",
      href: `#/recordings/${recording.id}`,
      i18n: "archive.open",
      testid: "open",
    }),
  );
}
