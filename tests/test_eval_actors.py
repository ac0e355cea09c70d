"""The actor gold scorer (claimwatch.eval.actors): its matching rules on hand-made cases, the frozen gold file's
shape, and the full evaluation on the shared news samples when they are there."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from data_fixtures import shared_dir

from claimwatch.eval.actors import (GOLD_NAME, GoldItem, actor_correct, claim_at_cue, country_right, load_gold,
                                    org_name_matches, person_name_matches, score)
from claimwatch.schema import ActorOut, ArticleOut, ClaimOut, ContentOut, SpanOut

GOLD_DIR = Path(__file__).parent / "gold_real"


def item(**kw) -> GoldItem:
    base = dict(item="X1", corpus="c", article_id="a1", split="dev", cue=(10, 14), attribution=True,
                speaker_text="Peskov", pronoun=False, referent="Dmitry Peskov", type="person", country="RUS",
                country_in_article=True)
    return GoldItem(**{**base, **kw})


def actor(name: str, type_: str = "person", country=None) -> ActorOut:
    return ActorOut(id="x", name=name, type=type_, country=country)


def test_person_names():
    assert person_name_matches("Volodymyr Zelensky", "Volodymyr Zelenskyy")
    assert person_name_matches("Dmitry Peskov", "Peskov")
    assert not person_name_matches("Vladimir Putin", "Vladimir Putin Biden")  # a fused name
    assert not person_name_matches("Liam Fox", "Tony Blair")


def test_organisation_names():
    assert org_name_matches("Conservative Party", "the Conservative Party")
    assert org_name_matches("North Atlantic Treaty Organization", "NATO")
    assert not org_name_matches("OPEC+", "NATO")


def test_country_rules():
    assert country_right(item(), "RUS")
    assert not country_right(item(), None)  # the article shows it
    assert country_right(item(country_in_article=False), None)  # only common knowledge tells it
    assert not country_right(item(country=None, country_in_article=None), "NOR")  # speaking for a body


def test_actor_correct_reasons():
    assert actor_correct(item(), actor("Dmitry Peskov", country="RUS")) == (True, "ok")
    assert actor_correct(item(), actor("Dmitry Peskov", "unknown", "RUS"))[1] == "type"
    assert actor_correct(item(), actor("he"))[1] == "pronoun actor"
    assert actor_correct(item(), None)[1] == "no speaker actor"
    state = item(referent="Russian Ministry of Defence", type="military")
    assert actor_correct(state, actor("Russian military", "military", "RUS"))[0]  # states: country decides
    unnamed = item(referent="unnamed officials", type="anonymous", country=None, country_in_article=None)
    assert actor_correct(unnamed, actor("officials", "unknown"))[0]


def _claim(cue: tuple[int, int], name: str, country=None) -> ClaimOut:
    text = "x" * 40
    span = SpanOut(start=0, end=5, text=text[:5])
    return ClaimOut(id="c", speaker=span, resolved_speaker=name, cue=SpanOut(start=cue[0], end=cue[1], text="said"),
                    content=ContentOut(start=20, end=30, text=text[20:30]), kind="indirect", polarity="asserts",
                    hedged=False, hedges=[], relay=[], speaker_actor=actor(name, country=country))


def test_score_counts_and_cue_matching():
    gold = [item(), item(item="X2", cue=(30, 34), attribution=False, speaker_text="", type="none", referent="")]
    out = {"a1": ArticleOut(id="a1", claims=[_claim((11, 15), "Dmitry Peskov", "RUS"), _claim((31, 35), "it")])}
    report = score(gold, out)
    assert report["speaker_items"] == 1 and report["correct"] == 1
    assert report["non_attribution_kept"] == 1 and report["pronoun_actor_claims"] == 1
    assert claim_at_cue(out["a1"].claims, (0, 5)) is None


def test_the_frozen_gold_file():
    items = load_gold(GOLD_DIR / GOLD_NAME, "all")
    assert len(items) == 420 and {i.split for i in items} == {"dev", "test"}
    assert len({i.item for i in items}) == 420
    for line in (GOLD_DIR / GOLD_NAME).read_text(encoding="utf-8").splitlines():
        assert "text" not in json.loads(line)  # offsets only, no article text


def test_eval_actors_on_the_shared_samples(nlp, tmp_path):
    news = shared_dir("news")
    if not (news / "bbc_news_2004_2005_sample.jsonl").is_file():
        pytest.skip("../shared/data/news is not here")
    from claimwatch.eval.actors import evaluate

    gold = [json.loads(x) for x in (GOLD_DIR / GOLD_NAME).read_text(encoding="utf-8").splitlines()]
    few = [g for g in gold if g["split"] == "dev"][:12]
    (tmp_path / GOLD_NAME).write_text("".join(json.dumps(g) + "\n" for g in few), encoding="utf-8")
    report = evaluate(nlp, news, split="dev", gold_dir=tmp_path)
    assert report["items"] == 12 and report["articles"] == len({g["article_id"] for g in few})
    assert 0 < report["speaker_items"] <= 12
    assert report["pronoun_actor_claims"] == 0
