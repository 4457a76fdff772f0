// What the side that submitted an exhibit does on its card (docs/architecture.md#exhibits): add
// files while it stands, withdraw it (recorded, after a confirmation). A party's side on the
// join page, the court's on the bench's evidence screen.
import type { VNode } from "preact";
import type { ExhibitOut } from "../generated/api";
import { AddFile } from "./add_file";
import { api } from "./api";
import type { Act } from "./evidence_feed";
import { exhibitLabel } from "./exhibit_card";
import { type Lang, t } from "./i18n";

export function OwnExhibitActions(props: {
  exhibit: ExhibitOut;
  lang: Lang;
  mayAddFiles: boolean;
  mayWithdraw: boolean;
  act: Act;
}): VNode | null {
  const { exhibit, lang, act } = props;
  if (exhibit.withdrawn_at !== null) return null;
  const withdraw = (): void => {
    if (!confirm(t("exhibit.withdraw_confirm", { label: exhibitLabel(exhibit, lang) }))) return;
    void act(() => api("POST", `/exhibits/${exhibit.id}/withdraw`));
  };
  const added = async (): Promise<void> => {
    await act(async () => undefined);
  };
  return (
    <>
      {props.mayAddFiles && <AddFile exhibitId={exhibit.id} added={added} />}
      {props.mayWithdraw && (
        <button type="button" data-testid="withdraw" onClick={withdraw}>
          {t("exhibit.withdraw")}
        </button>
      )}
    </>
  );
}
