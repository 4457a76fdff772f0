// Confirming the transcript: the name as the person writes it and the signature they draw,
// sent with the digest of the transcript they read (a transcript changed meanwhile is refused
// by the server, and they are asked to read it again).
import type { VNode } from "preact";
import { useState } from "preact/hooks";
import { ApiError, api } from "../shared/api";
import { type MessageKey, t } from "../shared/i18n";
import { SignaturePad } from "./signature_pad";
import type { SignatureIn, SignatureOut } from "../generated/api";
import { refusal } from "./words";

interface SignProps {
  hearingId: number;
  digest: string;
  /** What is signed: the transcript (by default) or a mediation's agreement. */
  document?: "transcript" | "agreement";
  /** The name the court has for them: shown as the example to write. */
  name: string;
  onDone: (said: MessageKey) => void;
  onCancel: () => void;
}

export function SignForm(props: SignProps): VNode {
  const { hearingId, digest, name, onDone, onCancel, document = "transcript" } = props;
  const [typed, setTyped] = useState("");
  const [image, setImage] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const ready = typed.trim() !== "" && image !== null && !sending;
  const send = async (): Promise<void> => {
    if (!ready) return;
    setSending(true);
    setProblem(null);
    const body: SignatureIn = { name: typed.trim(), image, digest };
    try {
      await api<SignatureOut>("POST", `/hearings/${hearingId}/${document}/signature`, body);
      onDone("signing.signed_thanks");
    } catch (error) {
      if (error instanceof ApiError && error.code === `${document}_changed`) {
        onDone("signing.changed_read_again");
        return;
      }
      setProblem(refusal(error));
      setSending(false);
    }
  };
  return (
    <form
      class="signing-form"
      data-testid="sign-form"
      onSubmit={(event) => {
        event.preventDefault();
        void send();
      }}
    >
      <h3>{t(document === "agreement" ? "agreement.sign_title" : "signing.sign_title")}</h3>
      <p>{t(document === "agreement" ? "agreement.sign_explained" : "signing.sign_explained")}</p>
      <label class="field">
        <span>{t("signing.your_name")}</span>
        <input
          data-testid="sign-name"
          maxLength={100}
          autocomplete="name"
          placeholder={name}
          value={typed}
          onInput={(event) => setTyped(event.currentTarget.value)}
        />
      </label>
      <span>{t("signing.draw_here")}</span>
      <SignaturePad onInk={setImage} disabled={sending} />
      {problem !== null && (
        <p class="problem" role="alert" data-testid="sign-problem">
          {problem}
        </p>
      )}
      <div class="button-row">
        <button type="submit" class="primary" data-testid="sign-submit" disabled={!ready}>
          {t("signing.confirm_and_sign")}
        </button>
        <button type="button" data-testid="sign-cancel" onClick={onCancel}>
          {t("common.cancel")}
        </button>
      </div>
    </form>
  );
}
