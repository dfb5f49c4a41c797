"""``python -m graph ner|ner-eval|train-ner`` run as real subprocesses."""

import subprocess
import sys
from pathlib import Path

import pytest

from graph.cli import make_parser
from graph.recognize.crf import MODEL_PATH
from graph.recognize.neural import NEURAL_MODEL_PATH
from graph.train_ner import CORPORA_DIR

ROOT = Path(__file__).resolve().parent.parent
TAGS = {"O", *(f"{b}-{t}" for b in "BI" for t in ("PERS", "ORG", "LOC", "MISC"))}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "graph", *args], cwd=ROOT, capture_output=True,
                          text=True, encoding="utf-8", timeout=300)


def test_commands_are_registered():
    sub = make_parser()._subparsers._group_actions[0].choices
    assert {"ner", "ner-eval", "train-ner"} <= set(sub)


@pytest.mark.parametrize("backend", ["neural", "crf"])
def test_ner_conll_tags_awkward_file(tmp_path: Path, backend: str):
    assert MODEL_PATH.is_file(), "the shipped model graph/models/ner.crfsuite is missing"
    assert NEURAL_MODEL_PATH.is_file(), "the shipped model graph/models/ner_neural.pt is missing"
    long_sentence = ["قال", "الرئيس", "جورج", "بوش", "في", "واشنطن", "،"] * 86  # 602 tokens
    lines = ["وقال B-X extra", "الرئيس", "محمود", "عباس", "في", "رام", "الله", "", "",
             "Hello", "world", "!", "", "...", "«", "»", "", *long_sentence, "", "بغداد"]
    path = tmp_path / "in.conll"
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    result = run("ner", "--conll", str(path), "--backend", backend)
    assert result.returncode == 0, result.stderr
    out = result.stdout.split("\n")
    assert out[-1] == "" and len(out) - 1 == len(lines)
    for given, printed in zip(lines, out):
        if not given:
            assert printed == ""
            continue
        token, tag = printed.split(" ")
        assert token == given.split()[0] and tag in TAGS
    assert out[619 - 602:619].count("") == 0  # the long sentence stays whole
    tagged = dict(line.split(" ") for line in out if line)
    assert tagged["واشنطن"] == "B-LOC" and tagged["بغداد"] == "B-LOC"


def test_ner_conll_empty_and_blank_files(tmp_path: Path):
    empty = tmp_path / "empty.conll"
    empty.write_bytes(b"")
    assert run("ner", "--conll", str(empty)).stdout == ""
    blank = tmp_path / "blank.conll"
    blank.write_bytes(b"\xef\xbb\xbf\r\n\r\n")
    result = run("ner", "--conll", str(blank))
    assert result.returncode == 0 and result.stdout == "\n\n"


def test_ner_errors_are_one_line(tmp_path: Path):
    result = run("ner", "--conll", str(tmp_path / "missing.conll"))
    assert result.returncode == 1 and result.stderr.startswith("Error: ") and "missing.conll" in result.stderr
    latin1 = tmp_path / "latin1.conll"
    latin1.write_bytes("café\n".encode("latin-1"))
    result = run("ner", "--conll", str(latin1))
    assert result.returncode == 1 and "not UTF-8" in result.stderr
    result = run("ner", "--conll", str(latin1), "--model", str(tmp_path / "none.crfsuite"))
    assert result.returncode == 1
    plain = tmp_path / "plain.conll"
    plain.write_text("بغداد\n", encoding="utf-8")
    for model in ("none.crfsuite", "none.pt"):
        result = run("ner", "--conll", str(plain), "--model", str(tmp_path / model))
        assert result.returncode == 1 and result.stderr.startswith("Error: ") and "train-ner" in result.stderr


def test_ner_eval_prints_scores_and_speed(tmp_path: Path):
    gold = tmp_path / "gold.txt"
    gold.write_text("قال O\nالرئيس O\nجورج B-PERS\nبوش I-PERS\nفي O\nواشنطن B-LOC\n. O\n\n"
                    "وصل O\nإلى O\nبغداد B-LOC\n", encoding="utf-8")
    result = run("ner-eval", str(gold))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["type", "prec", "rec", "f1", "gold", "pred"]
    micro = next(line for line in lines if line.startswith("micro")).split()
    assert int(micro[4]) == 3 and 0.0 <= float(micro[3]) <= 1.0
    assert "LOC" in result.stdout and "tokens/s" in lines[-1] and "2 sentences, 10 tokens" in lines[-1]


@pytest.mark.skipif(not (CORPORA_DIR / "anercorp").is_dir(), reason=f"no corpora under {CORPORA_DIR}")
def test_train_ner_smoke(tmp_path: Path):
    out = tmp_path / "m.crfsuite"
    result = run("train-ner", "--out", str(out), "--limit", "200", "--max-iterations", "30")
    assert result.returncode == 0, result.stderr
    assert out.is_file() and "200 sentences" in result.stdout
    assert "DEV" in result.stdout and "TEST" in result.stdout and "micro" in result.stdout
    tagged = tmp_path / "x.conll"
    tagged.write_text("في\nبغداد\n", encoding="utf-8")
    result = run("ner", "--conll", str(tagged), "--model", str(out))
    assert result.returncode == 0 and len(result.stdout.splitlines()) == 2


@pytest.mark.skipif(not (CORPORA_DIR / "anercorp").is_dir(), reason=f"no corpora under {CORPORA_DIR}")
def test_train_ner_neural_smoke(tmp_path: Path):
    out = tmp_path / "m.pt"
    result = run("train-ner", "--neural", "--out", str(out), "--limit", "100", "--epochs", "1", "--pre-dim", "0")
    assert result.returncode == 0, result.stderr
    assert out.is_file() and "100 sentences" in result.stdout and "micro" in result.stdout
    assert "epoch 1" in result.stderr
    gold = tmp_path / "gold.txt"
    gold.write_text("في O\nبغداد B-LOC\n", encoding="utf-8")
    result = run("ner-eval", str(gold), "--model", str(out))
    assert result.returncode == 0 and "1 sentences, 2 tokens" in result.stdout
