"""Service benchmark: protocol submissions over loopback, and a crash in the middle of them.

Run:  .venv/bin/python benchmarks/service.py                 (SQLite; 20,000 submissions)
      .venv/bin/python benchmarks/service.py --postgres URL  (SQLite, then PostgreSQL)
      .venv/bin/python benchmarks/service.py --quick         (seconds; a smoke test)

What is measured (issue 4):

- **load**: ``saylau serve`` (uvicorn, ``--workers`` processes) over a fresh database that holds
  the synthetic 2023 election's definition and no protocol. ``--clients`` concurrent clients
  (threads of the benchmark process, one keep-alive connection each; 128 by default: an
  election night has hundreds of operators at their desks) send the first entries of
  the election's protocols (``PUT .../entries/1``, the figures of ``saylau generate kz-2023``),
  each as the territorial operator of the protocol's region. A submission is *acknowledged*
  when the answer is 201 (stored, committed). The run prints the throughput (acknowledged per
  second of wall time) and the latency percentiles p50 and p99.
- **crash**: the same load, and after ``--crash-after`` acknowledged submissions the whole
  server (master and workers) is killed with SIGKILL. It is started again on the same database,
  and then every acknowledged submission must be there with the figures that were sent, each
  with its audit entry, and ``saylau audit verify`` must find the chain intact.

Targets (issue 4): at least 300 acknowledged submissions per second on SQLite on a 2-core
machine; zero acknowledged submissions lost. Times are printed, never asserted; the crash
test's findings are (the run exits 1 if a submission was lost or the chain is broken).
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import http.client
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SAYLAU = [sys.executable, "-m", "saylau.cli"]
SEED = 2023
TARGET_PER_SECOND = 300
META = ("precinct", "contest", "entry", "entered_by", "entered_at", "correction", "acknowledged")
STARTUP_LIMIT = 120.0
"""Seconds to wait for the server to answer before giving up (a guard, not a measure)."""


@dataclass(frozen=True)
class Submission:
    """One first entry to send: where it goes, whose token, and the request body."""

    precinct: str
    contest: str
    region: str
    body: bytes


@dataclass(frozen=True)
class Answer:
    """What came back for one submission."""

    index: int
    status: int
    seconds: float


# -- the election and the accounts ------------------------------------------------------------


def generate(folder: Path, precincts: int | None) -> Path:
    """The synthetic 2023 election (definition and protocol files), not timed."""
    target = folder / "kz-2023"
    command = [*SAYLAU, "generate", "kz-2023", str(target), "--seed", str(SEED)]
    if precincts:
        command += ["--precincts", str(precincts)]
    subprocess.run(command, check=True, capture_output=True)
    return target


def submissions(directory: Path, limit: int) -> list[Submission]:
    """The first entries of the election's protocols, interleaved across the regions."""
    by_region: list[list[Submission]] = []
    for path in sorted((directory / "protocols").glob("*.csv")):
        region = path.stem
        rows: list[Submission] = []
        with path.open(newline="", encoding="utf-8") as file:
            for row in csv.DictReader(file):
                if row["entry"] != "1":
                    continue
                figures = {k: int(v) for k, v in row.items() if k not in META and v != ""}
                body = json.dumps({"figures": figures}).encode()
                rows.append(Submission(row["precinct"], row["contest"], region, body))
        by_region.append(rows)
    out: list[Submission] = []
    for k in range(max(len(rows) for rows in by_region)):
        out.extend(rows[k] for rows in by_region if k < len(rows))
    return out[:limit]


def prepare_database(url: str, directory: Path, regions: list[str]) -> dict[str, str]:
    """Create the tables, store the election (definition only, open) and one territorial
    operator per region; their bearer tokens by region."""
    from saylau.count.definition import parse_definition
    from saylau.service.accounts import issue_token
    from saylau.service.db import Database
    from saylau.service.models import ElectionRecord, ElectionState, User
    from saylau.service.roles import Role
    from saylau.service.schema import upgrade

    upgrade(url)
    database = Database.open(url)
    text = (directory / "election.json").read_text(encoding="utf-8")
    election = parse_definition(text, "election.json")
    tokens: dict[str, str] = {}
    with database.write() as session:
        session.add(
            ElectionRecord(
                id=election.id, name=election.file.name, definition=text, state=ElectionState.OPEN
            )
        )
        for region in regions:
            user = User(
                username=f"operator-{region.lower()}",
                password_hash="-",
                role=Role.TERRITORIAL,
                area=region,
            )
            session.add(user)
            session.flush()
            tokens[region] = issue_token(session, user, "benchmark", actor="benchmark")
    database.dispose()
    return tokens


# -- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(url: str, port: int, workers: int, log: Path) -> subprocess.Popen[bytes]:
    """``saylau serve`` in a process group of its own (so that SIGKILL reaches every worker);
    returns once it answers."""
    command = [*SAYLAU, "serve", "--db", url, "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--no-demo"]
    with log.open("ab") as out:
        server = subprocess.Popen(
            command, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=ROOT
        )
    deadline = time.monotonic() + STARTUP_LIMIT
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"saylau serve stopped at start; see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/elections")
            if connection.getresponse().status == 200:
                connection.close()
                return server
        except OSError:
            time.sleep(0.2)
    kill(server)
    raise SystemExit(f"saylau serve did not answer within {STARTUP_LIMIT:.0f} s; see {log}")


