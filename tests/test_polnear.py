"""PolNeAR reader: a self-written brat fixture, plus the real data when ../shared is present."""
from __future__ import annotations

import pytest

from claimwatch.errors import InputError
from claimwatch.corpora.polnear import ReadStats, attributions_from_ann, parse_ann, read_polnear


def test_reads_fixture(polnear_tiny_dir):
    stats = ReadStats()
    arts = read_polnear(polnear_tiny_dir, "dev", stats=stats)
    assert [a.id for a in arts] == ["city_2016-01-01_taxes", "state_2016-01-02_race"]
    assert stats.offset_mismatches == 0
    assert stats.events_without_content == 1     # E4 has only its trigger
    assert stats.discontinuous_spans == 1
    assert stats.attributions == 6


def test_first_annotator_file_in_sorted_order(polnear_tiny_dir):
    city = read_polnear(polnear_tiny_dir, "dev")[0]
    # _aaaa has two attributions, _zzzz only one.
    assert city.annotator == "aaaa"
    assert len(city.attributions) == 2


def test_offsets_are_code_points(polnear_tiny_dir):
    city = read_polnear(polnear_tiny_dir, "dev")[0]
    direct = city.attributions[1]
    (s, e), = direct["content"]
    assert city.text[s:e] == "“We have no choice,”"
    assert city.text[slice(*direct["source"][0])] == "she"
    assert city.text[slice(*direct["cue"][0])] == "added"


def test_edge_cases(polnear_tiny_dir):
    race = read_polnear(polnear_tiny_dir, "dev")[1]
    t = race.text
    split, acc, no_src, two_contents = race.attributions
    # Discontinuous content keeps both parts.
    assert [t[s:e] for s, e in split["content"]] == ['"We will win,"', '"and we will win big."']
    assert t[slice(*split["source"][0])] == "Smith"
    assert t[slice(*acc["cue"][0])] == "according to"
    # Attribution-no-source event; its span text ran over two lines in the .ann file.
    assert no_src["source"] is None
    assert t[slice(*no_src["content"][0])] == "The plan was\ncriticised"
    # Content and Content2 are parts of one content.
    assert [t[s:e] for s, e in two_contents["content"]] == ['"Prices rise."', '"Wages fall."']


def test_parse_ann_roles_and_notes():
    raw = (
        "T1\tSource 0 2\tWe\nT2\tCue 3 6\tsay\nT3\tContent 7 9\tno\nT4\tContent 10 12\tso\n"
        "T5\tAttribution 3 6\tsay\nE1\tAttribution:T5 Source:T1 Cue:T2 Content:T3 Content2:T4\n"
        "#1\tAnnotatorNotes T3\ta note\n"
    )
    tbs, events = parse_ann(raw)
    assert set(tbs) == {"T1", "T2", "T3", "T4", "T5"}
    assert events == [{"trigger": ["T5"], "source": ["T1"], "cue": ["T2"], "content": ["T3", "T4"]}]
    attrs = attributions_from_ann(raw, "We say no so")
    assert attrs == [{"source": [[0, 2]], "cue": [[3, 6]], "content": [[7, 9], [10, 12]]}]


def test_offset_mismatch_is_counted():
    stats = ReadStats()
    attributions_from_ann("T1\tContent 0 2\tXY\nE1\tAttribution:T1 Content:T1\n", "ab cd", stats)
    assert stats.offset_mismatches == 1


def test_bad_dir_and_split(tmp_path):
    with pytest.raises(InputError, match="not a PolNeAR directory"):
        read_polnear(tmp_path, "dev")
    with pytest.raises(InputError, match="unknown PolNeAR split"):
        read_polnear(tmp_path, "test")


@pytest.mark.shared
def test_real_polnear_dev(shared_polnear_dir):
    stats = ReadStats()
    arts = read_polnear(shared_polnear_dir, "dev", stats=stats)
    assert len(arts) > 50
    assert stats.offset_mismatches == 0, stats.mismatch_examples
    assert stats.attributions > 1000
    assert stats.discontinuous_spans > 0
    for a in arts:
        for x in a.attributions:
            assert x["content"]
            for role in ("source", "cue", "content"):
                for s, e in x[role] or []:
                    assert 0 <= s < e <= len(a.text)
    # Articles annotated several times are read from the first annotator file in sorted order.
    ann_dir = shared_polnear_dir / "dev" / "attributions"
    for a in arts:
        files = sorted(ann_dir.glob(f"{a.id}_*.ann"))
        files = [f for f in files if f.stem.rpartition("_")[0] == a.id]
        assert a.annotator == files[0].stem.rpartition("_")[2]
