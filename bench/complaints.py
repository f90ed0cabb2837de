"""Complaint SLA benchmark (issue 5, DESIGN.md "Performance rules").

Generates open complaints directly in SQL (most of them quiet, a few due), then times in
one run, on the same data:
  (a) one run of the SLA cron, vip.complaint._cron_check_sla(), on the due rows;
  (b) a second run (idempotence: nothing left to do) and the due-row search alone;
  (c) the naive alternative: read every open complaint and test its moments in Python;
  (d) intake: creating complaints through the ORM in batches (deadlines planned in
      business hours, sequence, tier snapshot, chatter).
Everything runs in one transaction that is rolled back at the end.
Usage: see bench/README.md ("complaints"); standalone:
  python bench/complaints.py --database DB --addons-path PATH [--complaints N] [--due N]
      [--intake N] [--intake-batch N] [--complaint-customers N]
"""

import argparse
import os
import threading
import time

from _common import odoo_env

CUSTOMERS = 500


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", "-d", required=True)
    parser.add_argument("--addons-path", required=True)
    parser.add_argument(
        "--log-level", default=os.environ.get("BENCH_LOG_LEVEL", "warn")
    )
    parser.add_argument("--complaints", type=int, default=100_000)
    parser.add_argument("--due", type=int, default=1_000)
    parser.add_argument("--intake", type=int, default=10_000)
    parser.add_argument("--intake-batch", type=int, default=1_000)
    parser.add_argument("--complaint-customers", type=int, default=CUSTOMERS)
    # dev/bench hands the options of every benchmark to every script
    args, unknown = parser.parse_known_args()
    if unknown:
        print(f"(ignoring options for other benchmarks: {' '.join(unknown)})")
    if args.due > args.complaints:
        parser.error("--due cannot exceed --complaints")
    return args


class Measure:
    """Wall time, SQL time and query count of a block."""

    def __init__(self, cr):
        self.cr = cr

    def __enter__(self):
        thread = threading.current_thread()
        self._previous = getattr(thread, "query_time", None)
        thread.query_time = 0.0
        self._count = self.cr.sql_log_count
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.seconds = time.perf_counter() - self._start
        self.queries = self.cr.sql_log_count - self._count
        thread = threading.current_thread()
        self.sql_seconds = thread.query_time
        if self._previous is None:
            del thread.query_time
        else:
            thread.query_time = self._previous + self.sql_seconds
        return False


def say(message):
    print(message, flush=True)


