"""`lipei-ocr` run in-process: the JSON lines of extract."""

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
        assert set(row) == {
            "file",
            "doc_type",
            "quality",
            "fields",
            "fields_to_review",
            "timings_ms",
        }
        assert isinstance(row["fields_to_review"], list)
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
