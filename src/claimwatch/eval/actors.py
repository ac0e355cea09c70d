"""Score speaker actors against the blind actor gold set (tests/gold_real/actors.v1.jsonl).

The protocol is pre-registered in docs/EVALUATION.md, "Speaker actors on real news (actor gold v1)"; the labellers'
guide is docs/ACTOR-LABELLING.md. Gold items point at a claim's cue by article id and character offsets in the shared
news samples, so no article text is stored here.
"""
from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Callable, Iterable, Optional

from ..errors import ClaimwatchError
from ..nlp.actors import PRONOUNS
from ..schema import ActorOut, Article, ArticleOut, ClaimOut

GOLD_NAME = "actors.v1.jsonl"  # in tests/gold_real of a source checkout (dispute_gold.default_gold_dir)

TYPE_GROUP = {
    "person": "person",
    "country": "state", "government": "state", "military": "state",
    "organisation": "organisation", "media": "organisation", "igo": "organisation", "bloc": "organisation",
    "anonymous": "unnamed", "document": "unnamed",
}
SURNAME_SIMILARITY = 0.8


@dataclass(frozen=True)
class GoldItem:
    item: str
    corpus: str
    article_id: str
    split: str
    cue: tuple[int, int]
    attribution: bool
    speaker_text: str
    pronoun: bool
    referent: str
    type: str
    country: Optional[str]
    country_in_article: Optional[bool]

    @property
    def speaker_item(self) -> bool:
        return self.attribution and bool(self.speaker_text) and self.type in TYPE_GROUP


def load_gold(path: Path, split: str = "dev") -> list[GoldItem]:
    items = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        x = json.loads(line)
        if split != "all" and x["split"] != split:
            continue
        items.append(GoldItem(item=x["item"], corpus=x["corpus"], article_id=x["article_id"], split=x["split"],
                              cue=(x["cue_start"], x["cue_end"]), attribution=x["attribution"],
                              speaker_text=x["speaker_text"], pronoun=x["pronoun"], referent=x["referent"],
                              type=x["type"], country=x["country"], country_in_article=x["country_in_article"]))
    return items


def read_articles(news_dir: Path, wanted: dict[str, set[str]]) -> list[Article]:
    """The gold items' articles, from ``news_dir/<corpus>.jsonl``."""
    out = []
    for corpus, ids in sorted(wanted.items()):
        path = news_dir / f"{corpus}.jsonl"
        if not path.is_file():
            raise ClaimwatchError(f"news sample not found: {path} (expected the shared data's news/ folder)")
        with path.open(encoding="utf-8") as fh:
            for line in fh:
                rec = json.loads(line)
                if rec.get("id") in ids:
                    out.append(Article(id=rec["id"], text=rec["text"], title=rec.get("title"),
                                       date=rec.get("date"), outlet=rec.get("outlet")))
    missing = set().union(*wanted.values()) - {a.id for a in out}
    if missing:
        raise ClaimwatchError(f"{len(missing)} gold articles missing from {news_dir}, e.g. {sorted(missing)[0]}")
    return out


# ---------------------------------------------------------------------------------------------------- matching


def _fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).casefold()


def _words(s: str) -> list[str]:
    return re.findall(r"[\w'’-]+", _fold(s))


def _similar(a: str, b: str) -> bool:
    return a == b or SequenceMatcher(None, a, b).ratio() >= SURNAME_SIMILARITY


def person_name_matches(referent: str, name: str) -> bool:
    """The referent's surname is a word of the actor's name, and the name has no capitalised word foreign to it."""
    ref = _words(referent)
    if not ref:
        return False
    got = _words(name)
    if not any(_similar(ref[-1], w) for w in got):
        return False
    foreign = [w for w, raw in zip(got, re.findall(r"[\w'’-]+", name)) if raw[:1].isupper()
               and not any(_similar(w, r) for r in ref)]
    return not foreign


def _acronym(words: list[str]) -> str:
    return "".join(w[0] for w in words if w not in {"of", "the", "for", "and"})


def org_name_matches(referent: str, name: str) -> bool:
    ref, got = _words(referent), _words(name)
    if {w for w in ref if len(w) >= 4} & {w for w in got if len(w) >= 4}:
        return True
    return any(len(a) >= 2 and a in (_acronym(ref), "".join(ref)) for a in got) or \
        any(len(a) >= 2 and a in (_acronym(got), "".join(got)) for a in ref)


