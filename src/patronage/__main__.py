"""Command line: ``python -m patronage validate|rehash|export|run|about|who-held|conflicts`` (``--help`` on each).

validate exits 0 on good data; on bad data it prints one line per problem (file, row, column,
what is wrong) and exits 1. Neither command prints a traceback for bad input.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from patronage import config
from patronage.errors import CheckoutError, DataError, ParameterError, SettingError

SHOWN = 25  # problems listed by default: the count comes first, the whole report fits a screen


LOOKS = {"about": "every assertion about a person, with its source, locator, quote and evidence",
         "who-held": "who held a post (words of its title or organisation) on a day or in an EDTF interval",
         "conflicts": "where the sources disagree: both readings, and which one each reading parameter picks"}


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = make_parser().parse_args(argv)
    try:
        return _command(args)
    except SettingError as exc:  # a $PATRONAGE_... variable the reader set: said in one line, as a bad argument is
        print(exc, file=sys.stderr)
        return 2


def _command(args: argparse.Namespace) -> int:
    """The subcommand ``args`` names, run."""
    if args.command in LOOKS:
        return look_up(args)
    if args.command == "run":
        from patronage.build.runs import main as run_main

        return run_main(args.notebook, args.output, [tuple(p) for p in args.parameter], args.parameters_file)
    if args.command == "rehash":
        return rehash_tables(Path(args.data_dir))
    return validate_or_export(args)


def given(path: str) -> str:
    """A path argument as typed, refused if it is empty or blank: '' would name the current folder (validate) or stand
    for 'no FILE' (export), neither of which the reader wrote."""
    if not path.strip():
        raise argparse.ArgumentTypeError("an empty path names no file or folder: give one, or leave the argument out")
    return path


def make_parser() -> argparse.ArgumentParser:
    """The command line: one subcommand each for validate, rehash, export, run and the look-ups."""
    parser = argparse.ArgumentParser(prog="python -m patronage", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    v = sub.add_parser("validate", help="check the data package and the cross-table rules")
    v.add_argument("data_dir", nargs="?", default=str(config.DATA_DIR), type=given)
    v.add_argument("--all", action="store_true", help=f"list every problem (by default the first {SHOWN})")
    r = sub.add_parser("rehash", help="record the current checksums of the tables in datapackage.json")
    r.add_argument("data_dir", nargs="?", default=str(config.DATA_DIR), type=given)
    e = sub.add_parser("export", help="write every assertion as one flat CSV (the committed exports/assertions.csv "
                                      "is written by the build)")
    e.add_argument("file", nargs="?", type=given, help="where to write it ('-': the standard output; default: "
                                                       "build/assertions.csv of the compendium checkout)")
    e.add_argument("--data-dir", default=str(config.DATA_DIR), type=given)
    n = sub.add_parser("run", help="run one notebook with your own parameters (its figures go beside the output)",
                       description="Run NOTEBOOK into OUTPUT with papermill, after checking the parameters' names; "
                                   "the run's figures and tables go to a folder beside OUTPUT, named after it.")
    n.add_argument("notebook", type=given, help="e.g. notebooks/03-fairbanks-test.ipynb")
    n.add_argument("output", type=given, help="the executed notebook, e.g. build/not-true-clients.ipynb (not in notebooks/)")
    n.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                   help="a parameter, as papermill's -p (repeatable)")
    n.add_argument("-f", "--parameters-file", metavar="FILE", type=given, help="a scenario: a flat YAML mapping of parameters")
    for name, text in LOOKS.items():
        add_look_up(sub, name, text)
    return parser


def add_look_up(sub, name: str, text: str) -> None:
    """The subcommand of one look-up (about, who-held, conflicts), with its arguments."""
    q = sub.add_parser(name, help=text, description=text[0].upper() + text[1:] + ". Reads every row of the tables.")
    if name == "about":
        q.add_argument("person", help="any recorded name variant, Latin or Cyrillic (e.g. Serov, Серов)")
    elif name == "who-held":
        q.add_argument("post", help="words of a post title or an organisation, e.g. 'first deputy minister internal affairs'")
        q.add_argument("date", help="an ISO or EDTF date or interval, e.g. 1953-06-25 or 1953-06/1953-07")
    else:
        q.add_argument("person", nargs="?", help="only the conflicts that touch this person: through his rows, or "
                                                 "naming him in their topic, quotes or resolution (column 'matched by')")
    q.add_argument("--format", choices=("csv", "table"), default="csv", help="csv (default) or a table to read")
    q.add_argument("--data-dir", default=str(config.DATA_DIR), type=given)


def rehash_tables(data_dir: Path) -> int:
    """rehash: record the tables' checksums in the descriptor (nothing if a table cannot be read); the exit status."""
    from patronage.tables.integrity import rehash

    try:
        changed = rehash(data_dir)
    except DataError as exc:
        return report(exc, data_dir, every=True, then="no checksum was recorded")
    print(f"recorded new checksums for: {', '.join(changed)}" if changed else "checksums unchanged")
    return 0