def kill(server: subprocess.Popen[bytes]) -> None:
    """SIGKILL the server and all its workers."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait()


def stop(server: subprocess.Popen[bytes]) -> None:
    """Stop the server the polite way (SIGTERM), or kill it if it does not stop."""
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        kill(server)
    except ProcessLookupError:
        server.wait()


# -- the clients --------------------------------------------------------------------------------


def client_loop(
    port: int,
    election: str,
    work: list[Submission],
    tokens: dict[str, str],
    next_index: Any,
    answers: list[Answer],
    acknowledged: Any,
) -> None:
    """One client: a keep-alive connection, submissions taken from the shared counter until
    none are left or the server is gone."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {
        region: {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        for region, token in tokens.items()
    }
    while True:
        index = next_index()
        if index is None:
            break
        item = work[index]
        path = f"/api/elections/{election}/protocols/{item.precinct}/{item.contest}/entries/1"
        started = time.perf_counter()
        try:
            connection.request("PUT", path, body=item.body, headers=headers[item.region])
            response = connection.getresponse()
            response.read()
        except OSError:
            break  # the server is gone (the crash test), or the connection broke: not acknowledged
        answers.append(Answer(index, response.status, time.perf_counter() - started))
        if response.status == 201:
            acknowledged(index)
    connection.close()


