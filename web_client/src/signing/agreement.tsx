// A mediation's agreement (调解协议) for a party or agent, on their invitation page
// (docs/architecture.md#mediation-agreement): the terms as the mediator wrote them, and their
// signature, drawn on the screen with their name, naming the text they read. A changed text is
// read and signed again; a closed agreement only shows. Asked again every few seconds. Drawn
// with Preact; nothing is shown while the hearing has no agreement.
import { render, type VNode } from "preact";
import { useEffect, useState } from "preact/hooks";
import type { AgreementOut } from "../generated/api";
import { api } from "../shared/api";
import { type MessageKey, t } from "../shared/i18n";
import { usePolling } from "../shared/polling";
import { useLanguage } from "../shared/use_language";
import { SignForm } from "./sign_form";
import { when } from "./words";
import "./signing.css";

const POLL_MS = 5000;

export function mountAgreement(
  host: HTMLElement,
  hearingId: number,
): () => void {
  render(<Agreement hearingId={hearingId} />, host);
  return () => render(null, host);
}

function Agreement({ hearingId }: { hearingId: number }): VNode | null {
  const lang = useLanguage();
  const [data, setData] = useState<AgreementOut | null>(null);
  const [signing, setSigning] = useState<string | null>(null); // the digest read
  const [said, setSaid] = useState<MessageKey | null>(null);
  const load = async (): Promise<void> => {
    try {
      setData(
        await api<AgreementOut>("GET", `/hearings/${hearingId}/agreement`),
      );
    } catch {
      setData(null); // none written yet (404), or not reachable now: asked again
    }
  };
  useEffect(() => void load(), [hearingId]);
  usePolling(load, POLL_MS);
  if (data === null) return null;
  const mine = data.signers[0];
  const status = mine?.signed_at
    ? "signed"
    : mine?.signed_earlier
      ? "changed"
      : "pending";
  return (
    <section
      class="card agreement"
      data-testid="agreement"
      data-status={status}
    >
      <h2>{t("agreement.title")}</h2>
      <pre class="agreement-text" data-testid="agreement-text">
        {data.text}
      </pre>
      {said !== null && (
        <p class="notice" role="status" data-testid="agreement-notice">
          {t(said)}
        </p>
      )}
      {mine?.signed_at ? (
        <p data-testid="agreement-status">
          {t("agreement.signed", { at: when(mine.signed_at, lang) })}
        </p>
      ) : data.closed_at !== null ? (
        <p data-testid="agreement-status">{t("agreement.closed")}</p>
      ) : signing === null ? (
        <>
          {mine?.signed_earlier && (
            <p data-testid="agreement-status">{t("agreement.changed")}</p>
          )}
          <button
            type="button"
            class="primary"
            data-testid="agreement-sign"
            onClick={() => setSigning(data.digest)}
          >
            {t("agreement.sign")}
          </button>
        </>
      ) : (
        <SignForm
          hearingId={hearingId}
          digest={signing}
          name={mine?.name ?? ""}
          document="agreement"
          onDone={(key) => {
            setSigning(null);
            setSaid(key);
            void load();
          }}
          onCancel={() => setSigning(null)}
        />
      )}
    </section>
  );
}
