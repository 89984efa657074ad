"""The fault run ``kill``: SIGKILL of the worker's process group while it polls 50 feeds.

Expected: a new worker polls the dead worker's sources once their claim's lease has run out, and every
entry is stored once.
"""

from __future__ import annotations

import contextlib
import time

from faults.figures import Report, all_stored, due_again_in, say, stored, stored_figures
from faults.load import Feeds
from faults.servers import CLAIM_LEASE_SECONDS, POLL_ALLOWANCE_SECONDS, TICK_SECONDS, wait_until
from faults.world import World, sources_import


def scenario_kill(world: World) -> Report:
    """SIGKILL of the worker mid-poll of 50 feeds."""
    report = Report("kill -9 of the worker mid-poll")
    name, cluster = "kill", world.cluster
    with contextlib.ExitStack() as stack:
        feeds = Feeds(50, 20, delay=0.3)
        stack.callback(feeds.stop)
        product, _redis, database = world.scenario(name, stack)
        sources_import(product, feeds)
        product.start(web=False)
        started = time.monotonic()
        say(name, "50 feeds due; waiting for beat's poll to be under way")

        def polled() -> int:
            return stored(cluster, database).sources_polled

        if not wait_until(lambda: polled() >= 10, timeout=60, interval=0.1):
            report.fail(f"the poll did not start within 60 s\n{product.logs()}")
            return report
        worker = product.worker
        assert worker is not None
        worker.kill()
        killed = time.monotonic()
        at_kill = polled()
        say(name, f"killed the worker's process group (SIGKILL) with {at_kill} of 50 sources polled")
        report.figure("sources polled when killed", f"{at_kill} of 50", "between 1 and 49", 0 < at_kill < 50)
        held = due_again_in(cluster, database)
        is_leased = held <= CLAIM_LEASE_SECONDS
        report.figure(
            "the unpolled sources are due again in",
            f"{held:.0f} s",
            f"<= {CLAIM_LEASE_SECONDS} s: the claim is a lease",
            is_leased,
        )
        if not is_leased:
            report.fail("the killed worker's claim holds its sources past the lease; not waiting for them")
            return report
        product.start_worker()
        say(name, "a new worker runs; waiting for every source to be polled")
        limit = CLAIM_LEASE_SECONDS + 2 * TICK_SECONDS + POLL_ALLOWANCE_SECONDS
        is_done = wait_until(all_stored(cluster, database, feeds), timeout=limit + 30, interval=0.5)
        done = time.monotonic()
        # Let a poll that might still come (a second copy of a batch) show itself before counting.
        time.sleep(2 * TICK_SECONDS)
        found = stored(cluster, database)
        stored_figures(report, feeds, found)
        report.figure("sources polled", f"{found.sources_succeeded} of 50", "50", found.sources_succeeded == 50)
        report.figure(
            "time from kill until all polled",
            f"{done - killed:.0f} s" if is_done else f"> {done - killed:.0f} s",
            f"<= {limit} s: lease {CLAIM_LEASE_SECONDS} s + 2 ticks + {POLL_ALLOWANCE_SECONDS} s to poll",
            is_done and done - killed <= limit,
        )
        report.figure("time from first claim until all polled", f"{done - started:.0f} s")
        fetched = sum(feeds.answered.values())
        report.figure("feed answers with entries (200)", f"{fetched} for 50 feeds")
        if report.failures:
            report.fail(f"logs:\n{product.logs()}")
    return report
