"""Batch extraction outside the store: ``claimwatch spark`` writes Parquet, ``claimwatch load`` stores it.

``layout.py`` is the output format (no Spark needed to read it), ``spark.py`` the Spark job, ``load.py`` the
loader that puts an output into a claim store through the same path as ``claimwatch ingest``. docs/SCALE.md.
"""
