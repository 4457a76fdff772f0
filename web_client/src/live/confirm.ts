// A modal question with a cancel and a confirm button; resolves true when confirmed.
import { button, el } from "../shared/dom";
import type { MessageKey } from "../shared/i18n";

export function confirmDialog(question: MessageKey, confirm: MessageKey): Promise<boolean> {
  return new Promise((resolve) => {
    const dialog = el("dialog.confirm", { testid: "confirm-dialog" });
    const finish = (answer: boolean): void => {
      dialog.close();
      dialog.remove();
      resolve(answer);
    };
    dialog.append(
      el("p", { i18n: question }),
      el(
        "div.dialog-buttons",
        {},
        button("common.cancel", "confirm-cancel", () => finish(false)),
        button(confirm, "confirm-ok", () => finish(true), "danger"),
      ),
    );
    dialog.addEventListener("cancel", () => finish(false));
    document.body.append(dialog);
    dialog.showModal();
  });
}
