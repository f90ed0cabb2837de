"""Points on invoices benchmark (issue 24, DESIGN.md "Word of mouth on Odoo loyalty").

Generates customers and posted customer invoices directly in SQL (as an import of
a year of invoices would leave them), sets a points program on the main company,
then times, each on the same state (savepoint rolled back in between):
  (a) the module awarding the points of ALL the invoices in one batch,
      account.move._vip_sync_points(), as _post calls it after posting them:
      (a1) the first award (every customer's card created on the way),
      (a2) with the customers' cards already there;
  (b) the floor: the same loyalty.history lines (one per invoice) created in ONE
      loyalty.history.create() call on existing cards, nothing else (no card
      balance, no reading of the invoices).
Usage: see bench/README.md (normally through `make bench`).
"""

import random
import sys

import _common

from odoo import fields

TARGET = 3.0  # (a2) / (b) time


def main():
    argparser = _common.parser(__doc__.splitlines()[0])
    argparser.add_argument("--customers", type=int, default=10_000)
    argparser.add_argument("--invoices", type=int, default=100_000)
    argparser.add_argument("--seed", type=int, default=42)
    argparser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="alternating runs of (a2) and (b); the fastest of each counts",
    )
    args = _common.parse_args(argparser)
    if args.invoices < args.customers:
        sys.exit("--invoices must be at least --customers (one invoice each)")
    random.seed(args.seed)
    with _common.odoo_env(args) as env:
        Bench(env, args).run()


