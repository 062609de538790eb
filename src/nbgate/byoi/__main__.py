"""``python -m nbgate.byoi build DEST [--source SRC] [--python X.Y …]``: build the BYOI runner.

Run at image build time (images/byoi/Dockerfile); needs pip and the package index.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nbgate.byoi import SUPPORTED_PYTHONS
from nbgate.errors import NbgateError

__all__ = ["main"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m nbgate.byoi", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build a runner directory")
    build.add_argument("dest", type=Path, help="runner directory (absent or empty)")
    build.add_argument("--source", type=Path, default=Path("."), help="nbgate wheel or source tree")
    build.add_argument(
        "--python", dest="pythons", action="append", choices=SUPPORTED_PYTHONS,
        help="CPython version to carry (repeatable; default: all supported)",
    )  # fmt: skip
    build.add_argument("--pip-arg", dest="pip_args", action="append", default=[], help="extra pip argument")
    args = parser.parse_args(argv)
    from nbgate.byoi.bundle import build_runner

    try:
        manifest = build_runner(
            args.dest, args.source, pythons=args.pythons or SUPPORTED_PYTHONS, pip_args=args.pip_args
        )
    except NbgateError as exc:
        print(f"nbgate: error: {exc.message}", file=sys.stderr)
        return int(exc.exit_code)
    print(json.dumps(manifest))
    return 0


if __name__ == "__main__":
    sys.exit(main())
