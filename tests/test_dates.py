"""Dates: expressions in claims resolved against the article date (ISO value + precision)."""
from __future__ import annotations

from datetime import date

import pytest

from claimwatch.nlp.dates import find_article_date, find_dates
from claimwatch.schema import Article

THURSDAY = date(2022, 2, 17)  # the article date of the founding example: a Thursday


def one(text: str, anchor=THURSDAY, **kw):
    found = find_dates(text, anchor, **kw)
    assert len(found) == 1, found
    d = found[0]
    return text[d.start : d.end], d.value, d.precision, d.resolved


@pytest.mark.parametrize("text, expr, value, precision", [
    ("troops left on Tuesday", "Tuesday", "2022-02-15", "day"),
    ("Russia on Thursday announced", "Thursday", "2022-02-17", "day"),  # the article's own day
    ("last Thursday", "last Thursday", "2022-02-10", "day"),
    ("another withdrawal earlier in the week", "earlier in the week", "2022-02-14", "week"),
    ("it happened last month", "last month", "2022-01", "month"),
    ("by the end of February", "by the end of February", "2022-02-28", "day"),
    ("talks resume next week", "next week", "2022-02-21", "week"),
    ("said yesterday", "yesterday", "2022-02-16", "day"),
    ("three days ago", "three days ago", "2022-02-14", "day"),
    ("on 24 February 2022", "24 February 2022", "2022-02-24", "day"),
    ("on February 24", "February 24", "2022-02-24", "day"),
    ("in March", "March", "2022-03", "month"),
    ("in December", "December", "2021-12", "month"),  # the December nearest a February article
    ("since 2014", "2014", "2014", "year"),
    ("on 2021-11-03", "2021-11-03", "2021-11-03", "day"),
    ("last year", "last year", "2021", "year"),
    ("by the end of the month", "by the end of the month", "2022-02-28", "day"),
])
def test_resolved_against_article_date(text, expr, value, precision) -> None:
    assert one(text) == (expr, value, precision, True)


def test_future_clause_reads_weekday_forward() -> None:
    assert one("they will meet on Tuesday", future=True)[1:3] == ("2022-02-22", "day")


def test_no_article_date_keeps_relative_expressions_unresolved() -> None:
    assert one("earlier in the week", anchor=None) == ("earlier in the week", None, "week", False)
    assert one("on Tuesday", anchor=None) == ("Tuesday", None, "day", False)
    # Absolute dates with a year still resolve.
    assert one("on 24 February 2022", anchor=None)[1:] == ("2022-02-24", "day", True)


def test_may_the_modal_is_not_a_month() -> None:
    assert find_dates("troops may withdraw", THURSDAY) == []
    assert one("in May")[1] == "2022-05"


def test_article_date_from_dateline() -> None:
    assert find_article_date("KYIV, Feb 17, 2022 (Reuters) - Russia said...") == "2022-02-17"
    assert find_article_date("Published 17 February 2022\n\nRussia said...") == "2022-02-17"
    assert find_article_date("Russia said troops would leave.") is None


def test_pipeline_dates(nlp) -> None:
    from claimwatch.pipeline import extract_articles

    text = "Russia said on Tuesday that it had withdrawn troops earlier in the week."
    (out,) = extract_articles(nlp, [Article(id="d", text=text, date="2022-02-17")])
    dates = {d.text: (d.value, d.precision, d.resolved) for c in out.claims for d in c.dates}
    assert dates["Tuesday"] == ("2022-02-15", "day", True)
    assert dates["earlier in the week"] == ("2022-02-14", "week", True)
    for c in out.claims:
        for d in c.dates:
            assert text[d.start : d.end] == d.text

    (undated,) = extract_articles(nlp, [Article(id="u", text=text)])
    assert undated.date is None
    assert all(not d.resolved and d.value is None for c in undated.claims for d in c.dates)
    assert any(c.dates for c in undated.claims)

    dated_in_text = "MOSCOW, February 17, 2022 - " + text
    (fromtext,) = extract_articles(nlp, [Article(id="x", text=dated_in_text)])
    assert fromtext.date == "2022-02-17"
    assert any(d.resolved for c in fromtext.claims for d in c.dates)
