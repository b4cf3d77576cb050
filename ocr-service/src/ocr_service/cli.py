"""`lipei-ocr`: read documents, make synthetic ones, and score the reader against a truth set."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ocr_service.ocr.engine import default_engine
from ocr_service.ocr.pipeline import ALL_DOC_TYPES, AUTO, Pipeline


def _pipeline(args: argparse.Namespace) -> Pipeline:
    return Pipeline(default_engine(args.engine, args.threads))


def _extract(args: argparse.Namespace) -> int:
    pipeline = _pipeline(args)
    failed = 0
    for name in args.files:
        try:
            data = Path(name).read_bytes()
        except OSError as error:
            print(json.dumps({"file": name, "error": str(error)}, ensure_ascii=False), flush=True)
            failed += 1
            continue
        result = pipeline.process(data, args.doc_type)
        line = {"file": name, **result.to_dict()}
        print(json.dumps(line, ensure_ascii=False), flush=True)
    return 1 if failed else 0


def _synth(args: argparse.Namespace) -> int:
    from ocr_service.ocr.synth import generate

    samples = generate(Path(args.out), args.count, args.seed)
    print(f"wrote {len(samples)} documents and truth.jsonl to {args.out}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    from ocr_service.ocr.evaluate import evaluate

    report = evaluate(Path(args.directory), _pipeline(args), auto=args.auto)
    for line in report.lines():
        print(line)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lipei-ocr", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    engine_options = argparse.ArgumentParser(add_help=False)
    engine_options.add_argument("--engine", choices=("rapidocr", "paddleocr"), default="rapidocr")
    engine_options.add_argument(
        "--threads", type=int, default=0, help="ONNX Runtime threads (0: all cores)"
    )

    extract = commands.add_parser(
        "extract", parents=[engine_options], help="read documents, one JSON line each"
    )
    extract.add_argument("--doc-type", required=True, choices=(*ALL_DOC_TYPES, AUTO))
    extract.add_argument("files", nargs="+", metavar="FILE")
    extract.set_defaults(run=_extract)

    synth = commands.add_parser("synth", help="write synthetic documents and their truth.jsonl")
    synth.add_argument("--out", required=True)
    synth.add_argument("--count", type=int, default=60)
    synth.add_argument("--seed", type=int, default=0)
    synth.set_defaults(run=_synth)

    score = commands.add_parser(
        "evaluate", parents=[engine_options], help="score against DIR/truth.jsonl"
    )
    score.add_argument("directory", metavar="DIR")
    score.add_argument(
        "--auto", action="store_true", help="read every file as `auto` and score the type found"
    )
    score.set_defaults(run=_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
