"""`otkb`: the editors' command line (check, new, schema, list, review, links).

Every command works on the project folder (the one holding mkdocs.yml and
data/), found from the current folder upwards or given with --project.
`otkb check` runs exactly the build's loading, validation and linking
(otkb.content.pipeline.check_library), without building the site.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from importlib import metadata
from pathlib import Path

from ..content.checks import REVIEW_EVERY_YEARS, years_after, strict_warnings
from ..content.errors import RecordError
from ..content.json_schema import stale_schemas, write_schemas
from ..content.load import record_paths
from ..content.pipeline import build_library, check_library
from . import links, local_editor, release
from .export import export_site
from .project import CommandError, find_project, site_extra
from .scaffold import NewRecordError, new_record
from ..content.kinds import KINDS, folders_in_words, relations_of

GUIDE = "the editor's guide on the site (/editors/)"


def date_argument(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date written YYYY-MM-DD, like 2026-11-21") from None


def valid_records(project: Path):
    """The valid records (for list and review); a note on stderr when some are left out."""
    library, errors = build_library(project, partial=True)
    broken = sorted({e.path for e in errors})
    if broken:
        print(f"(left out, with problems: {', '.join(broken)}; 'otkb check' says what they are)", file=sys.stderr)
    return library


def _one_line(text: str) -> str:
    """Problems are one line each: a line break an editor typed must not start a new one."""
    return " ".join(text.splitlines())


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


# --- otkb check ---------------------------------------------------------------------

def run_check(args, project: Path) -> int:
    targets = [_target(p, project) for p in args.paths]
    strict = args.strict or strict_warnings(site_extra(project))
    library, errors, warnings = check_library(project, today=args.today, strict_warnings=strict)
    shown = [p for p in errors + warnings if _selected(p, targets, project)]
    shown.sort(key=lambda p: (p.path, p.line, p.column, p.severity, p.field, p.message))
    print(FORMATS[args.format](shown), end="")
    error_count = sum(p.severity == "error" for p in shown)
    warning_count = len(shown) - error_count
    elsewhere = len([e for e in errors if not _selected(e, targets, project)])
    if args.format != "json":
        checked = _checked(args.paths, targets, project, library) if targets else \
            f"({_plural(len(record_paths(project / 'data')), 'file')} checked)"
        print(_check_summary(error_count, warning_count, elsewhere, checked), file=sys.stderr)
    return 1 if error_count else 0


def _target(given: str, project: Path) -> Path:
    path = Path(given).resolve()
    if not path.exists():
        raise CommandError(f"there is no file or folder '{given}'")
    data = (project / "data").resolve()
    if path != data and data not in path.parents:
        raise CommandError(f"'{given}' is not inside data/; records live in "
                           f"{folders_in_words('and')}")
    return path


def _selected(where: RecordError | str | Path, targets: list[Path], project: Path) -> bool:
    """Whether a problem (or a record's path) is under one of the paths given (all, when none is)."""
    if not targets:
        return True
    path = (project / getattr(where, "path", where)).resolve()
    return any(path == t or t in path.parents for t in targets)


def _checked(given: list[str], targets: list[Path], project: Path, library) -> str:
    """What `otkb check PATH...` checked, in words: the paths given, and the records they link to (named
    only when every record is valid, so that the claim holds)."""
    what = f"in {' and '.join(given)}"
    if len(given) > 1 or not targets[0].is_file():
        what += f" ({_plural(sum(_selected(p, targets, project) for p in record_paths(project / 'data')), 'file')})"
    if library is None:
        return what
    chosen = [r for r in library.records.values() if _selected(r.path, targets, project)]
    linked = {target.id for r in chosen for relation in relations_of(r.kind)
              for target in library.targets(r, relation.field)} - {r.id for r in chosen}
    pronoun = "it links" if len(chosen) == 1 else "they link"
    return what + (f", nor in the {_plural(len(linked), 'record')} {pronoun} to" if linked else "")


def _check_summary(errors: int, warnings: int, elsewhere: int, checked: str) -> str:
    if errors:
        summary = (f"otkb check: {_plural(errors, 'error')}"
                   + (f" and {_plural(warnings, 'warning')}" if warnings else "")
                   + ". Each line says the file, line, column and field; fix them and run otkb check again.")
    elif warnings:
        summary = (f"otkb check: no errors, {_plural(warnings, 'warning')}. Warnings never stop "
                   "publishing, but please look at them.")
    else:
        summary = f"otkb check: no problems {checked}."
    if elsewhere:
        summary += (f" {_plural(elsewhere, 'more problem')} in other files; run 'otkb check' without "
                    "a path to see every one.")
    return summary


def format_text(problems: list[RecordError]) -> str:
    return "".join(_one_line(str(p)) + "\n" for p in problems)


def _github_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _github_property(text: str) -> str:
    return _github_data(text).replace(":", "%3A").replace(",", "%2C")


def format_github(problems: list[RecordError], tool: str = "otkb check") -> str:
    """GitHub Actions workflow commands: a pull request shows each problem on its line."""
    out = []
    for p in problems:
        where = {"file": p.path, **({"line": p.line, "col": p.column} if p.line else {}),
                 "title": f"{tool}: {p.field}" if p.field else tool}
        properties = ",".join(f"{key}={_github_property(str(value))}" for key, value in where.items())
        out.append(f"::{'warning' if p.severity == 'warning' else 'error'} {properties}::{_github_data(p.message)}\n")
    return "".join(out)


def format_json(problems: list[RecordError]) -> str:
    """One JSON document; <, > and & escaped so it can be embedded in a page as it is."""
    document = {"errors": sum(p.severity == "error" for p in problems),
                "warnings": sum(p.severity == "warning" for p in problems),
                "problems": [{"path": p.path, "line": p.line, "column": p.column, "field": p.field,
                              "severity": p.severity, "message": p.message} for p in problems]}
    text = json.dumps(document, indent=2)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


FORMATS = {"text": format_text, "github": format_github, "json": format_json}


# --- otkb new, schema, list, review ----------------------------------------------------

def run_new(args, project: Path) -> int:
    try:
        path = new_record(project, args.kind, args.slug, args.title)
    except NewRecordError as e:
        raise CommandError(str(e)) from None
    shown = path.relative_to(project).as_posix()
    kind, slug = path.parent.name, path.stem
    print(f"Created {shown}.\n"
          f"Next: fill in the empty fields (the notes in the file say how), then run:\n"
          f"  otkb check {shown}\n"
          f"Preview it with 'mkdocs serve', at http://127.0.0.1:8000/{kind}/{slug}/")
    return 0


def run_schema(args, project: Path) -> int:
    if args.check:
        stale = stale_schemas(project)
        for path in stale:
            print(f"{path} is out of date with the models; run 'otkb schema' and commit it", file=sys.stderr)
        return 1 if stale else 0
    written = write_schemas(project)
    for path in written:
        print(f"Wrote {path}")
    if not written:
        print("The schemas are up to date.")
    return 0


def run_list(args, project: Path) -> int:
    library = valid_records(project)
    for kind in [args.kind] if args.kind else KINDS:
        records = library.of_kind(kind)
        print(f"{KINDS[kind].label} ({len(records)})")
        width = max((len(r.id) for r in records), default=0)
        for record in records:
            print(f"  {record.id:<{width}}  {_one_line(record.title)}")
    return 0


def review_date(record) -> dt.date:
    """When a record is due for review: `review_due`, or two years after `reviewed`."""
    data = record.data
    return data.review_due or years_after(data.reviewed, REVIEW_EVERY_YEARS)


def run_review(args, project: Path) -> int:
    library = valid_records(project)
    today = args.today or dt.date.today()
    horizon = today + dt.timedelta(days=args.within)
    due = sorted(((review_date(r), r) for r in library.records.values() if review_date(r) <= horizon),
                 key=lambda item: (item[0], item[1].id))
    if not due:
        print(f"Nothing is due for review in the next {_plural(args.within, 'day')}.")
    for date, record in due:
        status = "overdue" if date < today else "due"
        print(f"{date.isoformat()}  {status:<7}  {record.path}  {_one_line(record.title)}")
    return 0


def run_links(args, project: Path) -> int:
    show = (lambda problems: format_github(problems, "otkb links")) if args.format == "github" else FORMATS[args.format]
    found, errors = links.addresses(project)
    if errors:
        print(show(errors), end="")
        print(f"otkb links: {_plural(len(errors), 'problem')} in the records; their addresses were not "
              "checked. Run 'otkb check' to see them.", file=sys.stderr)
    problems, asked = links.check(found, timeout=args.timeout, workers=args.workers, limit=args.limit)
    print(show(problems), end="")
    dead = sum(p.severity == "error" for p in problems)
    moved = len(problems) - dead
    skipped = len({a.url for a in found}) - asked
    if args.format != "json":
        print(f"otkb links: {_plural(asked, 'address')} checked: {dead} dead, {moved} redirected"
              + (f"; {skipped} more not checked (over --limit)" if skipped else "") + ".", file=sys.stderr)
    return 1 if dead or errors else 0


# --- the parser ---------------------------------------------------------------------------

def run_export(args, project: Path) -> int:
    pages = export_site(project, Path(args.folder).absolute(), shown=args.folder)
    print(f"otkb export: {_plural(pages, 'generated page')} and the hand-written pages written to {args.folder}; "
          f"build them with: mkdocs build -f {Path(args.folder) / 'mkdocs.yml'}", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="otkb", formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Tools for the people who write otkb's records (data/*.yml).",
        epilog=f"Run 'otkb COMMAND --help' for the details of one command.\nMore help: {GUIDE}.")
    parser.add_argument("--project", metavar="FOLDER",
                        help="the otkb folder (default: found from the current folder upwards)")
    parser.add_argument("--version", action="version", version=f"otkb {_version()}",
                        help="show otkb's version and exit")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    def command(name, summary, description, run):
        sub = commands.add_parser(name, help=summary, description=description,
                                  formatter_class=argparse.RawDescriptionHelpFormatter)
        sub.set_defaults(run=run)
        return sub

    check = command("check", "check records exactly as the build does, without building", (
        "Load, validate and link every record exactly as the site build does, and list each problem as\n"
        "file:line:column: field: message. Exits 1 when there are errors. Warnings (overdue review,\n"
        "text that is hard to read, a research card nothing links to) are listed too, but never stop\n"
        "publishing.\n\n"
        "examples:\n  otkb check\n  otkb check data/activities/button-hunt.yml\n  otkb check --format github"),
        run_check)
    check.add_argument("paths", nargs="*", metavar="PATH",
                       help="record files or folders to report on (default: all of data/); every record is "
                            "still loaded, so references to other records are checked")
    check.add_argument("--format", choices=FORMATS, default="text",
                       help="text (default); github: annotations for GitHub Actions; json: for tools")
    check.add_argument("--strict", action="store_true", help="treat warnings as errors (exit 1 on them)")
    check.add_argument("--today", type=date_argument, metavar="YYYY-MM-DD",
                       help="check review dates as if today were this date")

    new = command("new", "start a new record from a commented template", (
        "Write data/KIND/SLUG.yml from a template of that kind. Every field you must write is left\n"
        "empty, with a note above it; 'otkb check' names each one until it is filled in. An existing\n"
        "file is never replaced.\n\n"
        "examples:\n  otkb new activities button-hunt --title \"Button hunt\"\n  otkb new research smith-2024-pegs"),
        run_new)
    new.add_argument("kind", metavar="KIND", help=f"one of: {', '.join(KINDS)}")
    new.add_argument("slug", metavar="SLUG",
                     help="the file name and page address: lower-case words joined by hyphens, like button-hunt")
    new.add_argument("--title", help="the record's title (default: made from the slug)")

    schema = command("schema", "write the JSON Schemas editors' tools use", (
        "Write schemas/<kind>.schema.json and schemas/topics.schema.json from the record models, so\n"
        "VS Code (with the YAML extension) and other YAML language server editors complete field\n"
        "names and underline mistakes as you type. Run it after changing hooks/otkb/content/models.py."),
        run_schema)
    schema.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if a schema file is out of date with the models")

    listing = command("list", "list the records", "List every record (or those of one kind) with its title.",
                      run_list)
    listing.add_argument("kind", nargs="?", choices=KINDS, metavar="KIND", help=f"one of: {', '.join(KINDS)}")

    review = command("review", "show the records that are due or overdue for review", (
        f"List the records whose review is overdue or due soon, oldest first. A record is due on its\n"
        f"review_due date, or {REVIEW_EVERY_YEARS} years after 'reviewed' when it has none."), run_review)
    review.add_argument("--within", type=int, default=30, metavar="DAYS",
                        help="also show reviews due in the next DAYS days (default: 30)")
    review.add_argument("--today", type=date_argument, metavar="YYYY-MM-DD", help="pretend today is this date")
    export = command("export", "write the generated site as a plain docs tree that builds without hooks", (
        "Write every page the build generates (records, listings, topics), the hand-written pages, the\n"
        "citation files, feeds and theme into DIR, with a mkdocs.yml that runs no hooks, so any\n"
        "MkDocs-compatible builder can build the same site: 'mkdocs build -f DIR/mkdocs.yml'.\n\n"
        "example:\n  otkb export /tmp/otkb-export"), run_export)
    export.add_argument("folder", metavar="DIR", help="a new or empty folder to write into")
    link_check = command("links", "check that every external source address still works", (
        "Ask every external address the records name as a source (source.url, sources[n].url,\n"
        "citation.url, and citation.doi at doi.org) once, without following redirects, and list each\n"
        "dead one (an error) and each redirected one (a warning, with its new address) on the line\n"
        "that names it. Exits 1 when an address is dead. Needs the network; CI runs it every week.\n\n"
        "examples:\n  otkb links\n  otkb links --format github --timeout 20"), run_links)
    link_check.add_argument("--format", choices=FORMATS, default="text",
                            help="text (default); github: annotations for GitHub Actions; json: for tools")
    link_check.add_argument("--timeout", type=float, default=links.TIMEOUT_SECONDS, metavar="SECONDS",
                            help=f"how long to wait for each answer (default: {links.TIMEOUT_SECONDS:g})")
    link_check.add_argument("--workers", type=int, default=links.WORKERS, metavar="N",
                            help=f"how many requests at a time (default: {links.WORKERS})")
    link_check.add_argument("--limit", type=int, default=links.MAX_ADDRESSES, metavar="N",
                            help=f"check at most N addresses in one run (default: {links.MAX_ADDRESSES})")
    edit = command("edit", "the web editor and the preview, saving into data/ (no GitHub account)", (
        "Start the preview (mkdocs serve) and the web editor at http://127.0.0.1:PORT/admin/, which\n"
        "reads and writes the records in data/ directly: every save is a file the preview shows at\n"
        "once. Stop with Ctrl-C. Commit the files as usual, or open a pull request.\n\n"
        "example:\n  otkb edit"), local_editor.run)
    edit.add_argument("--port", type=int, default=8000, help="the preview's port (default: 8000)")
    edit.add_argument("--api-port", type=int, default=8081,
                      help="the local backend's port, on 127.0.0.1 only (default: 8081)")
    release_check = command("release-check", "do what CI does before publishing: tests, check, build, links",
                            release.DESCRIPTION, release.run)
    release.add_arguments(release_check)
    return parser


def _version() -> str:
    try:
        return metadata.version("otkb")
    except metadata.PackageNotFoundError:  # run from a checkout that pip has not installed
        return "(not installed; pip install -e .)"


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:  # `otkb` alone: what it can do
        parser.print_help()
        return 0
    try:
        return args.run(args, find_project(args.project))
    except CommandError as e:
        print(f"otkb {args.command}: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
