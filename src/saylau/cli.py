"""The ``saylau`` command: allocate seats, run a rulebook, list rulebooks, count an election;
and for the results service, create its database, add accounts and verify its audit log.

Bad input ends with one line on standard error naming the file, the row or path, the field and
what was expected, and exit code 2. No traceback reaches the clerk.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from typer.core import TyperCommand
from typer.exceptions import TyperException

from saylau.count.ballots_json import read_election
from saylau.count.directory import Loaded, import_files, load, protocol_files
from saylau.count.errors import InputError
from saylau.count.protocols import FileRefused
from saylau.count.tally import BodyResult, Count, count_ledger
from saylau.count.tally import Progress as CountProgress
from saylau.count.votes_csv import read_votes_csv
from saylau.law.ballots import BallotError, Base, ListVotes, Party
from saylau.law.methods import METHOD_NAMES, AllocationInputError, method_by_name
from saylau.law.numbers import decimal_text, percent_text
from saylau.law.results import Result, add_seats
from saylau.law.rulebooks import REGISTRY, Rulebook, RulebookNotFound
from saylau.law.thresholds import Share
from saylau.law.tiers import ListTier, TierResult
from saylau.law.ties import EARLIER_REGISTRATION, REPORT_TIES, TieRule
from saylau.law.whatif import Run, run_method, run_rulebook
from saylau.publish.results import (
    DEFAULT_CSV_LEVELS,
    DIFFERENT,
    RULES,
    checks_json,
    code_summary,
    count_document,
    overall_progress,
    write_csv,
)

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="saylau: exact, dated, self-explaining election results.",
)
out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False)
EXIT_BAD_INPUT = 2
EXIT_OPEN = 3
MAX_SEATS = 1_000_000
"""No assembly is larger; a bigger number is a typing error, not a house."""


class Format(StrEnum):
    table = "table"
    json = "json"


def fail(message: str) -> NoReturn:
    """One line for the clerk, exit code 2."""
    print(f"saylau: error: {message}", file=sys.stderr)
    raise typer.Exit(EXIT_BAD_INPUT)


def guarded(action: Callable[[], None], file: Path | None = None) -> None:
    """Run a command, turning every known input error into one line and exit code 2.

    Errors the rules raise about the ballots are prefixed with the file they came from."""
    try:
        action()
    except (InputError, RulebookNotFound) as error:
        fail(str(error))
    except (AllocationInputError, BallotError) as error:
        fail(f"{file}: {error}" if file else str(error))
    except OSError as error:
        where = error.filename or file or "output"
        fail(f"{where}: cannot read or write: {error.strerror or error}")
    except (OverflowError, RecursionError, MemoryError) as error:
        kind = type(error).__name__
        fail(f"{file or 'input'}: the numbers are too large to handle ({kind})")


def parse_share(text: str, option: str) -> Fraction:
    """``5%``, ``5`` or ``3.25%`` as an exact fraction (5% -> 1/20)."""
    number = text.strip().removesuffix("%").strip()
    if len(number) > 40 or "e" in number.lower():
        fail(f"{option}: expected a percentage such as 5% or 3.25%, got {text!r}")
    try:
        value = Fraction(Decimal(number)) / 100
    except (InvalidOperation, ValueError, OverflowError):
        fail(f"{option}: expected a percentage such as 5% or 3.25%, got {text!r}")
    if not 0 <= value <= 1:
        fail(f"{option}: expected a percentage between 0% and 100%, got {text!r}")
    return value


def parse_divisor(text: str) -> Fraction:
    if len(text) > 40 or "e" in text.lower():
        fail(f"--first-divisor: expected a number such as 1.4, got {text!r}")
    try:
        value = Fraction(Decimal(text.strip()))
    except (InvalidOperation, ValueError, OverflowError):
        fail(f"--first-divisor: expected a number such as 1.4, got {text!r}")
    if value <= 0:
        fail(f"--first-divisor: expected a positive number, got {text!r}")
    return value


def emit_json(document: Any) -> None:
    """A JSON document on standard output, indented (written directly: a large count's
    document is megabytes, too big to colour)."""
    sys.stdout.write(json.dumps(document, ensure_ascii=False, indent=2) + "\n")


@app.command()
def allocate(
    votes_file: Annotated[
        Path,
        typer.Argument(
            help="CSV with the header party,votes (optionally registered_order, candidates)"
        ),
    ],
    seats: Annotated[int, typer.Option("--seats", help="seats to allocate (1 or more)")],
    method: Annotated[str, typer.Option("--method", help=f"one of: {', '.join(METHOD_NAMES)}")],
    threshold: Annotated[str | None, typer.Option(help="e.g. 5% ('5% and more')")] = None,
    threshold_base: Annotated[
        int | None,
        typer.Option(
            help="the number the threshold is a share of (default: all votes in the file)"
        ),
    ] = None,
    more_than: Annotated[
        bool,
        typer.Option("--more-than", help="the threshold means 'more than X', not 'X and more'"),
    ] = False,
    first_divisor: Annotated[
        str | None, typer.Option(help="first divisor of modified-sainte-lague (default 1.4)")
    ] = None,
    min_seats: Annotated[int, typer.Option(help="seats every list gets first")] = 0,
    output: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
    explain: Annotated[bool, typer.Option(help="print the trail with the table")] = True,
) -> None:
    """Allocate seats among parties by one method, with an optional threshold."""

    def run() -> None:
        if not 1 <= seats <= MAX_SEATS:
            fail(f"--seats: expected a whole number from 1 to {MAX_SEATS:,}, got {seats}")
        if min_seats < 0:
            fail(f"--min-seats: expected 0 or more, got {min_seats}")
        if threshold_base is not None and threshold_base < 1:
            fail(f"--threshold-base: expected a whole number of at least 1, got {threshold_base}")
        chosen = method_by_name(
            method, first_divisor=parse_divisor(first_divisor) if first_divisor else None
        )
        if first_divisor and method != "modified-sainte-lague":
            fail("--first-divisor applies to --method modified-sainte-lague only")
        table = read_votes_csv(votes_file)
        parties = {
            name: Party(name, table.registration.get(name), table.candidates.get(name))
            for name in table.votes
        }
        votes = ListVotes(table.votes, parties=parties)
        rule = (
            Share(
                parse_share(threshold, "--threshold"),
                threshold_base if threshold_base is not None else Base.OPTIONS,
                inclusive=not more_than,
            )
            if threshold
            else None
        )
        if threshold_base is not None and threshold_base < votes.base(Base.OPTIONS):
            fail(
                f"--threshold-base: {threshold_base:,} is smaller than the"
                f" {votes.base(Base.OPTIONS):,} votes in {votes_file}"
            )
        tie_rule = TieRule((EARLIER_REGISTRATION,)) if table.registration else REPORT_TIES
        tier = ListTier("allocation", chosen, rule, seats, tie_rule=tie_rule, min_seats=min_seats)
        part = tier.run(votes)
        if output is Format.json:
            emit_json(allocation_json(part, chosen.name))
        else:
            base = threshold_base if threshold_base is not None else votes.base(Base.OPTIONS)
            print_allocation(part, votes, base, chosen.name, explain)
        if part.questions:
            raise typer.Exit(EXIT_OPEN)

    guarded(run, votes_file)


def allocation_json(part: TierResult, method: str) -> dict[str, Any]:
    document: dict[str, Any] = {"method": method, "seats": part.seats}
    allocation = part.allocation
    if allocation is not None and allocation.tie is not None:
        document["tie"] = {
            "options": list(allocation.tie.options),
            "seats": allocation.tie.seats,
            "reason": allocation.tie.reason,
        }
    document["questions"] = [q.to_json() for q in part.questions]
    document["trail"] = [step.to_json() for step in part.steps]
    return document


def print_allocation(
    part: TierResult, votes: ListVotes, total: int, method: str, explain: bool
) -> None:
    table = Table(title=f"Seats by {method}")
    table.add_column("party")
    table.add_column("votes", justify="right")
    table.add_column("share", justify="right")
    table.add_column("seats", justify="right")
    for name, count in sorted(votes.votes.items(), key=lambda item: -item[1]):
        table.add_row(
            escape(name), f"{count:,}", percent_text(count, total), str(part.seats.get(name, 0))
        )
    out.print(table)
    print_questions(part.questions)
    if explain:
        out.print("\n".join(step.explain() for step in part.steps), markup=False)


def print_questions(questions: tuple[Any, ...]) -> None:
    for question in questions:
        out.print(f"[bold red]OPEN ({question.code})[/] {escape(question.contest)}: ", end="")
        out.print(question.text, markup=False)


@app.command()
def elect(
    rulebook: Annotated[str, typer.Argument(help="e.g. kz.mazhilis@2023-03-19")],
    input_file: Annotated[
        Path, typer.Argument(help="election totals as JSON (docs/elect-input.md)")
    ],
    explain: Annotated[bool, typer.Option("--explain", help="print the whole trail")] = False,
    output: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
) -> None:
    """Run a whole rulebook on an election's totals."""

    def run() -> None:
        chosen = REGISTRY.find(rulebook)
        ballots, lots, _ = read_election(input_file)
        result = chosen.elect(ballots, lots)
        if output is Format.json:
            emit_json(result.to_json())
        else:
            parties = {
                (k.name, c.name): c.party or "" for k in ballots.contests for c in k.candidates
            }
            print_result(chosen, result, explain, parties if ballots.contests else None)
        if result.questions:
            raise typer.Exit(EXIT_OPEN)

    guarded(run, input_file)


