"""VIP tier evaluation benchmark (issue 3, DESIGN.md "Performance rules").

Generates customers and posted customer invoices/refunds directly in SQL, runs the
initial evaluation, changes the revenue of 2% of the customers, then times in one run,
each on the same state (savepoint rolled back in between):
  (a) the module's daily evaluation, res.partner._vip_evaluate_tiers();
  (b) the same tier assignment as ONE raw SQL statement (the floor);
  (c) a naive per-partner ORM loop on a sample, extrapolated per partner.
Usage: see bench/README.md (normally through `make bench`).
"""

import random
import sys
import time
from datetime import timedelta

import _common
from dateutil.relativedelta import relativedelta

from odoo import fields

TARGETS = {"a_over_b": 3.0, "c_over_a": 50.0}
# Share of the customers aimed at each default tier and the revenue range drawn for
# them (data/vip_tier_data.xml: Standard 0, Silver 50k, Gold 200k, Platinum 500k).
PROFILES = [
    (0.60, 1_000, 45_000),
    (0.25, 60_000, 180_000),
    (0.11, 220_000, 460_000),
    (0.04, 560_000, 2_000_000),
]


def main():
    argparser = _common.parser(__doc__.splitlines()[0])
    argparser.add_argument("--customers", type=int, default=100_000)
    argparser.add_argument("--invoices", type=int, default=1_000_000)
    argparser.add_argument(
        "--changed", type=float, default=0.02, help="share of customers changed"
    )
    argparser.add_argument(
        "--sample", type=int, default=500, help="partners of the naive loop (c)"
    )
    argparser.add_argument("--seed", type=int, default=42)
    argparser.add_argument(
        "--repeat",
        type=int,
        default=5,
        help="alternating runs of (a) and (b); the fastest of each counts",
    )
    argparser.add_argument(
        "--reuse",
        action="store_true",
        help="database prepared by an earlier run (KEEP_DB=1): skip the generation, "
        "the initial evaluation and the revenue changes; time (a), (b), (c) again",
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
        self.env = env
        self.cr = env.cr
        self.args = args
        self.company = env.ref("base.main_company")
        self.env = env(context=dict(env.context, allowed_company_ids=[self.company.id]))
        self.partner_model = self.env["res.partner"].with_company(self.company)
        self.today = fields.Date.context_today(self.partner_model)
        self.results = {}

    def say(self, message):
        print(message, flush=True)

    # ------------------------------------------------------------------
    def run(self):
        initial = self.reuse() if self.args.reuse else self.prepare()
        candidates = self.count_candidates()
        # (a) and (b) alternate, so that both meet the same load of the machine
        run_a = run_b = None
        for _run in range(self.args.repeat):
            measure = self.run_module()
            if run_a is None or measure.seconds < run_a.seconds:
                run_a, self.profile_a = measure, self.last_profile
            measure = self.run_sql()
            if run_b is None or measure.seconds < run_b.seconds:
                run_b = measure
        run_c = self.run_naive()
        self.report(initial, candidates, run_a, run_b, run_c)

    def reuse(self):
        cr, args = self.cr, self.args
        cr.execute("SELECT count(*) FROM res_partner WHERE ref LIKE 'BENCH-%%'")
        args.customers = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM account_move WHERE name LIKE 'BENCH/%%INV/%%'")
        args.invoices = cr.fetchone()[0]
        if not args.customers:
            sys.exit(f"--reuse: no benchmark data in {args.database}")
        self.say(
            f"Reusing {args.customers} customers and {args.invoices} invoices of "
            f"{args.database}"
        )
        cr.execute(
            """
            CREATE TEMP TABLE bench_customer AS
            SELECT substr(ref, 7)::int AS n, id AS partner_id
              FROM res_partner WHERE ref LIKE 'BENCH-%%'
            """
        )
        cr.execute("SELECT 1 FROM account_move WHERE name LIKE 'BENCH/CHG/%%' LIMIT 1")
        if not cr.fetchone():  # the earlier run stopped before changing revenues
            self.journal = self.sales_journal()
            kinds = self.change_revenues()
            self.say("  " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())))
        return None

    def prepare(self):
        args = self.args
        self.say(
            f"Generating {args.customers} customers and {args.invoices} posted "
            "invoices/refunds in SQL…"
        )
        with _common.Measure(self.cr) as gen:
            self.generate()
        self.say(f"  generated in {gen.seconds:.1f} s")

        self.say("Initial evaluation (every customer gets its first tier)…")
        with _common.Measure(self.cr) as initial:
            changed = self.partner_model._vip_evaluate_tiers()
            self.env.flush_all()
        self.cr.commit()
        self.say(
            f"  {initial.seconds:.1f} s, {initial.queries} queries, "
            f"{len(changed)} partners got a tier"
        )
        self.print_tier_counts()

        self.say(
            f"Changing the revenue of {args.changed:.0%} of the customers "
            "(new invoices and refunds)…"
        )
        kinds = self.change_revenues()
        self.say("  " + ", ".join(f"{n} {kind}" for kind, n in sorted(kinds.items())))
        return initial

    # ------------------------------------------------------------------
    # data
    # ------------------------------------------------------------------
    def generate(self):
        cr, args = self.cr, self.args
        self.journal = journal = self.sales_journal()
        # customers: revenue profile drawn per customer
        bounds, cumulative = [], 0.0
        for share, low, high in PROFILES:
            cumulative += share
            bounds.append((cumulative, low, high))
        base = []
        for _n in range(args.customers):
            draw = random.random()
            _share, low, high = next(
                b for b in bounds if draw < b[0] or b is bounds[-1]
            )
            base.append(round(random.uniform(low, high), 2))
        cr.execute(
            """
            CREATE TEMP TABLE bench_customer (
                n int PRIMARY KEY, partner_id int, base numeric, k int)
            """
        )
        per = args.invoices // args.customers
        extra = args.invoices % args.customers
        cr.execute(
            """
            INSERT INTO bench_customer (n, partner_id, base, k)
            SELECT v.n, nextval('res_partner_id_seq'), v.base,
                   %s + (v.n <= %s)::int
              FROM unnest(%s::numeric[]) WITH ORDINALITY AS v(base, n)
            """,
            [per, extra, base],
        )
        cr.execute("ANALYZE bench_customer")
        cr.execute(
            """
            INSERT INTO res_partner (
                id, name, complete_name, commercial_partner_id, is_company, active,
                type, autopost_bills, customer_rank, supplier_rank, ref, lang,
                partner_share, create_uid, write_uid, create_date, write_date)
            SELECT c.partner_id, 'Bench Customer ' || c.n, 'Bench Customer ' || c.n,
                   c.partner_id, true, true, 'contact', 'ask', 1, 0, 'BENCH-' || c.n,
                   'en_US', true, 1, 1, now() at time zone 'utc',
                   now() at time zone 'utc'
              FROM bench_customer c
            """
        )
        # invoices: invoice number g goes to customer 1 + (g - 1) % N as its j-th;
        # one in five is dated before the window, one in ten is a refund. The
        # amounts (+-50% around the mean) make the window revenue about 0.88 * base.
        chunk = 200_000
        for start in range(1, args.invoices + 1, chunk):
            stop = min(start + chunk - 1, args.invoices)
            cr.execute(
                """
                WITH g AS (
                    SELECT g, c.partner_id, c.base, c.k, (g - 1) / %(n)s AS j
                      FROM generate_series(%(start)s::bigint, %(stop)s) g
                      JOIN bench_customer c ON c.n = 1 + (g - 1) %% %(n)s
                ), m AS (
                    SELECT g, partner_id,
                           CASE WHEN j %% 10 = 3 THEN 'out_refund' ELSE 'out_invoice'
                           END AS move_type,
                           %(today)s::date - CASE WHEN j %% 5 = 4
                                THEN 370 + ((g * 31) %% 360)::int
                                ELSE ((g * 37) %% 360)::int END AS day,
                           round(base / k
                                 * CASE WHEN j %% 10 = 3 THEN 0.25 ELSE 1.25 END
                                 * (0.5 + ((g * 7919) %% 1000) / 1000.0), 2) AS amount
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
                SELECT CASE WHEN move_type = 'out_refund' THEN 'BENCH/RINV/'
                            ELSE 'BENCH/INV/' END || g,
                       CASE WHEN move_type = 'out_refund' THEN 'BENCH/RINV/'
                            ELSE 'BENCH/INV/' END,
                       g, %(journal)s, %(company)s, %(currency)s, move_type, 'posted',
                       'no', day, day, day + 30, partner_id, partner_id, 1.0,
                       amount, 0, amount, 0, sign * amount, sign * amount, 0,
                       sign * amount, sign * amount, 0, 'paid', true, true, 1, 1,
                       now() at time zone 'utc', now() at time zone 'utc'
                  FROM m, LATERAL (SELECT CASE WHEN move_type = 'out_refund'
                                               THEN -1 ELSE 1 END AS sign) s
                """,
                {
                    "n": args.customers,
                    "start": start,
                    "stop": stop,
                    "today": self.today,
                    "journal": journal.id,
                    "company": self.company.id,
                    "currency": self.company.currency_id.id,
                },
            )
            self.say(f"  {stop} invoices")
        cr.execute("ANALYZE res_partner")
        cr.execute("ANALYZE account_move")
        self.cr.commit()

    def sales_journal(self):
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        if not journal:
            sys.exit("The main company has no sales journal (chart of accounts?)")
        return journal

    def print_tier_counts(self):
        self.cr.execute(
            """
            SELECT t.level, t.qualify_amount, count(p.id)
              FROM vip_tier t
              LEFT JOIN res_partner p ON p.vip_tier_id = t.id
             WHERE t.company_id = %s
             GROUP BY t.id ORDER BY t.level
            """,
            [self.company.id],
        )
        counts = self.cr.fetchall()
        tiers = {t.level: t.name for t in self.env["vip.tier"].search([])}
        self.say(
            "  customers per tier: "
            + ", ".join(
                f"{tiers.get(level, level)} (≥ {qualify:,.0f}): {count}"
                for level, qualify, count in counts
            )
        )

    def change_revenues(self):
        """New invoice or refund, dated today, for every 1/changed-th customer:
        2/5 cross the next threshold up, 2/5 fall below the retain amount of their
        tier (Standard customers go up instead), 1/5 fall into the hysteresis band
        (between retain and qualify: no change expected) or grow a little."""
        cr = self.cr
        # the initial evaluation is long past: no downgrade is held by the grace
        cr.execute(
            "UPDATE res_partner SET vip_since = vip_since - 400 "
            "WHERE vip_since IS NOT NULL"
        )
        cr.execute("ANALYZE res_partner")
        cr.execute("ANALYZE bench_customer")
        step = max(1, round(1 / self.args.changed))
        cr.execute(
            """
            WITH t AS (
                SELECT id, level, qualify_amount AS qualify, retain_amount AS retain,
                       lead(qualify_amount) OVER (ORDER BY level) AS next_qualify
                  FROM vip_tier WHERE company_id = %(company)s AND active
            ), chosen AS (
                SELECT c.n, c.partner_id, p.vip_revenue AS revenue, t.*,
                       (c.n / %(step)s) %% 5 AS kind
                  FROM bench_customer c
                  JOIN res_partner p ON p.id = c.partner_id
                  JOIN t ON t.id = p.vip_tier_id
                 WHERE c.n %% %(step)s = 7 %% %(step)s
            ), d AS (
                SELECT n, partner_id,
                       CASE
                         WHEN kind IN (0, 1) AND next_qualify IS NOT NULL
                           OR kind IN (2, 3) AND level = 0
                           THEN 'up'
                         WHEN kind IN (0, 1, 2, 3) THEN 'down'
                         WHEN level = 0 THEN 'small'
                         ELSE 'band' END AS what,
                       revenue, qualify, retain, next_qualify
                  FROM chosen
            ), amounts AS (
                SELECT n, partner_id, what,
                       CASE what
                         WHEN 'up' THEN next_qualify - revenue + 1000 + n %% 9000
                         WHEN 'down' THEN retain - revenue - 1000 - n %% 9000
                         WHEN 'band' THEN (retain + qualify) / 2 - revenue
                         ELSE 500 END AS amount
                  FROM d
            ), ins AS (
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
                SELECT 'BENCH/CHG/' || n, 'BENCH/CHG/', n, %(journal)s, %(company)s,
                       %(currency)s,
                       CASE WHEN amount < 0 THEN 'out_refund' ELSE 'out_invoice' END,
                       'posted', 'no', %(today)s, %(today)s, %(today)s, partner_id,
                       partner_id, 1.0, abs(amount), 0, abs(amount), 0, amount, amount,
                       0, amount, amount, 0, 'paid', true, true, 1, 1,
                       now() at time zone 'utc', now() at time zone 'utc'
                  FROM amounts
                RETURNING id
            )
            SELECT what, count(*) FROM amounts GROUP BY what
            """,
            {
                "company": self.company.id,
                "step": step,
                "journal": self.journal.id,
                "currency": self.company.currency_id.id,
                "today": self.today,
            },
        )
        kinds = dict(self.cr.fetchall())
        names = {
            "up": "to cross a threshold up",
            "down": "to fall below their retain amount",
            "band": "into the hysteresis band",
            "small": "with a small invoice",
        }
        cr.execute("ANALYZE account_move")
        self.cr.commit()
        self.env.invalidate_all()
        return {names[k]: v for k, v in kinds.items()}

    def engine(self):
        """Where the evaluation steps live: vip.tier since the engine moved there,
        res.partner before."""
        tiers = self.env["vip.tier"].with_company(self.company)
        return tiers if hasattr(tiers, "_vip_evaluate") else self.partner_model

    def count_candidates(self):
        model = self.engine()
        revenues = model._vip_window_revenue(self.company, self.today)
        if hasattr(model, "_vip_candidate_rows"):
            candidates = model._vip_candidate_rows(self.company, revenues)
        else:  # before the evaluation read plain rows
            candidates = model._vip_candidates(self.company, revenues)
        self.env.invalidate_all()
        return len(candidates)

    # ------------------------------------------------------------------
    # the three contenders, each on the same state
    # ------------------------------------------------------------------
    def isolated(self, label, func):
        """Run ``func`` in a savepoint rolled back afterwards (ORM cache emptied
        before and after); return its Measure and result."""
        self.env.invalidate_all()
        self.cr.execute("SAVEPOINT bench_run")
        with _common.Measure(self.cr) as measure:
            result = func()
            self.env.flush_all()
            self.cr.precommit.run()  # mail tracking of ORM writes, as at commit
            self.env.flush_all()
        self.cr.execute("ROLLBACK TO SAVEPOINT bench_run")
        self.cr.precommit.clear()
        self.cr.postcommit.clear()
        self.env.invalidate_all()
        self.say(
            f"{label}: {measure.seconds:.2f} s ({measure.sql_seconds:.2f} s in SQL, "
            f"{measure.cpu_seconds:.2f} s Python CPU, {measure.queries} queries)"
        )
        return measure, result

    def run_module(self):
        """(a) the module's daily evaluation, with a profile of its steps."""
        from odoo.addons.partner_vip_care import models as vip_models

        module = getattr(vip_models, "vip_tier_evaluation", vip_models.res_partner)
        profile = _common.StepTimer(self.cr)
        for name in (
            "_vip_window_revenue",
            "_vip_candidates",
            "_vip_candidate_rows",
            "_vip_store_figures",
            "_vip_plan_tier_changes",
            "_vip_apply_tier_changes",
            "_vip_set_tier",
            "_vip_log_tier_notes",
        ):
            for model in (self.engine(), self.partner_model):
                if name in type(model).__dict__ or hasattr(type(model), name):
                    profile.wrap(type(model), name)
                    break
        profile.wrap(module, "pareto_classes")
        profile.wrap(type(self.env["vip.tier.history"]), "create", "history create")

        def evaluate():
            changed = self.partner_model._vip_evaluate_tiers()
            self.env.flush_all()
            return {p.id: p.vip_tier_id.id for p in changed}

        try:
            measure, changed = self.isolated("(a) module evaluation", evaluate)
        finally:
            profile.restore()
        self.changed_a = changed
        self.last_profile = profile.steps
        return measure

    SQL_FLOOR = """
        WITH revenue AS (
            SELECT commercial_partner_id AS partner_id,
                   sum(amount_untaxed_signed) AS revenue
              FROM account_move
             WHERE company_id = %(company)s AND state = 'posted'
               AND move_type IN ('out_invoice', 'out_refund')
               AND invoice_date > %(date_from)s AND invoice_date <= %(today)s
             GROUP BY commercial_partner_id
        ), tier AS (
            SELECT id, level, qualify_amount, retain_amount
              FROM vip_tier WHERE company_id = %(company)s AND active
        ), candidate AS (
            SELECT p.id, p.vip_tier_id, p.vip_since, coalesce(r.revenue, 0) AS revenue
              FROM res_partner p
              LEFT JOIN revenue r ON r.partner_id = p.id
             WHERE p.active
               AND (r.partner_id IS NOT NULL OR p.vip_tier_id IN (
                        SELECT id FROM vip_tier WHERE company_id = %(company)s))
               AND (p.is_company OR p.parent_id IS NULL)
               AND (p.company_id = %(company)s OR p.company_id IS NULL AND (
                        %(first_company)s AND p.user_id IS NULL
                        OR EXISTS (SELECT 1 FROM res_users u
                                    WHERE u.id = p.user_id
                                      AND u.company_id = %(company)s)))
               AND NOT (coalesce(p.vip_tier_locked, false)
                        AND coalesce(p.vip_lock_until, %(today)s) >= %(today)s)
        ), decision AS (
            SELECT c.id, target.id AS tier_id
              FROM candidate c
              LEFT JOIN LATERAL (
                    SELECT t.id, t.level FROM tier t
                     WHERE t.qualify_amount <= c.revenue
                     ORDER BY t.level DESC LIMIT 1) target ON true
              LEFT JOIN tier cur ON cur.id = c.vip_tier_id
             WHERE target.id IS DISTINCT FROM c.vip_tier_id
               AND NOT (cur.id IS NOT NULL
                        AND (target.id IS NULL OR target.level < cur.level)
                        AND (c.revenue >= cur.retain_amount
                             OR %(today)s - c.vip_since < %(grace)s))
        )
        UPDATE res_partner p
           SET vip_tier_id = d.tier_id,
               vip_since = CASE WHEN d.tier_id IS NULL THEN NULL ELSE %(today)s END
          FROM decision d
         WHERE p.commercial_partner_id = d.id
        RETURNING p.id, p.vip_tier_id
    """

    def run_sql(self):
        """(b) target tiers computed and changed partners updated in ONE statement,
        with the same rules (hysteresis, grace, locks, home company)."""
        company = self.company
        first = self.env["res.company"].search([], order="id", limit=1)
        params = {
            "company": company.id,
            "today": self.today,
            "date_from": self.today - relativedelta(months=company.vip_window_months),
            "grace": company.vip_downgrade_grace_days,
            "first_company": company == first,
        }

        def statement():
            self.cr.execute(self.SQL_FLOOR, params)
            return dict(self.cr.fetchall())

        measure, changed = self.isolated("(b) one SQL statement", statement)
        self.changed_b = changed
        return measure

    def run_naive(self):
        """(c) the common approach: per partner, search its invoices, sum them,
        pick the tier, write it if it changed; on a random sample of candidates."""
        company = self.company
        self.cr.execute(
            "SELECT id FROM res_partner WHERE ref LIKE 'BENCH-%%' ORDER BY id",
        )
        ids = [row[0] for row in self.cr.fetchall()]
        sample_ids = sorted(random.sample(ids, min(self.args.sample, len(ids))))
        changed_ids = set(self.changed_a)
        self.sample_changed = len(changed_ids.intersection(sample_ids))
        date_from = self.today - relativedelta(months=company.vip_window_months)
        grace = company.vip_downgrade_grace_days
        today = self.today

        def loop():
            partners = self.partner_model.browse(sample_ids).sudo()
            moves = self.env["account.move"]
            tiers = self.env["vip.tier"].search(
                [("company_id", "=", company.id)], order="level desc"
            )
            changed = {}
            for partner in partners:
                invoices = moves.search(
                    [
                        ("partner_id", "child_of", partner.id),
                        ("company_id", "=", company.id),
                        ("state", "=", "posted"),
                        ("move_type", "in", ("out_invoice", "out_refund")),
                        ("invoice_date", ">", date_from),
                        ("invoice_date", "<=", today),
                    ]
                )
                revenue = sum(invoices.mapped("amount_untaxed_signed"))
                current = partner.vip_tier_id
                target = next(
                    (t for t in tiers if t.qualify_amount <= revenue), tiers[:0]
                )
                if target == current:
                    continue
                if current in tiers and (not target or target.level < current.level):
                    in_grace = partner.vip_since and (
                        (today - partner.vip_since).days < grace
                    )
                    if revenue >= current.retain_amount or in_grace:
                        continue
                partner.write({"vip_tier_id": target.id, "vip_since": today})
                changed[partner.id] = target.id
            return changed

        measure, changed = self.isolated(
            f"(c) naive ORM loop on {len(sample_ids)} partners", loop
        )
        self.changed_c = changed
        self.sample_size = len(sample_ids)
        return measure

    # ------------------------------------------------------------------
    def report(self, initial, candidates, run_a, run_b, run_c):
        args = self.args
        sample = self.sample_size
        per_a = run_a.seconds / candidates
        per_c = run_c.seconds / sample
        a_over_b = run_a.seconds / run_b.seconds
        c_over_a = per_c / per_a
        agree_b = self.changed_b == self.changed_a
        expected_c = {
            pid: tier for pid, tier in self.changed_a.items() if pid in self.changed_c
        }
        agree_c = expected_c == self.changed_c and len(self.changed_c) == (
            self.sample_changed
        )

        def us(seconds):
            return f"{seconds * 1e6:,.1f}"

        def row(label, partners, measure, changes, per=None):
            per = measure.seconds / partners if per is None else per
            return [
                label,
                partners,
                f"{measure.seconds:.2f}",
                f"{measure.sql_seconds:.2f}",
                f"{measure.cpu_seconds:.2f}",
                measure.queries,
                us(per),
                changes,
            ]

        rows = []
        if initial:
            rows.append(row("initial evaluation (module)", candidates, initial, "all"))
        rows += [
            row("(a) module daily evaluation", candidates, run_a, len(self.changed_a)),
            row(
                "(b) one SQL statement (floor)", candidates, run_b, len(self.changed_b)
            ),
            row("(c) naive ORM loop (sample)", sample, run_c, len(self.changed_c)),
            ["(c) extrapolated to all", candidates, f"{per_c * candidates:.1f}"]
            + [""] * 3
            + [us(per_c), ""],
        ]
        print()
        print(
            f"(a) and (b): fastest of {args.repeat} alternating runs; (c): one run "
            f"on {sample} partners. SQL s: waiting for PostgreSQL; py CPU s: CPU "
            "time of the Odoo process"
        )
        print(
            f"VIP tier evaluation — {args.customers:,} customers, "
            f"{args.invoices:,} invoices, {candidates:,} evaluated, "
            f"{len(self.changed_a):,} tier changes"
        )
        headers = ["run", "partners", "seconds", "SQL s", "py CPU s", "queries"]
        print(_common.table([*headers, "µs/partner", "changes"], rows))
        print()
        verdict = {True: "OK", False: "MISSED"}
        print(
            _common.table(
                ["ratio", "value", "target", "result"],
                [
                    [
                        "(a) / (b) time",
                        f"{a_over_b:.2f}",
                        f"≤ {TARGETS['a_over_b']:g}",
                        verdict[a_over_b <= TARGETS["a_over_b"]],
                    ],
                    [
                        "(c) / (a) per partner",
                        f"{c_over_a:.1f}",
                        f"≥ {TARGETS['c_over_a']:g}",
                        verdict[c_over_a >= TARGETS["c_over_a"]],
                    ],
                ],
            )
        )
        print()
        print(
            f"(b) assigns the same tiers as (a): {'yes' if agree_b else 'NO'}"
            + ("" if agree_b else f" ({self.diff(self.changed_a, self.changed_b)})")
        )
        print(
            f"(c) assigns the same tiers as (a) on its sample "
            f"({self.sample_changed} changes): {'yes' if agree_c else 'NO'}"
        )
        print()
        print("(a) by step (cumulated; nested steps are included in their caller):")
        rows = []
        for label, (seconds, sql, cpu, queries, calls) in self.profile_a.items():
            rows.append(
                [
                    label,
                    calls,
                    f"{seconds:.3f}",
                    f"{sql:.3f}",
                    f"{cpu:.3f}",
                    queries,
                    f"{seconds / run_a.seconds:.0%}",
                ]
            )
        rows.append(
            [
                "(a) total incl. flush",
                1,
                f"{run_a.seconds:.3f}",
                f"{run_a.sql_seconds:.3f}",
                f"{run_a.cpu_seconds:.3f}",
                run_a.queries,
                "100%",
            ]
        )
        headers = ["step", "calls", "seconds", "SQL s", "py CPU s", "queries", "share"]
        print(_common.table(headers, rows))
        sys.stdout.flush()

    @staticmethod
    def diff(expected, got):
        missing = expected.keys() - got.keys()
        extra = got.keys() - expected.keys()
        other = [k for k in expected.keys() & got.keys() if expected[k] != got[k]]
        return f"{len(missing)} missing, {len(extra)} extra, {len(other)} different"


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    elapsed = timedelta(seconds=round(time.perf_counter() - start))
    print(f"\nbench/tiers.py done in {elapsed}")
