// One person in the bench's console (live/console.tsx): who they are, where, their consent to
// taking part online, what their devices allow, and the bench's actions on them (admit, verify,
// mute, give the floor to present exhibits, send back, remove), as far as the bench member's
// role allows.
import type { VNode } from "preact";
import { type Action, SEATED } from "../generated/court";
import type { MemberView } from "../generated/protocol";
import { t, type MessageKey } from "../shared/i18n";
import { confirmDialog } from "./confirm";
import { ConsentBadge } from "./consent_badge";
import { IdentityCheckForm } from "./identity_form";
import { presenceName, roleName } from "./names";
import { report } from "./notice";
import type { LiveSession } from "./session";
import { missingDevices } from "./tiles";

export type Allowed = (action: Action) => boolean;

interface PersonProps {
  session: LiveSession;
  member: MemberView;
  allowed: Allowed;
}

export function Person({ session, member, allowed }: PersonProps): VNode {
  const flags = [
    member.hand_raised ? t("live.tile.hand") : "",
    member.listening != null ? t("live.listen.badge") : "",
    member.audio_muted ? t(member.bench_muted ? "live.tile.bench_muted" : "live.tile.muted") : "",
  ].filter(Boolean);
  // Taking part without a camera or microphone (their self-test found none usable).
  const missing = missingDevices(member);
  const devices = [
    missing.camera ? t("live.tile.no_camera") : "",
    missing.microphone ? t("live.tile.no_microphone") : "",
  ].filter(Boolean);
  // The bench is conducted by nobody: its members get no actions and no identity check.
  const bench = isBench(member);
  return (
    <li
      class="person"
      data-testid="person"
      data-participant={String(member.id)}
      data-presence={member.presence}
      data-no-camera={String(missing.camera)}
      data-no-microphone={String(missing.microphone)}
    >
      <div class="person-who">
        <strong>{member.name}</strong>
        <span>{member.presiding ? t("role.presiding") : roleName(member.role)}</span>
        <span class="presence" data-testid="presence">
          {presenceName(member.presence)}
        </span>
        {!bench && (
          <span
            class="identity"
            data-testid="identity"
            data-verified={String(member.identity_verified)}
          >
            {t(member.identity_verified ? "live.console.verified" : "live.console.unverified")}
          </span>
        )}
        {member.consent && <ConsentBadge consent={member.consent} />}
        {devices.length > 0 && (
          <span class="flags devices" data-testid="person-devices">
            {devices.join(" · ")}
          </span>
        )}
        {flags.length > 0 && <span class="flags">{flags.join(" · ")}</span>}
        {!bench && member.may_present && (
          <span class="flags" data-testid="may-present">
            {t("live.present.may_present")}
          </span>
        )}
      </div>
      <div class="person-actions">
        {!bench && <PersonActions session={session} member={member} allowed={allowed} />}
        {member.role === "judge" && !member.presiding && allowed("hand_over") && (
          <Button
            label="live.console.hand_over"
            testid="hand-over"
            onClick={() => void handOver(session, member)}
          />
        )}
      </div>
    </li>
  );
}

function PersonActions({ session, member, allowed }: PersonProps): VNode {
  const act =
    (event: string, data: Record<string, unknown> = {}) =>
    (): void =>
      report(session.act(event, { participant_id: member.id, ...data }));
  const present = member.presence === "in_hearing" || member.presence === "in_consultation";
  const here = isHere(member);
  return (
    <>
      {member.presence === "waiting" && allowed("admit") && (
        <Button label="live.console.admit" testid="admit" onClick={act("admit")} kind="primary" />
      )}
      {allowed("verify_identity") && (here || member.identity_verified) && (
        <IdentityCheckForm
          session={session}
          member={member}
          hearingId={session.state.room?.hearing_id ?? 0}
        />
      )}
      {present &&
        allowed("mute") &&
        (member.bench_muted ? (
          <Button
            label="live.console.unmute"
            testid="unmute"
            onClick={act("mute", { muted: false })}
          />
        ) : (
          <Button label="live.console.mute" testid="mute" onClick={act("mute", { muted: true })} />
        ))}
      {/* the floor to present exhibits: given in the hearing, taken back from anywhere */}
      {(member.presence === "in_hearing" || member.may_present) &&
        allowed("give_floor") &&
        member.role !== "observer" && (
          <Button
            label={member.may_present ? "live.console.floor_take" : "live.console.floor_give"}
            testid={member.may_present ? "floor-take" : "floor-give"}
            onClick={act("give_floor", { allowed: !member.may_present })}
          />
        )}
      {present && allowed("send_back") && (
        <Button label="live.console.send_back" testid="send-back" onClick={act("send_back")} />
      )}
      {allowed("remove") && here && (
        <Button
          label="live.console.remove"
          testid="remove"
          onClick={() => void remove(session, member)}
        />
      )}
    </>
  );
}

interface ButtonProps {
  label: MessageKey;
  testid: string;
  onClick: () => void;
  kind?: "primary" | "danger";
}

/** A button whose label is a message, as the hand-built screens' `button()` makes it. */
export function Button({ label, testid, onClick, kind }: ButtonProps): VNode {
  return (
    <button type="button" class={kind} data-testid={testid} onClick={onClick}>
      {t(label)}
    </button>
  );
}

/** The presiding judge hands the conduct of the hearing to another judge of the bench. */
async function handOver(session: LiveSession, member: MemberView): Promise<void> {
  if (await confirmDialog("live.console.hand_over_question", "live.console.hand_over")) {
    report(session.act("hand_over", { participant_id: member.id }));
  }
}

async function remove(session: LiveSession, member: MemberView): Promise<void> {
  if (await confirmDialog("live.console.remove_question", "live.console.remove")) {
    report(session.act("remove", { participant_id: member.id }));
  }
}

export function isHere(member: MemberView): boolean {
  return ["waiting", "in_hearing", "in_consultation", "reconnecting"].includes(member.presence);
}

/** Judges, assessors and the clerk: they sit on the bench. */
export function isBench(member: MemberView): boolean {
  return SEATED.includes(member.role);
}
