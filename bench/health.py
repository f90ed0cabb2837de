"""Customer health benchmark (issue 15, DESIGN.md "Customer health and win-back").

Generates customers with their own order rhythm and posted customer invoices directly
in SQL, runs the health job once (the night before), then times in one run, each on
the same state (savepoint rolled back in between):
  (a) the module's nightly run, res.partner._vip_compute_health();
  (b) ONE SQL statement computing the same medians and stages and updating the
      customers whose interval or stage changes (the floor: no score, reasons,
      notes, activities or snapshots);
and prints the ratio and the queries per batch.
Usage: see bench/README.md (normally through `make bench`).
"""

import random
import sys
from datetime import timedelta

import _common

from odoo import fields

TARGET_RATIO = 5.0
# (share of the customers, silence drawn in units of their own interval): most buy
# on rhythm, some are late, some lapsed, some lost (more than a year)
SILENCES = [
    (0.65, 0.0, 1.0),
    (0.15, 1.0, 3.0),
    (0.12, 3.0, None),
    (0.08, None, None),
]
INTERVALS = (7, 14, 21, 30, 45, 60, 90)


def main():
    argparser = _common.parser(__doc__.splitlines()[0])
    argparser.add_argument("--customers", type=int, default=100_000)
    argparser.add_argument("--invoices", type=int, default=1_000_000)
    argparser.add_argument("--seed", type=int, default=42)
    argparser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="alternating runs of (a) and (b); the fastest of each counts",
    )
    args = _common.parse_args(argparser)
    if args.invoices < args.customers:
        sys.exit("--invoices must be at least --customers (one invoice each)")
    random.seed(args.seed)
    with _common.odoo_env(args) as env:
        Bench(env, args).run()


