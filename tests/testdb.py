"""The test database: migrated once, the demo loaded once, then copied for each session and test.

Migrating from scratch takes about a minute and loading the demo a few seconds more, so both
are done once and kept as template databases under TEST_VAR_DIR/test-templates (SQLite files)
or beside the test database on the same server (PostgreSQL, `CREATE DATABASE ... TEMPLATE`):

- the schema template holds every migration applied. It is named after a hash of every
  migrations/ file and of requirements.txt (which pins Django, Oscar and Wagtail and so their
  migrations), so it is rebuilt only when a migration or a dependency changes;
- the demo template is the schema template with `load_demo` applied, and the media files the
  demo wrote. The demo is built by the project's own services and dated back from today, so it
  is named after the schema template, every non-test Python file of the project, the demo's
  files and today's date: a change to any code the demo runs rebuilds it (a few seconds).

Each session (each xdist worker: `..._gw0`) copies the demo template into its own test
database, and after each transactional test (browser, worker, race tests: their writes are
committed, and Django flushes every table when they end) the demo is copied back in place, so
every test starts from the same demo shop. A file lock makes one process build a template
while the others wait for it. `pytest --create-db` builds both templates again.
"""

import datetime
import fcntl
import hashlib
import os
import shutil
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.test import override_settings

ROOT = Path(__file__).resolve().parents[1]
# Folders holding no code the schema or the demo is built from.
NOT_SOURCE = {"tests", "benchmarks", "docs", "var", "media", "staticfiles", "node_modules", "__pycache__"}


# PostgreSQL: where the demo template keeps a copy of its rows, restored after transactional tests.
DEMO_COPY = "test_demo_copy"
SEQUENCES = "_sequences"
SEQUENCE_VALUES = (
    "SELECT format('%I.%I', schemaname, sequencename) AS name, last_value FROM pg_sequences WHERE schemaname = 'public'"
)
SET_SEQUENCE = "setval(name::regclass, coalesce(last_value, 1), last_value IS NOT NULL)"


def _is_source(folder):
    return not (folder.name in NOT_SOURCE or folder.name.startswith(".") or (folder / "pyvenv.cfg").exists())


def _source_files(*, migrations_only):
    for folder, subfolders, files in os.walk(ROOT):
        here = Path(folder)
        subfolders[:] = sorted(name for name in subfolders if _is_source(here / name))
        if migrations_only and here.name != "migrations":
            continue
        yield from (here / name for name in sorted(files) if name.endswith(".py"))


def _digest(paths, *extra):
    digest = hashlib.sha256()
    for value in extra:
        digest.update(str(value).encode())
    for path in paths:
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def schema_key():
    return _digest([*_source_files(migrations_only=True), ROOT / "requirements.txt", Path(__file__)])


def demo_key(schema):
    return _digest([*_source_files(migrations_only=False), Path(__file__)], schema, datetime.date.today())


@contextmanager
def _locked(folder):
    """One process at a time builds or copies templates (the xdist workers of a run share them)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _use(name):
    """Point the default connection at database `name` (a file path on SQLite)."""
    connection.close()
    settings.DATABASES[connection.alias]["NAME"] = name
    connection.settings_dict["NAME"] = name


class SqliteTemplates:
    """Template databases as files; a copy is SQLite's online backup (consistent under WAL)."""

    def __init__(self, folder):
        self.folder = folder

    def name(self, layer, key):
        return str(self.folder / f"sqlite-{layer}-{key}.sqlite3")

    def building(self, name):
        return name.replace(".sqlite3", ".building.sqlite3")

    def exists(self, name):
        return Path(name).exists()

    def copy(self, source, target):
        """Replace `target`'s whole content with `source`'s, in place: open connections see the copy."""
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target, timeout=20)) as dst:
            src.backup(dst)

    def rename(self, old, new):
        os.replace(old, new)

    def drop(self, name):
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(name + suffix).unlink(missing_ok=True)

    def others(self, keep):
        return [str(path) for path in self.folder.glob("sqlite-*.sqlite3") if str(path) not in keep]

    def finish(self, name):
        """Fold the write-ahead log into the file, so the template is one file at rest."""
        with closing(sqlite3.connect(name)) as db:
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def keep_demo(self):
        pass

    def restore(self, template, name):
        """The whole file copied back in place (a few hundredths of a second)."""
        connection.close()
        self.copy(template, name)


