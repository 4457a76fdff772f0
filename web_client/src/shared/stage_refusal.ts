// A staggered hearing's refusals in the reader's language, never the bare code: the general
// table's words, with what the screen knows added (the deadline that passed, who has not agreed).
import { ApiError } from "./api";
import { t } from "./i18n";
import { refusalKey } from "./refusals";

/** Words for `error`; `deadline` (already formatted) is said with a `deadline_passed`. */
export function stageRefusal(error: unknown, deadline = ""): string {
  if (!(error instanceof ApiError)) return t("common.error", { message: String(error) });
  if (error.status === 0) return t("common.network_error");
  const key = refusalKey(error.code);
  if (key === null) return t("common.error", { message: error.message });
  const words = [t(key)];
  if (error.code === "deadline_passed" && deadline !== "") {
    words.push(t("refusal.stage.deadline_was", { deadline }));
  }
  const names = missingNames(error);
  if (names !== "") words.push(names);
  return words.join(" ");
}

/** Who has not agreed, from a `consent_missing` refusal's details ({participant_id, name}). */
function missingNames(error: ApiError): string {
  if (error.code !== "consent_missing" || !Array.isArray(error.details)) return "";
  const names = (error.details as { name?: unknown }[])
    .map((d) => (typeof d.name === "string" ? d.name : ""))
    .filter((name) => name !== "");
  return names.length === 0 ? "" : `(${names.join("、")})`;
}
