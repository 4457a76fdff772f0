"""A mediation agreement (调解协议, docs/architecture.md#mediation-agreement): the terms the
parties reached, written by the mediator, signed online by each party and agent of the case
with a drawn signature, then closed by the court. Pure.

A signature names the digest of the text the person read: a text changed since is signed
again, and the earlier signature stays, marked as of an earlier text."""

from __future__ import annotations

import hashlib

from court.roles import Role

TEXT_LIMIT = 20_000
"""Characters of an agreement's text."""

SIGNERS = frozenset({Role.PARTY, Role.AGENT})
"""Who signs a mediation agreement: the parties and their agents."""


def agreement_digest(text: str) -> str:
    """What a signature names: the SHA-256 of the text, as UTF-8."""
    return hashlib.sha256(("mediation-agreement/1\n" + text).encode()).hexdigest()
