"""Command line: ``python -m autograder {release,book,grade,check,publish,sync}``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser(
        "release", help="student versions of units into release/ (nbgrader generate_assignment)"
    )
    p.add_argument("units", nargs="*", help="unit names (default: all)")
    p = sub.add_parser("book", help="execute, strip and build the web book into _build/html")
    p.add_argument("--no-cache", action="store_true", help="re-execute every notebook")
    p = sub.add_parser("grade", help="autograde submitted/, generate feedback, export grades.csv")
    p.add_argument("units", nargs="*", help="unit names (default: all with submissions)")
    p.add_argument("--student", action="append", help="grade only this student (repeatable)")
    p.add_argument("--workers", type=int, default=1, help="submissions graded at once (default 1)")
    p.add_argument("--regrade", action="store_true", help="grade again even submissions graded unchanged")
    p.add_argument(
        "--unsandboxed",
        action="store_true",
        help="run kernels without the bubblewrap sandbox (trusted code only)",
    )
    sub.add_parser("check", help="verify the course invariants before a release")
    sub.add_parser("config", help="the grading settings: value and source (default / environment / file)")
    p = sub.add_parser("new-unit", help="scaffold a unit: notebook, judge, corpus, tests, syllabus row, toc")
    p.add_argument("name", help="NN-slug, e.g. 13-hebbian-learning")
    p.add_argument("title", help='the title, e.g. "Hebbian learning"')
    p = sub.add_parser("publish", help="write the student copy (release + jclub + data + environment) to DIR")
    p.add_argument("dir", type=Path)
    p = sub.add_parser("sync", help="regenerate hidden probe cells from the judge modules")
    p.add_argument("units", nargs="*")
    p = sub.add_parser("report", help="item analysis from the gradebook: HTML page with plots")
    p.add_argument("--out", type=Path, default=None, help="folder (default _build/report)")
    p = sub.add_parser("export-lms", help="grades as a CSV for Canvas or Moodle")
    p.add_argument("file", type=Path)
    p.add_argument("--format", choices=["canvas", "moodle"], default="canvas")
    p = sub.add_parser(
        "solutions", help="solution notebooks to hand out after the deadline (no probes, no mark schemes)"
    )
    p.add_argument("units", nargs="+", help="unit names")
    p.add_argument("--out", type=Path, default=None, help="folder (default _build/solutions)")
    p = sub.add_parser("mark-schemes", help="graders' sheet: written questions, model answers, mark schemes")
    p.add_argument("units", nargs="+", help="unit names")
    p.add_argument("--out", type=Path, default=None, help="folder (default _build/mark-schemes)")
    p = sub.add_parser("clear", help="clear outputs and execution counts of notebooks (default: every unit)")
    p.add_argument("paths", nargs="*", type=Path)
    p = sub.add_parser("mutants", help="mutation-test the judges: judge mutants of the reference solutions")
    from autograder.mutants import add_arguments as add_mutants_arguments

    add_mutants_arguments(p)
    args = parser.parse_args(argv)

    if args.command == "release":
        from autograder.grading.probesync import ProbesOutOfSync
        from autograder.release import release

        try:
            release(args.units or None)
        except ProbesOutOfSync as err:
            print(f"release: {err}", file=sys.stderr)
            return 1
    elif args.command == "book":
        from autograder.book import BuildError, build

        try:
            build(use_cache=not args.no_cache)
        except BuildError as err:
            print(err, file=sys.stderr)
            return 1
    elif args.command == "grade":
        from autograder.grade import SandboxUnavailable, grade
        from autograder.grading.probesync import ProbesOutOfSync

        try:
            report = grade(
                args.units or None,
                args.student,
                workers=args.workers,
                sandboxed=not args.unsandboxed,
                regrade=args.regrade,
            )
        except SandboxUnavailable as err:
            print(f"grade: refusing to run students' code unsandboxed: {err}", file=sys.stderr)
            return 2
        except ProbesOutOfSync as err:
            print(f"grade: {err}", file=sys.stderr)
            return 1
        print(report.summary())
        for o in report.skipped:
            print(f"  {o.kind} {o.student}/{o.unit}: {o.reason}")
    elif args.command == "check":
        from autograder.invariants import format_report, run_all

        results = run_all()
        print(format_report(results))
        return 1 if any(results.values()) else 0
    elif args.command == "config":
        from autograder.settings import table

        print(table())
    elif args.command == "new-unit":
        from autograder.scaffold import ScaffoldError, new_unit

        try:
            for path in new_unit(args.name, args.title):
                print(f"wrote {path}")
        except ScaffoldError as err:
            print(f"new-unit: {err}", file=sys.stderr)
            return 1
    elif args.command == "publish":
        from autograder.publish import publish

        dest = publish(args.dir)
        print(f"student copy written to {dest}")
    elif args.command == "sync":
        from autograder import course
        from autograder.notebooks import sync_unit

        for u in course.units():
            if args.units and u.name not in args.units:
                continue
            for line in sync_unit(u):
                print(line)
    elif args.command == "report":
        from autograder import course
        from autograder.analytics import write_report

        print(f"report written to {write_report(args.out or course.root() / '_build' / 'report')}")
    elif args.command == "export-lms":
        from autograder.analytics import export_lms

        print(f"grades written to {export_lms(args.file, args.format)}")
    elif args.command == "solutions":
        from autograder.solutions import SolutionLeak, write_solutions

        try:
            for path in write_solutions(args.units, args.out):
                print(f"solutions written to {path}")
        except (SolutionLeak, KeyError, RuntimeError) as err:
            print(f"solutions: {err}", file=sys.stderr)
            return 1
    elif args.command == "mutants":
        from autograder.mutants import run_from_args

        return run_from_args(args)
    elif args.command == "mark-schemes":
        from autograder.solutions import write_mark_schemes

        try:
            for path in write_mark_schemes(args.units, args.out):
                print(f"mark schemes written to {path}")
        except KeyError as err:
            print(f"mark-schemes: {err}", file=sys.stderr)
            return 1
    elif args.command == "clear":
        import nbformat

        from autograder import course
        from autograder.notebooks import write_clean

        for path in args.paths or [u.notebook for u in course.units()]:
            write_clean(nbformat.read(path, as_version=4), path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
