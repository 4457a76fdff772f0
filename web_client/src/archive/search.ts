// Finding recordings by case number, day and party (the latest ones until something is asked).
// The query lives in the address (#/?case_number=…): back from a recording shows the same results.
import type { RecordingList, RecordingOut, SessionOut } from "../generated/api";
import { api } from "../shared/api";
import { courtDateTime } from "../staff/court_time";
import { el, field, setText, show } from "../shared/dom";
import { showError } from "../staff/errors";
import { label } from "./labels";

const FIELDS = ["case_number", "date", "party"] as const;

export function searchView(session: SessionOut, query: URLSearchParams): HTMLElement {
  const inputs = {
    case_number: el("input", { name: "case_number", maxlength: "100", testid: "search-case" }),
    date: el("input", { name: "date", type: "date", testid: "search-date" }),
    party: el("input", { name: "party", maxlength: "200", testid: "search-party" }),
  };
  for (const name of FIELDS) inputs[name].value = query.get(name) ?? "";
  const results = el("div", { testid: "results" });
  const form = el(
    "form",
    { class: "search", testid: "search-form" },
    field("archive.search.case_number", inputs.case_number),
    field("archive.search.date", inputs.date),
    field("archive.search.party", inputs.party),
    el("button", {
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
  const title = el("h2", { i18n: "archive.search.title" });
  return el("section", { class: "card" }, title, form, results);
}

async function find(
  session: SessionOut,
  query: URLSearchParams,
  results: HTMLElement,
): Promise<void> {
  show(results, el("p", { i18n: "common.loading" }));
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
      el(
        "p",
        { class: "muted", testid: "found" },
        setText(el("span"), "archive.search.found", { total: found.total }),
        shown < found.total && setText(el("span"), "archive.search.first", { shown }),
      ),
      el("ul", { class: "rows" }, ...found.items.map((r) => row(session, r))),
    );
  } catch (error) {
    show(results, showError(el("p", { class: "error" }), error));
  }
}

function row(session: SessionOut, recording: RecordingOut): HTMLElement {
  return el(
    "li",
    { class: "row", testid: `recording-${recording.id}` },
    el(
      "span",
      { class: "what" },
      el("strong", {}, recording.case_number),
      el("span", {}, recording.hearing_title),
      el(
        "small",
        { class: "muted" },
        recording.started_at ? `${courtDateTime(session.time_zone, recording.started_at)} · ` : "",
        el("span", { i18n: `kind.${recording.kind}` as const }),
      ),
    ),
    el("span", { class: "state" }, label("archive.recording", recording.state)),
    el("a", {
      class: "button primary",
      href: `#/recordings/${recording.id}`,
      i18n: "archive.open",
      testid: "open",
    }),
  );
}
