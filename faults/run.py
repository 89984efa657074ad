"""Fault runs: the product's promises when a worker, Redis or PostgreSQL goes away, with real processes.

    .venv/bin/python faults/run.py                  # all three (make faults; CI runs it after make test)
    .venv/bin/python faults/run.py kill redis       # some of them: kill, redis, postgres

Nothing is simulated. The run starts a private PostgreSQL cluster (initdb, pg_ctl) and, per scenario, a
private redis-server, each on a free port of 127.0.0.1, and then the product as it runs in production:
gunicorn (DEBUG=false, 2 workers), `celery worker --pool prefork --concurrency 2` and `celery beat` (a
tick of 5 s), polling feeds from a loopback feed server (tests/feedserver.py). The faults are real: the
worker's process group gets SIGKILL, redis-server is stopped and started again, PostgreSQL is stopped
with `pg_ctl stop -m fast` and started again. Page load comes from threads signed in as a staff member
through the sign-in form, counting every status.

1. kill: SIGKILL of the worker while it polls 50 feeds; a new worker starts (as a supervisor would start
   one) and beat queues the sources again once their claim's lease has run out. Expected: every entry
   stored once (0 lost, 0 duplicated), every source polled within the lease, a beat tick and the poll.
2. redis: Redis stopped for 60 s while staff load pages; the feeds get new entries meanwhile. Expected:
   no response >= 500, and polling resumes by itself once Redis is back (the new entries are stored).
3. postgres: PostgreSQL restarted while a poll is in flight and pages are loaded. Expected: during the
   outage only clean 503 pages (the 503 page, with Retry-After), afterwards 200s again with neither web
   nor worker restarted, and nothing half-written (every mention has its sighting, every feed's entries
   are all stored, none twice).

kill and redis run side by side (each with its own Redis and database), then postgres, whose restart
would disturb the others. Each scenario prints a table of its figures; the run exits with status 1 and
names every expectation that failed. Every process and the temporary folder are removed at the end,
failed or not (FAULTS_KEEP=1 keeps the folder with the logs).
"""

from __future__ import annotations

import argparse
import atexit
import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from faults.figures import Report, say  # noqa: E402
from faults.kill_worker import scenario_kill  # noqa: E402
from faults.postgres_restart import scenario_postgres  # noqa: E402
from faults.redis_down import scenario_redis  # noqa: E402
from faults.servers import RUNNING, Failure, postgres_tool  # noqa: E402
from faults.world import World, world_prepare  # noqa: E402

SCENARIOS: dict[str, Callable[[World], Report]] = {
    "kill": scenario_kill,
    "redis": scenario_redis,
    "postgres": scenario_postgres,
}


def guarded(scenario: str, world: World) -> Report:
    """Run one scenario; a scenario that could not run at all is a failed report, not a crash."""
    started = time.monotonic()
    try:
        report = SCENARIOS[scenario](world)
    except Exception as exc:  # the run reports every scenario, whatever broke one
        report = Report(scenario)
        report.fail(f"could not run: {exc.__class__.__name__}: {exc}")
    report.figure("scenario took", f"{time.monotonic() - started:.0f} s")
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "scenarios", nargs="*", metavar="SCENARIO", help=f"any of: {', '.join(SCENARIOS)} (default: all)"
    )
    chosen = parser.parse_args().scenarios or list(SCENARIOS)
    unknown = sorted(set(chosen) - set(SCENARIOS))
    if unknown:
        parser.error(f"unknown scenario {', '.join(unknown)}; choose from {', '.join(SCENARIOS)}")
    missing = [tool for tool in ("initdb", "pg_ctl") if not postgres_tool(tool)]
    missing += [tool for tool in ("redis-server",) if not shutil.which(tool)]
    if missing:
        sys.stderr.write(f"FAULT RUN FAILED: {', '.join(missing)} not found (the runs start servers of their own).\n")
        return 1
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="webcare-faults-"))
    folder.chmod(0o755)  # the postgres user must reach its cluster inside
    world: World | None = None

    def clean_up() -> None:
        for process in list(RUNNING):
            process.stop(timeout=10)
        if world is not None and world.cluster.is_started:
            with contextlib.suppress(Failure):
                world.cluster.stop("fast")
        if os.environ.get("FAULTS_KEEP") == "1":
            say("cleanup", f"kept {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)

    atexit.register(clean_up)
    # A CI job that is cancelled sends SIGTERM: clean up as on any other way out.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    reports: list[Report] = []
    try:
        world = world_prepare(folder)
        side_by_side = [scenario for scenario in ("kill", "redis") if scenario in chosen]
        results: dict[str, Report] = {}
        prepared = world

        def side(scenario: str) -> None:
            results[scenario] = guarded(scenario, prepared)

        threads = [threading.Thread(target=side, args=(scenario,), daemon=True) for scenario in side_by_side]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        reports += [results[scenario] for scenario in side_by_side]
        if "postgres" in chosen:
            reports.append(guarded("postgres", world))
    except Failure as exc:
        sys.stderr.write(f"FAULT RUN FAILED: {exc}\n")
        return 1
    finally:
        clean_up()
        atexit.unregister(clean_up)
    for report in reports:
        sys.stdout.write("\n" + report.table() + "\n")
    sys.stdout.write(f"\nAll fault runs took {time.monotonic() - started:.0f} s.\n")
    failed = [report for report in reports if report.failures]
    if failed:
        for report in failed:
            for failure in report.failures:
                sys.stderr.write(f"FAULT RUN FAILED: {report.scenario}: {failure.splitlines()[0]}\n")
        return 1
    sys.stdout.write("Every fault run met its expectations.\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