class Bench:
    """One benchmark run on an Odoo environment (see the module docstring)."""

    def __init__(self, env, args):
        self.args = args
        self.cr = env.cr
        self.company = env.ref("base.main_company")
        self.env = env(context=dict(env.context, allowed_company_ids=[self.company.id]))
        self.partner_model = self.env["res.partner"].with_company(self.company)
        today = fields.Date.context_today(self.partner_model)
        # the timed night and the one before stay in one month (no monthly rows)
        self.night = today if today.day > 1 else today + timedelta(days=1)
        self.night_before = self.night - timedelta(days=1)

    def say(self, message):
        print(message, flush=True)

    def run(self):
        self.prepare()
        run_a = run_b = None
        for _run in range(self.args.repeat):
            measure = self.run_module()
            if run_a is None or measure.seconds < run_a.seconds:
                run_a, self.profile_a = measure, self.last_profile
            measure = self.run_sql()
            if run_b is None or measure.seconds < run_b.seconds:
                run_b = measure
        self.check()
        self.report(run_a, run_b)

    # ------------------------------------------------------------------
    # data
    # ------------------------------------------------------------------
    def prepare(self):
        args = self.args
        self.say(
            f"Generating {args.customers} customers and {args.invoices} posted "
            "invoices in SQL…"
        )
        with _common.Measure(self.cr) as gen:
            self.generate()
        self.say(f"  generated in {gen.seconds:.1f} s")
        self.say(f"Health job of the night before ({self.night_before})…")
        with _common.Measure(self.cr) as initial:
            self.partner_model._vip_compute_health(today=self.night_before)
            self.env.flush_all()
        self.cr.commit()
        self.env.invalidate_all()
        self.say(
            f"  {initial.seconds:.1f} s, {initial.queries} queries (every customer "
            "assessed for the first time, win-back activities, snapshot rows)"
        )
        self.cr.execute(
            """
            SELECT vip_lifecycle_stage, count(*) FROM res_partner
             WHERE ref LIKE 'BENCH-H-%%' GROUP BY 1 ORDER BY 1
            """
        )
        self.say("  stages: " + ", ".join(f"{s}: {n}" for s, n in self.cr.fetchall()))

    def generate(self):
        cr, args = self.cr, self.args
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        if not journal:
            sys.exit("The main company has no sales journal (chart of accounts?)")
        intervals, silences = [], []
        for _n in range(args.customers):
            interval = random.choice(INTERVALS)
            draw, cumulative = random.random(), 0.0
            low = high = None
            for share, low, high in SILENCES:  # noqa: B007 (the bounds drawn)
                cumulative += share
                if draw < cumulative:
                    break
            low_days = 400 if low is None else low * interval
            high_days = (
                (500 if low is None else 365) if high is None else high * interval
            )
            intervals.append(interval)
            silences.append(round(random.uniform(low_days, max(low_days, high_days))))
        per = args.invoices // args.customers
        extra = args.invoices % args.customers
        cr.execute(
            """
            CREATE TEMP TABLE bench_health (
                n int PRIMARY KEY, partner_id int, every int, silence int, k int)
            """
        )
        cr.execute(
            """
            INSERT INTO bench_health (n, partner_id, every, silence, k)
            SELECT v.n, nextval('res_partner_id_seq'), v.every, v.silence,
                   %s + (v.n <= %s)::int
              FROM unnest(%s::int[], %s::int[]) WITH ORDINALITY AS v(every, silence, n)
            """,
            [per, extra, intervals, silences],
        )
        cr.execute(
            """
            INSERT INTO res_partner (
                id, name, complete_name, commercial_partner_id, is_company, active,
                type, autopost_bills, customer_rank, supplier_rank, ref, lang,
                partner_share, create_uid, write_uid, create_date, write_date)
            SELECT c.partner_id, 'Bench Health ' || c.n, 'Bench Health ' || c.n,
                   c.partner_id, true, true, 'contact', 'ask', 1, 0, 'BENCH-H-' || c.n,
                   'en_US', true, 1, 1, now() at time zone 'utc',
                   now() at time zone 'utc'
              FROM bench_health c
            """
        )
        # invoice g is customer 1 + (g - 1) % N's j-th most recent: its last
        # invoice "silence" days before the night before, then one every "every"
        # days, give or take a fifth
        chunk = 200_000
        for start in range(1, args.invoices + 1, chunk):
            stop = min(start + chunk - 1, args.invoices)
            cr.execute(
                """
                WITH g AS (
                    SELECT g, c.partner_id, c.every, c.silence, (g - 1) / %(n)s AS j
                      FROM generate_series(%(start)s::bigint, %(stop)s) g
                      JOIN bench_health c ON c.n = 1 + (g - 1) %% %(n)s
                ), m AS (
                    SELECT g, partner_id,
                           %(day)s::date - (silence + j * every
                             + CASE WHEN j = 0 THEN 0
                                    ELSE (g * 7919) %% (every / 5 + 1) END)::int
                             AS day,
                           round(500 + (g * 37) %% 5000, 2) AS amount
                      FROM g
                )
                INSERT INTO account_move (
                    name, sequence_prefix, sequence_number, journal_id, company_id,
                    currency_id, move_type, state, auto_post, date, invoice_date,
                    invoice_date_due, partner_id, commercial_partner_id,
                    invoice_currency_rate, amount_untaxed, amount_tax, amount_total,
                    amount_residual, amount_untaxed_signed,
                    amount_untaxed_in_currency_signed, amount_tax_signed,
                    amount_total_signed, amount_total_in_currency_signed,
                    amount_residual_signed, payment_state, checked, posted_before,
                    create_uid, write_uid, create_date, write_date)
                SELECT 'BENCH/HINV/' || g, 'BENCH/HINV/', g, %(journal)s, %(company)s,
                       %(currency)s, 'out_invoice', 'posted', 'no', day, day,
                       day + 30, partner_id, partner_id, 1.0, amount, 0, amount, 0,
                       amount, amount, 0, amount, amount, 0, 'paid', true, true, 1, 1,
                       now() at time zone 'utc', now() at time zone 'utc'
                  FROM m
                """,
                {
                    "n": args.customers,
                    "start": start,
                    "stop": stop,
                    "day": self.night_before,
                    "journal": journal.id,
                    "company": self.company.id,
                    "currency": self.company.currency_id.id,
                },
            )
            self.say(f"  {stop} invoices")
        cr.execute("ANALYZE res_partner")
        cr.execute("ANALYZE account_move")
        cr.commit()

    # ------------------------------------------------------------------
    # the two contenders, each on the same state
    # ------------------------------------------------------------------
    def isolated(self, label, func):
        self.env.invalidate_all()
        self.cr.execute("SAVEPOINT bench_run")
        with _common.Measure(self.cr) as measure:
            result = func()
            self.env.flush_all()
            self.cr.precommit.run()
            self.env.flush_all()
        self.cr.execute(
            """
            SELECT id, vip_lifecycle_stage, vip_order_interval_days FROM res_partner
             WHERE ref LIKE 'BENCH-H-%%'
            """
        )
        state = {pid: (stage, interval) for pid, stage, interval in self.cr.fetchall()}
        self.cr.execute("ROLLBACK TO SAVEPOINT bench_run")
        self.cr.precommit.clear()
        self.cr.postcommit.clear()
        self.env.invalidate_all()
        self.say(
            f"{label}: {measure.seconds:.2f} s ({measure.sql_seconds:.2f} s in SQL, "
            f"{measure.cpu_seconds:.2f} s Python CPU, {measure.queries} queries)"
        )
        return measure, result, state

    def run_module(self):
        """(a) the module's nightly run, with a profile of its steps."""
        profile = _common.StepTimer(self.cr)
        cls = type(self.partner_model)
        for name in (
            "_vip_health_invoice_stats",
            "_vip_health_rows",
            "_vip_health_revenues",
            "_vip_health_incidents",
            "_vip_health_write",
            "_vip_health_stage_moves",
        ):
            profile.wrap(cls, name)
        profile.wrap(type(self.env["vip.health.history"]), "_vip_snapshot")

        def nightly():
            moved = self.partner_model._vip_compute_health(today=self.night)
            self.env.flush_all()
            return len(moved)

        try:
            measure, moved, state = self.isolated("(a) module nightly run", nightly)
        finally:
            profile.restore()
        self.moved_a, self.state_a = moved, state
        self.last_profile = profile.steps
        return measure

    SQL_FLOOR = """
        WITH days AS (
            SELECT DISTINCT commercial_partner_id AS pid, invoice_date AS day
              FROM account_move
             WHERE company_id = %(company)s AND state = 'posted'
               AND move_type = 'out_invoice' AND invoice_date <= %(today)s
               AND commercial_partner_id IS NOT NULL
        ), gaps AS (
            SELECT pid, day, day - lag(day) OVER (PARTITION BY pid ORDER BY day) AS gap
              FROM days
        ), stats AS (
            SELECT pid, min(day) AS first, max(day) AS last,
                   percentile_cont(0.5) WITHIN GROUP (ORDER BY gap) AS median
              FROM gaps GROUP BY pid
        ), decision AS (
            SELECT p.id, round(s.median::numeric, 1) AS interval,
                   CASE
                     WHEN %(today)s - s.last >= %(lost)s THEN 'lost'
                     WHEN %(today)s - s.last >= greatest(
                          coalesce(%(factor)s * s.median, 0), %(min_days)s)
                       THEN 'lapsed'
                     WHEN p.vip_lifecycle_stage IN ('lapsed', 'lost')
                       OR p.vip_lifecycle_stage = 'won_back'
                          AND %(today)s - p.vip_stage_since < %(won_back)s
                       THEN 'won_back'
                     WHEN %(today)s - s.first < %(new)s THEN 'new'
                     WHEN p.vip_lifecycle_stage = 'at_risk' THEN 'at_risk'
                     ELSE 'active' END AS stage
              FROM stats s
              JOIN res_partner p ON p.id = s.pid
             WHERE (p.is_company OR p.parent_id IS NULL)
               AND (p.company_id = %(company)s OR p.company_id IS NULL AND (
                        %(first_company)s AND p.user_id IS NULL
                        OR EXISTS (SELECT 1 FROM res_users u
                                    WHERE u.id = p.user_id
                                      AND u.company_id = %(company)s)))
        )
        UPDATE res_partner p
           SET vip_order_interval_days = d.interval,
               vip_lifecycle_stage = d.stage,
               vip_stage_since = CASE WHEN d.stage IS DISTINCT FROM
                                           p.vip_lifecycle_stage
                                      THEN %(today)s ELSE p.vip_stage_since END
          FROM decision d
         WHERE p.commercial_partner_id = d.id
           AND (d.interval, d.stage) IS DISTINCT FROM
               (p.vip_order_interval_days, p.vip_lifecycle_stage)
    """

    def run_sql(self):
        """(b) medians and stages computed, changed customers updated, in ONE
        statement (the score's at-risk stage is kept as it was: no score here)."""
        from odoo.addons.partner_vip_care.models import res_partner_health as module

        company = self.company
        first = self.env["res.company"].search([], order="id", limit=1)
        params = {
            "company": company.id,
            "today": self.night,
            "lost": company.vip_lost_days,
            "factor": company.vip_lapse_factor,
            "min_days": company.vip_lapse_min_days,
            "won_back": module.VIP_WON_BACK_DAYS,
            "new": module.VIP_NEW_DAYS,
            "first_company": company == first,
        }

        def statement():
            self.cr.execute(self.SQL_FLOOR, params)
            return self.cr.rowcount

        measure, _rows, state = self.isolated("(b) one SQL statement", statement)
        self.state_b = state
        return measure

    def check(self):
        """(a) and (b) agree on every median and stage (at risk and active apart,
        which only the score separates)."""

        def norm(state):
            return {
                pid: (
                    "active" if stage == "at_risk" else stage,
                    round(float(interval or 0), 1),
                )
                for pid, (stage, interval) in state.items()
            }

        a, b = norm(self.state_a), norm(self.state_b)
        diff = [pid for pid in a if a[pid] != b.get(pid)]
        if diff:
            sample = [(pid, a[pid], b.get(pid)) for pid in diff[:5]]
            sys.exit(f"(a) and (b) disagree on {len(diff)} customers, e.g. {sample}")
        self.say(f"(a) and (b) agree on the medians and stages of {len(a)} customers")

    def report(self, run_a, run_b):
        from odoo.addons.partner_vip_care.models import res_partner_health as module

        customers = self.args.customers
        ratio = run_a.seconds / run_b.seconds if run_b.seconds else float("inf")
        batches = -(-customers // module.VIP_HEALTH_BATCH)
        self.say("")
        self.say(
            _common.table(
                ["run", "wall s", "SQL s", "CPU s", "queries", "µs/customer"],
                [
                    (
                        label,
                        f"{m.seconds:.2f}",
                        f"{m.sql_seconds:.2f}",
                        f"{m.cpu_seconds:.2f}",
                        m.queries,
                        f"{m.seconds / customers * 1e6:.1f}",
                    )
                    for label, m in (
                        ("(a) nightly run", run_a),
                        ("(b) one SQL statement", run_b),
                    )
                ],
            )
        )
        self.say("")
        self.say(
            f"(a)/(b) = {ratio:.2f} (goal ≤ {TARGET_RATIO:g}): "
            + ("met" if ratio <= TARGET_RATIO else "NOT met")
        )
        self.say(
            f"{self.moved_a} stage changes; {batches} batches of "
            f"{module.VIP_HEALTH_BATCH} customers"
        )
        self.say("")
        self.say("profile of (a) by step:")
        rows = []
        for label, (wall, sql, cpu, queries, calls) in self.profile_a.items():
            rows.append(
                (
                    label,
                    calls,
                    f"{wall:.2f}",
                    f"{sql:.2f}",
                    f"{cpu:.2f}",
                    queries,
                    f"{queries / calls:.1f}" if calls else "-",
                )
            )
        self.say(
            _common.table(
                ["step", "calls", "wall s", "SQL s", "CPU s", "queries", "q/call"], rows
            )
        )
        per_batch = sum(
            queries
            for label, (_w, _s, _c, queries, _n) in self.profile_a.items()
            if label
            in ("_vip_health_write", "_vip_health_stage_moves", "_vip_snapshot")
        )
        self.say(
            f"queries per batch (write + notes/activities + snapshot): "
            f"{per_batch / batches:.1f} on average, whatever the customers per batch"
        )


if __name__ == "__main__":
    main()
