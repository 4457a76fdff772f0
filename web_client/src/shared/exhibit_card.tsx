// One exhibit as both the parties' and the bench's evidence screens show it: its name in its
// side's list (原告证据1, from the server in both languages), title, what it proves, who submitted
// or withdrew it, and its files (docs/architecture.md#exhibits).
import "./exhibits.css";
import type { ComponentChildren, VNode } from "preact";
import type { ExhibitFileOut, ExhibitOut } from "../generated/api";
import { authHeaders, invitation } from "./api";
import { type Lang, t } from "./i18n";
import { formatSize } from "./size";

export function exhibitLabel(
  exhibit: { label_zh: string; label_en: string },
  lang: Lang,
): string {
  return lang === "en" ? exhibit.label_en : exhibit.label_zh;
}

/** `when`: an instant as the reader should see it (the party's locale, the court's time zone). */
export function ExhibitCard(props: {
  exhibit: ExhibitOut;
  lang: Lang;
  when: (iso: string) => string;
  children?: ComponentChildren;
}): VNode {
  const { exhibit, lang, when } = props;
  const withdrawn = exhibit.withdrawn_at !== null;
  return (
    <li
      class={withdrawn ? "exhibit withdrawn" : "exhibit"}
      data-testid={`exhibit-${exhibit.id}`}
      data-side={exhibit.side}
      data-withdrawn={withdrawn ? "true" : "false"}
    >
      <div class="exhibit-head">
        <strong data-testid="exhibit-label">
          {exhibitLabel(exhibit, lang)}
        </strong>
        <span data-testid="exhibit-title">{exhibit.title}</span>
        {withdrawn && (
          <span class="badge" data-testid="exhibit-withdrawn">
            {t("exhibit.withdrawn_short")}
          </span>
        )}
      </div>
      <p class="exhibit-purpose">
        <small class="muted">{t("exhibit.purpose")}</small>
        <span data-testid="exhibit-purpose">{exhibit.purpose}</span>
      </p>
      <p class="muted exhibit-status" data-testid="exhibit-status">
        {t("exhibit.submitted", {
          name: exhibit.submitted_by,
          when: when(exhibit.submitted_at),
        })}
        {exhibit.withdrawn_at !== null &&
          ` · ${t("exhibit.withdrawn", {
            name: exhibit.withdrawn_by ?? "",
            when: when(exhibit.withdrawn_at),
          })}`}
      </p>
      <ExhibitFiles exhibit={exhibit} />
      {props.children}
    </li>
  );
}

/** The exhibit's files as the server holds them: name, size, the start of the SHA-256 (the
 * whole on hover: everyone sees it, to check a copy), a download. Files are added by the
 * exhibit's side, on its card (shared/add_file.tsx). */
function ExhibitFiles({ exhibit }: { exhibit: ExhibitOut }): VNode {
  return (
    <div class="exhibit-files" data-testid="exhibit-files">
      <small class="muted">{t("exhibit.files")}</small>{" "}
      {exhibit.files.length === 0 ? (
        <span class="muted">{t("exhibit.no_files")}</span>
      ) : (
        <ul>
          {exhibit.files.map((file) => (
            <li
              key={file.id}
              data-testid="exhibit-file"
              data-sha256={file.sha256}
            >
              <span data-testid="file-name">{file.display_name}</span>{" "}
              <span class="muted">{formatSize(file.size_bytes)}</span>{" "}
              <code title={file.sha256}>{file.sha256.slice(0, 12)}</code>{" "}
              {file.notarised_match !== null &&
                file.notarised_match !== undefined && (
                  <span
                    class={
                      file.notarised_match
                        ? "notarised match"
                        : "notarised mismatch"
                    }
                    data-testid="notarised"
                    data-match={String(file.notarised_match)}
                    title={file.notarised_sha256 ?? ""}
                  >
                    {t(
                      file.notarised_match
                        ? "exhibit.notarised.match"
                        : "exhibit.notarised.mismatch",
                      {
                        notary: file.notary ?? t("exhibit.notarised.unnamed"),
                      },
                    )}
                  </span>
                )}{" "}
              <a
                href={`/api/v1/exhibit-files/${file.id}?download=true`}
                download={file.display_name}
                data-testid="file-download"
                onClick={(event) => {
                  // an invitation travels in a header, which a link cannot send
                  if (invitation() === null) return;
                  event.preventDefault();
                  void saveFile(file);
                }}
              >
                {t("exhibit.download")}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Download a file with the invitation's header, then hand it to the browser to save. */
async function saveFile(file: ExhibitFileOut): Promise<void> {
  const response = await fetch(
    `/api/v1/exhibit-files/${file.id}?download=true`,
    {
      headers: authHeaders("GET"),
      credentials: "same-origin",
    },
  );
  if (!response.ok) return;
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = file.display_name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
