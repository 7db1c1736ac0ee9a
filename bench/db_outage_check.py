"""Database outage drill: the site answers 503 while PostgreSQL is down and recovers by itself.

    DATABASE_URL=postgres://postgres@127.0.0.1:PORT/keko \\
        .venv/bin/python bench/db_outage_check.py --pgdata /tmp/pgci.XXXX/data

For a throwaway server only: it stops and restarts the PostgreSQL cluster in --pgdata (with
pg_ctl as the postgres user; `pg_ctl restart` reuses the options the server was started with).
Starts gunicorn on loopback with production settings, then checks:
/healthz and a page answer 200; with the database stopped both answer 503 (the 503 page, with
Retry-After); after the database is started again, the page answers 200 within --recovery
seconds without restarting gunicorn. Exits 1 if any check fails; the database is started
again in every case.
"""

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load_check import (  # noqa: E402
    check_database_url,
    fetch,
    gunicorn,
    prepare,
    production_environment,
    status,
)

PAGE = "/toimijat/"


def uncached(path):
    """Return `path` with a query string no visitor has asked for: public pages are served
    from the cache (which rightly keeps working while the database is down), and the drill
    must reach the database."""
    return f"{path}?q=drill{time.monotonic_ns()}"


def pg_ctl(pgbin, pgdata, *args):
    command = [str(Path(pgbin) / "pg_ctl"), "-D", pgdata, *args]
    if os.geteuid() == 0:  # initdb and pg_ctl refuse to run as root
        command = ["runuser", "-u", "postgres", "--", *command]
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode:
        sys.exit(f"pg_ctl {' '.join(args)} failed:\n{result.stdout}{result.stderr}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--pgdata", default=os.environ.get("PGDATA"), required="PGDATA" not in os.environ
    )
    parser.add_argument("--pgbin", default=os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))
    parser.add_argument("--pglog", default=None, help="server log (default: PGDATA/../outage.log)")
    parser.add_argument("--recovery", type=float, default=10, help="seconds allowed to recover")
    parser.add_argument("--no-prepare", action="store_true")
    args = parser.parse_args()
    check_database_url()
    pglog = args.pglog or str(Path(args.pgdata).parent / "outage.log")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        sys.exit("runuser is needed to run pg_ctl as the postgres user")
    env = production_environment()
    if not args.no_prepare:
        prepare(env)

    failures = []

    def expect(label, got, wanted):
        ok = got == wanted
        print(f"{'ok  ' if ok else 'FAIL'} {label}: {got}")
        if not ok:
            failures.append(label)

    with gunicorn(env) as server:
        address = server.address
        print(f"gunicorn on http://{address}")
        expect("healthz with the database up", fetch(address, "/healthz")[0], 200)
        expect(f"{PAGE} with the database up", fetch(address, uncached(PAGE))[0], 200)

        pg_ctl(args.pgbin, args.pgdata, "-m", "fast", "-w", "stop")
        print("-- PostgreSQL stopped")
        try:
            code, headers, body = fetch(address, uncached(PAGE))
            expect(f"{PAGE} with the database down", code, 503)
            expect("  ...shows the 503 page", "tilapäisesti poissa käytöstä" in body.decode(), True)
            expect("  ...with Retry-After", "Retry-After" in headers, True)
            expect("healthz with the database down", fetch(address, "/healthz")[0], 503)
        finally:
            pg_ctl(args.pgbin, args.pgdata, "-l", pglog, "-w", "-t", "30", "restart")
            print("-- PostgreSQL started again")

        started = time.monotonic()
        code = None
        while time.monotonic() - started < args.recovery:
            code = status(address, uncached(PAGE))
            if code == 200:
                break
            time.sleep(0.2)
        expect(f"{PAGE} after the database returned", code, 200)
        print(f"     recovered in {time.monotonic() - started:.1f} s, gunicorn not restarted")
        expect("healthz after the database returned", fetch(address, "/healthz")[0], 200)

    print("Outage check passed" if not failures else f"Outage check FAILED: {failures}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