def print_result(
    rulebook: Rulebook,
    result: Result,
    explain: bool,
    parties: dict[tuple[str, str], str] | None = None,
) -> None:
    """A rulebook's result as tables; ``parties`` gives the party of each (contest, candidate),
    if known."""
    out.print(f"[bold]{escape(rulebook.title)}[/] ({escape(rulebook.ref)})")
    if result.seats:
        table = Table(title="Seats")
        table.add_column("party")
        tiers = list(result.tiers)
        for tier in tiers:
            table.add_column(escape(tier), justify="right")
        if len(tiers) > 1:
            table.add_column("total", justify="right")
        for party, seats in sorted(result.seats.items(), key=lambda item: -item[1]):
            cells = [str(result.tiers[tier].get(party, 0)) for tier in tiers]
            if len(tiers) > 1:
                cells.append(str(seats))
            table.add_row(escape(party), *cells)
        out.print(table)
    if result.winners:
        winners = Table(title="Winners")
        winners.add_column("contest")
        winners.add_column("winner")
        if parties is not None:
            winners.add_column("party")
        for contest, winner in result.winners.items():
            cells = [contest, winner]
            if parties is not None:
                cells.append(parties.get((contest, winner)) or "self-nominated")
            winners.add_row(*map(escape, cells))
        out.print(winners)
    for decision, value in result.decisions.items():
        out.print(f"{decision}: {'yes' if value else 'no'}", markup=False)
    print_questions(result.questions)
    if rulebook.provisional:
        out.print(
            "provisional: "
            + "; ".join(p.name for p in rulebook.provisional)
            + " (see `saylau rulebooks`)",
            markup=False,
        )
    if explain:
        out.print(result.trail.explain(), markup=False)


