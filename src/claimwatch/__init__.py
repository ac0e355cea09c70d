"""claimwatch: who claimed what, about whom, and who disputes it."""

__version__ = "0.1.0"
# Bumped whenever extraction output can change; part of every claim id.
PIPELINE_VERSION = "attr-1"
