// "Add file" on one of the reader's side's exhibits, a party's or the court's
// (docs/architecture.md#exhibits): the phone's picker (camera or files: `capture` is not
// forced), the upload's progress, "Resume" after the line dropped for longer than the retries,
// "Cancel", and the court's refusal in the person's language, with the limit the server named
// in the refusal's details.
import type { TargetedEvent, VNode } from "preact";
import { useState } from "preact/hooks";
import { ApiError } from "./api";
import { formatSize } from "./size";
import { type MessageKey, hasMessage, t } from "./i18n";
import { refusalText } from "./refusals";
import { ACCEPTED_FILES, Upload, refusedLimit, resumable } from "./upload";

type Status = "sending" | "stopped";

/** A SHA-256 as a notary's certificate prints it: 64 hexadecimal digits. */
const SHA256 = /^[0-9a-fA-F]{64}$/;

export function AddFile(props: {
  exhibitId: number;
  added: () => Promise<void>;
}): VNode {
  const [upload, setUpload] = useState<Upload | null>(null);
  const [status, setStatus] = useState<Status>("sending");
  const [sent, setSent] = useState(0);
  // kept as the error, put in words when drawn: a change of language follows
  const [problem, setProblem] = useState<{ error: unknown } | null>(null);
  const [notarisedHash, setNotarisedHash] = useState("");
  const [notary, setNotary] = useState("");
  const hashGiven = notarisedHash.trim() !== "";
  const hashValid = !hashGiven || SHA256.test(notarisedHash.trim());
  const go = async (current: Upload): Promise<void> => {
    setStatus("sending");
    setProblem(null);
    try {
      await current.run();
      setUpload(null);
      await props.added();
    } catch (error) {
      if (error instanceof ApiError && error.code === "cancelled") {
        setUpload(null);
      } else if (resumable(error)) {
        setStatus("stopped");
        setProblem({ error });
      } else {
        setUpload(null);
        setProblem({ error });
      }
    }
  };
  const choose = (event: TargetedEvent<HTMLInputElement>): void => {
    const file = event.currentTarget.files?.[0];
    event.currentTarget.value = "";
    if (file === undefined) return;
    const notarised = hashGiven
      ? { sha256: notarisedHash.trim(), notary: notary.trim() || null }
      : null;
    const current = new Upload(props.exhibitId, file, setSent, notarised);
    setSent(0);
    setUpload(current);
    void go(current);
  };
  const cancel = (): void => {
    upload?.cancel();
    if (status === "stopped") setUpload(null);
    setProblem(null);
  };
  const size = upload?.file.size ?? 0;
  const percent = size === 0 ? 0 : Math.floor((sent * 100) / size);
  return (
    <div class="add-file" data-testid="add-file">
      {upload === null ? (
        <>
          <label
            class={
              hashValid ? "button file-button" : "button file-button disabled"
            }
          >
            {t("exhibit.upload.add")}
            <input
              type="file"
              class="file-input"
              accept={ACCEPTED_FILES}
              disabled={!hashValid}
              data-testid="file-input"
              onChange={choose}
            />
          </label>
          <details class="notarised-fields">
            <summary>{t("exhibit.notarised.optional")}</summary>
            <label>
              {t("exhibit.notarised.hash")}
              <input
                value={notarisedHash}
                maxLength={64}
                spellcheck={false}
                autocomplete="off"
                aria-invalid={!hashValid}
                data-testid="notarised-hash"
                onInput={(event) => setNotarisedHash(event.currentTarget.value)}
              />
            </label>
            <label>
              {t("exhibit.notarised.notary")}
              <input
                value={notary}
                maxLength={200}
                data-testid="notarised-notary"
                onInput={(event) => setNotary(event.currentTarget.value)}
              />
            </label>
            {!hashValid && (
              <p class="problem">{t("exhibit.notarised.invalid")}</p>
            )}
          </details>
        </>
      ) : (
        <div class="upload" data-testid="upload" data-status={status}>
          <span class="upload-name">
            {upload.file.name} ({formatSize(size)})
          </span>
          <progress max={100} value={percent} data-testid="upload-progress" />
          <span data-testid="upload-percent">{percent}%</span>
          {status === "stopped" && (
            <button
              type="button"
              data-testid="upload-resume"
              onClick={() => void go(upload)}
            >
              {t("exhibit.upload.resume")}
            </button>
          )}
          <button type="button" data-testid="upload-cancel" onClick={cancel}>
            {t("exhibit.upload.cancel")}
          </button>
        </div>
      )}
      {problem !== null && (
        <p class="problem" role="alert" data-testid="upload-error">
          {uploadRefusal(problem.error)}
        </p>
      )}
    </div>
  );
}

/** Why a file was not taken, in the person's words; a limit the court named is filled in. */
function uploadRefusal(error: unknown): string {
  if (!(error instanceof ApiError))
    return refusalText("network", String(error));
  const key = `refusal.file.${error.code}`;
  if (!hasMessage(key)) return refusalText(error.code, error.message);
  const limit = limitOf(error);
  const text = t(key as MessageKey, limit === null ? {} : { limit });
  // words that need a limit the server did not name: the server's own
  return text.includes("{limit}") ? error.message : text;
}

/** The limit a refusal names, in the unit its words use (MB, inches, megapixels, hours). */
function limitOf(error: ApiError): string | null {
  const detail = refusedLimit(error);
  if (detail === null) return null;
  const { limit, unit } = detail;
  if (unit === "bytes") return formatSize(limit);
  const shown = {
    points: limit / 72,
    pixels: limit / 1_000_000,
    seconds: limit / 3600,
  };
  const value = unit === "pages" ? limit : shown[unit];
  return String(Number(value.toFixed(2)));
}
