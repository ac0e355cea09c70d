"""Inputs beyond plain text: HTML, RSS, WARC, gzip/zstd, Parquet with a field mapping, language filter (all self-written)."""
from __future__ import annotations

import gzip
import io
import json
from pathlib import Path

import pytest

from claimwatch.ingest.boilerplate import mask_boilerplate
from claimwatch.ingest.readers import FieldMap, InputProblem, read_articles

BODY_1 = ("The minister said on Tuesday that the government would raise taxes on fuel next year, according to "
          "officials in the capital.")
BODY_2 = "Opposition leaders said the plan would hurt families and called for a vote in parliament before summer."
TEASER = "Also read | Ten things you did not know about fuel taxes"
PAGE = f"""<!DOCTYPE html><html><head><title>Minister speaks</title>
<meta property="og:site_name" content="Daily Planet"><link rel="canonical" href="https://example.org/fuel">
<meta name="date" content="2024-05-06"></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav><article><h1>Minister speaks</h1>
<p>{BODY_1}</p><p>{TEASER}</p><p>{BODY_2}</p></article><footer>Copyright 2024 Daily Planet</footer></body></html>"""

FRENCH = ("Le ministre a déclaré mardi que le gouvernement augmenterait les taxes sur le carburant l'année "
          "prochaine, selon des responsables de la capitale. L'opposition a dénoncé un plan injuste.")


def read(paths, **kw):
    problems: list[InputProblem] = []
    articles = list(read_articles([str(p) for p in paths], problems=problems, **kw))
    return articles, problems


def test_html_page_main_text_metadata_and_teaser_masked(tmp_path: Path) -> None:
    page = tmp_path / "fuel.html"
    page.write_text(PAGE, encoding="utf-8")
    [article], problems = read([page])
    assert problems == []
    assert article.id == "fuel"
    assert BODY_1 in article.text and BODY_2 in article.text
    assert "Home" not in article.text and "Copyright" not in article.text
    assert (article.title, article.date, article.outlet, article.url) == (
        "Minister speaks", "2024-05-06", "Daily Planet", "https://example.org/fuel")
    # trafilatura keeps the teaser; the boilerplate mask blanks it (same length, offsets unchanged).
    assert TEASER in article.text
    masked = mask_boilerplate(article.text)
    assert len(masked) == len(article.text) and TEASER not in masked and BODY_1 in masked


