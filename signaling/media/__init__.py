"""The SFU's media layer: RTP-level forwarding between aiortc peer connections.

Knows nothing of rooms, roles or transports above WebRTC. The signaling layer holds one
`MediaSession` per participant, learns of published tracks through `on_track`, and calls
`subscribe` / `unsubscribe` and the offer/answer/candidate methods. Anything else that wants a
track's packets (a recorder) implements `publisher.Subscriber` and attaches to the
`PublishedTrack`.

Modules: `session` (the API), `publisher` and `subscriber` (aiortc glue), `downtrack` (the
per-subscriber rewrite), `transport` (SRTP to and from the socket, the short way), `vp8`,
`history`, `keyframes`, `nack` (pure logic) and `internals` (every private aiortc attribute
used).
"""

from .publisher import AudioLevel, PublishedTrack
from .session import MediaSession
from .subscriber import Subscription

__all__ = ["AudioLevel", "MediaSession", "PublishedTrack", "Subscription"]
