"""Event coding scored on the PLOVER gold standard records (GSR): category, source and target actor codes.

The GSR (``PLOVER_GSR_CAMEO.json``, Open Event Data Alliance, CC BY-SA 4.0) is a JSON list of 322 coded
sentences plus one ``DOCUMENT`` record (skipped). Each record has ``text``, ``event`` (a PLOVER category in
the 2016 labels: DISAPPROVE, DEMAND, FIGHT, INVESTIGATE… are mapped to today's ACCUSE, REQUEST, ASSAULT,
ACCUSE through ``resources/plover.v1.json``), and ``source`` / ``target``: lists of
``{"actorText", "code", "sector"}`` (or null / "" when there is none). Actor codes are ISO alpha-3 countries or
CAMEO group codes (IGO, NGO…); a few old CAMEO country codes are mapped to ISO (JAP -> JPN, ITL -> ITA).

Systems, all in one run:
- ``claimwatch``: the pattern coder (``EventCoder.code_sentence``) on the whole sentence, source/target from the
  parse: the event's actors, or the main verb's where no pattern matched (the category stays None there);
  ``source_acc_event_only`` / ``target_acc_event_only`` give the stricter reading (no event, no actors);
- ``keyword``: the first word of the sentence that is any pattern's trigger lemma decides the category (no
  syntax, no future/hypothetical rules); source and target are the first and second actor entities;
- ``majority``: the most frequent category / source code / target code of the training records;
- ``claimwatch+lr`` (only with ``folds``): the pattern coder, and for the sentences no pattern matches a
  logistic regression over the pattern candidates, lemmas, verbs and auxiliaries, trained on the other folds
  (scikit-learn, the ``eval`` extra); its actors are those of the main verb there;
- ``claimwatch+stack`` (only with ``folds``): a classifier that may override the patterns above a threshold
  chosen by nested CV;
- the ``+written`` rows: the same with the project-written sentences (``resources/events_train.en.v1.jsonl``)
  added to every training set; ``claimwatch+written`` is trained on them alone (nothing fitted on the GSR).

``evaluate_written`` scores the patterns on the written sentences themselves (``claimwatch eval
written-events``): its held-out split is a test the patterns were never revised on.

Metrics: category accuracy and macro-F1 (over the gold categories), source and target code accuracy (a
prediction is right when its code is among the gold codes of a compound actor; scored on records that have a
gold source / target). With ``folds``, every number is the pooled held-out prediction of k-fold
cross-validation (records assigned to folds by position, ``i % k``), so nothing is scored on data it was
fitted on; the pattern coder and the keyword baseline fit nothing and score the same either way.
"""
from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

from ..corpora.plover import GsrRecord, WrittenRecord, default_written_path, load_gsr, load_written, select_split
from ..errors import ClaimwatchError

log = logging.getLogger("claimwatch")

ACTOR_LABELS = ("GPE", "NORP", "ORG", "PERSON")


# -- metrics ---------------------------------------------------------------------------------------------------


def macro_f1(gold: Sequence[str], pred: Sequence[Optional[str]]) -> float:
    labels = sorted(set(gold))
    f1s = []
    for lab in labels:
        tp = sum(1 for g, p in zip(gold, pred) if g == lab and p == lab)
        fp = sum(1 for g, p in zip(gold, pred) if g != lab and p == lab)
        fn = sum(1 for g, p in zip(gold, pred) if g == lab and p != lab)
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return sum(f1s) / len(f1s) if f1s else 0.0


def _code_acc(gold: Sequence[tuple[str, ...]], pred: Sequence[Optional[str]]) -> tuple[float, int]:
    pairs = [(g, p) for g, p in zip(gold, pred) if g]
    if not pairs:
        return 0.0, 0
    return sum(1 for g, p in pairs if p is not None and p in g) / len(pairs), len(pairs)


def score(records: Sequence[GsrRecord], cats: Sequence[Optional[str]], srcs: Sequence[Optional[str]],
          tars: Sequence[Optional[str]]) -> dict[str, Any]:
    gold = [r.category for r in records]
    src_acc, n_src = _code_acc([r.sources for r in records], srcs)
    tar_acc, n_tar = _code_acc([r.targets for r in records], tars)
    return {
        "accuracy": sum(1 for g, p in zip(gold, cats) if g == p) / len(gold),
        "macro_f1": macro_f1(gold, cats),
        "source_acc": src_acc,
        "target_acc": tar_acc,
        "n": len(gold),
        "n_source": n_src,
        "n_target": n_tar,
        "no_event": sum(1 for p in cats if p is None),
    }


