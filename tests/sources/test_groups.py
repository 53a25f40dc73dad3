"""Consecutive sources cut into groups by bytes and by count, in input order."""

from __future__ import annotations

from geobuk.sources.groups import SourceGroup, group_sources
from geobuk.sources.inputs import Source


def sources(*sizes: int) -> list[Source]:
    return [Source(f"s{i}.evtx", f"s{i}.evtx", size) for i, size in enumerate(sizes)]


def names(groups: list[SourceGroup]) -> list[list[str]]:
    return [[source.name for source in group] for group in groups]


def test_a_group_ends_before_the_source_that_would_pass_the_byte_budget():
    groups = group_sources(sources(40, 50, 10, 30, 100, 5), max_bytes=100, max_files=10)
    assert names(groups) == [["s0.evtx", "s1.evtx", "s2.evtx"], ["s3.evtx"], ["s4.evtx"], ["s5.evtx"]]


def test_a_source_larger_than_the_budget_is_a_group_of_its_own():
    groups = group_sources(sources(1, 500, 1), max_bytes=100, max_files=10)
    assert names(groups) == [["s0.evtx"], ["s1.evtx"], ["s2.evtx"]]


def test_a_group_holds_at_most_max_files_sources_and_every_source_once():
    given = sources(*[0] * 7)
    groups = group_sources(given, max_bytes=100, max_files=3)
    assert [len(group) for group in groups] == [3, 3, 1]
    assert [source for group in groups for source in group] == given
    assert group_sources([]) == []


def test_a_group_is_named_by_its_first_source_in_messages():
    [group] = group_sources(sources(1, 1, 1))
    assert repr(group) == "'s0.evtx' and 2 more sources"
    assert repr(SourceGroup(tuple(sources(1)))) == "'s0.evtx'"
