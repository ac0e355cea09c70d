"""Dispute detection over a claim store: embed, group into propositions, compare candidate pairs, save.

``detect_disputes(store)`` is incremental: it handles the claims that have not been through detection yet
(no ``claim_propositions`` row), comparing them with every stored claim; ``rebuild=True`` starts over.
``claimwatch disputes`` runs it before listing (unless ``--no-update``), so a freshly ingested store answers
without a separate step; the web layer only reads what was saved.
"""
from __future__ import annotations

import hashlib
import json
import logging
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from datetime import date
from difflib import SequenceMatcher
from typing import Callable, Iterable, Optional, Sequence

import numpy as np

from ..schema import ClaimOut
from ..store import ClaimQuery, DisputeStore, Store
from .answers import answered_pairs
from .candidates import ClaimProfile, Proposition, assign_propositions, candidate_pairs, profile
from .embeddings import Embedder, embedding_text, get_embedder, usable_cpus
from .lexicon import DisputeLexicon, default_lexicon
from .relation import Relation, RelationModel, contradiction, default_model, word_list
from .sameprop import SamePropHead, judged, load_head

log = logging.getLogger("claimwatch")
EMBED_BATCH = 512


@dataclass
class DetectionStats:
    claims: int = 0
    embedded: int = 0
    scanned: int = 0
    candidate_pairs: int = 0
    disputes: int = 0
    propositions: int = 0
    seconds: dict[str, float] = field(default_factory=dict)  # per stage, for the benchmark


Tick = Callable[[str, int, int], None]  # (stage, done, total): counts for a progress line


def ensure_embeddings(store: DisputeStore, embedder: Embedder, progress: Optional[Callable[[str], None]] = None,
                      tick: Optional[Tick] = None) -> int:
    """Embed every stored claim that has no vector from ``embedder`` yet; return how many were embedded.

    A content repeated word for word (syndicated copies, a quote told twice) is encoded once, and texts go to the
    model shortest first so each batch pads to similar lengths.
    """
    missing = store.claims_without_embedding(embedder.name)
    by_text: dict[str, list[str]] = {}
    for cid, content in missing:
        by_text.setdefault(embedding_text(content), []).append(cid)
    texts = sorted(by_text, key=len)
    done = 0
    for k in range(0, len(texts), EMBED_BATCH):
        part = texts[k : k + EMBED_BATCH]
        vectors = embedder.encode(part)
        rows = [(cid, v) for text, v in zip(part, vectors) for cid in by_text[text]]
        store.put_embeddings(embedder.name, [cid for cid, _ in rows], np.stack([v for _, v in rows]))
        done += len(rows)
        # The count goes one way: to ``tick`` (a timed progress line) when there is one, else as a message.
        if tick:
            tick("embed", done, len(missing))
        elif progress:
            progress(f"embedded {done}/{len(missing)} claims")
    return len(missing)


def pair_id(a: str, b: str) -> str:
    x, y = sorted((a, b))
    return "d" + hashlib.sha1(f"{x}|{y}".encode()).hexdigest()[:15]


def _order(p: ClaimProfile) -> tuple:
    return (p.day or date.max, p.article_id, p.seq)


# The kinds of contradiction, strongest evidence first, and the relation feature that marks each.
REASON_FEATURES = (("numbers", "numbers_conflict"), ("denial", "opposed"), ("doubt", "doubted"), ("blame", "blame"),
                   ("opposite_events", "opposite_family"), ("dispute_cue", "rule_cue"))


def reasons_of(rel: Relation) -> list[str]:
    """The kinds of a contradiction, main one first, for grouping and filtering (the full reason is ``rel.reason``)."""
    found = [name for name, key in REASON_FEATURES if rel.features.get(key)]
    return found or ["contradiction"]


def find_conflicts(profiles: Sequence[ClaimProfile], vectors: np.ndarray, todo: Sequence[int],
                   lex: Optional[DisputeLexicon] = None, model: Optional[RelationModel] = None,
                   workers: Optional[int] = None, tick: Optional[Tick] = None,
                   head: Optional[SamePropHead] = None) -> tuple[int, list[tuple[int, int, Relation]]]:
    """Candidate pairs involving ``todo`` and those that contradict ``(earlier, later, relation)``; with a
    same-proposition ``head``, a denial, doubt or conflicting figure must also pass it."""
    lex = lex or default_lexicon()
    model = model or default_model()
    pairs = candidate_pairs(profiles, vectors, todo, lex)
    found = []
    contradicting = same_proposition(_contradicting(profiles, pairs, model, lex, workers, tick=tick), vectors, head)
    seen = {frozenset((i, j)) for i, j, _ in contradicting}
    # a denial that only points at the claim before it ("Kiev has denied the allegations"): paired by position
    contradicting += [x for x in answered_pairs(profiles, todo, lex) if frozenset(x[:2]) not in seen]
    for i, j, rel in contradicting:
        a, b = (i, j) if _order(profiles[i]) <= _order(profiles[j]) else (j, i)
        found.append((a, b, rel))
    return len(pairs), found


