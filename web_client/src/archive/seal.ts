// The seal: what was written at close (time, verification code), and on request the server's
// check of every file and manifest entry against it, naming whatever changed.
import type { RecordingDetail, VerifyOut } from "../generated/api";
import { api } from "../shared/api";
import { el, setText, show } from "../shared/dom";
import { courtDateTime } from "../staff/court_time";
import { showError } from "../staff/errors";
import { label } from "./labels";

/** `verifyNow`: check at once (a party opening their recording) instead of on request. */
export function sealView(
  zone: string,
  recording: RecordingDetail,
  { verifyNow = false }: { verifyNow?: boolean } = {},
): HTMLElement {
  const seal = recording.seal;
  if (!seal.sealed) {
    return el("p", { class: "muted", i18n: "archive.seal.not_sealed", testid: "seal" });
  }
  const result = el("div", {
    class: "verification",
    testid: "verification",
    "aria-live": "polite",
  });
  const verify = el("button", {
    type: "button",
    class: "primary",
    i18n: "archive.seal.verify",
    testid: "verify",
  });
  const check = async (): Promise<void> => {
    verify.disabled = true;
    show(result, el("p", { i18n: "archive.seal.checking" }));
    try {
      const report = await api<VerifyOut>("GET", `/recordings/${recording.id}/verify`);
      show(result, reportView(report, seal.verification_code));
    } catch (error) {
      show(result, showError(el("p", { class: "error" }), error));
    } finally {
      verify.disabled = false;
    }
  };
  verify.addEventListener("click", () => void check());
  if (verifyNow) void check();
  return el(
    "div",
    { class: "seal", testid: "seal" },
    el("h3", { i18n: "archive.seal.title" }),
    el(
      "dl",
      {},
      el("dt", { i18n: "archive.seal.sealed_at" }),
      el("dd", {}, seal.sealed_at ? courtDateTime(zone, seal.sealed_at) : "–"),
      el("dt", { i18n: "archive.seal.code" }),
      el("dd", { class: "code", testid: "seal-code" }, seal.verification_code ?? "–"),
    ),
    verify,
    result,
  );
}

function reportView(report: VerifyOut, sealedCode: string | null): HTMLElement {
  const verdict = el("p", {
    class: report.ok ? "verdict ok" : "verdict broken",
    testid: "verdict",
  });
  if (report.ok) {
    setText(verdict, "archive.seal.valid", { files: report.files, entries: report.entries });
  }
  else setText(verdict, "archive.seal.invalid", { count: report.problems.length });
  const codeMatches = sealedCode === null || sealedCode === report.verification_code;
  return el(
    "div",
    {},
    verdict,
    el(
      "p",
      { class: "muted" },
      el("span", { i18n: "archive.seal.recomputed" }),
      ` ${report.verification_code} `,
      !codeMatches && el("strong", { class: "error", i18n: "archive.seal.code_differs" }),
    ),
    !report.key_trusted && el("p", { class: "error", i18n: "archive.seal.key_untrusted" }),
    report.problems.length > 0 &&
      el(
        "ul",
        { class: "problems", testid: "problems" },
        ...report.problems.map((p) =>
          el(
            "li",
            { testid: "problem" },
            el("strong", {}, label("archive.problem", p.kind)),
            ` ${p.subject}`,
            el("br"),
            el("small", { class: "muted" }, p.detail),
          ),
        ),
      ),
  );
}
