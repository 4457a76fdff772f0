"""What one member of a live room is shown of it: the protocol's views built from the room."""

from court.presence import Presence
from court.protocol import MemberView
from signaling.room import Member, Room


def member_view(
    member: Member,
    missing: frozenset[str] = frozenset(),
    paused_video: list[int] | None = None,
    sharing_screen: bool = False,
    consent: bool = False,
) -> MemberView:
    """``missing``: the devices their last self-test found unusable (camera, microphone);
    ``paused_video``: the members whose video their connection cannot carry now;
    ``sharing_screen``: they are the room's sharer; ``consent``: show their answer on taking
    part online (to the bench and to themself only)."""
    return MemberView(
        id=member.id,
        role=member.role,
        name=member.name,
        side=member.side,
        presence=member.presence,
        audio_muted=member.audio_muted,
        bench_muted=member.bench_muted,
        camera_off=member.camera_off,
        hand_raised=member.hand_raised,
        identity_verified=member.identity_verified,
        in_consultation=member.consultation is not None,
        represents_id=member.represents_id,
        no_camera="camera" in missing,
        no_microphone="microphone" in missing,
        paused_video=paused_video or [],
        sharing_screen=sharing_screen,
        media_stalled=member.media_stalled,
        may_present=member.on_bench or member.floor,
        consent=member.consent if consent else None,
        presiding=member.presiding,
        interprets=member.interprets,
        listening=member.listening,
    )


def visible_members(room: Room, viewer: Member) -> list[Member]:
    """Whom a member sees listed: the bench sees everyone; others see who is in the hearing.

    A waiting person or uncalled witness sees only the bench and themselves: nothing of the
    hearing reaches the waiting room, its membership included.
    """
    if viewer.on_bench:
        return list(room.members.values())
    if viewer.presence not in (Presence.IN_HEARING, Presence.IN_CONSULTATION):
        return [m for m in room.members.values() if m.on_bench or m.id == viewer.id]
    shown = (Presence.IN_HEARING, Presence.IN_CONSULTATION, Presence.RECONNECTING)
    return [m for m in room.members.values() if m.presence in shown or m.id == viewer.id]
