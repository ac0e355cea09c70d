"""Score dispute detection on self-written gold pairs (``tests/gold_disputes``; format in its README.md)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Optional

from ..errors import ClaimwatchError
from ..schema import Article


def default_gold_dir() -> Path:
    """``tests/gold_disputes`` of a source checkout (an installed package has none: pass ``--gold``)."""
    here = Path(__file__).resolve()
    for parent in here.parents:
        cand = parent / "tests" / "gold_disputes"
        if cand.is_dir():
            return cand
    raise ClaimwatchError("no gold dispute pairs found; pass --gold DIR (tests/gold_disputes of a source checkout)")


def load_gold(gold_dir: Path) -> list[dict[str, Any]]:
    pairs: list[dict[str, Any]] = []
    files = sorted(Path(gold_dir).glob("*.json"))
    if not files:
        raise ClaimwatchError(f"{gold_dir}: no gold *.json files")
    seen: set[str] = set()
    for f in files:
        try:
            data = json.loads(f.read_text(encoding="utf-8"))
            for p in data["pairs"]:
                if p["id"] in seen:
                    raise ClaimwatchError(f"{f}: pair id {p['id']!r} appears twice")
                seen.add(p["id"])
                for side in ("left", "right"):
                    if not isinstance(p[side].get("text"), str):
                        raise ClaimwatchError(f"{f}: pair {p['id']}: {side}.text is missing")
                pairs.append({**p, "file": f.name, "conflict": bool(p["conflict"])})
        except json.JSONDecodeError as exc:
            raise ClaimwatchError(f"{f}:{exc.lineno}: not valid JSON: {exc.msg}") from None
        except (KeyError, TypeError) as exc:
            raise ClaimwatchError(f"{f}: malformed gold pair ({type(exc).__name__}: {exc})") from None
    return pairs


def _same_reason(gold: str, found: list[str]) -> bool:
    """The gold set's reason names (``dates`` has no kind of its own: it counts as any contradiction)."""
    return gold in found or (gold == "dates" and bool(found))


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"p": p, "r": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}


def evaluate_disputes(gold_dir: Path, *, model: Optional[str] = None, embedder: Any = None,
                      nlp: Any = None) -> dict[str, Any]:
    """Extract each pair's two texts, detect disputes among their claims, compare with the gold labels."""
    from ..disputes.detect import detect_in_claims, reasons_of
    from ..disputes.embeddings import get_embedder
    from ..pipeline import extract_articles, load_nlp

    pairs = load_gold(gold_dir)
    actors = Path(gold_dir) / "actors.yaml"  # the gold set's fictional actors, when it has some
    nlp = nlp or load_nlp(model, actors_path=str(actors) if actors.is_file() else None)
    embedder = embedder or get_embedder()
    articles = []
    for p in pairs:
        for side in ("left", "right"):
            s = p[side]
            articles.append(Article(id=f"{p['id']}:{side}", text=s["text"], date=s.get("date"), outlet=s.get("outlet")))
    outs = {a.id: a for a in extract_articles(nlp, articles)}
    tp = fp = fn = tn = 0
    by_reason: dict[str, dict[str, int]] = {}
    items = []
    for p in pairs:
        left, right = outs[f"{p['id']}:left"], outs[f"{p['id']}:right"]
        # Article fields matter (dates for the time window, article ids for "same article").
        from ..store import StoredClaim

        stored = [StoredClaim(**c.model_dump(), article_id=left.id, date=left.date, outlet=left.outlet)
                  for c in left.claims]
        stored += [StoredClaim(**c.model_dump(), article_id=right.id, date=right.date, outlet=right.outlet)
                   for c in right.claims]
        n_left = len(left.claims)
        found = [(i, j, c) for i, j, c in detect_in_claims(stored, embedder) if (i < n_left) != (j < n_left)]
        predicted = bool(found)
        best = max(found, key=lambda t: t[2].p_dispute)[2] if found else None
        gold = p["conflict"]
        if gold and predicted:
            tp += 1
        elif predicted:
            fp += 1
        elif gold:
            fn += 1
        else:
            tn += 1
        if gold:
            r = by_reason.setdefault(p["reason"], {"n": 0, "found": 0, "same_reason": 0})
            r["n"] += 1
            r["found"] += int(predicted)
            r["same_reason"] += int(predicted and any(_same_reason(p["reason"], reasons_of(c)) for _, _, c in found))
        items.append({
            "id": p["id"], "file": p["file"], "gold": gold, "predicted": predicted, "gold_reason": p["reason"],
            "predicted_reasons": reasons_of(best) if best else [], "score": best.p_dispute if best else None,
            "explanation": best.reason if best else None,
            "claims": [len(left.claims), len(right.claims)], "claims_left": [c.content.text for c in left.claims],
            "claims_right": [c.content.text for c in right.claims],
        })
    return {
        "pairs": len(pairs), "conflicting": sum(p["conflict"] for p in pairs), "embedder": embedder.name,
        "tp": tp, "fp": fp, "fn": fn, "tn": tn, **_prf(tp, fp, fn), "by_reason": by_reason, "items": items,
    }


def render_report(report: dict[str, Any], errors: bool = False) -> str:
    out = [
        f"dispute gold pairs: {report['pairs']} ({report['conflicting']} conflicting), embedder {report['embedder']}",
        f"precision {report['p']:.3f}  recall {report['r']:.3f}  F1 {report['f1']:.3f}  "
        f"(tp {report['tp']}, fp {report['fp']}, fn {report['fn']}, tn {report['tn']})",
        "recall by gold reason (found / with that reason among the found reasons):",
    ]
    for reason, r in sorted(report["by_reason"].items()):
        out.append(f"  {reason:<16} {r['found']}/{r['n']}  ({r['same_reason']} with reason {reason})")
    if errors:
        out.append("")
        out.append("errors:")
        for it in report["items"]:
            if it["gold"] != it["predicted"]:
                kind = "missed" if it["gold"] else "false alarm"
                out.append(f"  {it['id']} ({kind}, gold {it['gold_reason']}): predicted {it['predicted_reasons']} "
                           f"{it['explanation'] or ''}; claims {it['claims']}")
    return "\n".join(out)
