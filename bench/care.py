"""Care calendar benchmark (issue 23): the daily job over contacts with birthdays.

Generates in SQL contacts with a birthday (half of them lunar) spread over the
year, each with its birthday occasion and an account manager among salespeople
of three languages, then times in one run, each on the same state (savepoint
rolled back in between):
  (a) the module's job, vip.care.occasion._cron_vip_care_calendar(): occasions
      due today found, one activity each for the account manager in their
      language, the reminder rows, in batches;
  (b) the floor: the same activities (same values, read back from (a)) created
      in ONE mail.activity create, the names of their contacts read at once
      first (as (a) does: without it Odoo's create reads them one by one and
      the floor is slower than the job), nothing else.
Usage: see bench/README.md (normally through `make bench`).
"""

import random
import sys
from datetime import timedelta

import _common

from odoo import fields

TARGET_RATIO = 3.0
LANGS = ("en_US", "zh_CN", "zh_TW")


def main():
    argparser = _common.parser(__doc__.splitlines()[0])
    argparser.add_argument("--contacts", type=int, default=100_000)
    argparser.add_argument(
        "--lead-days",
        type=int,
        default=30,
        help="reminder lead of every occasion: the share of contacts due today",
    )
    argparser.add_argument("--salespeople", type=int, default=30)
    argparser.add_argument("--repeat", type=int, default=3)
    argparser.add_argument("--seed", type=int, default=42)
    argparser.add_argument(
        "--reuse",
        action="store_true",
        help="database prepared by an earlier run (KEEP_DB=1): skip the generation",
    )
    args = _common.parse_args(argparser)
    random.seed(args.seed)
    with _common.odoo_env(args) as env:
        Bench(env, args).run()


