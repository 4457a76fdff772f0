// The confirmed transcript's PDF sealed with the recording (docs/architecture.md#transcript):
// open it, save it, and its SHA-256 to compare a copy with. Staff follow plain links (their
// session cookie goes along). A party's requests carry `Authorization: Invitation …`, which a
// link cannot send: for them the PDF is fetched with the header and handed to the browser as
// a Blob, named as the server names it. The server checks and audits every access either way.
import type { RecordingDetail, TranscriptFileOut } from "../generated/api";
import { fetchFile, invitation } from "../shared/api";
import { el } from "../shared/dom";
import { formatSize } from "../shared/size";
import { showError } from "../staff/errors";

/** How long a fetched copy stays reachable at its object URL (the new tab or the save reads
 * it at once). */
const KEEP_MS = 60_000;

export function transcriptPdfView(recording: RecordingDetail): HTMLElement {
  const file = recording.transcript;
  const title = el("h3", { i18n: "archive.pdf.title" });
  if (file === null) {
    return el(
      "div",
      { class: "transcript-pdf", testid: "transcript-pdf" },
      title,
      el("p", { class: "muted", i18n: "archive.pdf.not_sealed", testid: "transcript-pdf-none" }),
    );
  }
  const open = el("a", {
    class: "button",
    href: file.url,
    target: "_blank",
    rel: "noopener",
    i18n: "archive.pdf.open",
    testid: "transcript-pdf-open",
  });
  const save = el("a", {
    class: "button",
    href: `${file.url}?download=true`,
    download: true,
    i18n: "archive.pdf.download",
    testid: "transcript-pdf-download",
  });
  const problem = el("p", { class: "error", hidden: true, testid: "transcript-pdf-error" });
  if (invitation() !== null) {
    const fallback = `${recording.case_number} 庭审笔录.pdf`;
    open.addEventListener("click", (event) => {
      event.preventDefault();
      problem.hidden = true;
      // opened now, while the click still counts: a tab opened after the fetch is a pop-up
      const tab = window.open("", "_blank");
      fetched(file.url).then(
        ({ url }) => {
          if (tab === null) follow(url, null);
          else tab.location.href = url;
        },
        (error: unknown) => {
          tab?.close();
          showError(problem, error);
        },
      );
    });
    save.addEventListener("click", (event) => {
      event.preventDefault();
      problem.hidden = true;
      fetched(`${file.url}?download=true`).then(
        ({ url, name }) => follow(url, name ?? fallback),
        (error: unknown) => showError(problem, error),
      );
    });
  }
  return el(
    "div",
    { class: "transcript-pdf", testid: "transcript-pdf" },
    title,
    el("div", { class: "buttons" }, open, save),
    facts(file),
    problem,
  );
}

function facts(file: TranscriptFileOut): HTMLElement {
  return el(
    "dl",
    {},
    file.bytes !== null && el("dt", { i18n: "archive.pdf.size" }),
    file.bytes !== null && el("dd", {}, formatSize(file.bytes)),
    el("dt", {}, "SHA-256"),
    el("dd", { class: "code hash", testid: "transcript-pdf-sha256" }, file.sha256 ?? "–"),
  );
}

/** The PDF fetched with the request's credentials: an object URL to it (released after a
 * while), and the file name the server gave it. */
async function fetched(url: string): Promise<{ url: string; name: string | null }> {
  const response = await fetchFile(url);
  const blob = await response.blob();
  const local = URL.createObjectURL(blob);
  setTimeout(() => URL.revokeObjectURL(local), KEEP_MS);
  return { url: local, name: fileName(response.headers.get("Content-Disposition")) };
}

/** Open `url` in a new tab, or save it as `name`. */
function follow(url: string, name: string | null): void {
  const link = document.createElement("a");
  link.href = url;
  if (name === null) link.target = "_blank";
  else link.download = name;
  link.click();
}

/** The name in a Content-Disposition header: its UTF-8 `filename*` (RFC 6266), or null. */
function fileName(disposition: string | null): string | null {
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition ?? "");
  if (encoded === null) return null;
  try {
    return decodeURIComponent(encoded[1]);
  } catch {
    return null;
  }
}
