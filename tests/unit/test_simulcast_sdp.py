"""Simulcast negotiation on SDP text: which layers an offer sends (`offered_layers`) and the
lines our answer adds so the browser sends them (`with_receive_layers`)."""

from signaling.media.simulcast import MAX_LAYERS, offered_layers, with_receive_layers

SESSION = "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1\r\n"
AUDIO = (
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n"
    "c=IN IP4 0.0.0.0\r\n"
    "a=mid:0\r\n"
    "a=sendrecv\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
)


RECEIVE_Q_H_F = ["a=rid:q recv", "a=rid:h recv", "a=rid:f recv", "a=simulcast:recv q;h;f"]
"""What answers and offers of ours say after the a=mid of a section sending q, h and f."""


def video(mid: str, *attributes: str) -> str:
    """A Chromium-style video section with `attributes` after its codecs."""
    lines = [
        "m=video 9 UDP/TLS/RTP/SAVPF 96 97",
        "c=IN IP4 0.0.0.0",
        f"a=mid:{mid}",
        "a=sendrecv",
        "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
        "a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id",
        "a=rtpmap:96 VP8/90000",
        "a=rtcp-fb:96 nack pli",
        "a=rtpmap:97 rtx/90000",
        "a=fmtp:97 apt=96",
        *attributes,
    ]
    return "".join(f"{line}\r\n" for line in lines)


CHROMIUM = ("a=rid:q send", "a=rid:h send", "a=rid:f send", "a=simulcast:send q;h;f")


def test_a_chromium_simulcast_offer_gives_its_layers_lowest_first() -> None:
    sdp = SESSION + AUDIO + video("1", *CHROMIUM)
    assert offered_layers(sdp) == {"1": ("q", "h", "f")}


def test_only_video_sections_count() -> None:
    audio_simulcast = AUDIO + "".join(f"{line}\r\n" for line in CHROMIUM)
    assert offered_layers(SESSION + audio_simulcast + video("1")) == {}
    assert offered_layers(SESSION + audio_simulcast + video("1", *CHROMIUM)) == {
        "1": ("q", "h", "f")
    }


def test_sections_are_told_apart_by_mid() -> None:
    sdp = (
        SESSION
        + video("1", *CHROMIUM)
        + video("2")
        + video("3", "a=rid:a send", "a=rid:b send", "a=simulcast:send a;b")
    )
    assert offered_layers(sdp) == {"1": ("q", "h", "f"), "3": ("a", "b")}


def test_a_simulcast_naming_an_undeclared_rid_is_ignored() -> None:
    sdp = SESSION + video("1", "a=rid:q send", "a=rid:h send", "a=simulcast:send q;h;f")
    assert offered_layers(sdp) == {}


def test_rids_declared_for_receiving_do_not_count() -> None:
    sdp = SESSION + video("1", "a=rid:q send", "a=rid:h recv", "a=simulcast:send q;h")
    assert offered_layers(sdp) == {}


def test_a_receive_direction_is_ignored() -> None:
    sdp = SESSION + video(
        "1", "a=rid:q recv", "a=rid:h recv", "a=rid:f recv", "a=simulcast:recv q;h;f"
    )
    assert offered_layers(sdp) == {}


def test_a_single_layer_is_not_simulcast() -> None:
    sdp = SESSION + video("1", "a=rid:q send", "a=simulcast:send q")
    assert offered_layers(sdp) == {}


def test_malformed_rids_are_ignored() -> None:
    too_long = "x" * 17
    for rids in (("q", "h!"), ("q", too_long), ("q", "q")):
        declared = [f"a=rid:{rid} send" for rid in rids]
        sdp = SESSION + video("1", *declared, f"a=simulcast:send {';'.join(rids)}")
        assert offered_layers(sdp) == {}, rids
    # a line without direction declares nothing; a section without a=simulcast sends one layer
    sdp = SESSION + video("1", "a=rid:q", "a=rid:h send", "a=simulcast:send q;h")
    assert offered_layers(sdp) == {}
    assert offered_layers(SESSION + video("1", "a=rid:q send", "a=rid:h send")) == {}
    assert offered_layers(SESSION + video("1", *CHROMIUM[:3], "a=simulcast:send")) == {}


def test_paused_marks_and_alternatives_are_handled() -> None:
    sdp = SESSION + video(
        "1", "a=rid:q send", "a=rid:h send", "a=rid:h2 send", "a=simulcast:send ~q;h,h2"
    )
    assert offered_layers(sdp) == {"1": ("q", "h")}


def test_more_than_max_layers_are_cut() -> None:
    rids = [f"r{n}" for n in range(MAX_LAYERS + 2)]
    declared = [f"a=rid:{rid} send" for rid in rids]
    sdp = SESSION + video("1", *declared, f"a=simulcast:send {';'.join(rids)}")
    assert offered_layers(sdp) == {"1": tuple(rids[:MAX_LAYERS])}


def test_receive_layers_follow_their_section_mid_only() -> None:
    answer = SESSION + AUDIO + video("1") + video("2")
    changed = with_receive_layers(answer, {"1": ("q", "h", "f")})
    lines = changed.split("\r\n")
    mid = lines.index("a=mid:1")
    assert lines[mid + 1 : mid + 5] == RECEIVE_Q_H_F
    assert sum(line.startswith("a=rid:") for line in lines) == 3
    assert sum(line.startswith("a=simulcast:") for line in lines) == 1
    # everything else is as it was, CRLF line ends kept
    assert [line for line in lines if not line.startswith(("a=rid:", "a=simulcast:"))] == (
        answer.split("\r\n")
    )
    assert "\n" not in changed.replace("\r\n", "")
    as_sent = changed.replace(" recv", " send").replace("simulcast:recv", "simulcast:send")
    assert offered_layers(as_sent) == {"1": ("q", "h", "f")}


def test_lf_only_text_keeps_its_line_ends() -> None:
    answer = (SESSION + video("1")).replace("\r\n", "\n")
    changed = with_receive_layers(answer, {"1": ("q", "h")})
    assert "\r" not in changed
    assert "a=mid:1\na=rid:q recv\na=rid:h recv\na=simulcast:recv q;h\n" in changed


def test_nothing_changes_without_layers() -> None:
    answer = SESSION + AUDIO + video("1")
    assert with_receive_layers(answer, {}) == answer
    assert with_receive_layers(answer, {"9": ("q", "h")}) == answer


def test_the_send_direction_may_follow_a_receive_one() -> None:
    """RFC 8853 allows both directions on one line, in either order."""
    declared = "a=rid:q send\r\na=rid:h send\r\na=rid:x recv\r\n"
    for line in ("a=simulcast:recv x send q;h", "a=simulcast:send q;h recv x"):
        sdp = f"v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n{declared}{line}\r\n"
        assert offered_layers(sdp) == {"1": ("q", "h")}, line
    for line in ("a=simulcast:recv x", "a=simulcast:send q;h send q;h", "a=simulcast:send"):
        sdp = f"v=0\r\nm=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:1\r\n{declared}{line}\r\n"
        assert offered_layers(sdp) == {}, line