def same_proposition(found: list[tuple[int, int, Relation]], vectors: np.ndarray, head: Optional[SamePropHead]
                     ) -> list[tuple[int, int, Relation]]:
    """The contradictions whose two contents state one proposition (``disputes/sameprop.py``), each with its
    probability in ``features["same_prop"]``; those the head does not judge (opposite events, blame) pass."""
    if head is None or not found:
        return found
    idx = [k for k, (_, _, rel) in enumerate(found) if judged(rel.features)]
    if not idx:
        return found
    u = vectors[[found[k][0] for k in idx]]
    v = vectors[[found[k][1] for k in idx]]
    p = head.symmetric(u, v)
    drop = set()
    for k, pk in zip(idx, p):
        found[k][2].features["same_prop"] = round(float(pk), 4)
        if pk < head.threshold:
            drop.add(k)
    return [x for k, x in enumerate(found) if k not in drop]


# Relating a pair is pure Python, so a big detection run relates its pairs in forked worker processes, which
# inherit the profiles instead of receiving them pickled; only the few contradicting pairs travel back.
PARALLEL_PAIRS = 20_000
TICK_PAIRS = 2_000  # pairs related between two progress ticks (single process)
_FORKED: tuple = ()


def _relate_range(profiles: Sequence[ClaimProfile], pairs: list[tuple[int, int, float]], model: RelationModel,
                  lex: DisputeLexicon, lo: int, hi: int) -> list[tuple[int, int, Relation]]:
    out = []
    for i, j, cos in pairs[lo:hi]:
        rel = contradiction(profiles[i], profiles[j], cos, model, lex)
        if rel is not None:
            out.append((i, j, rel))
    return out


def _relate_slice(bounds: tuple[int, int]) -> list[tuple[int, int, Relation]]:
    """A worker's share: the pairs inherited through ``_FORKED`` from ``bounds[0]`` to ``bounds[1]``."""
    return _relate_range(*_FORKED, *bounds)


def default_workers() -> int:
    """CPUs this process may use (``CLAIMWATCH_WORKERS`` overrides), at most 8."""
    env = os.environ.get("CLAIMWATCH_WORKERS", "").strip()
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(8, usable_cpus()))


