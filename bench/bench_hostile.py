"""Extraction time of degenerate articles: one phrase repeated up to the size an article may have.

Run from the repository root::

    python bench/bench_hostile.py [--size 1000000] [--only meetings title_name] [--json FILE]

A page the web serves may be one phrase over and over without a full stop
(a broken template, a spam page, a scraper loop). Each such article should
cost about what its length costs, never the square of it: this script
builds an article of ``--size`` bytes from each phrase below, then times
ingest and extraction (default recognisers) of it, after one seed article
has loaded the models. Not a timed test: compare figures measured in one
run (on the code before and after a change, say).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from graph.errors import GraphError  # noqa: E402
from graph.extract import extract_article  # noqa: E402
from graph.ingest import parse_article  # noqa: E402

PHRASES = {
    "words": "قال وزير الخارجية في عمان إن الأمم المتحدة تدعم ",
    "names": "محمد ",
    "titles": "وزير ",
    "title_name": "الرئيس عبد الفتاح السيسي ",
    "one_word_sentences": "قال . ",
    "org_heads": "وزارة ",
    "conj_names": "ومحمد وعلي ",
    "known_names": "داعش الأمم المتحدة ",
    "meetings": "اجتماع في عمان يوم الأربعاء ",
    "dates": "في 13 مايو 2016 ",
    "statements": "وقال الرئيس عبد الفتاح السيسي إن داعش تهديد. ",
    "attacks": "هجوم لداعش في بغداد أمس أسفر عن مقتل عشرة. ",
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1_000_000, help="bytes of UTF-8 per article")
    parser.add_argument("--only", nargs="*", choices=sorted(PHRASES), help="these phrases only")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    args = parser.parse_args()
    seed = sorted((ROOT / "seeds").glob("*.txt"))[0]
    extract_article(parse_article(seed.read_text(encoding="utf-8"), article_id="warm-up"))
    rows = []
    for name in args.only or PHRASES:
        phrase = PHRASES[name]
        text = phrase * (args.size // len(phrase.encode("utf-8")))
        started = time.perf_counter()
        try:
            extraction = extract_article(parse_article(text, article_id=name))
            found = f"{len(extraction.document.sentences)} sentences, {len(extraction.mentions)} mentions, " \
                    f"{len(extraction.events)} events"
        except GraphError as error:
            found = f"skipped: {error}"
        seconds = time.perf_counter() - started
        rows.append({"phrase": name, "seconds": round(seconds, 2), "found": found})
        print(f"{name:20s} {seconds:7.1f} s  {found}", flush=True)
    if args.json:
        args.json.write_text(json.dumps({"size": args.size, "rows": rows}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
