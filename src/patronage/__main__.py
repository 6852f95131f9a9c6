"""Command line: ``python -m patronage validate|rehash [DATA_DIR]`` and ``python -m patronage export [FILE]``.

validate exits 0 on good data; on bad data it prints one line per problem (file, row, column,
what is wrong) and exits 1. Neither command prints a traceback for bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from patronage import config
from patronage.errors import DataError


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    parser = argparse.ArgumentParser(prog="python -m patronage", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check the data package and the cross-table rules")
    v.add_argument("data_dir", nargs="?", default=str(config.DATA_DIR))
    r = sub.add_parser("rehash", help="record the current checksums of the tables in datapackage.json")
    r.add_argument("data_dir", nargs="?", default=str(config.DATA_DIR))
    e = sub.add_parser("export", help="write every assertion as one flat CSV")
    e.add_argument("file", nargs="?", default=str(config.EXPORTS_DIR / "assertions.csv"))
    e.add_argument("--data-dir", default=str(config.DATA_DIR))
    args = parser.parse_args(argv)

    from patronage.load import load

    if args.command == "rehash":
        from patronage.integrity import rehash

        changed = rehash(Path(args.data_dir))
        print(f"recorded new checksums for: {', '.join(changed)}" if changed else "checksums unchanged")
        return 0
    data_dir = Path(args.data_dir)
    try:
        tables = load(data_dir)
    except DataError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"{len(exc.problems)} problem(s) in {data_dir}", file=sys.stderr)
        return 1
    if args.command == "validate":
        counts = ", ".join(f"{len(f)} {n}" for n, f in tables.frames().items())
        print(f"valid: {counts}")
        return 0
    from patronage.export import write_assertions

    print(write_assertions(tables, Path(args.file)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
