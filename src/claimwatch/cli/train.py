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
              help="Where to write the model (default: the packaged resources/attribution.crfsuite).")
@click.option("--limit", type=int, default=None, help="Train on the first N articles only.")
@model_option
@handle_errors
def train_attribution(polnear_dir: str, split: str, output: Optional[str], limit: Optional[int], model: Optional[str]) -> None:
    """Train the attribution tagger (CRF) on PolNeAR train.

    Deterministic: the same data, spaCy model and claimwatch version give the same model file.
    Takes about 5 minutes on 2 cores.
    """
    from ..nlp.attribution import MODEL_FILE
    from ..pipeline import load_base_model
    from ..training.attribution import train_from_polnear

    out = Path(output) if output else Path(__file__).resolve().parent.parent / "resources" / MODEL_FILE
    nlp = load_base_model(model)
    t0 = time.time()
    click.echo(f"training on PolNeAR {split} with {nlp.meta.get('name')} …", err=True)
    path = train_from_polnear(polnear_dir, nlp, out, split=split, limit=limit)
    click.echo(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB) in {time.time() - t0:.0f} s", err=True)
