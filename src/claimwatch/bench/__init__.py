"""``claimwatch bench``: speed, memory, scaling, ingest rates and query latency (docs/BENCHMARKS.md).

speed.py    bare spaCy vs full extraction, stage by stage (each run in a fresh process)
scale.py    extraction with N worker processes; ingest articles/s per store; near-duplicate detection cost
queries.py  claims search, disputes and check latency on a store (``grow_store`` repeats one to 100K claims)
"""
from .speed import ENRICHMENT, REFERENCE_CORPUS, load_corpus, run_bench

__all__ = ["ENRICHMENT", "REFERENCE_CORPUS", "load_corpus", "run_bench"]
