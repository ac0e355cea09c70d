"""Precision of extracted claims on real news, judged by hand: draw a blind packet, then score the judges' labels.

The protocol (pre-registered in docs/EVALUATION.md, "Claims on real news"): shuffle the articles of a news sample
with ``random.Random(seed)``, leave out the articles an earlier draw used (its seed's first ``articles``), extract
the next ``articles`` with the pipeline under test, and draw ``n`` of all their claims with the same seed. Judges see
each claim (speaker as written, who it resolves to, cue, content) with its sentence marked in the article, never
anything the system scored; they label it right / partly / wrong by docs/CLAIM-JUDGING.md. Where judges differ,
the lower label counts. Article texts go into the packet folder, which stays outside the repository.
"""
from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from ..errors import ClaimwatchError
from ..schema import Article, ClaimOut, reports_statement

LABELS = ("wrong", "partly", "right")  # in rising order: the lower of two judges' labels counts
CONTEXT_CHARS = 300
GUIDE = Path(__file__).resolve().parents[3] / "docs" / "CLAIM-JUDGING.md"


def article_order(articles: Sequence[Article], seed: int) -> list[Article]:
    """The articles in the draw's order: ``random.Random(seed).shuffle`` of the sample's order."""
    order = list(articles)
    random.Random(seed).shuffle(order)
    return order


def drawn_articles(articles: Sequence[Article], seed: int, count: int,
                   exclude_seeds: Iterable[int] = (), exclude_ids: Iterable[str] = ()) -> list[Article]:
    """The ``count`` articles a draw with ``seed`` extracts, leaving out those earlier draws used: by their seeds
    (the first ``count`` of each seed's order, which is exact only for a draw that itself excluded nothing) or by
    the article ids their keys record (``exclude_ids``; exact for any draw)."""
    used = {a.id for s in exclude_seeds for a in article_order(articles, s)[:count]} | set(exclude_ids)
    return [a for a in article_order(articles, seed) if a.id not in used][:count]


def key_articles(key: dict[str, Any]) -> list[str]:
    """The article ids an earlier draw's key says it extracted (``article_ids``), else those of its drawn claims."""
    return list(key.get("article_ids") or {row["article_id"] for row in key.get("items", [])})


def _span(claim: ClaimOut) -> tuple[int, int]:
    spans = claim.content.spans or [claim.content]
    return min(s.start for s in spans), max(s.end for s in spans)


def packet_item(item: str, claim: ClaimOut, text: str) -> dict[str, Any]:
    """What a judge sees of one claim: no kind, class, actor or score."""
    start, end = _span(claim)
    before = text[max(0, start - CONTEXT_CHARS):start]
    after = text[end:end + CONTEXT_CHARS]
    context = " ".join((before + "⟦" + text[start:end] + "⟧" + after).split())
    return {"item": item, "article_file": f"articles/{item}.txt",
            "speaker": claim.speaker.text if claim.speaker else None, "resolved_speaker": claim.resolved_speaker,
            "cue": claim.cue.text if claim.cue else None, "content": claim.content.reported(),
            "sentence_context": context}


def draw_packet(articles: Sequence[Article], extract: Callable[[list[Article]], Iterable[Any]], out: Path,
                key: Path, *, seed: int, count: int = 300, n: int = 100, exclude_seeds: Iterable[int] = (),
                statements: bool = False, exclude_ids: Iterable[str] = ()) -> dict[str, Any]:
    """Extract the drawn articles with ``extract`` and write a blind packet of ``n`` claims to ``out``;
    ``statements``: draw among the claims that report a statement only (what lists show by default)."""
    chosen = drawn_articles(articles, seed, count, exclude_seeds, exclude_ids)
    if not chosen:
        raise ClaimwatchError("no article left to draw from")
    texts = {a.id: a.text for a in chosen}
    claims = [(out_a.id, c) for out_a in extract(chosen) for c in out_a.claims
              if not statements or reports_statement(c)]
    picked = random.Random(seed).sample(claims, min(n, len(claims)))
    (out / "articles").mkdir(parents=True, exist_ok=True)
    items, keys = [], []
    for k, (article_id, claim) in enumerate(picked):
        item = f"P{k:03d}"
        (out / "articles" / f"{item}.txt").write_text(texts[article_id], encoding="utf-8")
        items.append(packet_item(item, claim, texts[article_id]))
        keys.append({"item": item, "article_id": article_id, "claim_id": claim.id, "kind": claim.kind,
                     "cue_class": claim.cue_class, "has_speaker": claim.speaker is not None,
                     "speaker_actor": claim.speaker_actor.model_dump() if claim.speaker_actor else None})
    (out / "items.jsonl").write_text("".join(json.dumps(i, ensure_ascii=False) + "\n" for i in items),
                                     encoding="utf-8")
    if GUIDE.exists():
        (out / "GUIDE.md").write_text(GUIDE.read_text(encoding="utf-8"), encoding="utf-8")
    summary = {"seed": seed, "articles": len(chosen), "exclude_seeds": list(exclude_seeds),
               "claims_total": len(claims), "drawn": len(items), **({"statements_only": True} if statements else {})}
    key.write_text(json.dumps({**summary, "article_ids": [a.id for a in chosen], "items": keys}, indent=1,
                              ensure_ascii=False), encoding="utf-8")
    return summary


