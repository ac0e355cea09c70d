"""Sentence embeddings for the stance model, with an optional on-disk cache.

The encoder is the disputes stage's `embeddings.MiniLMEmbedder` (all-MiniLM-L6-v2 from PyPI, offline).
"""
from __future__ import annotations

import hashlib
import logging
from pathlib import Path
from typing import Optional, Sequence

import numpy as np

log = logging.getLogger("claimwatch")
MAX_KNOWN = 50_000  # remembered sentence vectors (1.5 KB each)


class CachedSentenceEmbedder:
    """Embeds lists of sentences (one list per text), keeping each text's matrix on disk when a cache is set.

    The key is a hash of the encoder name and the sentences, so a changed sentence splitter never reads
    stale vectors. Vectors are stored as float16 (plenty for cosine features, half the disk), and fresh ones
    are rounded the same way, so results never depend on the state of the cache.
    """

    def __init__(self, encoder, cache_dir: Optional[str | Path] = None) -> None:
        self.encoder = encoder
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.known: dict[str, np.ndarray] = {}  # one-sentence texts whose vector the caller already has

    def remember(self, sentence: str, vector: np.ndarray) -> None:
        """Use ``vector`` for a text that is this one sentence instead of encoding it (``check`` passes the
        vectors the store keeps for its claims). Rounded through float16 like every other vector here."""
        if len(self.known) >= MAX_KNOWN:  # a long-lived server: forget rather than grow without bound
            self.known.clear()
        self.known[sentence] = np.asarray(vector, dtype=np.float16).astype(np.float32)[None, :]

    def _path(self, sentences: Sequence[str]) -> Optional[Path]:
        if self.cache_dir is None:
            return None
        h = hashlib.sha1(("\x1f".join([self.encoder.name, *sentences])).encode("utf-8")).hexdigest()
        return self.cache_dir / h[:2] / f"{h}.npy"

    def embed(self, texts: Sequence[Sequence[str]]) -> list[np.ndarray]:
        out: list[Optional[np.ndarray]] = [None] * len(texts)
        todo: list[int] = []
        for i, sents in enumerate(texts):
            if len(sents) == 1 and sents[0] in self.known:
                out[i] = self.known[sents[0]]
                continue
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
