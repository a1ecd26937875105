"""Cold import of every Lambda handler (not a test): `python benchmarks/bench_cold_import.py [--runs 7]`.

Builds the template's layer and functions for this machine with the Makefile `sam build` runs (same locks),
twice: precompiled (.pyc shipped, as `make package` does when the target Python is here) and not. Then
imports each handler in a fresh process, Lambda's way (function folder, layer, runtime boto3 only; nothing
written back: Lambda's code folders are read-only), `--runs` times each, alternating the two builds.
Prints the median per function, the ratio without/with .pyc, and whether boto3 is imported at load time.
Target (issue 13 #8): < 400 ms per handler locally, precompiled.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "infra"))

from hexa_infra.lambda_package.clean_import import CleanRuntime  # noqa: E402
from hexa_infra.lambda_package.host_build import build_for_host  # noqa: E402
from hexa_infra.lambda_package.interpreters import find_python  # noqa: E402
from hexa_infra.lambda_package.sources import functions_of, layers_of  # noqa: E402

TARGET_MS = 400


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", default="3.13", help="the Python to import on (default: Lambda's, 3.13)")
    args = parser.parse_args()
    interpreter = find_python(args.python)
    if interpreter is None:
        sys.exit(f"no Python {args.python} here (PATH or pyenv)")
    template = ROOT / "template.yaml"
    functions, layers = functions_of(template), layers_of(template)
    with tempfile.TemporaryDirectory(prefix="hexa-bench-import-") as scratch:
        root = Path(scratch)
        builds = {
            precompiled: build_for_host(
                functions,
                layers,
                python=interpreter,
                version=args.python,
                into=root / ("pyc" if precompiled else "source"),
                precompile=precompiled,
            )
            for precompiled in (True, False)
        }
        runtime = CleanRuntime(interpreter, root / "runtime")
        print(f"Python {args.python} ({interpreter}), {args.runs} fresh processes per handler and build\n")
        print(f"{'function':38} {'pyc ms':>8} {'no pyc ms':>10} {'ratio':>6}  boto3  target")
        medians = []
        for function in functions:
            samples: dict[bool, list[float]] = {True: [], False: []}
            boto3 = False
            for _ in range(args.runs):
                for precompiled, build in builds.items():
                    result = runtime.import_handler(function, build)
                    if not result.ok:
                        sys.exit(f"{function.logical_id} does not import: {result.error}")
                    samples[precompiled].append(result.import_ms)
                    boto3 = result.boto3_at_import
            with_pyc, without = statistics.median(samples[True]), statistics.median(samples[False])
            medians.append(with_pyc)
            print(
                f"{function.logical_id:38} {with_pyc:8.0f} {without:10.0f} {without / with_pyc:6.2f}  "
                f"{'yes' if boto3 else '':5}  {'ok' if with_pyc < TARGET_MS else 'OVER'}"
            )
        over = sum(1 for median in medians if median >= TARGET_MS)
        print(
            f"\nslowest {max(medians):.0f} ms, median of medians {statistics.median(medians):.0f} ms; "
            f"{over} of {len(medians)} handlers at or over {TARGET_MS} ms"
        )


if __name__ == "__main__":
    main()