class PostgresTemplates:
    """Template databases on the test server, next to the test database; copied with TEMPLATE."""

    def __init__(self, folder, base):
        self.folder = folder
        self.prefix = f"{base}_tpl_"

    def name(self, layer, key):
        return f"{self.prefix}{layer}_{key}"

    def building(self, name):
        return f"{name}_building"

    def _run(self, sql, params=None):
        with connection._nodb_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall() if cursor.description else None

    def exists(self, name):
        return bool(self._run("SELECT 1 FROM pg_database WHERE datname = %s", [name]))

    def copy(self, source, target):
        """A new database `target` made from `source` (every connection to `target` is ended first)."""
        quote = connection.ops.quote_name
        connection.close()
        self._run(f"DROP DATABASE IF EXISTS {quote(target)} WITH (FORCE)")
        self._run(f"CREATE DATABASE {quote(target)} TEMPLATE {quote(source)}")

    def rename(self, old, new):
        quote = connection.ops.quote_name
        self._run(f"ALTER DATABASE {quote(old)} RENAME TO {quote(new)}")

    def drop(self, name):
        self._run(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")

    def others(self, keep):
        rows = self._run("SELECT datname FROM pg_database WHERE starts_with(datname, %s)", [self.prefix])
        return [name for (name,) in rows if name not in keep]

    def finish(self, name):
        pass

    def keep_demo(self):
        """A copy of every table in a schema of its own, which the test database inherits.

        Dropping and re-creating a 25 MB database takes seconds on a busy disk; putting a few
        thousand rows back within the database takes a fraction of one. The copy is outside the
        search path, so Django never sees it. Table names come from the catalogue, quoted.
        """
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE SCHEMA {DEMO_COPY}")
            for table in map(connection.ops.quote_name, connection.introspection.table_names(cursor)):
                cursor.execute(f"CREATE TABLE {DEMO_COPY}.{table} AS TABLE public.{table}")
            cursor.execute(f"CREATE TABLE {DEMO_COPY}.{SEQUENCES} AS {SEQUENCE_VALUES}")

    def restore(self, template, name):
        """Every table emptied and refilled from the demo's copy, each sequence set back, in one transaction.

        Django makes every foreign key DEFERRABLE INITIALLY DEFERRED, so the order does not matter
        and the keys are checked once, at commit.
        """
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s AND tablename <> %s ORDER BY tablename",
                [DEMO_COPY, SEQUENCES],
            )
            tables = [connection.ops.quote_name(table) for (table,) in cursor.fetchall()]
        statements = [f"DELETE FROM public.{table}" for table in tables]  # noqa: S608 -- quoted catalogue names
        statements += [f"INSERT INTO public.{t} SELECT * FROM {DEMO_COPY}.{t}" for t in tables]  # noqa: S608
        statements.append(f"SELECT {SET_SEQUENCE} FROM {DEMO_COPY}.{SEQUENCES}")  # noqa: S608
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(";\n".join(statements))


class TestDatabase:
    """This session's test database, made from the demo template and put back to it after a test."""

    def __init__(self, var_dir):
        self.folder = Path(var_dir) / "test-templates"
        self.name = connection.creation._get_test_db_name()
        if connection.vendor == "sqlite":
            self.templates = SqliteTemplates(self.folder)
        else:
            self.templates = PostgresTemplates(self.folder, base=connection.settings_dict["NAME"])
        self.demo = None

    def set_up(self, *, rebuild=False):
        """Copy the demo template (built first if missing) into this session's database and media."""
        schema = self.templates.name("schema", schema_key())
        demo = self.templates.name("demo", demo_key(schema))
        media = self.folder / f"{Path(demo).name}-media"
        with _locked(self.folder):
            if rebuild or not self.templates.exists(schema):
                self._build(schema, self._migrate)
            # A PostgreSQL template outlives the checkout that built it (another clone, the same
            # code); its media folder does not: without the folder the template is built again.
            if rebuild or not self.templates.exists(demo) or not media.is_dir():
                self._build(demo, lambda building: self._load_demo(schema, building, media))
            for stale in self.templates.others(keep={schema, demo}):
                self.templates.drop(stale)
                shutil.rmtree(self.folder / f"{Path(stale).name}-media", ignore_errors=True)
            self.templates.drop(self.name)
            self.templates.copy(demo, self.name)
        shutil.copytree(media, settings.MEDIA_ROOT, dirs_exist_ok=True)
        _use(self.name)
        self.demo = demo

    def restore(self):
        """Put the demo back in place after a test that committed rows."""
        self.templates.restore(self.demo, self.name)

    def tear_down(self):
        connection.close()
        self.templates.drop(self.name)

    def _build(self, name, make):
        """Build under a temporary name and rename when done: an interrupted build leaves no template."""
        building = self.templates.building(name)
        self.templates.drop(building)
        make(building)
        connection.close()
        self.templates.finish(building)
        self.templates.drop(name)
        self.templates.rename(building, name)

    def _migrate(self, building):
        # Django's own test-database creation (CREATE DATABASE or a new file, migrate, cache tables).
        test_settings = connection.settings_dict["TEST"]
        test_name = test_settings.get("NAME")
        test_settings["NAME"] = building
        try:
            connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        finally:
            test_settings["NAME"] = test_name

    def _load_demo(self, schema, building, media):
        self.templates.copy(schema, building)
        _use(building)
        shutil.rmtree(media, ignore_errors=True)
        with override_settings(MEDIA_ROOT=media):
            call_command("load_demo", "--no-progress", stdout=open(os.devnull, "w"))  # noqa: SIM115
        self.templates.keep_demo()


def uses_database(item):
    names = set(getattr(item, "fixturenames", ()))
    return bool(item.get_closest_marker("django_db") or names & {"db", "transactional_db", "live_server"})