# -- systems ---------------------------------------------------------------------------------------------------


@dataclass
class Coded:
    category: Optional[str]
    source: Optional[str]
    target: Optional[str]
    features: dict[str, float]
    # Conjunctions of the pattern coder's decisions, for claimwatch+stack only (claimwatch+lr is unchanged).
    stack_features: dict[str, float] = field(default_factory=dict)


def _pattern_tables():
    """The pattern coder and, for the keyword baseline, the first rule of each trigger lemma."""
    from ..nlp.events import EventCoder, default_lexicon, load_resolver

    lex = default_lexicon()
    coder = EventCoder(lex, resolver=load_resolver())
    first_rule = {}
    for line_rule in lex.all_rules():
        for lemma in line_rule.lemmas:
            first_rule.setdefault(lemma, line_rule)
    return coder, first_rule


def _code_doc(coder, doc) -> Coded:
    """The pattern coder's decision on one parsed sentence, with the classifier features of claimwatch+lr."""
    from ..nlp.events import actor_code

    span = doc[:]
    coded = coder.code_sentence(span)
    ev = coded.event
    feats: dict[str, float] = {}
    for m in coder.candidates(span):
        key = f"cand={m.rule.category}"
        feats[key] = max(feats.get(key, 0.0), m.score / (1 + m.depth))
    best = coder.best(span)
    conj: dict[str, float] = {}
    if best is not None:
        feats[f"best={best.rule.category}"] = 1.0
        feats[f"trigger={best.token.lemma_.lower()}"] = 1.0
        feats[f"aspect={coder.aspect(best.token)}"] = 1.0
        # The raw pattern category with what the coding rule did to it (future, negation, reduction).
        raw = best.rule.category
        conj[f"best+aspect={raw}_{coder.aspect(best.token)}"] = 1.0
        conj[f"best+negated={raw}_{coder.negated(best.token)}"] = 1.0
        conj[f"best+event={raw}_{ev.category if ev else None}"] = 1.0
    if ev is not None:
        feats[f"event={ev.category}"] = 1.0
    for t in doc:
        if t.is_alpha and not t.is_stop:
            feats[f"lemma={t.lemma_.lower()}"] = 1.0
        if t.pos_ == "VERB" and t.lemma_.lower() not in coder.transparent:
            feats[f"verb={t.lemma_.lower()}"] = 1.0
        if t.dep_ == "aux":
            feats[f"aux={t.lower_}"] = 1.0
    # Actors of the event, or of the sentence's main verb where no pattern matched (code_sentence).
    src, tar = actor_code(coded.source), actor_code(coded.target)
    if ev is None:
        feats["no_pattern"] = 1.0
    return Coded(ev.category if ev else None, src, tar, feats, {**feats, **conj})


def _keyword_doc(coder, first_rule, doc) -> Coded:
    """The keyword baseline: first trigger word decides; first and second actor entities."""
    from ..nlp.events import actor_code

    cat = None
    for t in doc:
        rule = first_rule.get(t.lemma_.lower()) or first_rule.get(t.lower_)
        if rule is not None:
            cat = rule.category
            break
    ents = [e for e in doc.ents if e.label_ in ACTOR_LABELS]
    codes = [actor_code(coder.resolve(e.text, e.label_)) for e in ents]
    codes = [c for c in codes if c]
    src = codes[0] if codes else None
    tar = next((c for c in codes[1:] if c != src), None)
    return Coded(cat, src, tar, {})


def _code_all(records: Sequence[GsrRecord], model: Optional[str], progress: Callable[[str], None],
              written: Sequence[WrittenRecord] = ()) -> tuple[list[Coded], list[Coded], list[Coded]]:
    """Pattern coder and keyword baseline over every GSR record, and the pattern coder's features for the
    written training sentences (one parse each)."""
    from ..pipeline import load_base_model

    nlp = load_base_model(model)
    coder, first_rule = _pattern_tables()
    ours, keyword = [], []
    progress(f"coding {len(records)} GSR sentences")
    for doc in nlp.pipe((r.text for r in records), batch_size=64):
        ours.append(_code_doc(coder, doc))
        keyword.append(_keyword_doc(coder, first_rule, doc))
    extra = []
    if written:
        progress(f"coding {len(written)} written training sentences")
        extra = [_code_doc(coder, doc) for doc in nlp.pipe((w.text for w in written), batch_size=64)]
    return ours, keyword, extra


