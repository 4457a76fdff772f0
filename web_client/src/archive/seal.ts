// The seal: what was written at close (time, verification code), and on request the server's
// check of every file and manifest entry against it, naming whatever changed.
import { api } from "../shared/api";
import { courtDateTime } from "../staff/court_time";
import { h, say, show } from "../staff/dom";
import { showError } from "../staff/errors";
import { label } from "./labels";
import type { RecordingDetail, Verification } from "./types";

/** `verifyNow`: check at once (a party opening their recording) instead of on request. */
export function sealView(
  zone: string,
  recording: RecordingDetail,
  { verifyNow = false }: { verifyNow?: boolean } = {},
): HTMLElement {
  const seal = recording.seal;
  if (!seal.sealed) {
    return h("p", { class: "muted", i18n: "archive.seal.not_sealed", testid: "seal" });
  }
  const result = h("div", { class: "verification", testid: "verification", "aria-live": "polite" });
  const verify = h("button", {
    type: "button",
    class: "primary",
    i18n: "archive.seal.verify",
    testid: "verify",
  });
  const check = async (): Promise<void> => {
    verify.disabled = true;
    show(result, h("p", { i18n: "archive.seal.checking" }));
    try {
      const report = await api<Verification>("GET", `/recordings/${recording.id}/verify`);
      show(result, reportView(report, seal.verification_code));
    } catch (error) {
      show(result, showError(h("p", { class: "error" }), error));
    } finally {
      verify.disabled = false;
    }
  };
  verify.addEventListener("click", () => void check());
  if (verifyNow) void check();
  return h(
    "div",
    { class: "seal", testid: "seal" },
    h("h3", { i18n: "archive.seal.title" }),
    h(
      "dl",
      {},
      h("dt", { i18n: "archive.seal.sealed_at" }),
      h("dd", {}, seal.sealed_at ? courtDateTime(zone, seal.sealed_at) : "–"),
      h("dt", { i18n: "archive.seal.code" }),
      h("dd", { class: "code", testid: "seal-code" }, seal.verification_code ?? "–"),
    ),
    verify,
    result,
  );
}

function reportView(report: Verification, sealedCode: string | null): HTMLElement {
  const verdict = h("p", { class: report.ok ? "verdict ok" : "verdict broken", testid: "verdict" });
  if (report.ok) {
    say(verdict, "archive.seal.valid", { files: report.files, entries: report.entries });
  }
  else say(verdict, "archive.seal.invalid", { count: report.problems.length });
  const codeMatches = sealedCode === null || sealedCode === report.verification_code;
  return h(
    "div",
    {},
    verdict,
    h(
      "p",
      { class: "muted" },
      h("span", { i18n: "archive.seal.recomputed" }),
      ` ${report.verification_code} `,
      !codeMatches && h("strong", { class: "error", i18n: "archive.seal.code_differs" }),
    ),
    !report.key_trusted && h("p", { class: "error", i18n: "archive.seal.key_untrusted" }),
    report.problems.length > 0 &&
      h(
        "ul",
        { class: "problems", testid: "problems" },
        ...report.problems.map((p) =>
          h(
            "li",
            { testid: "problem" },
            h("strong", {}, label("archive.problem", p.kind)),
            ` ${p.subject}`,
            h("br"),
            h("small", { class: "muted" }, p.detail),
          ),
        ),
      ),
  );
}
