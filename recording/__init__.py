"""Recording: the live per-track recorder, integrity seals and archive storage.

Imports neither `hearing_server` nor `signaling`: the recorder consumes anything shaped like an
RTP packet (`packets.RtpPacket`, which the forwarder's `SourcePacket` satisfies) and the server
wires it to a published track. Modules: `recorder` (the API: packets in, segments out),
`reorder`, `frames`, `anchor` and `segment` (its parts), `writer` (the thread that does the
file I/O), `seal` and `verify` (manifest, signature, verification code), `digest` and `storage`;
`render` (a package) makes the archive MP4 from the segments after the hearing.

Import from the modules themselves: this file imports none of them, so that `verify` (run by
`hearing-server verify`) loads without the recorder's aiortc, PyAV and NumPy.
"""
