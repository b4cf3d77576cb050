"""`lipei-ocr`: read documents with the service's pipeline, one JSON line per file."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ocr_service.ocr.engine import default_engine
from ocr_service.ocr.pipeline import ALL_DOC_TYPES, AUTO, Pipeline


def engine_options() -> argparse.ArgumentParser:
    """The engine choice, as a parent parser for every command that reads documents."""
    options = argparse.ArgumentParser(add_help=False)
    options.add_argument("--engine", choices=("rapidocr", "paddleocr"), default="rapidocr")
    options.add_argument(
        "--threads", type=int, default=0, help="ONNX Runtime threads (0: all cores)"
    )
    return options


def pipeline_of(args: argparse.Namespace) -> Pipeline:
    """The pipeline on the engine that `engine_options` selected."""
    return Pipeline(default_engine(args.engine, args.threads))


def _extract(args: argparse.Namespace) -> int:
    pipeline = pipeline_of(args)
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


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lipei-ocr", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser(
        "extract", parents=[engine_options()], help="read documents, one JSON line each"
    )
    extract.add_argument("--doc-type", required=True, choices=(*ALL_DOC_TYPES, AUTO))
    extract.add_argument("files", nargs="+", metavar="FILE")
    extract.set_defaults(run=_extract)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