@app.command()
def rulebooks(
    output: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
) -> None:
    """List the rulebooks with their validity, provisional parts and citations."""
    books = REGISTRY.all()
    if output is Format.json:
        emit_json([book.to_json() for book in books])
        return
    for book in books:
        out.print(f"[bold]{escape(book.ref)}[/]  {escape(book.title)}  ({book.validity()})")
        for provision in book.provisions:
            flag = "[yellow]PROVISIONAL[/] " if provision.provisional else ""
            cited = f" [{provision.citation}]" if provision.citation else ""
            note = f" - {provision.note}" if provision.note else ""
            out.print(f"  {flag}", end="")
            out.print(f"{provision.name}: {provision.value}{cited}{note}", markup=False)
        if book.example:
            out.print(f"  example: {book.example}", markup=False)
        out.print()


# -- counting an election directory ------------------------------------------------------------

EXIT_BLOCKED = 4
"""``saylau count``: some protocols are held back by an error or an unacknowledged warning."""


def load_directory(directory: Path, quiet: bool) -> Loaded:
    """Read an election directory, with a progress bar on a terminal."""
    files = protocol_files(directory)
    if quiet or not err.is_terminal or len(files) < 2:
        return load(directory)
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as bar:
        task = bar.add_task("reading protocol files", total=len(files))

        def step(name: str) -> None:
            bar.update(task, advance=1, description=f"reading {name}")

        return load(directory, step)


def refused(error: FileRefused) -> NoReturn:
    for line in error.lines():
        print(f"saylau: error: {line}" if line == error.lines()[0] else line, file=sys.stderr)
    raise typer.Exit(EXIT_BAD_INPUT)


def share_text(progress: CountProgress) -> str:
    protocols = percent_text(progress.protocols_in, progress.protocols_expected or 1)
    voters = percent_text(progress.voters_in, progress.voters_expected or 1)
    return (
        f"{progress.protocols_in:,}/{progress.protocols_expected:,} protocols ({protocols}),"
        f" {voters} of registered voters"
    )


def print_count(count: Count, body_id: str | None, explain: bool) -> None:
    file = count.election.file
    out.print(f"[bold]{escape(file.name)}[/] ({file.date.isoformat()})")
    if file.synthetic:
        out.print("[yellow]SYNTHETIC DATA[/]: " + escape(file.description or "not a real election"))
    progress = overall_progress(count)
    status = "complete" if progress.complete else "[yellow]partial[/]"
    out.print(f"count {status}: {share_text(progress)}")
    print_checks(count)
    print_bodies(count)
    chosen = [b for b in count.bodies if b.body.id == body_id] if body_id else []
    if body_id and not chosen:
        fail(f"no body {body_id!r}; the bodies are: {', '.join(b.id for b in file.bodies)}")
    for body in chosen:
        out.print()
        label = " [yellow](provisional)[/]" if body.provisional else ""
        out.print(f"[bold]{escape(body.body.name)}[/]{label}: {share_text(body.progress)}")
        if body.result is None:
            out.print(f"not decided: {body.refused}", markup=False)
        else:
            parties = {
                (constituency.name, option.name): option.party or ""
                for contest in count.election.file.contests
                for constituency in contest.constituencies
                for option in constituency.options
            }
            print_result(count.election.rulebook_of(body.body), body.result, explain, parties)


