"""Write N synthetic benchmark articles: ``python bench/make_corpus.py N OUT_DIR [--seed S] [--jsonl]``.

Each article mixes body paragraphs of the real seed articles with runs of
consecutive ANERCorp sentences (detokenised); article ``i`` depends only on
``(seed, i)``, ids are ``synth-NNNNNN``. See :mod:`graph.synthetic`.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.cli import main  # noqa: E402

if __name__ == "__main__":
    sys.exit(main(["make-corpus", *sys.argv[1:]]))
