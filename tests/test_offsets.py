"""Property: whatever the pipeline extracts, every span points into the original text.

Articles are random concatenations of self-written sentences chosen to stress offsets: straight, curly and
unbalanced quotes, boilerplate lines that get masked, emoji and other astral characters, accented names,
CRLF and mixed line endings, tabs and non-breaking spaces.
"""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from claimwatch.pipeline import extract_articles
from claimwatch.schema import Article

SENTENCES = [
    'The minister said that taxes would rise next year.',
    '"We will not resign," the mayor told reporters.',
    '\u201cThe talks were useful,\u201d said Ana\u00efs Lef\u00e8vre, \u201cbut nothing is agreed.\u201d',
    '\u2018It\u2019s over,\u2019 the coach admitted.',
    'According to the police, two men were arrested near the stadium.',
    'She said: "We have waited long enough. It is time to act.',
    '"Unclosed quotes are everywhere in scraped news, he said.',
    '\u201dBackwards\u201c quotes, she wrote, \u201care rare.',
    'Also read | Minister says prices will fall \U0001F4C9',
    'READ MORE: "We are ready," says army chief',
    'Photo: J\u00fcrgen M\u00fcller / Northern Press',
    'The company denied that it had misled investors.',
    'Jos\u00e9 \u00c1lvarez, the club\u2019s president, said the deal could collapse \U0001F937\u200d\u2642\ufe0f.',
    'The bridge was built in 2018.',
    'State media reported, citing the defence ministry, that the drill had ended.',
    'Government spokesman Ivo Petrenko said the claims were \u201cabsurd\u201d. \U0001F600\U0001F600',
    'The report\u2019s conclusion that the plant was safe was disputed.',
    '\u00bbGuillemets\u00ab are used too, a translator noted.',
    '""',
    '\u201c',
    '\u00c9lodie said\u00a0the\ttrain was late.',
    '\u0141ukasz Nowak told TV\u00a0Polonia that he would run again.',
    '"Multi-line\r\nquote," he said.',
    'Prices rose 3%\u2014the fastest pace in a decade\u2014officials said.',
]
SEPARATORS = [" ", "\n", "\r\n", "\n\n", "\r\n\r\n", "\r", "", "  "]

articles = st.lists(
    st.tuples(st.sampled_from(SENTENCES), st.sampled_from(SEPARATORS)), min_size=1, max_size=8
).map(lambda parts: "".join(s + sep for s, sep in parts))


def _check(text: str, span, what: str) -> None:
    assert 0 <= span.start <= span.end <= len(text), (what, span)
    assert text[span.start : span.end] == span.text, (what, span, text[span.start : span.end])


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=articles)
def test_claim_spans_point_into_text(nlp, text):
    (out,) = list(extract_articles(nlp, [Article(id="prop", text=text)]))
    for claim in out.claims:
        for what, span in (("speaker", claim.speaker), ("cue", claim.cue), ("addressee", claim.addressee)):
            if span is not None:
                _check(text, span, what)
        for span in claim.relay:
            _check(text, span, "relay")
        content = claim.content
        assert 0 <= content.start <= content.end <= len(text), content
        if content.spans:
            # Discontinuous content: its text joins the parts, so each part is checked instead.
            for part in content.spans:
                _check(text, part, "content part")
                assert content.start <= part.start and part.end <= content.end, (content, part)
        else:
            _check(text, content, "content")