def print_checks(count: Count) -> None:
    review = count.review
    table = Table(title="Protocols")
    for column in ("expected", "entered", "accepted", "blocked", "double-entry mismatches"):
        table.add_column(column, justify="right")
    table.add_row(
        f"{count.election.expected:,}",
        f"{int(review.present.sum()):,}",
        f"{int(review.accepted.sum()):,}",
        f"{int(review.blocked.sum()):,}",
        f"{int(review.mismatch.sum()):,}",
    )
    out.print(table)
    held = code_summary(count)
    if held:
        codes = Table(title="Held back by")
        codes.add_column("code")
        codes.add_column("rule")
        codes.add_column("protocols", justify="right")
        for code, number in held.most_common():
            codes.add_row(code, RULES[code], f"{number:,}")
        out.print(codes)


def print_bodies(count: Count) -> None:
    """One row per body; bodies that share a rulebook are added up when there are many."""
    groups: dict[str, list[BodyResult]] = {}
    for body in count.bodies:
        groups.setdefault(count.election.rulebook_of(body.body).ref, []).append(body)
    table = Table(title="Results")
    table.add_column("body")
    table.add_column("protocols in", justify="right")
    table.add_column("status")
    table.add_column("seats by party")
    for ref, bodies in groups.items():
        if len(bodies) <= 5:
            for body in bodies:
                table.add_row(escape(body.body.name), *summary_cells([body]))
        else:
            table.add_row(escape(f"{len(bodies)} bodies under {ref}"), *summary_cells(bodies))
    out.print(table)


def summary_cells(bodies: list[BodyResult]) -> list[str]:
    """Protocols in, status and seats of one body or of several added up."""
    seats = add_seats(*(b.result.seats for b in bodies if b.result))
    progress = bodies[0].progress
    for other in bodies[1:]:
        progress = progress + other.progress
    final = sum(not b.provisional for b in bodies)
    status = "final" if final == len(bodies) else f"provisional ({len(bodies) - final})"
    return [
        f"{progress.protocols_in:,}/{progress.protocols_expected:,}",
        status,
        escape(", ".join(f"{p} {n}" for p, n in sorted(seats.items(), key=lambda i: -i[1]))),
    ]


def print_blocked(count: Count) -> None:
    """The protocols held back, each with its coded problems, on standard error."""
    document = checks_json(count)
    for item in document["blocked_protocols"]:
        print(
            f"blocked: precinct {item['precinct']}, contest {item['contest']}"
            f" (from {item['entered_from']})",
            file=sys.stderr,
        )
        for problem in item["problems"]:
            print(f"  {problem}", file=sys.stderr)
        for difference in item.get("differences", []):
            print(
                f"  {DIFFERENT}: {difference['field']}: first entry {difference['first']},"
                f" second entry {difference['second']}",
                file=sys.stderr,
            )
    if document["blocked_not_listed"]:
        print(f"... and {document['blocked_not_listed']:,} more", file=sys.stderr)


@app.command()
def count(
    directory: Annotated[Path, typer.Argument(help="an election directory (docs/election-dir.md)")],
    output: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="also write the results as JSON to this file")
    ] = None,
    csv_dir: Annotated[
        Path | None, typer.Option("--csv", help="also write CSV results by level to this folder")
    ] = None,
    precincts: Annotated[
        bool, typer.Option("--precincts", help="with --csv: also precinct.csv (a row per protocol)")
    ] = False,
    cdf_file: Annotated[
        Path | None,
        typer.Option("--cdf", help="also write a NIST SP 1500-100 v2 election report (JSON)"),
    ] = None,
    body: Annotated[
        str | None, typer.Option("--body", help="print this body's result in full")
    ] = None,
    explain: Annotated[bool, typer.Option("--explain", help="with --body: the trail")] = False,
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar")] = False,
) -> None:
    """Count an election: read the protocols, check them, roll up, give seats and winners.

    Exit codes: 0 complete and final; 2 bad input; 3 not final (a partial count or an open
    question); 4 some protocols are held back by an error or an unacknowledged warning (they
    are listed on standard error)."""

    def run() -> None:
        try:
            loaded = load_directory(directory, quiet)
        except FileRefused as error:
            refused(error)
        bodies = [b.id for b in loaded.election.file.bodies]
        if body is not None and body not in bodies:
            fail(f"--body: no body {body!r} in this election; the bodies are: {', '.join(bodies)}")
        counted = count_ledger(loaded.ledger, loaded.lots)
        if output is Format.json or out_file:
            document = count_document(counted)
            if out_file:
                write_json(out_file, document)
            if output is Format.json:
                emit_json(document)
        if output is Format.table:
            print_count(counted, body, explain)
        if csv_dir:
            write_csv(
                counted,
                csv_dir,
                (*DEFAULT_CSV_LEVELS, "precinct") if precincts else DEFAULT_CSV_LEVELS,
            )
        if cdf_file:
            from saylau.publish.cdf import election_report

            write_json(cdf_file, election_report(counted))
        if counted.review.blocked.any():
            print_blocked(counted)
            raise typer.Exit(EXIT_BLOCKED)
        if any(b.provisional for b in counted.bodies):
            raise typer.Exit(EXIT_OPEN)

    guarded(run)