class _FoldRun:
    """The pooled held-out predictions of claimwatch+lr and claimwatch+stack over the folds of one run."""

    def __init__(self, n: int) -> None:
        self.lr: list[Optional[str]] = [None] * n
        self.stack: list[Optional[str]] = [None] * n
        self.thresholds: list[Optional[float]] = []

    def fit(self, ours: Sequence[Coded], records: Sequence[GsrRecord], train: Sequence[int], test: Sequence[int],
            extra: Sequence[Coded] = (), extra_y: Sequence[str] = ()) -> None:
        train_y = [records[i].category for i in train]
        preds = _lr_fold([ours[i].features for i in train] + [c.features for c in extra], train_y + list(extra_y),
                         [ours[i].features for i in test])
        for i, p in zip(test, preds):
            # Patterns first; the classifier codes the sentences no pattern matched.
            self.lr[i] = ours[i].category or p
        cats, t = _stack_fold([ours[i] for i in train], train_y, [ours[i] for i in test], extra, extra_y)
        self.thresholds.append(t)
        for i, c in zip(test, cats):
            self.stack[i] = c

    def threshold_text(self) -> str:
        return ", ".join("never" if t is None else f"{t:.1f}" for t in self.thresholds)


def _majority(train: Sequence[GsrRecord]) -> tuple[str, Optional[str], Optional[str]]:
    cat = Counter(r.category for r in train).most_common(1)[0][0]
    src = Counter(c for r in train for c in r.sources[:1]).most_common(1)
    tar = Counter(c for r in train for c in r.targets[:1]).most_common(1)
    return cat, (src[0][0] if src else None), (tar[0][0] if tar else None)


