"""`lipei-ocr-dev`: make synthetic claim documents, and score the reader against a truth set."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ocr_service.cli import engine_options, pipeline_of
from ocr_synth.evaluate import evaluate
from ocr_synth.families import CLASSIC, FAMILIES
from ocr_synth.generate import generate


def _synth(args: argparse.Namespace) -> int:
    samples = generate(Path(args.out), args.count, args.seed, tuple(args.family or [CLASSIC]))
    print(f"wrote {len(samples)} documents and truth.jsonl to {args.out}")
    return 0


def _evaluate(args: argparse.Namespace) -> int:
    report = evaluate(Path(args.directory), pipeline_of(args), auto=args.auto)
    for line in report.lines():
        print(line)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lipei-ocr-dev", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    synth = commands.add_parser("synth", help="write synthetic documents and their truth.jsonl")
    synth.add_argument("--out", required=True)
    synth.add_argument("--count", type=int, default=60)
    synth.add_argument("--seed", type=int, default=0)
    synth.add_argument(
        "--family",
        action="append",
        choices=FAMILIES,
        help="variant family, repeatable: COUNT documents of each (default: classic)",
    )
    synth.set_defaults(run=_synth)

    score = commands.add_parser(
        "evaluate", parents=[engine_options()], help="score against DIR/truth.jsonl"
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
