"""Continuous collection (``claimwatch watch``, docs/WATCH.md): a sources file read (``sources``), each source
fetched politely (``fetch``: conditional GET, a per-host delay, back-off on errors), and one cycle (``cycle``) that
ingests what is new, updates disputes, raises and delivers alerts, then logs one line."""