@app.command("import")
def import_(
    directory: Annotated[Path, typer.Argument(help="an election directory")],
    files: Annotated[list[Path], typer.Argument(help="protocol files: CSV, JSON or XLSX")],
) -> None:
    """Check protocol files against the record and add each one, whole or not at all.

    A file that changes nothing (already imported) is not copied again."""

    def run() -> None:
        try:
            for report in import_files(directory, files):
                out.print(report.describe(), markup=False)
        except FileRefused as error:
            refused(error)

    guarded(run)


@app.command()
def report(
    directory: Annotated[Path, typer.Argument(help="an election directory")],
    output: Annotated[Path, typer.Option("-o", "--out", help="the HTML file to write")] = Path(
        "report.html"
    ),
    quiet: Annotated[bool, typer.Option("--quiet", help="no progress bar")] = False,
) -> None:
    """Write a self-contained HTML report: hemicycle, parties, districts, regions, progress,
    checks and the trail of the seat allocation."""
    from saylau.publish.report import write_report

    def run() -> None:
        try:
            loaded = load_directory(directory, quiet)
        except FileRefused as error:
            refused(error)
        written = write_report(count_ledger(loaded.ledger, loaded.lots), output)
        out.print(f"report written to {written}", markup=False)

    guarded(run)


@app.command()
def generate(
    kind: Annotated[str, typer.Argument(help="what to generate: kz-2023")],
    out_dir: Annotated[Path, typer.Argument(help="the election directory to write")],
    seed: Annotated[int, typer.Option("--seed", help="the same seed gives the same files")] = 2023,
    precincts: Annotated[
        int, typer.Option("--precincts", min=500, max=250_000, help="polling stations")
    ] = 10_200,
    inject: Annotated[
        list[str] | None,
        typer.Option("--inject", help="add a defect (repeatable): see the list in --help"),
    ] = None,
) -> None:
    """Write a SYNTHETIC national election (definition and protocols) for tests and demos.

    kz-2023: 20 regions, 29 Mazhilis districts, five ballots per voter; the national list-tier
    totals equal the official 2023 figures exactly. --inject adds defects: check-error,
    double-entry, stuffing."""
    from saylau.count.synthetic import INJECTIONS, generate_kz_2023

    known = {name for name, _ in INJECTIONS}
    if kind != "kz-2023":
        fail(f"unknown synthetic election {kind!r}; expected kz-2023")
    wanted = frozenset(inject or ())
    if wanted - known:
        fail(
            f"--inject: unknown defect(s) {sorted(wanted - known)};"
            f" expected some of {sorted(known)}"
        )
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        fail(f"{out_dir}: not an empty folder; choose a new one")

    def run() -> None:
        generated = generate_kz_2023(out_dir, seed=seed, precincts=precincts, inject=wanted)
        out.print(str(generated), markup=False)

    guarded(run)


