"""check's support head and the shared rare words it reads (disputes/terms.py, disputes/support.py)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from claimwatch.disputes.lexicon import default_lexicon
from claimwatch.disputes.support import FEATURES, SupportHead, default_head, features
from claimwatch.disputes.terms import SentenceTerms, TermIndex
from claimwatch.errors import ClaimwatchError

# Self-written claims: "Vardania" and "troops" are everywhere, "Orlenka Vask" and "Pelmar" once.
ROWS = [(f"c{k}", f"Vardanian troops moved near the border on day {k}", "the ministry") for k in range(40)] + [
    ("v1", "she had been reading a translation of Pelmar's novel Ashes in her cell", "Orlenka Vask's lawyer"),
    ("v2", "Vardanian troops shelled the village of Ostrel", "Marovia's army"),
]


def test_rare_words_weigh_more_than_common_ones() -> None:
    lex = default_lexicon()
    index = TermIndex.build(ROWS, lex)
    assert index.n == len(ROWS)
    assert index.idf("pelmar") > index.idf("vardanian") > 0
    sentence = "In detention Orlenka Vask passed her time reading Pelmar's novel Ashes, Vardanian media said"
    st = SentenceTerms.of(sentence, index, lex)
    about = st.overlap(ROWS[40][1], ROWS[40][2], lex)
    topical = st.overlap(ROWS[0][1], ROWS[0][2], lex)
    assert about["cover"] > 0.5 > topical["cover"]
    assert about["rare_shared"] > topical["rare_shared"] == 0.0
    assert about["cover_names"] > topical["cover_names"]
    # The speaker's name counts for what the claim is about, not for what it says.
    by_speaker = st.overlap("she had been reading", "Orlenka Vask", lex)
    assert by_speaker["cover_names"] > 0 and by_speaker["cover_other"] < about["cover_other"]


def test_search_names_are_the_rarest_names_some_claim_holds() -> None:
    lex = default_lexicon()
    index = TermIndex.build(ROWS, lex)
    sentence = "Orlenka Vask met Quillon Dart in Vardania"
    st = SentenceTerms.of(sentence, index, lex)
    names = st.search_names(index, lex, sentence)
    assert "quillon" not in names and "dart" not in names  # no stored claim holds them: nothing to find
    assert names == ["pelmar"] or not names  # "Orlenka Vask" is only a speaker: the full-text search reads contents
    about = SentenceTerms.of("Quillon Dart read Pelmar's novel", index, lex)
    assert about.search_names(index, lex, "Quillon Dart read Pelmar's novel") == ["pelmar"]
    assert "pelmar" in about.top and not {"quillon", "dart"} & set(about.top)  # the rarest some claim holds


def test_support_head_file_and_probability() -> None:
    head = default_head()
    assert head is not None and 0 < head.threshold < 1 and set(head.weights) <= set(FEATURES)
    base = features(0.55, 0.35, {"cover": 0.1, "cover_names": 0.0, "cover_other": 0.1, "top_terms": 0.0,
                                 "rare_shared": 0.0}, None, False, "same side")
    rare = {**base, "cover": 0.7, "cover_other": 0.6, "top_terms": 1.0, "rare_shared": 2 / 3}
    assert head.p(rare) > head.threshold > head.p(base)
    gated = features(0.55, 0.35, {}, "different agents", False, "same side")
    assert gated["gate_other"] == 1.0 and gated["gate_modality"] == 0.0
    assert features(0.5, None, {}, "fact vs prediction", False, "same side")["gate_modality"] == 1.0
    assert features(0.5, None, {}, "same side", False, "same side")["gate_other"] == 0.0


def test_a_malformed_support_head_is_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(ClaimwatchError, match="not a support head"):
        SupportHead.from_json({"weights": {"bias": 1.0, "wordcount": 2.0}, "threshold": 0.2})
    with pytest.raises(ClaimwatchError, match="not a support head"):
        SupportHead.from_json(json.loads('{"weights": {"bias": 1.0}}'))
    with pytest.raises(ClaimwatchError, match="not a support head"):
        SupportHead.from_json({"threshold": 0.2})


def test_the_support_head_holds_only_for_its_embedder() -> None:
    head = default_head()
    assert head is not None and head.applies_to("all-MiniLM-L6-v2") and not head.applies_to("lexical-hash-v1")


def test_a_quoted_verdict_still_calls_a_story_false() -> None:
    # 'were a "fabrication"': the quotation marks hid the denial phrase from the accused side's answer (rebuttal.py).
    from claimwatch.disputes.rebuttal import _plain

    lex = default_lexicon()
    text = "allegations of war crimes in the town of Ostrel were a \u201cfabrication\u201d"
    assert not lex.denial.search(text) and lex.denial.search(_plain(text))
    assert _plain("the Kremlin\u2019s \"lie\"") == "the Kremlin's lie"


def test_material_families_are_families_of_the_rules_file(tmp_path: Path) -> None:
    from claimwatch.disputes.lexicon import load_lexicon

    lex = default_lexicon()
    assert lex.material_act("withdraw") and lex.material_act("attack") and not lex.material_act("consult")
    assert not lex.material_act(None)
    src = Path(__file__).resolve().parents[1] / "src" / "claimwatch" / "resources" / "disputes.en.v2.json"
    data = json.loads(src.read_text(encoding="utf-8"))
    del data["material_families"]
    (tmp_path / "r.json").write_text(json.dumps(data), encoding="utf-8")
    assert load_lexicon(tmp_path / "r.json").material_act("consult")  # no list: every family, as before
    data["material_families"] = ["withdraw", "teleport"]
    (tmp_path / "r.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises((ValueError, ClaimwatchError), match="material_families names no family"):
        load_lexicon(tmp_path / "r.json")


def test_a_clause_of_the_sentence_is_matched_on_its_own() -> None:
    from claimwatch.disputes.check import MAX_PARTS, sentence_parts

    sentence = ("Marovian shelling damaged the dam at Kessel on Monday, And the harbour master said grain ships "
                "left on schedule")
    parts = sentence_parts(sentence)
    assert parts[:2] == ["Marovian shelling damaged the dam at Kessel on Monday",
                         "the harbour master said grain ships left on schedule"]
    assert parts[2] == sentence  # two neighbours joined as written
    # figures, times, hyphenated words and a determiner "that" are not clause breaks; an em dash is
    assert sentence_parts("Vardania sent 2,000 soldiers at 10:30 to that town") == [
        "Vardania sent 2,000 soldiers at 10:30 to that town"]
    assert sentence_parts("A hit-and-run attack killed three people — officials blamed Marovia")[:2] == [
        "A hit-and-run attack killed three people", "officials blamed Marovia"]
    assert sentence_parts("Kessel was shelled") == ["Kessel was shelled"]  # no clause of three words: the whole
    assert len(sentence_parts(", ".join(["the dam was hit again"] * 40))) == MAX_PARTS
    x = features(0.5, 0.3, {}, None, False, "same side", cos_part=0.8)
    assert x["cos_part"] == 0.8 and abs(x["part_gain"] - 0.3) < 1e-9
    assert features(0.5, 0.3, {}, None, False, "same side")["part_gain"] == 0.0  # without clauses: the whole


@pytest.mark.skipif(default_head() is None, reason="no shipped support head")
def test_the_shipped_head_reads_the_clause_cosine() -> None:
    head = default_head()
    base = features(0.5, 0.35, {"cover": 0.2}, None, False, "same side")
    clause = features(0.5, 0.35, {"cover": 0.2}, None, False, "same side", cos_part=0.75)
    assert head.p(clause) > head.p(base)
