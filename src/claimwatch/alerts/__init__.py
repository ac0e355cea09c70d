"""Saved searches and alerts (docs/WATCH.md): which new claims and disputes match a watchlist (``matching``), the
Atom feed of a watchlist's alerts (``atom``), and their delivery by webhook and mail (``delivery``)."""