def write_json(path: Path, document: Any) -> None:
    """Write a JSON file whole: to a temporary name first, then renamed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.partial")
    temporary.write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    temporary.replace(path)


# --- compare ------------------------------------------------------------------------------


class ManyValues(TyperCommand):
    """Lets ``--rulebooks A B C`` and ``--methods x y`` take several words each: the words after
    the option, up to the next option, are its values (``--rulebooks A --rulebooks B`` works
    too). The input file therefore comes before them."""

    GREEDY = ("--rulebooks", "--methods")

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        rewritten: list[str] = []
        current: str | None = None
        taken = 0
        for index, word in enumerate(args):
            if word == "--":
                rewritten.extend(args[index:])
                break
            if word in self.GREEDY:
                if current is not None and taken == 0:
                    rewritten.append(current)
                current, taken = word, 0
                continue
            if word.startswith("-") and word != "-":
                if current is not None and taken == 0:
                    rewritten.append(current)
                current = None
                rewritten.append(word)
                continue
            if current is not None:
                rewritten.extend([current, word])
                taken += 1
            else:
                rewritten.append(word)
        else:
            if current is not None and taken == 0:
                rewritten.append(current)
        return list(super().parse_args(ctx, rewritten))


class ThresholdBase(StrEnum):
    lists = "lists"
    lists_and_against_all = "lists-and-against-all"
    valid = "valid"
    ballots_cast = "ballots-cast"

    @property
    def base(self) -> Base:
        return {
            "lists": Base.OPTIONS,
            "lists-and-against-all": Base.OPTIONS_AND_AGAINST_ALL,
            "valid": Base.VALID,
            "ballots-cast": Base.BALLOTS_CAST,
        }[self.value]


@app.command(cls=ManyValues)
def compare(
    input_file: Annotated[
        Path, typer.Argument(help="election totals as JSON (docs/elect-input.md); comes first")
    ],
    rulebooks: Annotated[
        list[str] | None,
        typer.Option("--rulebooks", help="rulebooks to count by, e.g. kz.mazhilis@2021-01-10"),
    ] = None,
    methods: Annotated[
        list[str] | None,
        typer.Option("--methods", help=f"methods to count by: {', '.join(METHOD_NAMES)}"),
    ] = None,
    seats: Annotated[
        int | None, typer.Option(help="seats for --methods (default: list_seats in the file)")
    ] = None,
    threshold: Annotated[str | None, typer.Option(help="threshold for --methods, e.g. 5%")] = None,
    threshold_base: Annotated[
        ThresholdBase, typer.Option(help="what the --methods threshold is a share of")
    ] = ThresholdBase.lists_and_against_all,
    more_than: Annotated[
        bool, typer.Option("--more-than", help="the threshold means 'more than X'")
    ] = False,
    first_divisor: Annotated[
        str | None, typer.Option(help="first divisor of modified-sainte-lague (default 1.4)")
    ] = None,
    min_seats: Annotated[int, typer.Option(help="seats every list gets first (--methods)")] = 0,
    output: Annotated[Format, typer.Option("--format", help="table or json")] = Format.table,
) -> None:
    """Count the same votes under several rulebooks or methods, side by side.

    Shows each run's seats, the Gallagher and Loosemore-Hanby indices, the effective number
    of parties by votes and by seats, and the last seat with the votes that would have moved
    it (docs/compare.md).
    """

    def run() -> None:
        if not rulebooks and not methods:
            fail("compare: name at least one rulebook (--rulebooks) or method (--methods)")
        if seats is not None and not 1 <= seats <= MAX_SEATS:
            fail(f"--seats: expected a whole number from 1 to {MAX_SEATS:,}, got {seats}")
        if min_seats < 0:
            fail(f"--min-seats: expected 0 or more, got {min_seats}")
        if not methods and (seats is not None or threshold or first_divisor or min_seats):
            fail("--seats, --threshold, --first-divisor and --min-seats apply to --methods only")
        ballots, lots, _ = read_election(input_file)
        runs: list[Run] = []
        for reference in rulebooks or []:
            runs.append(run_rulebook(reference, REGISTRY.find(reference), ballots, lots))
        rule = (
            Share(
                parse_share(threshold, "--threshold"),
                threshold_base.base,
                inclusive=not more_than,
            )
            if threshold
            else None
        )
        divisor = parse_divisor(first_divisor) if first_divisor else None
        if divisor is not None and "modified-sainte-lague" not in (methods or []):
            fail("--first-divisor applies to --methods modified-sainte-lague only")
        house = seats if seats is not None else ballots.list_seats
        for name in methods or []:
            method = method_by_name(name, first_divisor=divisor)
            runs.append(run_method(name, method, ballots, house, rule, min_seats))
        if output is Format.json:
            emit_json(comparison_json(input_file, runs))
        else:
            print_comparison(runs)
        if any(run.result.questions for run in runs):
            raise typer.Exit(EXIT_OPEN)

    guarded(run, input_file)


def comparison_json(input_file: Path, runs: list[Run]) -> dict[str, Any]:
    votes = runs[0].votes if runs else {}
    return {"input": str(input_file), "votes": votes, "runs": [run.to_json() for run in runs]}


def print_comparison(runs: list[Run]) -> None:
    votes = runs[0].votes
    total = sum(votes.values())
    table = Table(title="Seats side by side")
    table.add_column("party")
    table.add_column("votes", justify="right")
    table.add_column("share", justify="right")
    for run in runs:
        seats = sum(run.result.seats.values())
        table.add_column(escape(f"{run.label}\n{seats} seats"), justify="right")
    named = sorted(votes, key=lambda name: -votes[name])
    extra = [n for run in runs for n in run.result.seats if n not in votes]
    for name in [*named, *dict.fromkeys(extra)]:
        shown = f"{votes[name]:,}" if name in votes else "-"
        share = percent_text(votes[name], total) if name in votes else "-"
        cells = (str(run.result.seats.get(name, 0)) for run in runs)
        table.add_row(escape(name), shown, share, *cells)
    table.add_section()

    def row(label: str, cell: Callable[[Run], str]) -> None:
        table.add_row(label, "", "", *(escape(cell(run)) for run in runs))

    row("Gallagher", lambda r: r.indices.gallagher.text() if r.indices else "n/a")
    row(
        "Loosemore-Hanby",
        lambda r: decimal_text(r.indices.loosemore_hanby) if r.indices else "n/a",
    )
    row("ENP votes", lambda r: decimal_text(r.indices.enp_votes) if r.indices else "n/a")
    row("ENP seats", lambda r: decimal_text(r.indices.enp_seats) if r.indices else "n/a")
    row("last seat", lambda r: r.last.winner if r.last else "n/a")
    row(
        "votes to move it",
        lambda r: (
            "tied"
            if r.last and r.last.tied
            else f"{r.last.runner_up} +{r.last.votes_needed:,}"
            if r.last and r.last.votes_needed is not None
            else "n/a"
        ),
    )
    wide = Console(highlight=False, soft_wrap=True, width=max(out.width, 48 + 26 * len(runs)))
    wide.print(table)  # as wide as the runs need: a squeezed column would hide the numbers
    for run in runs:
        if run.last:
            out.print(f"{run.label}: {run.last.explain()}", markup=False)
        for question in run.result.questions:
            out.print(f"[bold red]OPEN ({question.code})[/] {escape(run.label)}: ", end="")
            out.print(f"{question.contest}: {question.text}", markup=False)


# --- the service's database: db upgrade, users add, audit verify ----------------------------
# The service modules (SQLAlchemy, Alembic, argon2) are imported inside these commands only, so
# that `saylau count` and the other commands start as fast as before.

DEFAULT_DB = "sqlite:///saylau.db"
"""The default database URL (the same as ``saylau.service.db.DEFAULT_URL``)."""
EXIT_AUDIT_BROKEN = 1
ROLES = ("cec-administrator", "territorial-operator", "precinct-operator", "observer")

DbOption = Annotated[
    str,
    typer.Option(
        "--db",
        envvar="SAYLAU_DB",
        help="database URL: sqlite:///FILE or postgresql+psycopg://USER:PASSWORD@HOST/DATABASE",
    ),
]

db_app = typer.Typer(no_args_is_help=True, help="The service's database: create or upgrade it.")
users_app = typer.Typer(no_args_is_help=True, help="Accounts of the results service.")
audit_app = typer.Typer(no_args_is_help=True, help="The hash-chained audit log.")
app.add_typer(db_app, name="db")
app.add_typer(users_app, name="users")
app.add_typer(audit_app, name="audit")


def service_guarded(action: Callable[[], None]) -> None:
    """Run a service command; a database or account problem is one line and exit code 2."""
    from sqlalchemy.exc import SQLAlchemyError

    from saylau.service.accounts import AccountError
    from saylau.service.db import DatabaseError
    from saylau.service.errors import ServiceError

    try:
        action()
    except (DatabaseError, AccountError, ServiceError, InputError) as error:
        fail(str(error))
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()
        fail(f"the database refused the change: {reason[0] if reason else type(error).__name__}")


def cli_actor() -> str:
    """Who the audit log names for a change made from the command line."""
    import getpass

    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):
        return "cli"


@db_app.command("upgrade")
def db_upgrade(db: DbOption = DEFAULT_DB) -> None:
    """Create the service's tables, or bring them to the newest schema (safe to run again)."""

    def run() -> None:
        from saylau.service.db import parse_url, shown
        from saylau.service.schema import upgrade

        revision = upgrade(db)
        out.print(f"{shown(parse_url(db))}: the schema is at revision {revision}", markup=False)

    service_guarded(run)


