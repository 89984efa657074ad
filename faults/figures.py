"""What a fault run reports: its progress lines, the figures read from the database, each scenario's table."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg

from faults.load import Feeds
from faults.servers import Cluster


def say(scenario: str, message: str) -> None:
    sys.stdout.write(f"[{time.strftime('%H:%M:%S')}] {scenario}: {message}\n")
    sys.stdout.flush()


@dataclass
class Report:
    scenario: str
    rows: list[tuple[str, str, str, bool | None]] = field(default_factory=list)  # figure, value, expected, met
    problems: list[str] = field(default_factory=list)  # what went wrong beyond a figure, with the logs

    def figure(self, name: str, value: object, expected: str = "", is_met: bool | None = None) -> None:
        self.rows.append((name, str(value), expected, is_met))

    def fail(self, message: str) -> None:
        self.problems.append(message)

    @property
    def failures(self) -> list[str]:
        """One line per unmet expectation, then the other problems."""
        unmet = [
            f"{name}: {value} (expected {expected})" for name, value, expected, is_met in self.rows if is_met is False
        ]
        return unmet + self.problems

    def table(self) -> str:
        width = max([len(row[0]) for row in self.rows] + [6])
        value_width = max([len(row[1]) for row in self.rows] + [5])
        lines = [f"== {self.scenario}: {'FAILED' if self.failures else 'passed'}"]
        for name, value, expected, is_met in self.rows:
            mark = {True: "ok", False: "FAIL", None: ""}[is_met]
            expectation = f"(expected {expected})" if expected else ""
            lines.append(f"  {name:<{width}}  {value:<{value_width}}  {mark:<4} {expectation}".rstrip())
        lines += [f"  FAILED: {problem}" for problem in self.problems]
        return "\n".join(lines)


@dataclass(frozen=True)
class Stored:
    """What the database holds after a scenario, read with SQL of our own."""

    mentions: int
    distinct_links: int
    sightings: int
    mentions_without_sighting: int
    sources_polled: int
    sources_succeeded: int
    sightings_per_source: dict[str, int]


def stored(cluster: Cluster, database: str) -> Stored:
    (mentions, links), *_ = cluster.sql(
        database, "SELECT count(*), count(DISTINCT canonical_url) FROM monitoring_mention"
    )
    ((sightings,),) = cluster.sql(database, "SELECT count(*) FROM monitoring_sighting")
    ((orphans,),) = cluster.sql(
        database,
        "SELECT count(*) FROM monitoring_mention m "
        "WHERE NOT EXISTS (SELECT 1 FROM monitoring_sighting s WHERE s.mention_id = m.id)",
    )
    ((polled, succeeded),) = cluster.sql(
        database,
        "SELECT count(last_polled_at), count(*) FILTER (WHERE last_success_at IS NOT NULL AND last_error_code = '') "
        "FROM monitoring_source WHERE kind <> 'manual'",
    )
    per_source = cluster.sql(
        database,
        "SELECT s.url, count(g.id) FROM monitoring_source s LEFT JOIN monitoring_sighting g ON g.source_id = s.id "
        "WHERE s.kind <> 'manual' GROUP BY s.url",
    )
    return Stored(mentions, links, sightings, orphans, polled, succeeded, {url: count for url, count in per_source})


def feeds_short(feeds: Feeds, found: Stored) -> int:
    """Feeds whose stored entries differ from what they serve (missing some, or holding some twice)."""
    return sum(
        1
        for feed, entries in feeds.entries.items()
        if found.sightings_per_source.get(feeds.server.url(f"/feed/{feed}.xml"), 0) != entries
    )


def stored_figures(report: Report, feeds: Feeds, found: Stored) -> None:
    expected = feeds.expected
    report.figure("mentions expected / stored", f"{expected} / {found.mentions}", "equal", found.mentions == expected)
    duplicates = found.mentions - found.distinct_links + max(found.sightings - found.mentions, 0)
    report.figure("duplicates", duplicates, "0", duplicates == 0)
    report.figure(
        "mentions without sighting", found.mentions_without_sighting, "0", found.mentions_without_sighting == 0
    )
    short = feeds_short(feeds, found)
    report.figure("feeds whose entries differ", short, "0", short == 0)


def due_again_in(cluster: Cluster, database: str) -> float:
    """Seconds until the last of the sources that have no successful poll yet is due again (0: all are due)."""
    ((seconds,),) = cluster.sql(
        database,
        "SELECT extract(epoch FROM max(next_poll_at) - now()) FROM monitoring_source "
        "WHERE kind <> 'manual' AND last_success_at IS NULL",
    )
    return max(float(seconds or 0), 0.0)


def all_stored(cluster: Cluster, database: str, feeds: Feeds) -> Callable[[], bool]:
    def check() -> bool:
        try:
            found = stored(cluster, database)
        except psycopg.OperationalError:
            return False
        return found.sources_succeeded == len(feeds.entries) and found.sightings == feeds.expected

    return check
