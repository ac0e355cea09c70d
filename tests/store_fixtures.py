"""Builders and sample data for the store tests: articles, claims, the populated store, hypothesis strategies."""
from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterable, Iterator, Optional

from hypothesis import strategies as st

from claimwatch.schema import (
    ActorMentionOut, ActorOut, Article, ArticleOut, ClaimOut, ContentOut, PlaceOut, SpanOut,
)

# -- builders ----------------------------------------------------------------------------------------------------


def span(text: str, sub: str, nth: int = 0) -> SpanOut:
    """The nth occurrence of ``sub`` in ``text`` as a SpanOut (offsets checked by construction)."""
    start = -1
    for _ in range(nth + 1):
        start = text.index(sub, start + 1)
    return SpanOut(text=sub, start=start, end=start + len(sub))


def claim(
    text: str,
    content: str,
    *,
    speaker: Optional[str] = None,
    resolved: Optional[str] = None,
    cue: Optional[str] = None,
    cid: Optional[str] = None,
    polarity: str = "asserts",
    kind: str = "indirect",
) -> ClaimOut:
    c = span(text, content)
    return ClaimOut(
        id=cid or f"c-{c.start}-{c.end}-{abs(hash(text)) % 10**8}",
        speaker=span(text, speaker) if speaker else None,
        resolved_speaker=resolved,
        cue=span(text, cue) if cue else None,
        cue_class="assert" if cue else None,
        content=ContentOut(text=c.text, start=c.start, end=c.end),
        kind=kind,  # type: ignore[arg-type]
        polarity=polarity,  # type: ignore[arg-type]
        hedged=False,
    )


def article(aid: str, text: str, claims: Iterable[ClaimOut] = (), **meta) -> tuple[Article, ArticleOut]:
    a = Article(id=aid, text=text, **meta)
    out = ArticleOut(id=aid, title=a.title, date=a.date, outlet=a.outlet, url=a.url, claims=list(claims))
    return a, out


T1 = "Biden said the economy is strong. Officials in Kyiv denied the report."
T2 = "Émile Zola wrote that the truth is on the march, according to Le Monde."
T3 = "The spokesperson told reporters that inflation would fall next year."


def rich_claim() -> tuple[str, ClaimOut]:
    """A claim with every optional part: discontinuous content, addressee, relay, hedges."""
    text = '"We will win," the minister told parliament, citing aides, "and soon."'
    p1, p2 = span(text, "We will win"), span(text, "and soon")
    return text, ClaimOut(
        id="rich-1",
        speaker=span(text, "the minister"),
        resolved_speaker="Ministre Élodie Dupont",
        speaker_role="minister",
        cue=span(text, "told"),
        cue_class="assert",
        content=ContentOut(text=f"{p1.text} … {p2.text}", start=p1.start, end=p2.end, spans=[p1, p2]),
        kind="direct",
        polarity="asserts",
        hedged=True,
        hedges=["will", "soon"],
        addressee=span(text, "parliament"),
        relay=[span(text, "aides")],
    )


def populate(store):
    """Three articles, four claims: the data the query tests of test_store.py and test_store_contract.py read."""
    store.add_article(*article(
        "a1", T1,
        [claim(T1, "the economy is strong", speaker="Biden", resolved="Joe Biden", cue="said", cid="c1"),
         claim(T1, "the report", speaker="Officials in Kyiv", cue="denied", cid="c2", polarity="denies")],
        date="2024-03-05", outlet="Reuters", title="Economy", url="https://example.com/a1",
    ))
    store.add_article(*article(
        "a2", T2,
        [claim(T2, "the truth is on the march", speaker="Émile Zola", resolved="Émile Zola", cue="wrote", cid="c3")],
        date="2024-03-06T09:30:00", outlet="Le Monde",
    ))
    store.add_article(*article(
        "a3", T3,
        [claim(T3, "inflation would fall next year", speaker="The spokesperson", cue="told", cid="c4")],
    ))  # no date, no outlet
    return store


# -- hypothesis strategies ---------------------------------------------------------------------------------------

any_text = st.text(max_size=30)
any_offset = st.integers(min_value=0, max_value=2**40)
_spans = st.builds(SpanOut, text=any_text, start=any_offset, end=any_offset)
_opt_span = st.none() | _spans
_contents = st.builds(ContentOut, text=any_text, start=any_offset, end=any_offset,
                      spans=st.none() | st.lists(_spans, max_size=3))
_code = st.none() | st.text(min_size=1, max_size=4)
_actors = st.builds(ActorOut, id=st.text(min_size=1, max_size=20), name=any_text, type=any_text, country=_code,
                    sector=_code)
_coord = st.none() | st.floats(allow_nan=False, allow_infinity=False)
_mentions = st.builds(ActorMentionOut, text=any_text, start=any_offset, end=any_offset, actor=_actors)
_places = st.builds(PlaceOut, text=any_text, start=any_offset, end=any_offset, name=any_text, country=_code,
                    lat=_coord, lon=_coord, gazetteer_id=st.none() | any_text)
any_claim = st.builds(
    ClaimOut,
    id=st.text(min_size=1, max_size=20),
    speaker=_opt_span,
    resolved_speaker=st.none() | any_text,
    speaker_role=st.none() | any_text,
    cue=_opt_span,
    cue_class=st.none() | any_text,
    content=_contents,
    kind=st.sampled_from(["direct", "indirect", "mixed", "nominal", "according_to"]),
    polarity=st.sampled_from(["asserts", "denies"]),
    hedged=st.booleans(),
    hedges=st.lists(any_text, max_size=3),
    addressee=_opt_span,
    relay=st.lists(_spans, max_size=3),
    speaker_actor=st.none() | _actors,
    actors=st.lists(_mentions, max_size=3),
    places=st.lists(_places, max_size=3),
)


