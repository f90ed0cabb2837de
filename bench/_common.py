"""Shared helpers of the benchmark scripts: an Odoo environment on a database, timers
and tables. Scripts run with the virtualenv's python (see dev/bench and README.md)."""

import argparse
import contextlib
import os
import threading
import time


def parser(description):
    """Parser with the options of every benchmark (dev/bench passes them)."""
    result = argparse.ArgumentParser(description=description)
    result.add_argument("--database", "-d", required=True)
    result.add_argument("--addons-path", required=True)
    result.add_argument(
        "--log-level", default=os.environ.get("BENCH_LOG_LEVEL", "warn")
    )
    return result


def parse_args(argparser):
    """Known options only: dev/bench hands the same BENCH_ARGS to every script."""
    args, unknown = argparser.parse_known_args()
    if unknown:
        print(f"(ignoring options for other benchmarks: {' '.join(unknown)})")
    return args


@contextlib.contextmanager
def odoo_env(args):
    """Superuser environment on ``args.database``; the cursor is rolled back unless
    the script commits."""
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(
        [
            f"--database={args.database}",
            f"--addons-path={args.addons_path}",
            f"--log-level={args.log_level}",
            "--max-cron-threads=0",
            "--no-http",
        ],
        setup_logging=True,
    )
    threading.current_thread().dbname = args.database
    registry = Registry(args.database)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        env = env(context=env["res.users"].context_get())
        yield env
        cr.rollback()


class Measure:
    """Wall time, SQL time (waiting for PostgreSQL), CPU time of this process and
    query count of a block (``with Measure(cr) as m``). On a loaded machine the CPU
    time of the Python side varies less than the wall time."""

    def __init__(self, cr):
        self.cr = cr
        self.seconds = self.sql_seconds = self.cpu_seconds = 0.0
        self.queries = 0

    def __enter__(self):
        thread = threading.current_thread()
        self._thread_time = getattr(thread, "query_time", None)
        thread.query_time = 0.0
        self._count = self.cr.sql_log_count
        self._cpu = time.process_time()
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        self.cpu_seconds = time.process_time() - self._cpu
        self.queries = self.cr.sql_log_count - self._count
        thread = threading.current_thread()
        self.sql_seconds = thread.query_time
        if self._thread_time is None:
            del thread.query_time
        else:
            thread.query_time = self._thread_time + self.sql_seconds
        return False


class StepTimer:
    """Cumulated wall time, SQL time and queries per wrapped method (a profile by
    step); ``wrap(cls_or_module, name)`` replaces the attribute until ``restore()``."""

    def __init__(self, cr):
        self.cr = cr
        self.steps = {}
        self._patched = []

    def wrap(self, owner, name, label=None):
        original = getattr(owner, name, None)
        if original is None:
            return
        label = label or name
        timer = self

        def wrapper(*args, **kwargs):
            with Measure(timer.cr) as measure:
                result = original(*args, **kwargs)
            step = timer.steps.setdefault(label, [0.0, 0.0, 0.0, 0, 0])
            step[0] += measure.seconds
            step[1] += measure.sql_seconds
            step[2] += measure.cpu_seconds
            step[3] += measure.queries
            step[4] += 1
            return result

        self._patched.append((owner, name, owner.__dict__.get(name)))
        setattr(owner, name, wrapper)

    def restore(self):
        for owner, name, original in reversed(self._patched):
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        self._patched.clear()


def table(headers, rows):
    """Plain text table; numbers right-aligned."""
    cells = [[str(cell) for cell in row] for row in rows]
    widths = [
        max(len(str(header)), *(len(row[i]) for row in cells))
        for i, header in enumerate(headers)
    ]

    def line(row, header=False):
        return "  ".join(
            cell.ljust(width) if header or i == 0 else cell.rjust(width)
            for i, (cell, width) in enumerate(zip(row, widths, strict=True))
        )

    out = [line(headers, header=True), line(["-" * width for width in widths], True)]
    out += [line(row) for row in cells]
    return "\n".join(out)