def _contradicting(profiles: Sequence[ClaimProfile], pairs: list[tuple[int, int, float]], model: RelationModel,
                   lex: DisputeLexicon, workers: Optional[int] = None,
                   min_parallel: int = PARALLEL_PAIRS, tick: Optional[Tick] = None
                   ) -> list[tuple[int, int, Relation]]:
    """The pairs that contradict, in the order of ``pairs``, each with its relation (``tick``: pairs done)."""
    global _FORKED
    workers = workers or default_workers()
    total = len(pairs)
    if workers < 2 or total < min_parallel or "fork" not in multiprocessing.get_all_start_methods():
        out = []
        for lo in range(0, total, TICK_PAIRS):
            out += _relate_range(profiles, pairs, model, lex, lo, lo + TICK_PAIRS)
            if tick:
                tick("compare", min(lo + TICK_PAIRS, total), total)
        return out
    step = -(-total // (workers * 4))  # a few slices per worker, so one slow slice does not hold up the rest
    _FORKED = (profiles, pairs, model, lex)
    parts = []
    try:
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            # imap keeps the slices' order and hands each back as it finishes (a progress tick per slice)
            for k, part in enumerate(pool.imap(_relate_slice, [(k, k + step) for k in range(0, total, step)]), 1):
                parts.append(part)
                if tick:
                    tick("compare", min(k * step, total), total)
    finally:
        _FORKED = ()
    return [x for part in parts for x in part]


def detect_in_claims(claims: Sequence[ClaimOut], embedder: Optional[Embedder] = None,
                     lex: Optional[DisputeLexicon] = None) -> list[tuple[int, int, Relation]]:
    """Conflicts among a list of claims (``StoredClaim``s, or ``ClaimOut``s); no store involved."""
    lex = lex or default_lexicon()
    embedder = embedder or get_embedder()
    profiles = [profile(c, seq=k, lex=lex) for k, c in enumerate(claims)]
    vectors = embedder.encode([p.text for p in profiles])
    return find_conflicts(profiles, vectors, list(range(len(profiles))), lex,
                          head=head_for(embedder, vectors.shape[1] if len(vectors) else embedder.dim))[1]


# Two claims are one statement when one speaker says them in nearly the same words: one wire story in two outlets, or
# an article republished under a new headline (run 15 listed Sobchak's one denial as two disputes, sixteenth session).
SAME_STATEMENT = 0.8  # word-sequence similarity (difflib ratio) of the two contents
# Shorter contents say too little to be one statement: "Russia has denied the accusations" in two articles answers
# two accusations (disputes/answers.py).
MIN_STATEMENT_WORDS = 5
_NEGATIONS = frozenset({"not", "no", "never", "nothing", "none", "nobody", "neither", "nor"})


def _negations(words: list[str]) -> frozenset[str]:
    return frozenset(w for w in words if w in _NEGATIONS or w.endswith("n't"))


def same_statements(claims: Iterable[tuple[str, Optional[str], str, str]]) -> dict[str, str]:
    """Claim id -> the id of the claim that stands for its statement, for claims that repeat an earlier one.

    ``claims``: ``(claim id, speaker actor id or None, polarity, content text)``. Two claims are one statement when
    the speaker actor and the polarity are the same, the contents' words are at least ``SAME_STATEMENT`` alike and
    they negate the same way ("were not sold" is not "were sold"). A claim with no speaker actor, or of fewer than
    ``MIN_STATEMENT_WORDS`` words, is its own.
    """
    by_speaker: dict[tuple[str, str], list[tuple[str, list[str]]]] = {}
    out: dict[str, str] = {}
    for cid, speaker, polarity, content in sorted(claims, key=lambda c: c[0]):
        words = word_list(content)
        if not speaker or len(words) < MIN_STATEMENT_WORDS:
            continue
        reps = by_speaker.setdefault((speaker, polarity), [])
        for rep, rep_words in reps:
            if _negations(words) == _negations(rep_words) and \
                    SequenceMatcher(None, words, rep_words, autojunk=False).ratio() >= SAME_STATEMENT:
                out[cid] = rep
                break
        else:
            reps.append((cid, words))
    return out


def dispute_groups(links: Sequence[tuple[str, str, str, Optional[str]]],
                   same: Optional[dict[str, str]] = None) -> dict[str, str]:
    """The group of each pair: pairs that share a claim (or a statement) are one dispute, listed once.

    ``links``: ``(pair id, left claim id, right claim id, stored group id or None)``; ``same``: claim id -> the claim
    standing for its statement (``same_statements``), so a statement repeated in two articles links its pairs too.
    One allegation answered by
    three denials is one dispute, not three (docs/EVALUATION.md, run 5: 8 of 16 real groups were one allegation).
    A group keeps the stored id most of its pairs hold (the smallest on a tie), so an id already shown stays valid
    as new pairs join; an id names one group only (stores grouped the older way can hold one id across unlinked
    pairs: the group holding most of them keeps it); any other group is named after its smallest pair id.
    """
    parent: dict[str, str] = {}
    same = same or {}

    def find(x: str) -> str:
        x = same.get(x, x)
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for _, left, right, _ in links:
        parent[find(left)] = find(right)
    members: dict[str, list[tuple[str, Optional[str]]]] = {}
    for pid, left, _, group in links:
        members.setdefault(find(left), []).append((pid, group))
    # Each group's claim on each stored id (how many of its pairs hold it); the strongest claims are served first.
    bids = sorted(((-sum(1 for _, g in pairs if g == gid), gid, root)
                   for root, pairs in members.items() for gid in {g for _, g in pairs if g}))
    name: dict[str, str] = {}
    taken: set[str] = set()
    for _, gid, root in bids:
        if root not in name and gid not in taken:
            name[root] = gid
            taken.add(gid)
    out: dict[str, str] = {}
    for root, pairs in members.items():
        group = name.get(root) or "g" + hashlib.sha1(min(p for p, _ in pairs).encode()).hexdigest()[:15]
        out.update((pid, group) for pid, _ in pairs)
    return out


def _group(store: Store, stored: Sequence[tuple[str, str, str, str]], rows: list[dict]) -> dict[str, str]:
    """Group new pairs (``rows``, not saved yet) with the ``stored`` ones (``dispute_links``): set each row's
    ``group_id``, and return the stored pairs whose group changes (pair id -> new group id)."""
    links = [*stored, *((r["id"], r["left_claim_id"], r["right_claim_id"], None) for r in rows)]
    claims = store.claims_by_id(sorted({c for _, left, right, _ in links for c in (left, right)}))
    same = same_statements((c.id, c.speaker_actor.id if c.speaker_actor else None, c.polarity, c.content.text)
                           for c in claims.values())
    groups = dispute_groups(links, same)
    for r in rows:
        r["group_id"] = groups[r["id"]]
    return {pid: groups[pid] for pid, _, _, group in stored if groups[pid] != group}


def head_for(embedder: Embedder, dim: int) -> Optional[SamePropHead]:
    """The packaged same-proposition head when it was fitted on this embedder's vectors, else None."""
    head = load_head()
    return head if head is not None and head.applies_to(embedder.name, dim) else None


def _existing_propositions(store: DisputeStore, index: dict[str, int], profiles: Sequence[ClaimProfile]
                           ) -> list[Proposition]:
    """The stored propositions whose anchors are still stored, each with its latest day."""
    props: dict[str, Proposition] = {}
    rows = store.propositions()
    for cid, pid, _stance, _rel, is_anchor in rows:
        if is_anchor and cid in index:
            props[pid] = Proposition(pid, index[cid], profiles[index[cid]].day, [index[cid]])
    for cid, pid, *_ in rows:
        prop = props.get(pid)
        if prop is None or cid not in index:
            continue
        day = profiles[index[cid]].day
        if day is not None and (prop.last_day is None or day > prop.last_day):
            prop.last_day = day
    return list(props.values())


class _Clock:
    """Records the seconds since the previous call under each stage name."""

    def __init__(self, into: dict[str, float]) -> None:
        self.into, self.last = into, time.perf_counter()

    def __call__(self, stage: str) -> None:
        now = time.perf_counter()
        self.into[stage] = round(now - self.last, 2)
        self.last = now


def detect_disputes(store: Store, *, embedder: Optional[Embedder] = None, rebuild: bool = False,
                    lex: Optional[DisputeLexicon] = None,
                    progress: Optional[Callable[[str], None]] = None, tick: Optional[Tick] = None) -> DetectionStats:
    """Find and save the disputes of the claims not scanned yet (all of them with ``rebuild``)."""
    lex = lex or default_lexicon()
    embedder = embedder or get_embedder()
    stats = DetectionStats()
    todo_ids = None if rebuild else set(store.unscanned_claim_ids())
    if todo_ids is not None and not todo_ids:
        # Nothing new to compare; a store grouped the older way is still regrouped (cheap: pairs, not claims).
        store.set_dispute_groups(_group(store, store.dispute_links(), []))
        return stats
    clock = _Clock(stats.seconds)
    stats.embedded = ensure_embeddings(store, embedder, progress, tick)
    clock("embed")
    claims = store.query_claims(ClaimQuery(limit=None))
    stats.claims = len(claims)
    ids, matrix = store.embedding_matrix(embedder.name)
    row_of = {cid: k for k, cid in enumerate(ids)}
    vectors = matrix[[row_of[c.id] for c in claims]] if claims else np.zeros((0, embedder.dim), np.float32)
    # query_claims lists each article's claims in extraction order, so the position keeps that order.
    clock("load")
    profiles = [profile(c, seq=k, lex=lex) for k, c in enumerate(claims)]
    clock("profile")
    index = {p.id: k for k, p in enumerate(profiles)}
    todo = list(range(len(profiles))) if todo_ids is None else [index[c] for c in todo_ids if c in index]
    stats.scanned = len(todo)
    if progress:
        progress(f"comparing {len(todo)} new claims with {len(profiles)} stored claims")
    existing = [] if rebuild else _existing_propositions(store, index, profiles)
    props, assigned = assign_propositions(profiles, vectors, todo, existing, lex)
    clock("propositions")
    anchors = {p.anchor for p in props}
    prop_rows = [(profiles[i].id, pid, stance, rel, int(i in anchors)) for i, (pid, stance, rel) in assigned.items()]
    stats.candidate_pairs, conflicts = find_conflicts(profiles, vectors, todo, lex, tick=tick,
                                                      head=head_for(embedder, vectors.shape[1]))
    clock("compare")
    rows = []
    for a, b, rel in conflicts:
        left, right = profiles[a], profiles[b]
        reasons = reasons_of(rel)
        days = [d.isoformat() for d in (left.day, right.day) if d is not None]
        rows.append({
            "id": pair_id(left.id, right.id), "group_id": None, "left_claim_id": left.id,
            "right_claim_id": right.id, "reason": reasons[0], "reasons": json.dumps(reasons),
            "explanation": rel.reason, "score": rel.p_dispute, "relatedness": round(rel.features.get("cos", 0.0), 4),
            "first_seen": min(days) if days else None, "last_seen": max(days) if days else None,
            "details": json.dumps({"kind": rel.kind, "slots": rel.slots, "p_same": rel.p_same,
                                   **({"same_prop": rel.features["same_prop"]} if "same_prop" in rel.features else {})}),
        })
    moved = _group(store, [] if rebuild else store.dispute_links(), rows)
    store.save_detection(prop_rows, rows, replace_all=rebuild)
    store.set_dispute_groups(moved)
    clock("save")
    stats.disputes = len(rows)
    stats.propositions = len({pid for pid, _, _ in assigned.values()})
    log.info("disputes: %s", stats)
    return stats