class Bench:
    def __init__(self, env, args):
        self.cr = env.cr
        self.args = args
        self.company = env.ref("base.main_company")
        self.env = env(context=dict(env.context, allowed_company_ids=[self.company.id]))
        self.today = fields.Date.context_today(self.env["res.partner"])

    def say(self, message):
        print(message, flush=True)

    def run(self):
        args = self.args
        self.say(
            f"Generating {args.customers} customers and {args.invoices} posted "
            "invoices in SQL…"
        )
        with _common.Measure(self.cr) as gen:
            self.generate()
        self.say(f"  generated in {gen.seconds:.1f} s")
        self.setup_program()
        first = self.isolated("(a1) module, first award (cards created)", self.award)
        runs_a, runs_b = [], []
        for _run in range(args.repeat):
            runs_a.append(
                self.isolated("(a2) module, cards there", self.award, cards=True)
            )
            runs_b.append(
                self.isolated("(b) one history create (floor)", self.floor, cards=True)
            )
        run_a = min(runs_a, key=lambda m: m.seconds)
        run_b = min(runs_b, key=lambda m: m.seconds)
        self.report(first, run_a, run_b)

    # ------------------------------------------------------------------
    # data
    # ------------------------------------------------------------------
    def generate(self):
        cr, args = self.cr, self.args
        journal = self.env["account.journal"].search(
            [("type", "=", "sale"), ("company_id", "=", self.company.id)], limit=1
        )
        if not journal:
            sys.exit("The main company has no sales journal (chart of accounts?)")
        cr.execute(
            """
            CREATE TEMP TABLE bench_customer AS
            SELECT n, nextval('res_partner_id_seq')::int AS partner_id
              FROM generate_series(1, %s) n
            """,
            [args.customers],
        )
        cr.execute(
            """
            INSERT INTO res_partner (
                id, name, complete_name, commercial_partner_id, is_company, active,
                type, autopost_bills, customer_rank, supplier_rank, ref, lang,
                partner_share, create_uid, write_uid, create_date, write_date)
            SELECT c.partner_id, 'Points Customer ' || c.n, 'Points Customer ' || c.n,
                   c.partner_id, true, true, 'contact', 'ask', 1, 0,
                   'BENCH-PTS-' || c.n, 'en_US', true, 1, 1,
                   now() at time zone 'utc', now() at time zone 'utc'
              FROM bench_customer c
            """
        )
        cr.execute(
            """
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
            SELECT 'BENCH/PTS/' || g, 'BENCH/PTS/', g, %(journal)s, %(company)s,
                   %(currency)s, 'out_invoice', 'posted', 'no',
                   %(today)s::date - (g %% 365)::int,
                   %(today)s::date - (g %% 365)::int,
                   %(today)s::date - (g %% 365)::int + 30, c.partner_id,
                   c.partner_id, 1.0, a.amount, 0, a.amount, 0, a.amount, a.amount,
                   0, a.amount, a.amount, 0, 'paid', true, true, 1, 1,
                   now() at time zone 'utc', now() at time zone 'utc'
              FROM generate_series(1, %(invoices)s) g
              JOIN bench_customer c ON c.n = 1 + (g - 1) %% %(customers)s,
                   LATERAL (SELECT round(100 + ((g * 7919) %% 10000)::numeric, 2)
                                   AS amount) a
            """,
            {
                "journal": journal.id,
                "company": self.company.id,
                "currency": self.company.currency_id.id,
                "today": self.today,
                "invoices": args.invoices,
                "customers": args.customers,
            },
        )
        cr.execute("ANALYZE res_partner")
        cr.execute("ANALYZE account_move")
        cr.execute(
            "SELECT array_agg(id ORDER BY id) FROM account_move "
            "WHERE name LIKE 'BENCH/PTS/%%'"
        )
        self.move_ids = cr.fetchone()[0]
        cr.execute("SELECT array_agg(partner_id ORDER BY n) FROM bench_customer")
        self.partner_ids = cr.fetchone()[0]

    def setup_program(self):
        self.program = self.env["loyalty.program"].create(
            {"name": "Bench points", "program_type": "loyalty"}
        )
        self.company.write(
            {
                "vip_points_program_id": self.program.id,
                "vip_points_per_amount": 0.01,
            }
        )
        self.env.flush_all()

    def create_cards(self):
        """The customers' cards, in SQL (not timed)."""
        self.cr.execute(
            """
            INSERT INTO loyalty_card (program_id, company_id, partner_id, points,
                                      code, active, create_uid, write_uid,
                                      create_date, write_date)
            SELECT %s, %s, p, 0, 'BENCHPTS' || p, true, 1, 1,
                   now() at time zone 'utc', now() at time zone 'utc'
              FROM unnest(%s::int[]) p
            RETURNING id, partner_id
            """,
            [self.program.id, self.company.id, self.partner_ids],
        )
        return {partner: card for card, partner in self.cr.fetchall()}

    # ------------------------------------------------------------------
    # the contenders
    # ------------------------------------------------------------------
    def isolated(self, label, func, cards=False):
        """Run ``func`` in a savepoint rolled back afterwards (cards made first when
        asked, ORM cache emptied); return its Measure."""
        self.env.invalidate_all()
        self.cr.execute("SAVEPOINT bench_run")
        card_of = self.create_cards() if cards else None
        self.env.invalidate_all()
        with _common.Measure(self.cr) as measure:
            func(card_of)
            self.env.flush_all()
        self.cr.execute(
            "SELECT count(*), coalesce(sum(issued), 0) FROM loyalty_history "
            "WHERE order_model = 'account.move'"
        )
        lines, points = self.cr.fetchone()
        self.cr.execute("ROLLBACK TO SAVEPOINT bench_run")
        self.cr.precommit.clear()
        self.cr.postcommit.clear()
        self.env.invalidate_all()
        measure.lines, measure.points = lines, points
        self.say(
            f"{label}: {measure.seconds:.2f} s ({measure.sql_seconds:.2f} s in SQL, "
            f"{measure.cpu_seconds:.2f} s Python CPU, {measure.queries} queries, "
            f"{lines} lines, {points:,.2f} points)"
        )
        return measure

    def award(self, _card_of):
        self.env["account.move"].browse(self.move_ids)._vip_sync_points()

    def floor(self, card_of):
        """The same history lines, one create, values already computed."""
        self.cr.execute(
            "SELECT id, commercial_partner_id, name, amount_untaxed_signed "
            "FROM account_move WHERE id = ANY(%s) ORDER BY id",
            [self.move_ids],
        )
        rows = self.cr.fetchall()
        self.env["loyalty.history"].create(
            [
                {
                    "card_id": card_of[partner],
                    "description": f"Points earned: {name}",
                    "issued": round(float(amount) * 0.01, 2),
                    "used": 0.0,
                    "order_model": "account.move",
                    "order_id": move_id,
                }
                for move_id, partner, name, amount in rows
            ]
        )

    def report(self, first, run_a, run_b):
        args = self.args
        ratio = run_a.seconds / run_b.seconds
        print()
        print(
            f"Points on invoices — {args.customers:,} customers, {args.invoices:,} "
            f"invoices posted in one batch; (a2) and (b): fastest of {args.repeat} "
            "alternating runs"
        )

        def row(label, measure):
            return [
                label,
                f"{measure.seconds:.2f}",
                f"{measure.sql_seconds:.2f}",
                f"{measure.cpu_seconds:.2f}",
                measure.queries,
                f"{measure.seconds / args.invoices * 1e6:,.1f}",
                measure.lines,
            ]

        print(
            _common.table(
                [
                    "run",
                    "seconds",
                    "SQL s",
                    "py CPU s",
                    "queries",
                    "µs/invoice",
                    "lines",
                ],
                [
                    row("(a1) module, first award (cards created)", first),
                    row("(a2) module, cards there", run_a),
                    row("(b) one history create (floor)", run_b),
                ],
            )
        )
        print()
        verdict = "OK" if ratio <= TARGET else "MISSED"
        print(
            _common.table(
                ["ratio", "value", "target", "result"],
                [["(a2) / (b) time", f"{ratio:.2f}", f"≤ {TARGET:g}", verdict]],
            )
        )
        if first.lines != args.invoices or run_a.lines != args.invoices:
            print("WARNING: the module did not write one line per invoice")


if __name__ == "__main__":
    main()
