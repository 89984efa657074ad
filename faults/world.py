"""What the fault runs share, and what each of them gets of its own.

Shared: a private PostgreSQL cluster with a migrated template database, the organisation and a staff member
to sign in as. Per scenario: a database copied from the template, a Redis, and the product's environment.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import dataclass
from pathlib import Path

from faults.figures import say
from faults.load import STAFF_USER, Feeds
from faults.servers import PYTHON, RUNNING, Cluster, Failure, Process, Product, Redis, product_env

ORGANISATION = "Zwemvereniging De Dolfijnen"


@dataclass
class World:
    """What the scenarios share: the folder, the cluster with a migrated template database, the password."""

    folder: Path
    cluster: Cluster
    password: str
    template: str = "faults_template"

    def scenario(self, name: str, stack: contextlib.ExitStack) -> tuple[Product, Redis, str]:
        """A database copied from the template, a Redis and the product's environment for scenario ``name``."""
        database = f"faults_{name}"
        folder = self.folder / name
        folder.mkdir(parents=True)
        self.cluster.sql("postgres", f'CREATE DATABASE "{database}" TEMPLATE "{self.template}"')
        redis = Redis(self.folder / name / "redis", name)
        redis.start()
        stack.callback(redis.stop)
        env = product_env(
            database_url=self.cluster.url(database), redis_url=redis.url, folder=folder, queue=f"faults-{name}"
        )
        product = Product(name=name, folder=folder, env=env)
        stack.callback(product.stop)
        return product, redis, database


def world_prepare(folder: Path) -> World:
    # DEBUG=false serves static files through WhiteNoise's manifest, which collectstatic writes; it takes
    # half a minute (compressing every file), so it runs while the database is made ready.
    static_env = product_env(database_url="", redis_url="", folder=folder / "setup", queue="faults-setup")
    for name in ("DATABASE_URL", "REDIS_URL"):
        static_env.pop(name)
    (folder / "setup").mkdir()
    collectstatic = Process(
        "collectstatic", [PYTHON, "manage.py", "collectstatic", "--noinput"], static_env, folder / "collectstatic.log"
    ).start()
    cluster = Cluster(folder / "cluster")
    cluster.init()
    cluster.start()
    password = secrets.token_urlsafe(16)
    world = World(folder=folder, cluster=cluster, password=password)
    cluster.sql("postgres", f'CREATE DATABASE "{world.template}"')
    env = product_env(
        database_url=cluster.url(world.template), redis_url="", folder=folder / "setup", queue="faults-setup"
    )
    env.pop("REDIS_URL")
    setup = Product(name="setup", folder=folder / "setup", env=env)
    say("setup", f"PostgreSQL on port {cluster.port}: migrate, organisation, staff member; collectstatic")
    setup.manage("migrate", "--noinput")
    setup.manage("set_organisation", ORGANISATION)
    # "--password=…" in one word: a generated password may begin with "-", which would read as an option.
    setup.manage("create_user", STAFF_USER, "--role", "staff", f"--password={password}")
    assert collectstatic.popen is not None
    if collectstatic.popen.wait() != 0:
        raise Failure(f"collectstatic failed:\n{collectstatic.log_tail()}")
    RUNNING.discard(collectstatic)
    say("setup", "ready")
    return world


def sources_import(product: Product, feeds: Feeds) -> None:
    opml = product.folder / "feeds.opml"
    opml.parent.mkdir(parents=True, exist_ok=True)
    opml.write_bytes(feeds.opml())
    product.manage("import_opml", str(opml))