def country_right(gold: GoldItem, country: Optional[str]) -> bool:
    if country is None:
        return gold.country is None or gold.country_in_article is not True
    return country == gold.country


def actor_correct(gold: GoldItem, actor: Optional[ActorOut]) -> tuple[bool, str]:
    """Whether ``actor`` is right for the gold speaker item, and if not, why (a short reason)."""
    if actor is None:
        return False, "no speaker actor"
    if is_pronoun_actor(actor):
        return False, "pronoun actor"
    want = TYPE_GROUP[gold.type]
    got = TYPE_GROUP.get(actor.type, "unnamed" if actor.type == "unknown" else actor.type)
    if want == "unnamed":
        if got == "person":
            return False, "type"
    elif got != want:
        return False, "type"
    if not country_right(gold, actor.country):
        return False, "country"
    if want == "person" and not person_name_matches(gold.referent, actor.name):
        return False, "name"
    if want == "organisation" and not org_name_matches(gold.referent, actor.name):
        return False, "name"
    return True, "ok"


def is_pronoun_actor(actor: ActorOut) -> bool:
    return _fold(actor.name).strip(" .,'\"’") in PRONOUNS


def claim_at_cue(claims: Iterable[ClaimOut], cue: tuple[int, int]) -> Optional[ClaimOut]:
    best, best_overlap = None, 0
    for c in claims:
        if c.cue is None:
            continue
        ov = min(c.cue.end, cue[1]) - max(c.cue.start, cue[0])
        if ov > best_overlap:
            best, best_overlap = c, ov
    return best


# ---------------------------------------------------------------------------------------------------- scoring


def score(gold: list[GoldItem], outputs: dict[str, ArticleOut]) -> dict[str, Any]:
    reasons: Counter = Counter()
    rows = []
    speaker_items = correct = no_claim = 0
    false_cues = kept_false = 0
    for g in gold:
        claim = claim_at_cue(outputs[g.article_id].claims, g.cue)
        if not g.attribution:
            false_cues += 1
            kept_false += claim is not None
            continue
        if not g.speaker_item:
            continue
        speaker_items += 1
        if claim is None:
            no_claim += 1
            ok, why = False, "no claim at cue"
        else:
            ok, why = actor_correct(g, claim.speaker_actor)
        correct += ok
        reasons[why] += 1
        rows.append({"item": g.item, "ok": ok, "why": why, "referent": g.referent, "type": g.type,
                     "country": g.country, "speaker": claim.speaker.text if claim and claim.speaker else None,
                     "actor": claim.speaker_actor.model_dump() if claim and claim.speaker_actor else None})
    pronoun_actors = sorted({c.speaker_actor.name for out in outputs.values() for c in out.claims
                             if c.speaker_actor is not None and is_pronoun_actor(c.speaker_actor)})
    n_pron = sum(1 for out in outputs.values() for c in out.claims
                 if c.speaker_actor is not None and is_pronoun_actor(c.speaker_actor))
    return {
        "items": len(gold), "articles": len(outputs), "speaker_items": speaker_items,
        "speaker_actor_accuracy": correct / speaker_items if speaker_items else 0.0,
        "correct": correct, "no_claim_at_cue": no_claim, "reasons": dict(reasons.most_common()),
        "pronoun_actor_claims": n_pron, "pronoun_actor_names": pronoun_actors,
        "non_attribution_items": false_cues, "non_attribution_kept": kept_false,
        "rows": rows,
    }


def evaluate(nlp: Any, news_dir: Path, split: str = "dev", gold_dir: Optional[Path] = None,
             progress: Optional[Callable[[str], None]] = None) -> dict[str, Any]:
    from ..pipeline import extract_articles
    from .dispute_gold import default_gold_dir

    gold = load_gold((gold_dir or default_gold_dir()) / GOLD_NAME, split)
    wanted: dict[str, set[str]] = {}
    for g in gold:
        wanted.setdefault(g.corpus, set()).add(g.article_id)
    articles = read_articles(news_dir, wanted)
    outputs: dict[str, ArticleOut] = {}
    for n, out in enumerate(extract_articles(nlp, articles), 1):
        outputs[out.id] = out
        if progress and (n % 25 == 0 or n == len(articles)):
            progress(f"{n}/{len(articles)} articles")
    report = score(gold, outputs)
    report["split"] = split
    return report