def evaluate_events(
    path: str | Path,
    *,
    model: Optional[str] = None,
    folds: Optional[int] = None,
    written: Optional[str | Path] = None,
    use_written: bool = True,
    progress: Optional[Callable[[str], None]] = None,
) -> dict[str, Any]:
    """Score event coding on the PLOVER GSR beside the majority and keyword baselines.

    ``written`` is the project-written training set (default: the shipped one) used by the ``+written`` rows;
    ``use_written=False`` leaves those rows out.
    """

    say = progress or (lambda msg: None)
    records = load_gsr(path)
    if folds is not None and not 2 <= folds <= len(records):
        raise ClaimwatchError(f"--folds must be between 2 and {len(records)}, got {folds}")
    fitted = _lr_available()
    written_records: list[WrittenRecord] = []
    if use_written and fitted:
        wpath = Path(written) if written else default_written_path()
        if written or wpath.exists():
            written_records = load_written(wpath)
    ours, keyword, extra = _code_all(records, model, say, written_records)
    extra_y = [w.category for w in written_records]
    n = len(records)
    systems: list[dict[str, Any]] = []

    def add(name: str, cats, srcs, tars, note: str) -> None:
        systems.append({"system": name, "note": note, **score(records, cats, srcs, tars)})

    def add_ours(name: str, cats, note: str) -> None:
        """A row whose actors are the pattern coder's (only the category differs)."""
        add(name, cats, [c.source for c in ours], [c.target for c in ours], note)

    add_ours("claimwatch", [c.category for c in ours],
             "patterns (resources/events.plover.v1.jsonl); nothing fitted, but patterns and actor data were revised "
             "after reading GSR errors (see docs/EVALUATION.md); actors of the event, or of the main verb where no "
             "pattern matched (EventCoder.code_sentence)")
    # The stricter reading, kept beside it: a sentence with no event has no source or target either.
    strict = score(records, [c.category for c in ours], [c.source if c.category else None for c in ours],
                   [c.target if c.category else None for c in ours])
    systems[0]["source_acc_event_only"] = strict["source_acc"]
    systems[0]["target_acc_event_only"] = strict["target_acc"]
    systems[0]["note"] += (f"; counting no actors for sentences with no event: src {100 * strict['source_acc']:.1f}, "
                           f"tar {100 * strict['target_acc']:.1f}")
    add("keyword", [c.category for c in keyword], [c.source for c in keyword], [c.target for c in keyword],
        "first trigger word; first/second actor entity")
    if folds:
        maj: list[tuple[str, Optional[str], Optional[str]]] = [("", None, None)] * n
        plain, with_written = _FoldRun(n), _FoldRun(n)
        for k in range(folds):
            test = [i for i in range(n) if i % folds == k]
            train = [i for i in range(n) if i % folds != k]
            m = _majority([records[i] for i in train])
            for i in test:
                maj[i] = m
            if fitted:
                plain.fit(ours, records, train, test)
                if extra:
                    # The same two systems with the written set added to every training set.
                    with_written.fit(ours, records, train, test, extra, extra_y)
        add("majority", [m[0] for m in maj], [m[1] for m in maj], [m[2] for m in maj],
            f"most frequent in the training folds ({folds}-fold CV)")
        if fitted:
            add_ours("claimwatch+lr", plain.lr,
                     f"patterns, and where none matched a logistic regression on pattern candidates, lemmas, verbs "
                     f"and auxiliaries ({folds}-fold CV); actors of the event, or of the main verb")
            add_ours("claimwatch+stack", plain.stack,
                     f"a logistic regression over the pattern coder's output and the claimwatch+lr features that "
                     f"overrides the patterns (and codes sentences with none) where its probability reaches a "
                     f"threshold chosen by 4-fold CV inside the training folds ({folds}-fold CV; thresholds "
                     f"{plain.threshold_text()}); actors as claimwatch")
        if extra:
            add_ours("claimwatch+lr+written", with_written.lr,
                     f"claimwatch+lr trained on the training folds plus the {len(extra)} project-written sentences "
                     f"({folds}-fold CV; pre-registered primary row, docs/EVALUATION.md)")
            add_ours("claimwatch+stack+written", with_written.stack,
                     f"claimwatch+stack with the written sentences in every training set; thresholds chosen on GSR "
                     f"training folds only ({with_written.threshold_text()})")
    else:
        m = _majority(records)
        add("majority", [m[0]] * n, [m[1]] * n, [m[2]] * n,
            "most frequent over all records (a ceiling for this baseline: it sees the test labels)")
    if extra:
        # Nothing here is fitted on the GSR: scored on every record, with or without folds.
        preds = _lr_fold([c.features for c in extra], extra_y, [c.features for c in ours])
        add_ours("claimwatch+written", [c.category or p for c, p in zip(ours, preds)],
                 f"patterns, and where none matched a logistic regression trained on the {len(extra)} project-written "
                 f"sentences only (resources/{Path(default_written_path()).name}); nothing fitted on the GSR")
    confusion = Counter((r.category, c.category or "NONE") for r, c in zip(records, ours) if r.category != c.category)
    return {
        "dataset": str(path),
        "records": n,
        "model": model or "default",
        "folds": folds,
        "label_map": "GSR 2016 labels mapped to current PLOVER: DISAPPROVE/INVESTIGATE->ACCUSE, DEMAND->REQUEST, "
                     "FIGHT->ASSAULT",
        "gold_distribution": dict(Counter(r.category for r in records).most_common()),
        "systems": systems,
        "top_confusions": [{"gold": g, "pred": p, "count": c} for (g, p), c in confusion.most_common(10)],
    }


def evaluate_written(path: Optional[str | Path] = None, *, split: str = "dev", model: Optional[str] = None,
                     progress: Optional[Callable[[str], None]] = None) -> dict[str, Any]:
    """The pattern coder scored on the project-written sentences (a split of them): nothing here was fitted or
    revised on the held-out split, so its number is a blind estimate; the dev split is for revising patterns."""
    from ..pipeline import load_base_model

    say = progress or (lambda msg: None)
    records = select_split(load_written(path), split)
    nlp = load_base_model(model)
    coder, _ = _pattern_tables()
    say(f"coding {len(records)} written sentences ({split})")
    cats = [_code_doc(coder, doc).category for doc in nlp.pipe((r.text for r in records), batch_size=64)]
    gold = [r.category for r in records]
    coded = [c for c in cats if c is not None]
    right = sum(1 for g, c in zip(gold, cats) if g == c)
    per_cat = {}
    for cat in sorted(set(gold)):
        idx = [i for i, g in enumerate(gold) if g == cat]
        per_cat[cat] = {"n": len(idx), "correct": sum(1 for i in idx if cats[i] == cat)}
    confusion = Counter((g, c or "NONE") for g, c in zip(gold, cats) if g != c)
    return {
        "split": split,
        "records": len(records),
        "accuracy": right / len(records) if records else 0.0,
        "macro_f1": macro_f1(gold, cats),
        "coded": len(coded),
        "precision_when_coded": right / len(coded) if coded else 0.0,
        "per_category": per_cat,
        "top_confusions": [{"gold": g, "pred": p, "count": c} for (g, p), c in confusion.most_common(15)],
        "errors": [{"text": r.text, "cameo": r.cameo, "gold": g, "pred": c}
                   for r, g, c in zip(records, gold, cats) if g != c],
    }


