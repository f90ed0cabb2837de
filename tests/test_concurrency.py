"""Two runs at once give the result of one: gapless promise numbers and the
crons (tier evaluation, SLA run, visit planner, promise reminders) started twice
at the same time, each in its own committed transaction, as two workers would.

Hot rows: two requests replying with the same standard answer and creating a
promise at once both commit, without a serialization failure to retry.

These tests commit through their own cursors (the test transaction cannot be
shared by threads); each removes what it committed."""

import itertools
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta

import psycopg2.errors
from freezegun import freeze_time

from odoo import SUPERUSER_ID, api, fields
from odoo.exceptions import ValidationError
from odoo.modules.registry import Registry
from odoo.orm.environments import Transaction
from odoo.tests.common import BaseCase, get_db_name, tagged
from odoo.tools import mute_logger

CONCURRENCY_ERRORS = (
    psycopg2.errors.SerializationFailure,
    psycopg2.errors.LockNotAvailable,
    psycopg2.errors.DeadlockDetected,
)
TAG = "VIP concurrency"
RES_TABLES = (
    ("mail_activity", "res_model"),
    ("mail_message", "model"),
    ("mail_followers", "res_model"),
)


@tagged("post_install", "-at_install", "vip_concurrency")
class TestConcurrency(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())

    def setUp(self):
        super().setUp()
        self.addCleanup(self._cleanup)

    # helpers -----------------------------------------------------------

    def _env(self, cr):
        # threads must not look the registry up: the test runner holds its lock
        cr.transaction = Transaction(self.registry)
        return api.Environment(cr, SUPERUSER_ID, {})

    def run_in_env(self, func):
        with self.registry.cursor() as cr:
            return func(self._env(cr))

    def _retrying(self, func, tries=20):
        """``func(env)`` in its own transaction, retried on concurrency errors as
        Odoo's RPC layer does; the transaction commits when it returns."""
        for _attempt in range(tries):
            try:
                return self.run_in_env(func)
            except CONCURRENCY_ERRORS:
                continue
        raise AssertionError("too many concurrency failures")

    def _twice_at_once(self, func):
        """Start ``func(env)`` in two transactions at the same time (both take
        their snapshot before either commits). A run refused by PostgreSQL with
        a concurrency error rolls back and is run again afterwards, as the
        scheduler's next tick (or Odoo's RPC retry) would; returns the number
        of refused runs."""
        barrier = threading.Barrier(2)

        def run():
            try:
                with self.registry.cursor() as cr:
                    env = self._env(cr)
                    env["res.partner"].search_count([])  # the snapshot
                    barrier.wait(timeout=10)
                    func(env)
            except CONCURRENCY_ERRORS:
                return 1
            return 0

        with ThreadPoolExecutor(max_workers=2) as executor:
            futures = [executor.submit(run), executor.submit(run)]
            refused = sum(future.result(timeout=120) for future in futures)
        for _run in range(refused):
            self._retrying(func)
        return refused

    def _signature(self, env, model, ids, fnames=()):
        """What a run left on each record, without its identity: the values of
        ``fnames``, the activities per (type, user), the number of messages
        (and of tier history rows for partners), sorted."""
        records = env[model].browse(ids)
        activities = env["mail.activity"].search(
            [("res_model", "=", model), ("res_id", "in", ids)]
        )
        acts = Counter(
            (a.res_id, a.activity_type_id.id, a.user_id.id) for a in activities
        )
        messages = Counter(
            env["mail.message"]
            .search([("model", "=", model), ("res_id", "in", ids)])
            .mapped("res_id")
        )
        history = Counter()
        if model == "res.partner":
            history = Counter(
                h.partner_id.id
                for h in env["vip.tier.history"].search([("partner_id", "in", ids)])
            )
        return sorted(
            (
                tuple(str(record[fname]) for fname in fnames),
                tuple(
                    sorted((t, u, n) for (r, t, u), n in acts.items() if r == record.id)
                ),
                messages[record.id],
                history[record.id],
            )
            for record in records
        )

    def _same_as_one_run(self, setup, run, model, fnames=()):
        """Records from ``setup(env)`` run twice at once end as records from a
        second ``setup`` run once; a further run changes nothing."""
        twice = self.run_in_env(setup)
        self._twice_at_once(run)
        once = self.run_in_env(setup)
        self.run_in_env(run)
        signature = self.run_in_env(
            lambda env: self._signature(env, model, twice, fnames)
        )
        self.assertEqual(
            signature,
            self.run_in_env(lambda env: self._signature(env, model, once, fnames)),
        )
        self.run_in_env(run)
        self.assertEqual(
            self.run_in_env(lambda env: self._signature(env, model, twice, fnames)),
            signature,
        )
        return signature

    def _cleanup(self):
        def clean(env):
            cr = env.cr
            cr.execute("SELECT id FROM res_partner WHERE name LIKE %s", [TAG + "%"])
            partner_ids = [row[0] for row in cr.fetchall()] or [0]
            for table in ("vip_complaint", "vip_promise"):
                cr.execute(
                    f"SELECT id FROM {table} WHERE partner_id = ANY(%s)",
                    [partner_ids],
                )
                ids = [row[0] for row in cr.fetchall()] or [0]
                model = table.replace("_", ".")
                for res_table, column in RES_TABLES:
                    cr.execute(
                        f"DELETE FROM {res_table} WHERE {column} = %s"
                        " AND res_id = ANY(%s)",
                        [model, ids],
                    )
                cr.execute(f"DELETE FROM {table} WHERE id = ANY(%s)", [ids])
            for res_table, column in RES_TABLES:
                cr.execute(
                    f"DELETE FROM {res_table} WHERE {column} = 'res.partner'"
                    " AND res_id = ANY(%s)",
                    [partner_ids],
                )
            for table in ("vip_tier_history", "vip_health_history"):
                cr.execute(
                    f"DELETE FROM {table} WHERE partner_id = ANY(%s)", [partner_ids]
                )
            cr.execute("DELETE FROM res_partner WHERE id = ANY(%s)", [partner_ids])

        with mute_logger("odoo.sql_db"):
            self.run_in_env(clean)

    def _customers(self, env, count, **vals):
        return env["res.partner"].create(
            [
                {"name": f"{TAG} {n:03d}", "is_company": True, **vals}
                for n in range(count)
            ]
        )

    # gapless ledger numbers -------------------------------------------

    def _sequence_state(self, env):
        env["vip.promise"]._vip_ensure_sequence_ranges()
        seq = env.ref("partner_vip_care.seq_vip_promise")
        today = fields.Date.today()
        return seq.date_range_ids.filtered(
            lambda r: r.date_from <= today <= r.date_to
        ).number_next

    @mute_logger("odoo.sql_db")
    def test_promise_numbers_gapless_under_concurrency(self):
        customer_id = self.run_in_env(lambda env: self._customers(env, 1).id)
        start = self._retrying(self._sequence_state)
        self.assertEqual(
            self.run_in_env(
                lambda env: env.ref("partner_vip_care.seq_vip_promise").implementation
            ),
            "no_gap",
        )

        def create(value):
            def func(env):
                promise = env["vip.promise"].create(
                    {
                        "partner_id": customer_id,
                        "description": "Concurrent",
                        "value": value,
                        "deadline": date.today() + timedelta(days=5),
                    }
                )
                return promise.name

            return func

        refused = []

        def worker(n):
            # every third creation is refused after its number was drawn
            if n % 3 == 2:
                try:
                    self._retrying(create(-1))
                except ValidationError:
                    refused.append(n)
                return None
            return self._retrying(create(10))

        with ThreadPoolExecutor(max_workers=4) as executor:
            names = [name for name in executor.map(worker, range(12)) if name]
        self.assertEqual(len(refused), 4)
        self.assertEqual(len(names), 8)
        numbers = sorted(int(name.rsplit("/", 1)[1]) for name in names)
        self.assertEqual(numbers, list(range(start, start + 8)))
        year = fields.Date.today().year
        self.assertTrue(all(name.startswith(f"PRM/{year}/") for name in names))
        # the committed ledger agrees: no duplicate, no gap
        committed = self.run_in_env(
            lambda env: (
                env["vip.promise"]
                .search([("partner_id", "=", customer_id)])
                .mapped("name")
            )
        )
        self.assertEqual(sorted(committed), sorted(names))
        self.assertEqual(self.run_in_env(self._sequence_state), start + 8)

    @mute_logger("odoo.sql_db")
    def test_sequence_ranges_exist_in_advance(self):
        """The daily reminders prepare next year's range; two transactions
        creating a missing range conflict on the sequence row (retried), never
        on the range's unique constraint."""

        def drop_next_year(env):
            seq = env.ref("partner_vip_care.seq_vip_promise")
            next_year = date(fields.Date.today().year + 1, 1, 1)
            seq.date_range_ids.filtered(lambda r: r.date_from >= next_year).unlink()

        self.run_in_env(drop_next_year)
        refused = self._twice_at_once(
            lambda env: env["vip.promise"]._vip_ensure_sequence_ranges(years_ahead=1)
        )
        self.assertLessEqual(refused, 1)

        def ranges(env):
            seq = env.ref("partner_vip_care.seq_vip_promise")
            return Counter(r.date_from.year for r in seq.date_range_ids)

        counts = self.run_in_env(ranges)
        year = fields.Date.today().year
        self.assertEqual(counts[year], 1)
        self.assertEqual(counts[year + 1], 1)
        self.run_in_env(lambda env: env["vip.promise"]._cron_promise_reminders())
        self.assertEqual(self.run_in_env(ranges)[year + 1], 1)

    # no hot row in a request ----------------------------------------

    def _answered_complaints(self, env, count):
        """``count`` complaints of one customer in a category whose standard
        answer is a template of the test's own."""
        customer = self._customers(env, 1)
        # notified before: Odoo wrote its signup token type at the first message
        # (once per customer; later messages write nothing, res_partner_signup.py)
        customer.signup_prepare()
        template = env["mail.template"].create(
            {
                "name": f"{TAG} answer",
                "model_id": env["ir.model"]._get_id("vip.complaint"),
                "subject": "About {{ object.name }}",
                "body_html": "<p>We are on it.</p>",
            }
        )
        category = env["vip.complaint.category"].create(
            {"name": f"{TAG} category", "answer_template_ids": template.ids}
        )
        complaints = env["vip.complaint"].create(
            [
                {
                    "subject": f"Late {n}",
                    "partner_id": customer.id,
                    "category_id": category.id,
                }
                for n in range(count)
            ]
        )
        return customer.id, template.id, category.id, complaints.ids

    def test_standard_answer_and_promise_at_once(self):
        """Two requests at once, each replying with the same standard answer and
        creating a promise: both commit at the first try (the use is a row of
        its own, the number is drawn without updating a counter row), and the
        uses and the numbers add up."""
        customer_id, template_id, category_id, complaint_ids = self.run_in_env(
            lambda env: self._answered_complaints(env, 2)
        )

        def remove(env):
            env["vip.complaint.category"].browse(category_id).unlink()
            env["mail.template"].browse(template_id).unlink()

        self.addCleanup(self.run_in_env, remove)
        self.addCleanup(self._cleanup)  # the complaints first
        start = self._retrying(self._sequence_state)
        turns = itertools.count()
        names = []

        def reply_and_promise(env):
            complaint = env["vip.complaint"].browse(complaint_ids[next(turns) % 2])
            action = complaint.action_reply_standard()
            composer = (
                env["mail.compose.message"].with_context(**action["context"]).create({})
            )
            self.assertEqual(composer.template_id.id, template_id)
            composer.action_send_mail()
            promise = env["vip.promise"].create(
                {
                    "partner_id": customer_id,
                    "description": "Made while answering",
                    "value": 10,
                    "deadline": date.today() + timedelta(days=5),
                }
            )
            names.append(promise.name)

        barrier = threading.Barrier(2)

        def run():
            try:
                with self.registry.cursor() as cr:
                    env = self._env(cr)
                    env["res.partner"].search_count([])  # the snapshot
                    barrier.wait(timeout=10)
                    reply_and_promise(env)
            except CONCURRENCY_ERRORS as error:
                return str(error).strip()
            return None

        with ThreadPoolExecutor(max_workers=2) as executor:
            futures = [executor.submit(run), executor.submit(run)]
            refused = [f.result(timeout=120) for f in futures]
        self.assertEqual(refused, [None, None], "both committed at the first try")

        def uses(env):
            template = env["mail.template"].browse(template_id)
            category = env["vip.complaint.category"].browse(category_id)
            return template.vip_use_count, category.answer_use_count

        self.assertEqual(self.run_in_env(uses), (2, 2))
        numbers = sorted(int(name.rsplit("/", 1)[1]) for name in names)
        self.assertEqual(numbers, [start, start + 1])
        self.assertEqual(self.run_in_env(self._sequence_state), start + 2)

    # crons started twice at once ------------------------------------

    @mute_logger("odoo.sql_db")
    def test_tier_evaluation_twice_at_once(self):
        ids = []

        def setup(env):
            gold = env.ref("partner_vip_care.vip_tier_gold")
            partners = self._customers(
                env, 30, vip_tier_id=gold.id, vip_since=date(2000, 1, 1)
            )
            ids.extend(partners.ids)
            return partners.ids

        def evaluate(env):
            env["res.partner"]._vip_evaluate_tiers(env["res.partner"].browse(ids))

        signature = self._same_as_one_run(
            setup, evaluate, "res.partner", ["vip_tier_id"]
        )
        self.assertEqual({row[-1] for row in signature}, {1}, "one history row each")

    @mute_logger("odoo.sql_db")
    def test_sla_run_twice_at_once(self):
        received = datetime.now().replace(microsecond=0) - timedelta(days=30)

        def setup(env):
            customer = self._customers(env, 1)
            with freeze_time(received):
                complaints = env["vip.complaint"].create(
                    [
                        {"subject": f"Broken {n}", "partner_id": customer.id}
                        for n in range(25)
                    ]
                )
            return complaints.ids

        signature = self._same_as_one_run(
            setup,
            lambda env: env["vip.complaint"]._cron_check_sla(),
            "vip.complaint",
            ["escalation_level", "response_sla_state", "resolution_sla_state"],
        )
        self.assertEqual({row[0][0] for row in signature}, {"2"}, "all escalated")

    @mute_logger("odoo.sql_db")
    def test_visit_planner_twice_at_once(self):
        def setup(env):
            gold = env.ref("partner_vip_care.vip_tier_gold")
            return self._customers(
                env, 30, vip_tier_id=gold.id, vip_since=date(2000, 1, 1)
            ).ids

        signature = self._same_as_one_run(
            setup, lambda env: env["vip.visit"]._cron_plan_visits(), "res.partner"
        )
        self.assertEqual({len(row[1]) for row in signature}, {2}, "both kinds")
        self.assertEqual({n for row in signature for *_k, n in row[1]}, {1})

    @mute_logger("odoo.sql_db")
    def test_health_run_twice_at_once(self):
        def setup(env):
            gold = env.ref("partner_vip_care.vip_tier_gold")
            return self._customers(
                env, 20, vip_tier_id=gold.id, vip_since=date(2000, 1, 1)
            ).ids

        self._same_as_one_run(
            setup,
            lambda env: env["res.partner"]._cron_vip_health(),
            "res.partner",
            ["vip_health_score", "vip_lifecycle_stage"],
        )

    @mute_logger("odoo.sql_db")
    def test_promise_reminders_twice_at_once(self):
        def setup(env):
            customer = self._customers(env, 1)
            with freeze_time(datetime.now() - timedelta(days=30)):
                promises = env["vip.promise"].create(
                    [
                        {
                            "partner_id": customer.id,
                            "user_id": env.ref("base.user_admin").id,
                            "description": f"Promise {n}",
                            "value": 0,
                            "deadline": date.today() + timedelta(days=2 + n % 2 * 29),
                        }
                        for n in range(20)
                    ]
                )
                promises.action_submit()
                promises.filtered(lambda p: p.state == "to_approve").action_approve()
            return promises.ids

        signature = self._same_as_one_run(
            setup,
            lambda env: env["vip.promise"]._cron_promise_reminders(),
            "vip.promise",
            ["state", "reminder_sent", "overdue_notified"],
        )
        self.assertTrue(all(row[1] for row in signature), "each promise reminded")

    # complaint teams: the next member under concurrent intake -----------

    @mute_logger("odoo.sql_db")
    def test_concurrent_intake_takes_turns(self):
        """Two workers registering complaints of a round-robin team at the same
        moment: the team row is locked during the pick, the one that loses
        retries and takes the next turn; nobody gets two in a row out of turn."""

        def setup(env):
            users = env["res.users"].create(
                [
                    {"name": f"Intake agent {n}", "login": f"vip_concurrency_agent_{n}"}
                    for n in range(2)
                ]
            )
            category = env["vip.complaint.category"].create({"name": f"{TAG} category"})
            team = env["vip.complaint.team"].create(
                {
                    "name": f"{TAG} team",
                    "member_ids": [(6, 0, users.ids)],
                    "category_ids": [(6, 0, category.ids)],
                    "assign_method": "round_robin",
                }
            )
            customer = self._customers(env, 1)
            return users.ids, category.id, team.id, customer.id

        user_ids, category_id, team_id, customer_id = self.run_in_env(setup)

        def drop(env):
            # the complaints go with their customer (``_cleanup``)
            for res_table, column in RES_TABLES:
                env.cr.execute(
                    f"DELETE FROM {res_table} WHERE {column} = 'vip.complaint.team'"
                    " AND res_id = %s",
                    [team_id],
                )
            env.cr.execute("DELETE FROM vip_complaint_team WHERE id = %s", [team_id])
            env["res.users"].browse(user_ids).action_archive()
            env.cr.execute(
                "DELETE FROM vip_complaint_category WHERE id = %s", [category_id]
            )

        self.addCleanup(lambda: self.run_in_env(drop))

        def intake(env):
            env["vip.complaint"].create(
                {
                    "subject": "Broken at once",
                    "partner_id": customer_id,
                    "category_id": category_id,
                }
            )

        refused = sum(self._twice_at_once(intake) for _round in range(3))
        self.assertGreaterEqual(refused, 1, "the pick waits for the other worker")

        def assigned(env):
            complaints = env["vip.complaint"].search(
                [("team_id", "=", team_id)], order="id"
            )
            return complaints.mapped("user_id").ids, [c.user_id.id for c in complaints]

        _members, sequence = self.run_in_env(assigned)
        self.assertEqual(len(sequence), 6)
        self.assertEqual(Counter(sequence), Counter(dict.fromkeys(user_ids, 3)))
        # in commit order, the turn alternates: never twice the same in a row
        for previous, current in zip(sequence, sequence[1:], strict=False):
            self.assertNotEqual(previous, current)
