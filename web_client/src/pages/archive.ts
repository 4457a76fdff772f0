// Clerk archive: search recordings, play one with its chapters, timeline and seal.
import "../shared/base.css";
import "../staff/staff.css";
import "../archive/archive.css";
import type { SessionOut } from "../generated/api";
import { detailView } from "../archive/detail";
import { searchView } from "../archive/search";
import { show } from "../shared/dom";
import { startStaffPage } from "../staff/shell";

let lastSearch = "#/";

/** `#/?case_number=…&date=…&party=…` a search, `#/recordings/<id>` one recording. */
function route(session: SessionOut, main: HTMLElement): void {
  const hash = location.hash || "#/";
  const recording = /^#\/recordings\/(\d+)$/.exec(hash);
  if (recording !== null) {
    show(main, detailView(session, Number(recording[1]), lastSearch));
  } else {
    lastSearch = hash;
    show(main, searchView(session, new URLSearchParams(hash.split("?")[1] ?? "")));
  }
}

void startStaffPage("archive", (session, main) => {
  window.addEventListener("hashchange", () => route(session, main));
  route(session, main);
});