@db_app.command("load")
def db_load(
    directory: Annotated[Path, typer.Argument(help="an election directory (docs/election-dir.md)")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Load an election directory: the definition, and every protocol as entered; those the
    count accepts are approved by the system account. Once per election."""

    def run() -> None:
        from saylau.service.db import Database
        from saylau.service.loading import load_directory
        from saylau.service.schema import require_current

        database = Database.open(db)
        try:
            require_current(database)
            try:
                report = load_directory(database, directory, actor=cli_actor(), step=None)
            except FileRefused as error:
                refused(error)
            out.print(report.describe(), markup=False)
        finally:
            database.dispose()

    service_guarded(run)


def prepare_service(
    db: str, *, demo: bool, say: Callable[[str], None], demo_precincts: int | None = None
) -> None:
    """Make the database ready to serve: on a database without tables, create them and (with
    ``demo``) load the synthetic 2023 election (``demo_precincts`` polling stations: the
    default is the full 10,200); otherwise require the newest schema."""
    from saylau.service.db import Database
    from saylau.service.loading import is_empty, load_synthetic
    from saylau.service.schema import current_revision, require_current, upgrade

    database = Database.open(db)
    try:
        if current_revision(database) is None:
            say(f"{database.shown_url}: a new database; creating the tables")
            upgrade(database)
            if demo and is_empty(database):
                say("loading the SYNTHETIC election of 19 March 2023 (invented detail) ...")
                report = load_synthetic(database, actor="saylau serve", precincts=demo_precincts)
                say(report.describe())
        require_current(database)
    finally:
        database.dispose()


@app.command()
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[str, typer.Option("--host", help="the address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="the port")] = 8000,
    workers: Annotated[int, typer.Option("--workers", min=1, max=64, help="worker processes")] = 1,
    demo: Annotated[
        bool,
        typer.Option(
            "--demo/--no-demo", help="load the synthetic 2023 election into a new database"
        ),
    ] = True,
) -> None:
    """Run the results service (the JSON API; docs at /api/docs).

    A new database gets its tables and, unless --no-demo, the synthetic 2023 election, so that
    there are results to see at once."""

    def run() -> None:
        import os

        import uvicorn

        prepare_service(db, demo=demo, say=lambda line: err.print(line, markup=False))
        os.environ["SAYLAU_DB"] = db
        err.print(f"serving on http://{host}:{port}/api/docs", markup=False)
        uvicorn.run(
            "saylau.service.app:app_from_environment",
            factory=True,
            host=host,
            port=port,
            workers=workers,
            log_level="info",
        )

    service_guarded(run)


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            fail("--password-stdin: standard input is empty; give the password on one line")
        return line.rstrip("\r\n")
    return str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))


@users_app.command("add")
def users_add(
    username: Annotated[str, typer.Argument(help="the login name: a-z, digits, '.', '-', '_'")],
    role: Annotated[str, typer.Option("--role", help=f"one of: {', '.join(ROLES)}")],
    area: Annotated[
        str | None,
        typer.Option(
            "--area",
            help="a territorial operator's unit id, or a precinct operator's precinct id",
        ),
    ] = None,
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="read the password from standard input")
    ] = False,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Create an account. The password is asked for twice, or read from standard input."""
    if role not in ROLES:
        fail(f"--role: {role!r} is not a role; use one of: {', '.join(ROLES)}")

    def run() -> None:
        from saylau.service.accounts import check_password_rules, create_user, normalise_username
        from saylau.service.db import Database
        from saylau.service.roles import Role
        from saylau.service.schema import require_current

        database = Database.open(db)
        try:
            require_current(database)
            normalise_username(username)
            password = read_password(password_stdin)
            check_password_rules(password)
            with database.write() as session:
                user = create_user(session, username, password, Role(role), area, actor=cli_actor())
                where = f" for {user.role.area_kind} {user.area}" if user.area else ""
            out.print(f"Added {user.role.value} {user.username!r}{where}.", markup=False)
        finally:
            database.dispose()

    service_guarded(run)


@audit_app.command("verify")
def audit_verify(db: DbOption = DEFAULT_DB) -> None:
    """Recompute the audit chain. Exit 0 when intact; 1, with every problem listed, otherwise."""

    def run() -> None:
        from saylau.service.audit import summary, verify
        from saylau.service.db import Database
        from saylau.service.schema import require_current

        database = Database.open(db)
        try:
            require_current(database)
            with database.read() as session:
                problems = verify(session)
                entries, last = summary(session)
        finally:
            database.dispose()
        if not problems:
            counted = "1 entry" if entries == 1 else f"{entries:,} entries"
            out.print(
                f"The audit chain is intact: {counted}; the last hash is {last}.", markup=False
            )
            return
        out.print(
            f"The audit chain is BROKEN: {len(problems)} problem(s); the chain head records"
            f" {entries:,} entries.",
            markup=False,
        )
        for problem in problems:
            out.print(f"  {problem.kind.value}: {problem}", markup=False)
        raise typer.Exit(EXIT_AUDIT_BROKEN)

    service_guarded(run)


def main() -> None:
    """Run the command; a usage error (an unknown option, a word where a number belongs) is one
    line and exit code 2, like every other bad input."""
    try:
        code = app(standalone_mode=False)
    except TyperException as error:
        print(f"saylau: error: {error.format_message()} (see --help)", file=sys.stderr)
        sys.exit(EXIT_BAD_INPUT)
    except typer.Abort:
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