# -- one article with actors and places ------------------------------------------------------------------------

ACTOR_TEXT = ("Russia said its troops were leaving Crimea. The West alleged that Moscow was lying. "
        "Peskov said the withdrawal had a schedule. NATO said Russia was not leaving.")

RUS = ActorOut(id="RUS", name="Russia", type="country", country="RUS")
RUS_GOV = ActorOut(id="RUS-GOV", name="Russian government", type="government", country="RUS", sector="GOV")
WEST = ActorOut(id="bloc:west", name="the West", type="bloc")
PESKOV = ActorOut(id="person:dmitry-peskov", name="Dmitry Peskov", type="person", country="RUS", sector="GOV")
NATO = ActorOut(id="igo:nato", name="NATO", type="igo")


def actor_span(sub: str, nth: int = 0) -> SpanOut:
    start = -1
    for _ in range(nth + 1):
        start = ACTOR_TEXT.index(sub, start + 1)
    return SpanOut(text=sub, start=start, end=start + len(sub))


def actor_claim(cid: str, speaker: str, content: str, actor: Optional[ActorOut], mentions=(), places=()) -> ClaimOut:
    c = actor_span(content)
    return ClaimOut(
        id=cid, speaker=actor_span(speaker), resolved_speaker=speaker, cue=None,
        content=ContentOut(text=c.text, start=c.start, end=c.end), kind="indirect", polarity="asserts",
        hedged=False, speaker_actor=actor,
        actors=[ActorMentionOut(**actor_span(text).model_dump(), actor=a) for text, a in mentions],
        places=list(places),
    )


CRIMEA = PlaceOut(**actor_span("Crimea").model_dump(), name="Crimea", country="UKR", lat=45.0, lon=34.0,
                  gazetteer_id="geonames:703883")
ACTOR_CLAIMS = [
    actor_claim("c1", "Russia", "its troops were leaving Crimea", RUS, places=[CRIMEA]),
    actor_claim("c2", "The West", "Moscow was lying", WEST, mentions=[("Moscow", RUS_GOV)]),
    actor_claim("c3", "Peskov", "the withdrawal had a schedule", PESKOV),
    actor_claim("c4", "NATO", "Russia was not leaving", NATO, mentions=[("Russia", RUS)]),
]


# -- wire copies (dedup) ---------------------------------------------------------------------------------------

WIRE = ("KYIV (Wire) - The defence minister said on Tuesday that troops had pulled back from two villages near the "
        "river after heavy shelling overnight, and that a new line of defence was being prepared to the west. "
        "Officials said civilians had been evacuated from the area and that aid convoys would resume on Thursday "
        "if the roads were safe. The ministry gave no figures for casualties.")
# The same wire story as another outlet runs it: a new first line and one changed word.
COPY = "Updated 10:42 GMT\n" + WIRE.replace("heavy shelling", "intense shelling")
OTHER = ("The central bank raised its main interest rate by half a point on Wednesday, saying inflation had stayed "
         "above its target for longer than expected and that wages were rising quickly in most sectors of the "
         "economy. Analysts said another increase was likely before the end of the year.")


class FakePipeline:
    """Stands in for the NLP: one claim (the first ten characters) per article."""

    def extract(self, articles: Iterable[Article]) -> Iterator[ArticleOut]:
        for a in articles:
            yield ArticleOut(id=a.id, title=a.title, date=a.date, outlet=a.outlet, url=a.url, claims=[
                ClaimOut(id=f"c-{a.id}", speaker=None, resolved_speaker=None, cue=None,
                         content=ContentOut(text=a.text[:10], start=0, end=10), kind="indirect",
                         polarity="asserts", hedged=False)])


fake_pipeline = FakePipeline()


class SpyPipeline:
    """Stands in for the NLP: records what it was given, returns prepared results."""

    def __init__(self, results: dict[str, list[ClaimOut]]) -> None:
        self.results = results
        self.seen: list[str] = []

    def extract(self, articles: Iterable[Article]) -> Iterator[ArticleOut]:
        for a in articles:
            self.seen.append(a.id)
            yield ArticleOut(id=a.id, date=a.date, outlet=a.outlet, claims=self.results.get(a.id, []))


def art(id_: str, text: str, outlet: str) -> Article:
    return Article(id=id_, text=text, outlet=outlet, url=f"https://{outlet.lower()}.example/{id_}", date="2024-05-07")


# -- a store file from the release before the one-implementation store ------------------------------------------

LEGACY_SQL = Path(__file__).parent / "fixtures" / "legacy_store_v10.sql"


def legacy_file(tmp_path: Path, *more_sql: str) -> Path:
    """The fixture replayed into a file, then ``more_sql``."""
    path = tmp_path / "legacy.db"
    con = sqlite3.connect(path)
    con.executescript(LEGACY_SQL.read_text(encoding="utf-8") + ";\n".join(more_sql))
    con.close()
    return path


@contextmanager
def checker_over(path: Path, nlp: Any, text: str, **checker_args: Any) -> Iterator[Any]:
    """A store holding one self-written article (run through the pipeline), and a ``check`` Checker over it."""
    from claimwatch.disputes.check import Checker
    from claimwatch.pipeline import extract_articles
    from claimwatch.store.sqlite import SqliteStore

    a = Article(id=path.stem, text=text, date="2031-03-01", outlet="Test Wire")
    with SqliteStore(path) as store:
        store.add_article(a, next(extract_articles(nlp, [a])))
        yield Checker(store, nlp=nlp, **checker_args)