def test_html_without_text_is_a_problem(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><head><title>x</title></head><body><img src='a.png'></body></html>", encoding="utf-8")
    articles, problems = read([page])
    assert articles == [] and len(problems) == 1 and "no article text" in problems[0].message


RSS = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<title>Wire Feed</title><link>https://wire.example</link><description>news</description>
<item><title>Fuel taxes</title><link>https://wire.example/fuel</link><guid>wire-1</guid>
<pubDate>Mon, 06 May 2024 09:30:00 GMT</pubDate>
<content:encoded><![CDATA[<p>{BODY_1}</p><p>{TEASER}</p><p>{BODY_2}</p>]]></content:encoded></item>
<item><title>Short</title><link>https://wire.example/short</link>
<description>Police said nobody had been arrested.</description></item>
<item><title>Empty</title><link>https://wire.example/empty</link></item>
</channel></rss>"""


def test_rss_file_one_article_per_entry(tmp_path: Path) -> None:
    feed = tmp_path / "wire.rss"
    feed.write_text(RSS, encoding="utf-8")
    articles, problems = read([feed])
    assert [a.id for a in articles] == ["wire-1", "https://wire.example/short"]
    first = articles[0]
    assert (first.title, first.outlet, first.url, first.date) == (
        "Fuel taxes", "Wire Feed", "https://wire.example/fuel", "2024-05-06T09:30:00+00:00")
    assert first.text.splitlines() == [BODY_1, TEASER, BODY_2]  # one line per paragraph: the teaser is maskable
    assert articles[1].text == "Police said nobody had been arrested."
    assert [(p.origin, p.message) for p in problems] == [
        (f"{feed}#3", "feed entry has no text (no content or summary)")]


def test_malformed_feed_is_one_problem_and_other_inputs_still_read(tmp_path: Path) -> None:
    bad = tmp_path / "bad.xml"
    bad.write_text("<rss><channel><item><title>unclosed", encoding="utf-8")
    good = tmp_path / "good.txt"
    good.write_text(BODY_1, encoding="utf-8")
    articles, problems = read([bad, good])
    assert [a.id for a in articles] == ["good"]
    # feedparser salvages what it can; what cannot be read is one problem naming the feed (or its entry).
    assert len(problems) == 1 and problems[0].origin.startswith(str(bad))
    assert "\n" not in str(problems[0])


def test_fetch_links_reads_the_linked_pages(tmp_path: Path) -> None:
    """--fetch-links: an entry gets its page's main text; a page that cannot be fetched keeps the feed's text."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Pages(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server's name)
            if self.path == "/fuel":
                body = PAGE.encode("utf-8")
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(body)
            else:
                self.send_error(404)

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Pages)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    feed = tmp_path / "links.rss"
    feed.write_text(f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Links</title>
<item><title>Fuel</title><link>{base}/fuel</link><description>A short teaser only.</description></item>
<item><title>Gone</title><link>{base}/gone</link><description>Police said nobody had been arrested.</description></item>
</channel></rss>""", encoding="utf-8")
    try:
        articles, problems = read([feed], fetch_links=True)
        plain, _ = read([feed])
    finally:
        server.shutdown()
    assert BODY_1 in articles[0].text and BODY_2 in articles[0].text and "teaser only" not in articles[0].text
    assert articles[1].text == "Police said nobody had been arrested."  # a 404: the feed's own text, kept
    assert [p.origin for p in problems] == [f"{feed}#2"] and "cannot fetch the linked page" in problems[0].message
    assert plain[0].text == "A short teaser only."  # without --fetch-links nothing is fetched


def test_fetch_links_without_network_gives_up_after_the_first_failure(tmp_path: Path) -> None:
    feed = tmp_path / "offline.rss"
    items = "".join(f"<item><title>t{k}</title><link>http://127.0.0.1:9/a{k}</link>"
                    f"<description>Officials said item {k} is ready.</description></item>" for k in range(3))
    feed.write_text(f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>',
                    encoding="utf-8")
    articles, problems = read([feed], fetch_links=True)
    assert [a.text for a in articles] == [f"Officials said item {k} is ready." for k in range(3)]
    assert "cannot fetch the linked page" in problems[0].message
    assert all("no network access" in p.message for p in problems[1:]) and len(problems) == 3


def test_feed_url_without_network_is_a_one_line_problem() -> None:
    # Port 9 on localhost: nothing listens, so this fails fast whether or not the network is reachable.
    articles, problems = read(["http://127.0.0.1:9/feed.xml"])
    assert articles == []
    assert len(problems) == 1 and "cannot fetch the feed" in problems[0].message and "\n" not in str(problems[0])


def _warc(path: Path, pages: list[tuple[str, str]], gz: bool = False) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=gz)
        for url, html in pages:
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            record = writer.create_warc_record(url, "response", payload=io.BytesIO(html.encode("utf-8")),
                                               http_headers=headers,
                                               warc_headers_dict={"WARC-Date": "2024-05-07T08:00:00Z"})
            writer.write_record(record)
        # A non-HTML response is passed over.
        headers = StatusAndHeaders("200 OK", [("Content-Type", "image/png")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record("https://example.org/x.png", "response",
                                                      payload=io.BytesIO(b"\x89PNG"), http_headers=headers))


@pytest.mark.parametrize("gz", [False, True])
def test_warc_html_responses_become_articles_with_record_url_and_date(tmp_path: Path, gz: bool) -> None:
    warc = tmp_path / ("crawl.warc.gz" if gz else "crawl.warc")
    other = PAGE.replace(BODY_1, "The mayor said the bridge would reopen in June after repairs were finished.")
    _warc(warc, [("https://example.org/fuel?utm=1", PAGE), ("https://example.org/bridge", other)], gz=gz)
    articles, problems = read([warc])
    assert problems == []
    assert [a.url for a in articles] == ["https://example.org/fuel?utm=1", "https://example.org/bridge"]
    assert {a.date for a in articles} == {"2024-05-07T08:00:00+00:00"}
    assert BODY_1 in articles[0].text and "bridge would reopen" in articles[1].text


def test_truncated_warc_keeps_good_records_and_names_the_bad_one(tmp_path: Path) -> None:
    full = tmp_path / "full.warc"
    _warc(full, [("https://example.org/a", PAGE), ("https://example.org/b", PAGE.replace("minister", "mayor"))])
    data = full.read_bytes()
    second = data.index(b"WARC/1.", 10)  # start of the second record (its request-less response)
    cut = tmp_path / "cut.warc"
    cut.write_bytes(data[: second + 300])
    articles, problems = read([cut])
    assert [a.url for a in articles] == ["https://example.org/a"]
    assert len(problems) == 1 and problems[0].origin.startswith(f"{cut}#2")
    assert "truncated" in problems[0].message


def test_gzipped_and_zstd_jsonl_and_text(tmp_path: Path) -> None:
    import zstandard

    lines = "".join(json.dumps({"id": f"r{i}", "text": f"{BODY_1} ({i})"}) + "\n" for i in range(3))
    gz = tmp_path / "feed.jsonl.gz"
    gz.write_bytes(gzip.compress(lines.encode("utf-8")))
    zst = tmp_path / "more.jsonl.zst"
    zst.write_bytes(zstandard.ZstdCompressor().compress(lines.replace('"r', '"z').encode("utf-8")))
    txt = tmp_path / "story.txt.gz"
    txt.write_bytes(gzip.compress(BODY_2.encode("utf-8")))
    articles, problems = read([gz, zst, txt])
    assert problems == []
    assert [a.id for a in articles] == ["r0", "r1", "r2", "z0", "z1", "z2", "story"]
    assert articles[0].origin == f"{gz}:1" and articles[-1].text == BODY_2
    # A directory walk picks up compressed inputs too.
    articles, _ = read([tmp_path])
    assert len(articles) == 7


def test_parquet_and_csv_with_field_mapping(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({"uid": ["p1", "p2"], "body_text": [BODY_1, BODY_2], "published": ["2024-05-06", None],
                      "source": ["Wire", "Planet"], "headline": ["A", "B"], "link": ["https://a", "https://b"]})
    pq.write_table(table, tmp_path / "dump.parquet")
    (tmp_path / "dump.csv").write_text("UID,Body_Text,Published\nc1,\"" + BODY_1 + "\",2024-05-08\n", encoding="utf-8")
    fields = FieldMap(text="body_text", id="uid", date="published", outlet="source", title="headline", url="link")
    articles, problems = read([tmp_path / "dump.parquet", tmp_path / "dump.csv"], fields=fields)
    assert problems == []
    assert [(a.id, a.date, a.outlet, a.title, a.url) for a in articles] == [
        ("p1", "2024-05-06", "Wire", "A", "https://a"), ("p2", None, "Planet", "B", "https://b"),
        ("c1", "2024-05-08", None, None, None)]
    assert articles[0].origin == f"{tmp_path / 'dump.parquet'}:row 1"


def test_csv_missing_mapped_text_column_is_one_problem(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("id,text\nx1,hello there\n", encoding="utf-8")
    articles, problems = read([bad], fields=FieldMap(text="body"))
    assert articles == []
    assert [(p.origin, p.message) for p in problems] == [(f"{bad}:1", "header has no 'body' column (found: id, text)")]


def test_non_english_articles_are_skipped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "en.txt").write_text(BODY_1 + " " + BODY_2, encoding="utf-8")
    (tmp_path / "fr.txt").write_text(FRENCH, encoding="utf-8")
    (tmp_path / "short.txt").write_text("Le ministre a parlé.", encoding="utf-8")  # too short to judge: kept
    skipped: list[InputProblem] = []
    articles, problems = read([tmp_path], languages={"en"}, skipped=skipped)
    assert problems == []
    assert [a.id for a in articles] == ["en", "short"]
    assert [(p.origin, p.message) for p in skipped] == [(str(tmp_path / "fr.txt"), "skipped: language is 'fr', not en")]
    # Without a language filter everything is read.
    articles, _ = read([tmp_path])
    assert len(articles) == 3
