// A new exhibit on the reader's side's list (docs/architecture.md#exhibits): its title and what
// it is meant to prove. A party's on the join page, the court's on the bench's evidence screen;
// its files are added on its card once it is submitted (shared/add_file.tsx).
import type { TargetedEvent, VNode } from "preact";
import { useState } from "preact/hooks";
import { type MessageKey, t } from "./i18n";

export function ExhibitForm(props: {
  heading: MessageKey;
  submit: (body: { title: string; purpose: string }) => Promise<boolean>;
}): VNode {
  const [title, setTitle] = useState("");
  const [purpose, setPurpose] = useState("");
  const [busy, setBusy] = useState(false);
  const send = async (event: TargetedEvent<HTMLFormElement>): Promise<void> => {
    event.preventDefault();
    setBusy(true);
    const done = await props.submit({ title: title.trim(), purpose });
    setBusy(false);
    if (done) {
      setTitle("");
      setPurpose("");
    }
  };
  return (
    <form class="exhibit-form" data-testid="exhibit-form" onSubmit={send}>
      <h3>{t(props.heading)}</h3>
      <label class="field">
        <span>{t("exhibit.field.title")}</span>
        <input
          data-testid="exhibit-title-input"
          required
          maxLength={500}
          value={title}
          onInput={(event) => setTitle(event.currentTarget.value)}
        />
      </label>
      <label class="field">
        <span>{t("exhibit.field.purpose")}</span>
        <textarea
          data-testid="exhibit-purpose-input"
          required
          maxLength={4000}
          rows={3}
          value={purpose}
          onInput={(event) => setPurpose(event.currentTarget.value)}
        />
      </label>
      <button type="submit" class="primary" data-testid="exhibit-submit" disabled={busy}>
        {t("exhibit.submit")}
      </button>
    </form>
  );
}
