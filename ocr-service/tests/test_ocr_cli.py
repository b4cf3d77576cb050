"""`lipei-ocr` run in-process: the JSON lines of extract, synth's files, evaluate's report."""

import json

import pytest

from ocr_service.cli import main

pytestmark = pytest.mark.slow


def test_extract_prints_one_json_line_per_file(synth_set, capsys):
    files = [str(synth_set.directory / sample.file) for sample in synth_set.samples[:2]]
    assert main(["extract", "--doc-type", "auto", *files]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    for name, text in zip(files, lines, strict=True):
        row = json.loads(text)
        assert set(row) == {"file", "doc_type", "quality", "fields", "timings_ms"}
        assert row["file"] == name
        assert row["quality"]["verdict"] in ("accept", "reject")
        assert isinstance(row["quality"]["reasons"], list)
        assert all(isinstance(value, str) for value in row["fields"].values())
    first = json.loads(lines[0])
    assert first["doc_type"] == synth_set.samples[0].doc_type
    assert synth_set.samples[0].fields["payer_name"] in lines[0]  # not \\u-escaped


def test_extract_reports_a_missing_file(tmp_path, capsys):
    missing = str(tmp_path / "nowhere.jpg")
    assert main(["extract", "--doc-type", "bank_card", missing]) == 1
    assert json.loads(capsys.readouterr().out)["file"] == missing


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
