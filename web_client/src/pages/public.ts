// The public pages (no login): /public/courts/<id> lists a court's public hearings,
// /public/hearing/<id> plays one's live broadcast (../public/pages.ts).
import "../shared/base.css";
import "../public/public.css";
import { el, setText } from "../shared/dom";
import { languageSwitch, startI18n } from "../shared/i18n";
import { courtPage, hearingPage } from "../public/pages";

const main = document.getElementById("app") as HTMLElement;
const bar = document.querySelector("header.public-bar") as HTMLElement;

startI18n();
bar.append(el("span.public-title", { i18n: "public.heading" }), languageSwitch());
const court = /^\/public\/courts\/(\d{1,9})$/.exec(location.pathname);
const hearing = /^\/public\/hearing\/(\d{1,9})$/.exec(location.pathname);
if (court !== null) void courtPage(main, Number(court[1]));
else if (hearing !== null) void hearingPage(main, Number(hearing[1]));
else main.append(setText(el("p.notice", { testid: "public-not-found" }), "public.not_found"));
