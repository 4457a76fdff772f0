// Building a hearing's bench (docs/architecture.md#bench): judges of this court (one of them
// chosen to preside), and judges of another court granted a seat on this one hearing's panel
// (their court and account; revoked from here). People's assessors and the clerk are added with
// the other participants (an assessor by invitation).
import type { BenchGrantOut, ParticipantOut, UserOut } from "../generated/api";
import { api } from "../shared/api";
import { el, field, show } from "../shared/dom";
import { t } from "../shared/i18n";
import type { Items } from "./types";

export interface BenchForm {
  root: HTMLElement;
  /** The hearing's people and the grants as the server has them now. */
  update(people: ParticipantOut[], grants: BenchGrantOut[]): void;
}

/** `act` makes a change and redraws the screen (telling whether it worked). */
export function benchForm(
  hearingId: number,
  act: (change: () => Promise<void>) => Promise<boolean>,
): BenchForm {
  let judges: UserOut[] = [];
  let seated = new Set<number | null>();
  const judge = el("select", { name: "judge", testid: "bench-judge" });
  const presides = el("input", { type: "checkbox", name: "presiding", testid: "bench-presiding" });
  const add = el("button", { type: "submit", i18n: "staff.bench.add", testid: "bench-add" });
  const addForm = el(
    "form",
    { class: "add-participant", testid: "bench-form" },
    field("staff.bench.judge", judge),
    el("label", { class: "check" }, presides, el("span", { i18n: "staff.bench.presides" })),
    add,
  );
  addForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const chosen = judges.find((j) => String(j.id) === judge.value);
    if (chosen === undefined) return;
    void act(async () => {
      await api("POST", `/hearings/${hearingId}/participants`, {
        role: "judge",
        name: chosen.display_name,
        user_id: chosen.id,
        presiding: presides.checked,
      });
      presides.checked = false;
    });
  });

  const account = el("input", {
    type: "number",
    min: "1",
    required: true,
    name: "user_id",
    testid: "grant-user",
  });
  const grantForm = el(
    "form",
    { class: "add-participant", testid: "grant-form" },
    field("staff.bench.other_court_account", account),
    el("button", { type: "submit", i18n: "staff.bench.grant", testid: "grant-add" }),
  );
  grantForm.addEventListener("submit", (event) => {
    event.preventDefault();
    void act(async () => {
      await api("POST", `/hearings/${hearingId}/bench-grants`, { user_id: Number(account.value) });
      account.value = "";
    });
  });
  const grantList = el("ul", { class: "rows", testid: "grant-list" });

  void api<Items<UserOut>>("GET", "/users").then(
    ({ items }) => {
      judges = items.filter((u) => u.role === "judge" && u.active);
      offerJudges(); // the hearing's people may have come first
    },
    () => undefined, // none to offer: the form stays empty
  );

  return {
    root: el(
      "div",
      { testid: "bench" },
      el("h3", { i18n: "staff.bench.title" }),
      el("p", { class: "muted", i18n: "staff.bench.hint" }),
      addForm,
      el("h4", { i18n: "staff.bench.other_court" }),
      grantList,
      grantForm,
    ),
    update(people, grants) {
      seated = new Set(people.map((p) => p.user_id));
      offerJudges();
      show(grantList, ...grants.map((g) => grantRow(g)));
    },
  };

  /** The court's judges not yet on the bench, whichever of them and the people came last. */
  function offerJudges(): void {
    show(
      judge,
      ...judges
        .filter((j) => !seated.has(j.id))
        .map((j) => el("option", { value: String(j.id) }, j.display_name)),
    );
    add.disabled = judge.options.length === 0;
  }

  function grantRow(grant: BenchGrantOut): HTMLElement {
    const row = el(
      "li",
      { class: "row person", testid: `grant-${grant.id}` },
      el("span", { class: "what" }, el("strong", {}, grant.name), el("small", {}, grant.court)),
    );
    if (grant.revoked_at !== null) {
      row.append(el("span", { class: "invitation", i18n: "staff.bench.revoked" }));
      return row;
    }
    const revoke = el("button", {
      type: "button",
      class: "danger",
      i18n: "staff.bench.revoke",
      testid: "grant-revoke",
    });
    revoke.addEventListener("click", () => {
      if (!confirm(t("staff.bench.revoke_confirm", { name: grant.name }))) return;
      void act(() => api("DELETE", `/hearings/${hearingId}/bench-grants/${grant.id}`));
    });
    row.append(el("span", { class: "actions" }, revoke));
    return row;
  }
}
