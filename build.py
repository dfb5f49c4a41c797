#!/usr/bin/env python3
"""Build the knowledge graph: ``python build.py [PATH...] [--out DIR]`` (see README)."""

import sys

from graph.cli import main

if __name__ == "__main__":
    sys.exit(main(["build", *sys.argv[1:]]))
