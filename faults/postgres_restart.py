"""The fault run ``postgres``: PostgreSQL restarted while a poll is in flight and pages are loaded.

Expected: only the clean 503 page during the outage, 200s again afterwards with neither web nor worker
restarted, and nothing half-written.
"""

from __future__ import annotations

import contextlib
import time

from faults.figures import Report, all_stored, due_again_in, say, stored, stored_figures
from faults.load import LOAD_THREADS, Feeds, Load, statuses
from faults.servers import CLAIM_LEASE_SECONDS, POLL_ALLOWANCE_SECONDS, TICK_SECONDS, wait_until
from faults.world import World, sources_import

POSTGRES_OUTAGE_SECONDS = 15


def scenario_postgres(world: World) -> Report:
    """PostgreSQL restarted mid-poll and mid-page-load."""
    report = Report("PostgreSQL restarted mid-poll and mid-page-load")
    name, cluster = "postgres", world.cluster
    with contextlib.ExitStack() as stack:
        feeds = Feeds(20, 20, delay=0.4)
        stack.callback(feeds.stop)
        product, _redis, database = world.scenario(name, stack)
        sources_import(product, feeds)
        product.start(web=True)
        web, worker = product.web, product.worker
        assert web is not None
        assert worker is not None
        load = stack.enter_context(Load(product.base_url, world.password))
        say(name, "20 feeds due, page load running; waiting for the poll to be under way")
        if not wait_until(lambda: len(load.taken()) >= 2 * LOAD_THREADS, timeout=30):
            report.fail(f"the page load did not start: {load.errors}\n{product.logs()}")
            return report
        if not wait_until(lambda: stored(cluster, database).sources_polled >= 5, timeout=60, interval=0.1):
            report.fail(f"the poll did not start within 60 s\n{product.logs()}")
            return report
        at_stop = stored(cluster, database).sources_polled
        load.mention_id = cluster.sql(database, "SELECT max(id) FROM monitoring_mention")[0][0]
        down = time.monotonic()
        cluster.stop("fast")
        say(name, f"PostgreSQL stopped (pg_ctl stop -m fast) with {at_stop} of 20 sources polled")
        time.sleep(POSTGRES_OUTAGE_SECONDS)
        cluster.start()
        back = time.monotonic()
        say(name, "PostgreSQL is back; waiting for pages and polls to recover")
        wait_until(lambda: any(a.status == 200 for a in load.taken(back)), timeout=60)
        report.figure("sources polled when stopped", f"{at_stop} of 20", "between 1 and 19", 0 < at_stop < 20)
        held = due_again_in(cluster, database)
        is_leased = held <= CLAIM_LEASE_SECONDS
        report.figure(
            "the sources the restart cut off are due again in",
            f"{held:.0f} s",
            f"<= {CLAIM_LEASE_SECONDS} s: the claim is a lease",
            is_leased,
        )
        limit = CLAIM_LEASE_SECONDS + 2 * TICK_SECONDS + POLL_ALLOWANCE_SECONDS
        # Past the lease there is nothing to wait for: they would not be polled in time.
        is_done = is_leased and wait_until(all_stored(cluster, database, feeds), timeout=limit + 30, interval=0.5)
        done = time.monotonic()
        time.sleep(5)  # pages after the recovery
        load.__exit__()

        answers = load.taken()
        before, during, after = load.taken(0, down), load.taken(down, back), load.taken(back)
        first_200 = next((answer.at for answer in after if answer.status == 200), None)
        recovered = load.taken(first_200) if first_200 else []
        report.figure("requests made (during the outage)", f"{len(answers)} ({len(during)})")
        report.figure("status counts", statuses(answers))
        report.figure("status counts during the outage", statuses(during))
        worst = max((answer.status for answer in answers), default=0)
        report.figure("max status", worst, "503", worst == 503)
        unexpected = [a for a in answers if a.status not in (200, 503)]
        report.figure("statuses other than 200 and 503", len(unexpected), "0", not unexpected)
        unclean = sum(1 for answer in answers if answer.status == 503 and not answer.is_clean_503)
        report.figure("503s without the 503 page or Retry-After", unclean, "0", unclean == 0)
        not_ok_before = sum(1 for answer in before if answer.status != 200)
        report.figure("non-200 before the outage", not_ok_before, "0", not_ok_before == 0)
        outage_503s = sum(answer.status == 503 for answer in during)
        report.figure("503s during the outage", outage_503s, "> 0", outage_503s > 0)
        report.figure("outage duration (stop to accepting again)", f"{back - down:.1f} s")
        report.figure(
            "time from PostgreSQL back until the first 200",
            f"{first_200 - back:.1f} s" if first_200 else "never",
            "<= 10 s",
            first_200 is not None and first_200 - back <= 10,
        )
        not_ok_after = sum(1 for answer in recovered if answer.status != 200)
        report.figure("non-200 after the first 200", f"{not_ok_after} of {len(recovered)}", "0", not_ok_after == 0)
        for error in load.errors:
            report.fail(error)
        report.figure(
            "time from PostgreSQL back until all polled",
            f"{done - back:.0f} s" if is_done else f"> {done - back:.0f} s",
            f"<= {limit} s: lease {CLAIM_LEASE_SECONDS} s + 2 ticks + {POLL_ALLOWANCE_SECONDS} s to poll",
            is_done and done - back <= limit,
        )
        stored_figures(report, feeds, stored(cluster, database))
        booted = web.log().count("Booting worker")
        report.figure(
            "web and worker restarted",
            "no" if web.is_running() and worker.is_running() and booted == 2 else "yes",
            "no (same gunicorn and Celery processes, 2 gunicorn workers booted)",
            web.is_running() and worker.is_running() and booted == 2,
        )
        if report.failures:
            report.fail(f"logs:\n{product.logs()}")
    return report
