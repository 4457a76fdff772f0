"""Conditional GET (hearing_server/api/conditional.py): the tag is the body's, and which
If-None-Match headers name it."""

from __future__ import annotations

from hearing_server.api.conditional import body_tag, names_tag


def test_the_tag_is_the_bodys_alone() -> None:
    tag = body_tag(b'{"items": []}')
    assert tag == body_tag(b'{"items": []}')  # any process, any time
    assert tag != body_tag(b'{"items": [1]}')
    assert tag.startswith('"') and tag.endswith('"') and len(tag) == 34


def test_which_headers_name_the_tag() -> None:
    tag = body_tag(b"{}")
    for named in (tag, f"W/{tag}", f'"other", {tag}', f' "a" ,W/{tag} ', "*"):
        assert names_tag(named, tag), named
    assert not names_tag(None, tag)
    for other in ("", '"other"', tag.strip('"'), f"{tag}x", f'"{tag}"'):
        assert not names_tag(other, tag), other
