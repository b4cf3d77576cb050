"""Conditional reads: which `If-None-Match` values name the version a caller holds."""

from __future__ import annotations

from lipei.etags import etag_of, matches


def test_a_tag_is_a_quoted_digest_of_the_bytes() -> None:
    tag = etag_of(b'{"status":"draft"}')
    assert tag.startswith('"') and tag.endswith('"')
    assert tag == etag_of(b'{"status":"draft"}')
    assert tag != etag_of(b'{"status":"submitted"}')


def test_if_none_match_compares_weakly_in_lists_and_with_a_star() -> None:
    tag = etag_of(b"x")
    assert matches(tag, tag)
    assert matches(f"W/{tag}", tag)
    assert matches(f'"other", {tag}', tag)
    assert matches("*", tag)
    assert not matches(None, tag)
    assert not matches("", tag)
    assert not matches('"other"', tag)
    assert not matches(tag.strip('"'), tag)  # an unquoted value is not the tag
