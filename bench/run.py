"""`make bench`: every benchmark of the platform, one after another, each printing its table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

BENCHES = [
    ("Event spine: outbox relay through the local broker", ROOT / "bench" / "outbox.py"),
    (
        "OCR: accuracy by variant family and document type; the pipeline beside the raw engine",
        ROOT / "ocr-service" / "bench" / "bench_ocr.py",
    ),
    (
        "Reads: a claim and its progress, direct vs nginx vs gateway, 200 and 304 (wrk)",
        ROOT / "bench" / "reads.py",
    ),
    ("Gateway: what its instrumentation costs per request", ROOT / "bench" / "gateway.py"),
    ("Butler: suggestion accuracy and latency, post → inbox", ROOT / "bench" / "butler.py"),
    (
        "Instant claims (秒赔): submit → approved, assessments per second",
        ROOT / "bench" / "instant_claims.py",
    ),
]


def main() -> int:
    failed = 0
    for title, path in BENCHES:
        if not path.exists():
            continue
        print(f"\n## {title}\n", flush=True)
        result = subprocess.run([sys.executable, str(path)], cwd=ROOT)
        failed += result.returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
