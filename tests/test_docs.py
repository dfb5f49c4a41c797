"""Executable docs: doctests run, and every CLI command appears in the README."""

import doctest
import importlib
import pkgutil

import pytest

import graph
from graph.cli import make_parser
from tests.conftest import ROOT

MODULES = sorted(m.name for m in pkgutil.walk_packages(graph.__path__, "graph.")
                 if not m.name.endswith("__main__"))


@pytest.mark.parametrize("name", MODULES)
def test_doctests(name):
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert failures == 0


def test_every_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    sub = next(a for a in make_parser()._actions if a.dest == "command")
    missing = [name for name in sub.choices if f"python -m graph {name}" not in readme]
    assert not missing, f"commands missing from README: {missing}"