class Bench:
    def __init__(self, env, args):
        self.env = env
        self.cr = env.cr
        self.args = args
        self.Occasion = env["vip.care.occasion"]
        self.today = fields.Date.context_today(self.Occasion)

    def say(self, message):
        print(message, flush=True)

    def run(self):
        for lang in LANGS[1:]:
            self.env["res.lang"]._activate_lang(lang)
        self.env["ir.module.module"]._load_module_terms(
            ["partner_vip_care"], list(LANGS[1:])
        )
        if self.args.reuse:
            count = self.Occasion.search_count([("partner_id.ref", "=", "BENCH-C")])
            self.say(f"Reusing {count} birthday occasions of an earlier run")
        else:
            self.say(f"Generating {self.args.contacts} contacts with birthdays in SQL…")
            with _common.Measure(self.cr) as gen:
                self.generate()
            self.cr.commit()
            self.say(f"  generated in {gen.seconds:.1f} s")
        runs_a, runs_b = [], []
        for _n in range(self.args.repeat):
            runs_a.append(self.run_job())
            runs_b.append(self.run_floor(runs_a[-1][1]))
        self.report(runs_a, runs_b)

    # ------------------------------------------------------------------
    # data
    # ------------------------------------------------------------------

    def generate(self):
        from odoo.addons.partner_vip_care.tools.vip_lunar import (
            next_occurrence,
            solar_to_lunar,
        )

        cr, args, env = self.cr, self.args, self.env
        users = env["res.users"].create(
            [
                {
                    "name": f"Bench Care Salesperson {n}",
                    "login": f"bench_care_{n}",
                    "lang": LANGS[n % len(LANGS)],
                    "group_ids": [
                        (4, env.ref("partner_vip_care.group_vip_user").id),
                    ],
                }
                for n in range(args.salespeople)
            ]
        )
        rows = []
        start = self.today - timedelta(days=365 * 60)
        for n in range(args.contacts):
            birthday = start + timedelta(days=random.randrange(365 * 40))
            lunar = n % 2 == 0
            if lunar:
                _year, month, day, _leap = solar_to_lunar(birthday)
            else:
                month, day = birthday.month, birthday.day
            found = next_occurrence(month, day, lunar, self.today)
            if not found:
                continue
            next_date, next_year = found
            rows.append(
                (
                    birthday,
                    lunar,
                    month,
                    day,
                    next_date,
                    next_year,
                    next_date - timedelta(days=args.lead_days),
                    users[n % len(users)].id,
                )
            )
        columns = [list(column) for column in zip(*rows, strict=True)]
        cr.execute(
            """
            CREATE TEMP TABLE bench_care AS
            SELECT nextval('res_partner_id_seq') AS partner_id, v.*
              FROM unnest(%s::date[], %s::bool[], %s::int[], %s::int[], %s::date[],
                          %s::int[], %s::date[], %s::int[])
                   AS v(birthday, lunar, month, day, next_date, next_year,
                        remind_date, user_id)
            """,
            columns,
        )
        cr.execute(
            """
            INSERT INTO res_partner (
                id, name, complete_name, commercial_partner_id, is_company, active,
                type, autopost_bills, customer_rank, supplier_rank, ref, lang,
                partner_share, user_id, vip_birthday, vip_birthday_lunar,
                vip_care_festivals, create_uid, write_uid, create_date, write_date)
            SELECT b.partner_id, 'Bench Care ' || b.partner_id,
                   'Bench Care ' || b.partner_id, b.partner_id, false, true,
                   'contact', 'ask', 1, 0, 'BENCH-C', 'en_US', true, b.user_id,
                   b.birthday, b.lunar, 'tier', 1, 1, now() at time zone 'utc',
                   now() at time zone 'utc'
              FROM bench_care b
            """
        )
        cr.execute(
            """
            INSERT INTO vip_care_occasion (
                partner_id, commercial_partner_id, user_id, occasion_type, month,
                day, lunar, year, next_date, next_year, remind_date, lead_days,
                auto, active, create_uid, write_uid, create_date, write_date)
            SELECT b.partner_id, b.partner_id, b.user_id, 'birthday', b.month, b.day,
                   b.lunar, extract(year FROM b.birthday), b.next_date, b.next_year,
                   b.remind_date, %s, true, true, 1, 1, now() at time zone 'utc',
                   now() at time zone 'utc'
              FROM bench_care b
            """,
            [args.lead_days],
        )
        cr.execute("ANALYZE res_partner")
        cr.execute("ANALYZE vip_care_occasion")
        self.env.invalidate_all()
        due = self.Occasion.search_count([("remind_date", "<=", self.today)])
        self.say(f"  {len(rows)} birthday occasions, {due} due today")

    # ------------------------------------------------------------------
    # runs
    # ------------------------------------------------------------------

    def run_job(self):
        self.cr.execute("SAVEPOINT bench_care")
        self.env.invalidate_all()
        before = self.env["mail.activity"].search([], order="id desc", limit=1).id or 0
        with _common.Measure(self.cr) as measure:
            self.Occasion._cron_vip_care_calendar()
            self.env.flush_all()
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search_fetch(
                [("id", ">", before)],
                [
                    "activity_type_id",
                    "res_model_id",
                    "res_id",
                    "user_id",
                    "date_deadline",
                    "summary",
                    "note",
                    "automated",
                ],
                order="id",
            )
        )
        vals_list = [
            {
                "activity_type_id": a.activity_type_id.id,
                "res_model_id": a.res_model_id.id,
                "res_id": a.res_id,
                "user_id": a.user_id.id,
                "date_deadline": a.date_deadline,
                "summary": a.summary,
                "note": a.note,
                "automated": a.automated,
            }
            for a in activities
        ]
        reminders = self.env["vip.care.reminder"].search_count([])
        if reminders != len(vals_list):
            sys.exit(f"{reminders} reminders for {len(vals_list)} activities")
        self.cr.execute("ROLLBACK TO SAVEPOINT bench_care")
        self.env.invalidate_all()
        return measure, vals_list

    def run_floor(self, vals_list):
        self.cr.execute("SAVEPOINT bench_care")
        self.env.invalidate_all()
        with _common.Measure(self.cr) as measure:
            partners = self.env["res.partner"].browse([v["res_id"] for v in vals_list])
            partners.mapped("display_name")
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(vals_list)
            self.env.flush_all()
        self.cr.execute("ROLLBACK TO SAVEPOINT bench_care")
        self.env.invalidate_all()
        return measure

    def report(self, runs_a, runs_b):
        best_a = min(runs_a, key=lambda run: run[0].seconds)
        measure_a, vals_list = best_a
        measure_b = min(runs_b, key=lambda m: m.seconds)
        count = len(vals_list) or 1
        ratio = measure_a.seconds / measure_b.seconds if measure_b.seconds else 0
        users = self.env["res.users"].browse({v["user_id"] for v in vals_list})
        langs = set(users.mapped("lang"))
        self.say("")
        self.say(
            _common.table(
                ["run", "seconds", "sql s", "cpu s", "queries", "queries/activity"],
                [
                    [
                        "(a) care calendar job",
                        f"{measure_a.seconds:.2f}",
                        f"{measure_a.sql_seconds:.2f}",
                        f"{measure_a.cpu_seconds:.2f}",
                        measure_a.queries,
                        f"{measure_a.queries / count:.3f}",
                    ],
                    [
                        "(b) floor: one create",
                        f"{measure_b.seconds:.2f}",
                        f"{measure_b.sql_seconds:.2f}",
                        f"{measure_b.cpu_seconds:.2f}",
                        measure_b.queries,
                        f"{measure_b.queries / count:.3f}",
                    ],
                ],
            )
        )
        self.say("")
        self.say(
            f"{len(vals_list)} activities over {self.args.contacts} contacts "
            f"(assignees in {', '.join(sorted(langs))}); best of {self.args.repeat}"
        )
        verdict = "OK" if ratio <= TARGET_RATIO else "ABOVE TARGET"
        self.say(f"ratio (a)/(b): {ratio:.2f} (target ≤ {TARGET_RATIO:.0f}×) {verdict}")


if __name__ == "__main__":
    main()
