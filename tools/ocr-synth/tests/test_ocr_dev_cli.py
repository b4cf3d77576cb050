"""`lipei-ocr-dev` run in-process: synth's files, evaluate's report."""

import json

import pytest

from ocr_synth.cli import main

pytestmark = pytest.mark.slow


def test_synth_is_deterministic_by_seed(tmp_path, capsys):
    for name in ("a", "b"):
        assert main(["synth", "--out", str(tmp_path / name), "--count", "4", "--seed", "9"]) == 0
    truth = (tmp_path / "a" / "truth.jsonl").read_text("utf-8")
    assert truth == (tmp_path / "b" / "truth.jsonl").read_text("utf-8")
    rows = [json.loads(line) for line in truth.splitlines()]
    assert len(rows) == 4
    for row in rows:
        assert set(row) == {"file", "doc_type", "quality", "fields"}
        assert (tmp_path / "a" / row["file"]).read_bytes() == (
            tmp_path / "b" / row["file"]
        ).read_bytes()


def test_evaluate_scores_a_truth_set(tmp_path, capsys):
    main(["synth", "--out", str(tmp_path), "--count", "3", "--seed", "5"])
    capsys.readouterr()
    assert main(["evaluate", str(tmp_path)]) == 0
    report = capsys.readouterr().out
    assert "| overall | 3 |" in report
    assert "field accuracy" in report and "misses:" in report
