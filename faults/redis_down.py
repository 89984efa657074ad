"""The fault run ``redis``: Redis stopped for 60 s while staff load pages and the feeds get new entries.

Expected: no response of 500 or more, and polling resumes by itself once Redis is back.
"""

from __future__ import annotations

import contextlib
import time

from faults.figures import Report, all_stored, say, stored, stored_figures
from faults.load import Feeds, Load, statuses
from faults.servers import TICK_SECONDS, wait_until
from faults.world import World, sources_import

REDIS_OUTAGE_SECONDS = 60


def scenario_redis(world: World) -> Report:
    """Redis stopped for 60 s under page load; polling must resume by itself."""
    report = Report(f"Redis stopped {REDIS_OUTAGE_SECONDS} s under page load")
    name, cluster = "redis", world.cluster
    with contextlib.ExitStack() as stack:
        feeds = Feeds(10, 10)
        stack.callback(feeds.stop)
        product, redis, database = world.scenario(name, stack)
        sources_import(product, feeds)
        # Due again a minute after each poll, so that a poll falls due while Redis is away.
        cluster.sql(database, "UPDATE monitoring_source SET poll_interval_minutes = 1")
        product.start(web=True)
        if not wait_until(all_stored(cluster, database, feeds), timeout=90, interval=0.5):
            report.fail(f"the first poll did not finish within 90 s\n{product.logs()}")
            return report
        say(name, f"first poll stored {feeds.expected} mentions; page load starts")
        load = stack.enter_context(Load(product.base_url, world.password))
        load.mention_id = cluster.sql(database, "SELECT max(id) FROM monitoring_mention")[0][0]
        time.sleep(5)
        redis.stop()
        down = time.monotonic()
        feeds.add_entries(5)
        say(name, f"Redis stopped; the feeds have 5 new entries each; waiting {REDIS_OUTAGE_SECONDS} s")
        time.sleep(REDIS_OUTAGE_SECONDS)
        redis.start()
        back = time.monotonic()
        say(name, "Redis is back; waiting for the new entries")
        limit = 2 * 60 + 2 * TICK_SECONDS  # a poll falls due every minute; the worker reconnects meanwhile
        is_done = wait_until(all_stored(cluster, database, feeds), timeout=limit + 30, interval=0.5)
        done = time.monotonic()
        time.sleep(2)
        load.__exit__()
        answers = load.taken()
        during = load.taken(down, back)
        report.figure("requests made (during the outage)", f"{len(answers)} ({len(during)})")
        report.figure("status counts", statuses(answers))
        report.figure("status counts during the outage", statuses(during))
        worst = max((answer.status for answer in answers), default=0)
        failed = sum(1 for answer in answers if answer.status >= 500 or answer.status == 0)
        report.figure("max status", worst, "< 500", 0 < worst < 500)
        report.figure("responses >= 500 or none", failed, "0", failed == 0)
        report.figure("requests during the outage", len(during), "> 0", len(during) > 0)
        for error in load.errors:
            report.fail(error)
        report.figure("outage duration", f"{back - down:.0f} s")
        report.figure(
            "time from Redis back until the new entries were stored",
            f"{done - back:.0f} s" if is_done else f"> {done - back:.0f} s",
            f"<= {limit} s",
            is_done and done - back <= limit,
        )
        stored_figures(report, feeds, stored(cluster, database))
        if report.failures:
            report.fail(f"logs:\n{product.logs()}")
    return report
