// One exhibit as both the parties' and the bench's evidence screens show it: its name in its
// side's list (原告证据1, from the server in both languages), title, what it proves, who submitted
// or withdrew it, and its files (docs/architecture.md#exhibits).
import "./exhibits.css";
import type { ComponentChildren, VNode } from "preact";
import type { ExhibitOut } from "../generated/api";
import { type Lang, t } from "./i18n";

export function exhibitLabel(exhibit: { label_zh: string; label_en: string }, lang: Lang): string {
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
        <strong data-testid="exhibit-label">{exhibitLabel(exhibit, lang)}</strong>
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
        {t("exhibit.submitted", { name: exhibit.submitted_by, when: when(exhibit.submitted_at) })}
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

/** The exhibit's files. Their upload (and a file's viewer) goes here once the upload API is in
 * (issue 14, built separately); until then this lists what the server already holds. */
function ExhibitFiles({ exhibit }: { exhibit: ExhibitOut }): VNode {
  return (
    <div class="exhibit-files" data-testid="exhibit-files">
      <small class="muted">{t("exhibit.files")}</small>{" "}
      {exhibit.files.length === 0 ? (
        <span class="muted">{t("exhibit.no_files")}</span>
      ) : (
        <ul>
          {exhibit.files.map((file) => (
            <li key={file.id}>
              {file.display_name} <code title={file.sha256}>{file.sha256.slice(0, 12)}</code>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