def validate_or_export(args: argparse.Namespace) -> int:
    """validate (say how many rows each table holds) or export (write the flat table of assertions); the exit status."""
    from patronage.tables.load import load

    data_dir = Path(args.data_dir)
    try:
        tables = load(data_dir)
    except DataError as exc:
        return report(exc, data_dir, every=getattr(args, "all", False))
    if args.command == "validate":
        listed = _crises_listed(tables, data_dir)
        if listed is None:
            return 1
        counts = ", ".join(f"{len(f)} {n}" for n, f in tables.frames().items())
        print(f"valid: {counts}" + (f"; {listed} crises listed in crises.yaml" if listed else ""))
        return 0
    from patronage.publish.export import write_assertions

    if args.file == "-":  # the shell's usual name for the standard output, not a file named '-'
        from patronage.tables.assertions import assertions

        try:
            assertions(tables).to_csv(sys.stdout, index=False, lineterminator="\n")
            sys.stdout.flush()
        except BrokenPipeError:  # the reader stopped early (`| head`): no traceback, as the Python docs advise
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    if not args.file:
        try:
            config.require_checkout("export without a FILE")
        except CheckoutError as exc:
            print(exc, file=sys.stderr)
            return 2
    target = Path(args.file) if args.file else config.BUILD_DIR / "assertions.csv"
    refused = export_refused(target, data_dir)
    if refused:
        print(ParameterError("FILE", args.file, refused), file=sys.stderr)
        return 2
    print(write_assertions(tables, target))
    return 0


def _crises_listed(tables, data_dir: Path) -> int | None:
    """How many crises the package's crises.yaml lists, each checked against the tables as notebook 05 checks them
    (0 if it has none); None, with the problems on stderr, if an entry is wrong."""
    from patronage.robustness.crisis_list import CRISES_FILE, CrisisListError, crisis_list

    path = data_dir / CRISES_FILE
    if not path.exists():
        return 0
    try:
        return len(crisis_list(tables, path))
    except CrisisListError as exc:
        print(exc, file=sys.stderr)
        return None


def export_refused(target: Path, data_dir: Path) -> str:
    """Why the export may not be written to ``target`` ('' if it may): :func:`patronage.targets.refused`; an existing
    file is written over only if it is an export of the assertions (its header)."""
    from patronage.tables.assertions import COLUMNS
    from patronage.targets import refused

    header = ",".join(COLUMNS).encode()
    return refused(target, data_dir, "export of the assertions", lambda head: head.split(b"\n")[0].rstrip(b"\r") == header)


def report(exc: DataError, data_dir: Path, every: bool, then: str = "") -> int:
    """The problems of a data package on stderr, the count first (the first SHOWN unless ``every``); returns 1."""
    shown = exc.problems if every else exc.problems[:SHOWN]
    print(f"{len(exc.problems)} problem{'' if len(exc.problems) == 1 else 's'} in {data_dir}{'; ' + then if then else ''}:", file=sys.stderr)
    for problem in shown:
        print(f"  {problem}", file=sys.stderr)
    if len(shown) < len(exc.problems):
        print(f"  ... and {len(exc.problems) - len(shown)} more: `python -m patronage validate --all` lists every one",
              file=sys.stderr)
    return 1


def look_up(args) -> int:
    """about, who-held, conflicts: the table on stdout; a bad name, post or date as one line on stderr (exit 2);
    an answer with no rows as one sentence on stderr (exit 1)."""
    from patronage.tables import lookup
    from patronage.tables.load import load

    query = (args.post, args.date) if args.command == "who-held" else (args.person,)
    try:
        tables = load(Path(args.data_dir))
        if args.command == "about":
            frame = lookup.about(tables, args.person)
        elif args.command == "who-held":
            frame = lookup.who_held(tables, args.post, args.date)
        else:
            frame = lookup.conflicts(tables, args.person)
    except ParameterError as exc:
        print(exc, file=sys.stderr)
        return 2
    except DataError as exc:
        # the problems themselves, and the command that checks this folder (a bare `validate` checks data/)
        return report(exc, args.data_dir, every=False, then=f"`python -m patronage validate {args.data_dir} --all` lists them all")
    longer = frame.attrs.get("longer words", [])
    if longer:  # whole words only: say which longer ones were left out, beside the answer or the miss
        print(f"words are matched whole: {', '.join(map(repr, longer))} not searched; ask for them by name", file=sys.stderr)
    if frame.empty:
        print(lookup.empty_answer(tables, args.command, *query), file=sys.stderr)
        return 1
    sys.stdout.write(lookup.as_text(frame, args.format) + ("\n" if args.format == "table" else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