def _lr_available() -> bool:
    try:
        import sklearn  # noqa: F401
    except ImportError:
        log.warning("scikit-learn is not installed (pip install 'claimwatch[eval]'): skipping claimwatch+lr")
        return False
    return True


def _lr_fold(train_x: list[dict], train_y: list[str], test_x: list[dict]) -> list[str]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    vec = DictVectorizer()
    x = vec.fit_transform(train_x)
    clf = LogisticRegression(max_iter=3000, C=1.0, random_state=0)
    clf.fit(x, train_y)
    return list(clf.predict(vec.transform(test_x)))


# The override thresholds claimwatch+stack chooses among (None: never override the patterns).
STACK_THRESHOLDS: tuple[Optional[float], ...] = (0.3, 0.4, 0.5, 0.6, 0.7, None)
STACK_INNER_FOLDS = 4


def _stack_predict(train: Sequence[Coded], train_y: Sequence[str], test: Sequence[Coded]) -> list[tuple[str, float]]:
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    if not test:
        return []
    if len(set(train_y)) < 2:  # tiny inputs: an inner fold with one class has nothing to learn
        return [(train_y[0], 1.0) if train_y else ("", 0.0) for _ in test]
    vec = DictVectorizer()
    x = vec.fit_transform([c.stack_features for c in train])
    clf = LogisticRegression(max_iter=3000, C=1.0, random_state=0)
    clf.fit(x, list(train_y))
    probs = clf.predict_proba(vec.transform([c.stack_features for c in test]))
    return [(str(clf.classes_[row.argmax()]), float(row.max())) for row in probs]


def _override(pattern: Optional[str], pred: str, prob: float, threshold: Optional[float]) -> Optional[str]:
    return pred if threshold is not None and prob >= threshold else pattern


def _stack_fold(train: Sequence[Coded], train_y: Sequence[str], test: Sequence[Coded],
                extra: Sequence[Coded] = (), extra_y: Sequence[str] = ()
                ) -> tuple[list[Optional[str]], Optional[float]]:
    """claimwatch+stack on one outer fold: the threshold chosen by inner CV on ``train``, then applied to ``test``.

    Nested so that the threshold never sees the outer fold it is scored on. Ties go to fewer overrides:
    ``None`` (patterns alone) first, then the higher threshold. ``extra`` (the written sentences) joins every
    fit, inner and outer, but is never scored when choosing the threshold.
    """
    k = STACK_INNER_FOLDS
    inner: list[tuple[str, float]] = [("", 0.0)] * len(train)
    for j in range(k):
        fit = [i for i in range(len(train)) if i % k != j]
        held = [i for i in range(len(train)) if i % k == j]
        for i, pp in zip(held, _stack_predict([train[i] for i in fit] + list(extra),
                                              [train_y[i] for i in fit] + list(extra_y),
                                              [train[i] for i in held])):
            inner[i] = pp
    best_t, best_acc = None, -1.0
    for t in sorted(STACK_THRESHOLDS, key=lambda v: (v is not None, -(v or 0.0))):
        acc = sum(_override(c.category, p, pr, t) == y for c, (p, pr), y in zip(train, inner, train_y)) / len(train)
        if acc > best_acc:
            best_t, best_acc = t, acc
    preds = _stack_predict(list(train) + list(extra), list(train_y) + list(extra_y), test)
    return [_override(c.category, p, pr, best_t) for c, (p, pr) in zip(test, preds)], best_t
