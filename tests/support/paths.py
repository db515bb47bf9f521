"""Where things are: the checkout, and Pacemaker's regression CIBs beside it."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent.parent
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus" / "pacemaker-scheduler"
"""Pacemaker's scheduler regression CIBs, laid beside the checkout (shared/ next to main/)."""