def read_labels(path: Path) -> dict[str, dict[str, Any]]:
    """One judge's labels by item; a bad line or label is a one-line error naming the file and line."""
    out: dict[str, dict[str, Any]] = {}
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            item, label = row["item"], row["label"]
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise ClaimwatchError(f"{path}:{n}: not a label line ({exc})") from None
        if label not in LABELS:
            raise ClaimwatchError(f"{path}:{n}: label must be one of {', '.join(LABELS)}, not {label!r}")
        out[item] = row
    return out


def score(key: dict[str, Any], judges: Sequence[dict[str, dict[str, Any]]]) -> dict[str, Any]:
    """Right / partly / wrong counts (the lower label where judges differ), agreement, and counts by claim kind."""
    if not judges:
        raise ClaimwatchError("no labels given")
    items = [row["item"] for row in key["items"]]
    missing = [i for i in items if any(i not in j for j in judges)]
    final: dict[str, str] = {}
    for i in items:
        labels = [j[i]["label"] for j in judges if i in j]
        if labels:
            final[i] = min(labels, key=LABELS.index)
    agreed = sum(1 for i in items if all(i in j for j in judges) and len({j[i]["label"] for j in judges}) == 1)
    by_kind: dict[str, Counter] = {}
    for row in key["items"]:
        if row["item"] in final:
            by_kind.setdefault(row["kind"], Counter())[final[row["item"]]] += 1
    counts = Counter(final.values())
    return {"items": len(items), "judged": len(final), "missing": missing, "agreed": agreed,
            **{label: counts.get(label, 0) for label in LABELS},
            "by_kind": {k: dict(v) for k, v in sorted(by_kind.items())}}


def render(report: dict[str, Any]) -> str:
    lines = [f"claims judged: {report['judged']} of {report['items']}; judges agreed on {report['agreed']}",
             f"right {report['right']}, partly {report['partly']}, wrong {report['wrong']}"]
    for kind, c in report["by_kind"].items():
        lines.append(f"  {kind}: " + ", ".join(f"{label} {c.get(label, 0)}" for label in reversed(LABELS)))
    if report["missing"]:
        lines.append(f"not labelled by every judge: {', '.join(report['missing'][:10])}"
                     + (" …" if len(report["missing"]) > 10 else ""))
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    """``python -m claimwatch.eval.claim_judging draw|score``: the steps of the protocol, for the record."""
    import argparse

    ap = argparse.ArgumentParser(prog="python -m claimwatch.eval.claim_judging")
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("draw", help="extract a random draw of articles and write a blind packet of claims")
    d.add_argument("news", type=Path, help="a news sample (JSONL), e.g. ../shared/data/news/ukraine_2022_apr_dec_news_sample.jsonl")
    d.add_argument("--out", type=Path, required=True, help="the judges' folder (outside the repository)")
    d.add_argument("--key", type=Path, required=True, help="the key (claim ids), outside the judges' folder")
    d.add_argument("--seed", type=int, required=True)
    d.add_argument("--articles", type=int, default=300)
    d.add_argument("-n", type=int, default=100)
    d.add_argument("--exclude-seed", type=int, action="append", default=[],
                   help="leave out the articles an earlier draw with this seed used (repeatable)")
    d.add_argument("--exclude-key", type=Path, action="append", default=[],
                   help="leave out the articles an earlier draw's key records (repeatable; exact where "
                        "--exclude-seed is not: a draw that itself excluded others)")
    d.add_argument("--model", default=None, help="spaCy pipeline (default: the English one)")
    d.add_argument("--statements", action="store_true",
                   help="draw among claims that report a statement only (what lists show by default)")
    s = sub.add_parser("score", help="combine the judges' labels")
    s.add_argument("--key", type=Path, required=True)
    s.add_argument("labels", type=Path, nargs="+", help="one JSONL file per judge")
    args = ap.parse_args(argv)
    if args.cmd == "draw":
        from ..ingest.readers import read_articles
        from ..pipeline import extract_articles, load_nlp

        problems: list = []
        articles = list(read_articles([str(args.news)], problems=problems))
        for problem in problems:
            print(problem, file=sys.stderr)
        excluded = []
        for path in args.exclude_key:
            try:
                excluded += key_articles(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError, KeyError, TypeError) as exc:
                raise SystemExit(f"error: {path}: not a draw's key ({exc})")
        nlp = load_nlp(args.model)
        summary = draw_packet(articles, lambda arts: extract_articles(nlp, arts), args.out, args.key,
                              seed=args.seed, count=args.articles, n=args.n, exclude_seeds=args.exclude_seed,
                              statements=args.statements, exclude_ids=excluded)
        print(json.dumps(summary))
    else:
        key = json.loads(args.key.read_text(encoding="utf-8"))
        print(render(score(key, [read_labels(p) for p in args.labels])))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