class Bench:
    def __init__(self, env, args):
        self.env = env
        self.cr = env.cr
        self.args = args
        self.company = env.ref("base.main_company")
        self.env = env(context=dict(env.context, allowed_company_ids=[self.company.id]))
        self.Complaint = self.env["vip.complaint"]
        self.rows = []

    def run(self):
        args = self.args
        now = self.env.cr.now().replace(tzinfo=None, microsecond=0)
        self.now = now
        say(f"Creating {args.complaint_customers} customers with tiers…")
        self.customers = self.make_customers()
        say(
            f"Generating {args.complaints} open complaints in SQL, {args.due} of them "
            "due (half at risk, half breached)…"
        )
        with Measure(self.cr) as gen:
            self.generate()
        say(f"  generated in {gen.seconds:.1f} s")
        self.explain()

        # (a) the cron on the due rows
        self.env.invalidate_all()
        with Measure(self.cr) as cron:
            done = self.Complaint._cron_check_sla()
            self.env.flush_all()
        self.row("(a) SLA cron, first run", cron, len(done), "complaints handled")
        counts = dict(
            self.Complaint._read_group(
                [("id", "in", done.ids)], ["response_sla_state"], ["__count"]
            )
        )
        say(f"  response SLA states after the run: {counts}")
        floor = self.floor(done)
        # (b) second run and the search alone
        self.env.invalidate_all()
        with Measure(self.cr) as again:
            done_again = self.Complaint._cron_check_sla()
            self.env.flush_all()
        self.row(
            "(b) SLA cron, second run", again, len(done_again), "complaints handled"
        )
        with Measure(self.cr) as search:
            self.Complaint.search([("sla_next_check", "<=", now)], limit=500)
        self.row("(b) due-row search (indexed)", search, 0, "")
        # (c) naive: every open complaint read and tested in Python
        self.env.invalidate_all()
        with Measure(self.cr) as naive:
            due = self.naive_due(now)
        self.row("(c) naive scan of open complaints", naive, due, "found due")

        # (d) intake through the ORM
        with Measure(self.cr) as intake:
            created = self.intake()
        self.row("(d) ORM intake", intake, created, "complaints created")
        self.report(cron, again, naive, intake, created, floor)

    # ------------------------------------------------------------------
    def make_customers(self):
        tiers = self.env["vip.tier"].search([("company_id", "=", self.company.id)])
        vals = []
        for i in range(self.args.complaint_customers):
            vals.append(
                {
                    "name": f"Bench customer {i}",
                    "is_company": True,
                    "email": f"bench.customer.{i}@example.com",
                    "phone": f"+32470{i:06d}",
                    "vip_tier_id": tiers[i % len(tiers)].id if i % 5 else False,
                }
            )
        return self.env["res.partner"].create(vals)

    def generate(self):
        args = self.args
        calendar = self.company.vip_sla_calendar_id or self.company.resource_calendar_id
        customers = self.customers
        ids = customers.ids
        tier_by_id = {c.id: c.vip_tier_id.id or None for c in customers}
        self.cr.execute(
            "CREATE TEMP TABLE bench_customer (n int, id int, tier int) ON COMMIT DROP"
        )
        self.cr.execute(
            "INSERT INTO bench_customer SELECT * FROM unnest(%s::int[], %s::int[], "
            "%s::int[])",
            [
                list(range(len(ids))),
                ids,
                [tier_by_id[i] for i in ids],
            ],
        )
        quiet = args.complaints - args.due
        half = args.due // 2
        # Quiet complaints: received in the last hours, every moment in the future.
        # Due ones: risk moment passed (first half) or deadline passed (second half).
        self.cr.execute(
            """
            INSERT INTO vip_complaint (
                name, subject, partner_id, commercial_partner_id, company_id,
                channel, severity, state, tier_id, is_vip, calendar_id,
                response_hours, resolution_hours, user_id,
                received_on, response_risk_on, response_deadline, response_escalate_on,
                resolution_risk_on, resolution_deadline, resolution_escalate_on,
                response_sla_state, resolution_sla_state, escalation_level,
                sla_next_check, next_deadline,
                create_uid, create_date, write_uid, write_date
            )
            SELECT 'BENCH/' || g, 'Bench complaint ' || g, c.id, c.id, %(company)s,
                   'phone', 'normal', 'in_progress', c.tier, c.tier IS NOT NULL,
                   %(calendar)s, 8, 40, %(user)s,
                   t.received, t.received + interval '6 hours',
                   t.received + interval '8 hours', t.received + interval '24 hours',
                   t.received + interval '30 hours', t.received + interval '40 hours',
                   t.received + interval '80 hours',
                   'running', 'running', 0,
                   t.received + CASE WHEN g > %(quiet)s + %(half)s
                                     THEN interval '8 hours'
                                     ELSE interval '6 hours' END,
                   t.received + interval '8 hours',
                   1, %(now)s, 1, %(now)s
              FROM generate_series(1, %(total)s) g
              JOIN bench_customer c ON c.n = g %% %(customers)s
              CROSS JOIN LATERAL (
                SELECT CASE
                    WHEN g <= %(quiet)s
                        THEN %(now)s - (g %% 300) * interval '1 minute'
                    WHEN g <= %(quiet)s + %(half)s
                        THEN %(now)s - interval '7 hours'
                    ELSE %(now)s - interval '9 hours'
                END AS received
              ) t
            """,
            {
                "company": self.company.id,
                "calendar": calendar.id,
                "user": self.env.ref("base.user_admin").id,
                "now": self.now,
                "quiet": quiet,
                "half": half,
                "total": args.complaints,
                "customers": len(ids),
            },
        )
        # their SLA history, as the migration builds it (states already set above)
        self.env["vip.sla.milestone"]._vip_build_from_complaints(recompute=False)
        self.cr.execute("ANALYZE vip_complaint")
        self.cr.execute("ANALYZE vip_sla_milestone")
        self.env.invalidate_all()

    def floor(self, done):
        """The same activities and notes as the cron's, created in one batch each
        (in a savepoint rolled back): what the run cannot go below."""
        activities = self.env["mail.activity"].search_read(
            [("res_model", "=", "vip.complaint"), ("res_id", "in", done.ids)],
            ["res_model_id", "res_id", "activity_type_id", "user_id", "summary"],
        )
        notes = self.env["mail.message"].search_count(
            [
                ("model", "=", "vip.complaint"),
                ("res_id", "in", done.ids),
                ("message_type", "=", "notification"),
            ]
        )
        vals_list = [
            {
                "res_model_id": a["res_model_id"][0],
                "res_id": a["res_id"],
                "activity_type_id": a["activity_type_id"][0],
                "user_id": a["user_id"][0],
                "summary": a["summary"],
            }
            for a in activities
        ]
        bodies = {complaint.id: "SLA note" for complaint in done[:notes]}
        self.env.flush_all()
        self.env.invalidate_all()
        self.cr.execute("SAVEPOINT bench_floor")
        with Measure(self.cr) as floor:
            self.env["mail.activity"].with_context(
                mail_activity_quick_update=True
            ).create(vals_list)
            self.Complaint.browse(list(bodies))._message_log_batch(bodies=bodies)
            self.env.flush_all()
        self.cr.execute("ROLLBACK TO SAVEPOINT bench_floor")
        self.env.invalidate_all()
        self.row(
            "(a') floor: same activities and notes",
            floor,
            len(vals_list) + len(bodies),
            "activities and notes",
        )
        return floor

    def explain(self):
        self.cr.execute(
            """EXPLAIN SELECT id FROM vip_complaint
                WHERE sla_next_check <= %s ORDER BY sla_next_check, id LIMIT 500""",
            [self.now],
        )
        plan = [row[0] for row in self.cr.fetchall()]
        scan = next((line.strip() for line in plan if "Scan" in line), plan[0])
        say(f"  due-row search plan: {scan}")

    def naive_due(self, now):
        open_complaints = self.Complaint.search_fetch(
            [("state", "in", ("new", "in_progress"))],
            [
                "response_sla_state",
                "response_risk_on",
                "response_deadline",
                "resolution_risk_on",
                "resolution_deadline",
            ],
        )
        return sum(
            1
            for c in open_complaints
            if (c.response_risk_on and c.response_risk_on <= now)
            or (c.response_deadline and c.response_deadline <= now)
            or (c.resolution_risk_on and c.resolution_risk_on <= now)
            or (c.resolution_deadline and c.resolution_deadline <= now)
        )

    def intake(self):
        args = self.args
        customers = self.customers
        created = 0
        batch_no = 0
        while created < args.intake:
            size = min(args.intake_batch, args.intake - created)
            vals = []
            for i in range(size):
                customer = customers[(created + i) % len(customers)]
                values = {
                    "subject": f"Intake {batch_no}-{i}",
                    "severity": ("low", "normal", "high", "critical")[i % 4],
                    "description": "<p>Generated by bench/complaints.py</p>",
                }
                if i % 10 == 0:
                    # phone intake: spaced format, customer found by number
                    national = customer.phone_sanitized[3:]
                    values["phone"] = f"+32 {national[:3]} {national[3:]}"
                else:
                    values["partner_id"] = customer.id
                vals.append(values)
            self.Complaint.create(vals)
            self.env.flush_all()
            self.env.invalidate_all()
            created += size
            batch_no += 1
        return created

    # ------------------------------------------------------------------
    def row(self, label, measure, count, what):
        self.rows.append((label, measure, count, what))
        extra = f", {count} {what}" if what else ""
        say(
            f"  {label}: {measure.seconds:.3f} s (SQL {measure.sql_seconds:.3f} s), "
            f"{measure.queries} queries{extra}"
        )

    def report(self, cron, again, naive, intake, created, floor):
        args = self.args
        say("")
        say(
            f"Results ({args.complaints} open complaints, {args.due} due, "
            f"{args.intake} created in batches of {args.intake_batch}):"
        )
        header = (
            f"{'measure':40} {'seconds':>9} {'SQL s':>8} {'queries':>8} {'rows':>7}"
        )
        say(header)
        say("-" * len(header))
        for label, measure, count, _what in self.rows:
            say(
                f"{label:40} {measure.seconds:9.3f} {measure.sql_seconds:8.3f} "
                f"{measure.queries:8d} {count:7d}"
            )
        due = max(args.due, 1)
        say("")
        say(
            f"cron: {cron.seconds / due * 1000:.2f} ms and {cron.queries / due:.1f} "
            "queries per due complaint"
        )
        say(
            f"cron / floor (same activities and notes in one batch): "
            f"{cron.seconds / max(floor.seconds, 1e-6):.2f}x "
            f"(goal <= 3x; queries {cron.queries} vs {floor.queries})"
        )
        say(
            f"cron second run / first run: {again.seconds / cron.seconds:.4f} "
            f"(queries {again.queries} vs {cron.queries})"
        )
        say(
            "naive scan just to find the due rows / indexed cron second run: "
            f"{naive.seconds / max(again.seconds, 1e-6):.0f}x"
        )
        say(
            f"intake: {created / intake.seconds:.0f} complaints/s, "
            f"{intake.queries / max(created, 1):.1f} queries per complaint"
        )


def main():
    args = parse_args()
    with odoo_env(args) as env:
        Bench(env, args).run()


if __name__ == "__main__":
    main()