@dataclass(frozen=True)
class LoadResult:
    answers: list[Answer]
    seconds: float

    @property
    def acknowledged(self) -> list[Answer]:
        return [a for a in self.answers if a.status == 201]

    def line(self) -> str:
        done = self.acknowledged
        latencies = sorted(a.seconds for a in done) or [0.0]
        p50 = latencies[len(latencies) // 2]
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        refused: dict[int, int] = {}
        for answer in self.answers:
            if answer.status != 201:
                refused[answer.status] = refused.get(answer.status, 0) + 1
        rate = len(done) / self.seconds if self.seconds else 0.0
        other = "" if not refused else f"; other answers {refused}"
        return (
            f"{len(done):,} acknowledged in {self.seconds:.2f} s: {rate:,.0f}/s,"
            f" p50 {p50 * 1000:.1f} ms, p99 {p99 * 1000:.1f} ms{other}"
        )

    @property
    def rate(self) -> float:
        return len(self.acknowledged) / self.seconds if self.seconds else 0.0


def run_load(
    port: int,
    election: str,
    work: list[Submission],
    tokens: dict[str, str],
    clients: int,
    on_acknowledged: Any = None,
) -> LoadResult:
    """Send every submission from ``clients`` concurrent clients; wait for them all."""
    lock = threading.Lock()
    position = [0]

    def next_index() -> int | None:
        with lock:
            if position[0] >= len(work):
                return None
            position[0] += 1
            return position[0] - 1

    def acknowledged(index: int) -> None:
        if on_acknowledged is not None:
            on_acknowledged(index)

    answers: list[Answer] = []
    threads = [
        threading.Thread(
            target=client_loop,
            args=(port, election, work, tokens, next_index, answers, acknowledged),
        )
        for _ in range(clients)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return LoadResult(answers, time.perf_counter() - started)


# -- checking after the crash -------------------------------------------------------------------


def stored_first_entries(url: str, election: str) -> dict[tuple[str, str], dict[str, Any]]:
    """The current first entries in the database, by (precinct, contest), and how many
    ``protocol.entered`` audit entries there are."""
    from sqlalchemy import select

    from saylau.service.db import Database
    from saylau.service.models import ProtocolEntry, ProtocolRecord

    database = Database.open(url)
    with database.read() as session:
        rows = session.execute(
            select(ProtocolRecord.precinct, ProtocolRecord.contest, ProtocolEntry.figures)
            .join(ProtocolEntry, ProtocolEntry.protocol_id == ProtocolRecord.id)
            .where(
                ProtocolRecord.election_id == election,
                ProtocolEntry.entry == 1,
                ProtocolEntry.superseded.is_(False),
            )
        ).all()
    database.dispose()
    return {(precinct, contest): figures for precinct, contest, figures in rows}


def audited_entries(url: str) -> int:
    from sqlalchemy import func, select

    from saylau.service.db import Database
    from saylau.service.models import AuditEntry

    database = Database.open(url)
    with database.read() as session:
        count = session.scalar(
            select(func.count())
            .select_from(AuditEntry)
            .where(AuditEntry.action == "protocol.entered")
        )
    database.dispose()
    return int(count or 0)


def crash_test(
    url: str,
    folder: Path,
    election: str,
    work: list[Submission],
    tokens: dict[str, str],
    args: argparse.Namespace,
) -> bool:
    """Kill the server with SIGKILL under load, restart it, and check what was acknowledged."""
    port = free_port()
    log = folder / "crash-server.log"
    server = start_server(url, port, args.workers, log)
    acknowledged: set[int] = set()
    ack_lock = threading.Lock()
    killed = threading.Event()

    def on_acknowledged(index: int) -> None:
        with ack_lock:
            acknowledged.add(index)
            if len(acknowledged) >= args.crash_after and not killed.is_set():
                killed.set()
                kill(server)

    result = run_load(port, election, work, tokens, args.clients, on_acknowledged)
    if not killed.is_set():
        kill(server)
    print(
        f"  killed with SIGKILL after {len(acknowledged):,} acknowledged submissions"
        f" ({len(result.answers):,} answers in all)"
    )
    server = start_server(url, free_port(), args.workers, log)
    stop(server)
    stored = stored_first_entries(url, election)
    sent = {(item.precinct, item.contest) for item in work}
    stored_here = [key for key in stored if key in sent]
    expected = {
        (work[i].precinct, work[i].contest): json.loads(work[i].body)["figures"]
        for i in acknowledged
    }
    lost = [key for key in expected if key not in stored]
    changed = [
        key
        for key, figures in expected.items()
        if key in stored and any(stored[key].get(k) != v for k, v in figures.items())
    ]
    audited = audited_entries(url)
    verify = subprocess.run(
        [*SAYLAU, "audit", "verify", "--db", url], capture_output=True, text=True, check=False
    )
    print(
        f"  after the restart: {len(stored_here):,} of these entries are stored: the"
        f" {len(expected):,} acknowledged, and {len(stored_here) - len(expected):,} committed"
        " whose answer died with the server"
    )
    print(
        f"  acknowledged but lost: {len(lost)}; stored with other figures: {len(changed)};"
        f" audit entries for the entries in the database: {audited:,} of {len(stored):,}"
    )
    print(f"  saylau audit verify: exit {verify.returncode}: {verify.stdout.strip()}")
    ok = not lost and not changed and verify.returncode == 0 and audited == len(stored)
    print("  crash test: " + ("PASSED" if ok else "FAILED"))
    return ok


# -- the run -------------------------------------------------------------------------------------


def one_database(
    name: str, url: str, directory: Path, folder: Path, args: argparse.Namespace
) -> tuple[LoadResult, bool]:
    election = json.loads((directory / "election.json").read_text(encoding="utf-8"))["id"]
    regions = sorted(path.stem for path in (directory / "protocols").glob("*.csv"))
    work = submissions(directory, args.submissions + args.crash_submissions)
    load_work, crash_work = work[: args.submissions], work[args.submissions :]
    tokens = prepare_database(url, directory, regions)
    print(
        f"{name}: {len(load_work):,} submissions, {args.clients} clients,"
        f" {args.workers} worker process(es)"
    )
    port = free_port()
    server = start_server(url, port, args.workers, folder / f"{name}-server.log")
    try:
        warm = run_load(port, election, crash_work[:50], tokens, 2)
        del warm
        result = run_load(port, election, load_work, tokens, args.clients)
    finally:
        stop(server)
    print("  load: " + result.line())
    ok = True
    if args.crash and len(crash_work) > 50:
        ok = crash_test(url, folder, election, crash_work[50:], tokens, args)
    return result, ok


def postgres_database(server_url: str) -> str:
    """A new, empty database on the server for this run."""
    from sqlalchemy import create_engine

    from saylau.service.db import parse_url

    server = parse_url(server_url)
    name = f"saylau_bench_{os.getpid()}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a small run, as a smoke test")
    parser.add_argument("--submissions", type=int, default=20_000)
    parser.add_argument("--clients", type=int, default=128)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--crash-submissions",
        type=int,
        default=6_000,
        help="submissions for the crash test (other protocols than the load's)",
    )
    parser.add_argument(
        "--crash-after",
        type=int,
        default=2_000,
        help="kill the server after this many acknowledged submissions",
    )
    parser.add_argument("--no-crash", dest="crash", action="store_false")
    parser.add_argument(
        "--postgres",
        default=os.environ.get("SAYLAU_BENCH_POSTGRES_URL", ""),
        help="a PostgreSQL server URL (postgresql+psycopg://...) to run on too",
    )
    args = parser.parse_args()
    precincts = None
    if args.quick:
        args.submissions, args.clients, args.crash_submissions, args.crash_after = 300, 4, 400, 100
        precincts = 500
    print(
        f"saylau service benchmark on {platform.python_implementation()}"
        f" {platform.python_version()}, {os.cpu_count()} cores"
    )
    ok = True
    with tempfile.TemporaryDirectory(prefix="saylau-service-bench-") as temporary:
        folder = Path(temporary)
        directory = generate(folder, precincts)
        runs = [("sqlite", f"sqlite:///{folder / 'saylau.db'}")]
        if args.postgres:
            runs.append(("postgresql", postgres_database(args.postgres)))
        for name, url in runs:
            result, crash_ok = one_database(name, url, directory, folder, args)
            ok = ok and crash_ok
            if name == "sqlite":
                verdict = "meets" if result.rate >= TARGET_PER_SECOND else "misses"
                print(f"  target {TARGET_PER_SECOND}/s on SQLite: {verdict} it")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
