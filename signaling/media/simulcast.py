"""Simulcast negotiation (RFC 8853, RFC 8851): which layers a publisher sends, and the SDP lines
that let it.

A browser that sends a camera as simulcast offers its media section with one ``a=rid:<id> send``
per layer and ``a=simulcast:send <id>;<id>;...``; it sends every layer only if the answer
echoes them as ``recv``, and once a later offer of ours leaves them out it falls back to one
layer. aiortc knows none of these attributes, so the lines are added to the text of each answer
and offer we send, for every section that offered simulcast (`with_receive_layers`).

Layers are ranked in the order the publisher lists them, lowest first, as our client does
(`web_client/src/live/peer.ts`); the packets of each carry its rid in the header extension
`RID_URI` (and a retransmission the layer's in `REPAIRED_RID_URI`), which aiortc is taught to
negotiate (`internals.negotiate_stream_ids`).
"""

import re

RID_URI = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id"
REPAIRED_RID_URI = "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id"
MAX_LAYERS = 3
"""Layers taken from one publisher; further ones offered are left out of the answer (so the
browser does not send them)."""

_RID = re.compile(r"[A-Za-z0-9_-]{1,16}")
_SECTION = re.compile(r"^m=", re.MULTILINE)

Layers = dict[str, tuple[str, ...]]
"""Media section mid -> the rids it sends, lowest layer first."""


def offered_layers(sdp: str) -> Layers:
    """The video sections of a participant's offer that send simulcast, with their rids.

    A section whose simulcast attributes are malformed, name rids it does not declare as
    ``a=rid:<id> send``, or list fewer than two usable layers is left out: it is then answered
    without simulcast, and the browser sends it as one stream.
    """
    layers: Layers = {}
    for section in _SECTION.split(sdp)[1:]:
        if not section.startswith("video"):
            continue
        lines = [line.strip() for line in section.splitlines()]
        mid = next((line[6:] for line in lines if line.startswith("a=mid:")), None)
        if not mid:
            continue
        declared = set()
        for line in lines:
            if line.startswith("a=rid:"):
                parts = line[6:].split()
                if len(parts) >= 2 and parts[1] == "send" and _RID.fullmatch(parts[0]):
                    declared.add(parts[0])
        simulcast = next((line for line in lines if line.startswith("a=simulcast:")), None)
        if simulcast is None:
            continue
        rids = _send_list(simulcast[len("a=simulcast:") :], declared)
        if len(rids) >= 2:
            layers[mid] = rids[:MAX_LAYERS]
    return layers


def _send_list(value: str, declared: set[str]) -> tuple[str, ...]:
    """The rids of the ``send`` direction of an a=simulcast value (``send <list>``, perhaps
    after or before ``recv <list>``): the first choice of each stream, without the paused mark
    ``~``; empty when malformed."""
    parts = value.split()
    if len(parts) not in (2, 4) or parts[0::2].count("send") != 1:
        return ()
    listed = parts[parts.index("send") + 1]
    rids: list[str] = []
    for stream in listed.split(";"):
        rid = stream.split(",")[0].removeprefix("~")
        if rid not in declared or rid in rids:
            return ()
        rids.append(rid)
    return tuple(rids)


def with_receive_layers(sdp: str, layers: Layers) -> str:
    """`sdp` (an answer or offer of ours) with ``a=rid:<id> recv`` and ``a=simulcast:recv`` in
    each section that `layers` names, after its ``a=mid`` line."""
    if not layers:
        return sdp
    newline = "\r\n" if "\r\n" in sdp else "\n"
    out: list[str] = []
    for line in sdp.split(newline):
        out.append(line)
        if line.startswith("a=mid:") and line[6:] in layers:
            rids = layers[line[6:]]
            out.extend(f"a=rid:{rid} recv" for rid in rids)
            out.append(f"a=simulcast:recv {';'.join(rids)}")
    return newline.join(out)
