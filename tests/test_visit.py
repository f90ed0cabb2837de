import logging
from datetime import date, datetime

from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, tagged

from .common import VipCareCommon

_logger = logging.getLogger(__name__)


class VisitCommon(VipCareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.silver = cls.env.ref("partner_vip_care.vip_tier_silver")
        cls.gold = cls.env.ref("partner_vip_care.vip_tier_gold")
        cls.platinum = cls.env.ref("partner_vip_care.vip_tier_platinum")
        cls.standard = cls.env.ref("partner_vip_care.vip_tier_standard")
        cls.gold.write(
            {"visit_interval_days": 30, "management_visit_interval_days": 182}
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Golden Harbour Ltd",
                "is_company": True,
                "user_id": cls.user_vip.id,
                "vip_tier_id": cls.gold.id,
                "vip_since": date(2026, 1, 1),
            }
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Grace Buyer", "parent_id": cls.customer.id}
        )
        cls.customer_2 = cls.env["res.partner"].create(
            {
                "name": "Silver Mill Co",
                "is_company": True,
                "user_id": cls.user_vip_2.id,
                "vip_tier_id": cls.silver.id,
                "vip_since": date(2026, 1, 1),
            }
        )
        cls.visit_type = cls.env.ref("partner_vip_care.mail_activity_type_vip_visit")
        cls.management_type = cls.env.ref(
            "partner_vip_care.mail_activity_type_vip_management_visit"
        )

    def _visit(self, partner, day, visit_type="account_manager", **vals):
        return self.env["vip.visit"].create(
            {
                "partner_id": partner.id,
                "date": day,
                "visit_type": visit_type,
                "summary": vals.pop("summary", "Visit"),
                **vals,
            }
        )


@tagged("post_install", "-at_install", "vip_visit")
class TestVisitPlan(VisitCommon):
    @freeze_time("2026-03-10")
    def test_never_visited_customer_is_due_since_entering_its_tier(self):
        self.assertEqual(self.customer.vip_next_visit_date, date(2026, 1, 1))
        self.assertEqual(self.customer.vip_next_management_visit_date, date(2026, 1, 1))
        self.assertFalse(self.customer.vip_last_visit_date)
        self.assertTrue(self.customer.vip_visit_overdue)

    @freeze_time("2026-03-10")
    def test_next_visit_is_last_visit_plus_tier_interval(self):
        self._visit(self.customer, date(2026, 3, 1))
        self._visit(self.customer, date(2026, 2, 1))  # older: not the last one
        self._visit(self.customer, date(2026, 2, 15), "management")
        self.assertEqual(self.customer.vip_last_visit_date, date(2026, 3, 1))
        self.assertEqual(self.customer.vip_next_visit_date, date(2026, 3, 31))
        self.assertEqual(
            self.customer.vip_last_management_visit_date, date(2026, 2, 15)
        )
        self.assertEqual(
            self.customer.vip_next_management_visit_date, date(2026, 8, 16)
        )
        self.assertFalse(self.customer.vip_visit_overdue)

    @freeze_time("2026-03-10")
    def test_intervals_of_each_tier(self):
        self._visit(self.customer, date(2026, 3, 1))
        self._visit(self.customer, date(2026, 3, 2), "management")
        expected = {
            self.silver: (date(2026, 5, 30), date(2027, 3, 2)),
            self.gold: (date(2026, 3, 31), date(2026, 8, 31)),
            self.platinum: (date(2026, 3, 31), date(2026, 6, 1)),
        }
        for tier, (next_visit, next_management) in expected.items():
            with self.subTest(tier=tier.name):
                self.customer.vip_tier_id = tier
                self.assertEqual(self.customer.vip_next_visit_date, next_visit)
                self.assertEqual(
                    self.customer.vip_next_management_visit_date, next_management
                )

    @freeze_time("2026-03-10")
    def test_no_plan_when_the_interval_is_zero(self):
        self.customer.vip_tier_id = self.standard
        self.assertFalse(self.customer.vip_next_visit_date)
        self.assertFalse(self.customer.vip_next_management_visit_date)
        self.assertFalse(self.customer.vip_visit_overdue)
        self.customer.vip_tier_id = False
        self.assertFalse(self.customer.vip_next_visit_date)

    @freeze_time("2026-03-10")
    def test_tier_interval_change_moves_the_next_visit(self):
        self._visit(self.customer, date(2026, 3, 1))
        self.gold.visit_interval_days = 14
        self.assertEqual(self.customer.vip_next_visit_date, date(2026, 3, 15))

    @freeze_time("2026-03-10")
    def test_calls_and_messages_do_not_reset_the_rhythm(self):
        self._visit(self.customer, date(2026, 3, 1))
        for visit_type in ("phone", "video", "message", "other"):
            self._visit(self.customer, date(2026, 3, 5), visit_type)
        self.assertEqual(self.customer.vip_last_visit_date, date(2026, 3, 1))
        self.assertFalse(self.customer.vip_last_management_visit_date)

    @freeze_time("2026-03-10")
    def test_changing_or_deleting_a_visit_recomputes_the_dates(self):
        older = self._visit(self.customer, date(2026, 2, 1))
        newer = self._visit(self.customer, date(2026, 3, 1))
        newer.date = date(2026, 3, 5)
        self.assertEqual(self.customer.vip_next_visit_date, date(2026, 4, 4))
        newer.visit_type = "management"
        self.assertEqual(self.customer.vip_last_visit_date, date(2026, 2, 1))
        self.assertEqual(self.customer.vip_last_management_visit_date, date(2026, 3, 5))
        newer.unlink()
        older.unlink()
        self.assertFalse(self.customer.vip_last_visit_date)
        self.assertFalse(self.customer.vip_last_management_visit_date)
        self.assertEqual(self.customer.vip_next_visit_date, date(2026, 1, 1))

    @freeze_time("2026-03-10")
    def test_visit_of_a_contact_belongs_to_its_company(self):
        visit = self._visit(self.contact, date(2026, 3, 1))
        self.assertEqual(visit.partner_id, self.customer)
        self.assertEqual(visit.contact_id, self.contact)
        self.assertEqual(visit.tier_id, self.gold)
        self.assertEqual(self.customer.vip_last_visit_date, date(2026, 3, 1))
        self.assertFalse(self.contact.vip_next_visit_date)
        self.assertEqual(self.contact.vip_visit_count, 1)

    @freeze_time("2026-03-10")
    def test_visit_cannot_be_in_the_future(self):
        with self.assertRaises(ValidationError):
            self._visit(self.customer, date(2026, 3, 11))

    @freeze_time("2026-03-10")
    def test_search_overdue_visits(self):
        self._visit(self.customer, date(2026, 3, 1))
        self._visit(self.customer, date(2026, 3, 1), "management")
        untiered = self.env["res.partner"].create({"name": "No Tier Co"})
        customers = self.customer | self.customer_2 | untiered
        Partner = self.env["res.partner"]
        overdue = Partner.search(
            [("vip_visit_overdue", "=", True), ("id", "in", customers.ids)]
        )
        self.assertEqual(overdue, self.customer_2)  # never visited since January
        not_overdue = Partner.search(
            [("vip_visit_overdue", "=", False), ("id", "in", customers.ids)]
        )
        self.assertEqual(not_overdue, self.customer | untiered)
        with freeze_time("2026-04-01"):  # 30 days after the last visit
            overdue = Partner.search(
                [("vip_visit_overdue", "=", True), ("id", "in", customers.ids)]
            )
            self.assertEqual(overdue, self.customer | self.customer_2)


@tagged("post_install", "-at_install", "vip_visit")
class TestVisitCron(VisitCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.vip_escalation_user_id = cls.user_manager
        cls.company.vip_visit_lead_days = 7

    def _activities(self, partners):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", partners.ids),
                (
                    "activity_type_id",
                    "in",
                    (self.visit_type | self.management_type).ids,
                ),
            ]
        )

    @freeze_time("2026-03-10")
    def test_cron_plans_one_reminder_per_due_visit_and_is_idempotent(self):
        self._visit(self.customer, date(2026, 2, 12))  # next 2026-03-14: in lead days
        self._visit(self.customer, date(2026, 3, 1), "management")  # next in August
        self._visit(self.customer_2, date(2026, 3, 1))  # next in May
        self._visit(self.customer_2, date(2025, 3, 1), "management")  # overdue
        self.env["vip.visit"]._vip_plan_visits()
        activities = self._activities(self.customer | self.customer_2)
        planned = {
            (a.res_id, a.activity_type_id, a.user_id, a.date_deadline)
            for a in activities
        }
        self.assertEqual(
            planned,
            {
                (self.customer.id, self.visit_type, self.user_vip, date(2026, 3, 14)),
                (
                    self.customer_2.id,
                    self.management_type,
                    self.user_manager,
                    date(2026, 3, 1),
                ),
            },
        )
        # the cron entry points, called outside the scheduler, do not commit
        self.env["res.partner"]._cron_plan_visits()
        self.env["vip.visit"]._cron_plan_visits()
        self.assertEqual(self._activities(self.customer | self.customer_2), activities)
        # marked done without logging a visit: still due, planned again
        activities.filtered(lambda a: a.res_id == self.customer.id).action_done()
        self.env["vip.visit"]._vip_plan_visits()
        replanned = self._activities(self.customer)
        self.assertEqual(len(replanned), 1)
        self.assertNotIn(replanned, activities)

    @freeze_time("2026-03-10")
    def test_cron_job_commits_in_batches_without_duplicates(self):
        customers = self.env["res.partner"].create(
            [
                {
                    "name": f"Due Customer {index}",
                    "is_company": True,
                    "user_id": self.user_vip.id,
                    "vip_tier_id": self.silver.id,
                    "vip_since": date(2026, 3, 1),
                }
                for index in range(3)
            ]
        )
        self.silver.management_visit_interval_days = 0
        cron = self.env.ref("partner_vip_care.ir_cron_vip_plan_visits")
        for _run in range(2):
            with self.enter_registry_test_mode():
                cron.method_direct_trigger()
        activities = self._activities(customers)
        self.assertEqual(len(activities), 3)
        self.assertEqual(activities.user_id, self.user_vip)
        self.assertEqual(activities.activity_type_id, self.visit_type)

    @freeze_time("2026-03-10")
    def test_management_reminder_falls_back_to_a_vip_manager(self):
        self.company.vip_escalation_user_id = False
        self.customer.vip_tier_id.visit_interval_days = 0
        activities = self.env["vip.visit"]._vip_plan_visits()
        reminder = activities.filtered(lambda a: a.res_id == self.customer.id)
        self.assertEqual(reminder.activity_type_id, self.management_type)
        self.assertTrue(
            reminder.user_id.has_group("partner_vip_care.group_vip_manager")
        )

    @freeze_time("2026-03-10")
    def test_completing_the_reminder_opens_the_visit_form_prefilled(self):
        activities = self.env["vip.visit"]._vip_plan_visits()
        reminder = activities.filtered(
            lambda a: (
                a.res_id == self.customer.id and a.activity_type_id == self.visit_type
            )
        ).with_user(self.user_vip)
        action = reminder.action_feedback_schedule_next(feedback="Met the buyer")
        self.assertEqual(action["res_model"], "vip.visit")
        visit_form = Form(
            self.env["vip.visit"]
            .with_user(self.user_vip)
            .with_context(**action["context"])
        )
        self.assertEqual(visit_form.partner_id, self.customer)
        self.assertEqual(visit_form.visit_type, "account_manager")
        self.assertEqual(visit_form.user_id, self.user_vip)
        self.assertEqual(visit_form.date, date(2026, 3, 10))
        self.assertIn("Met the buyer", str(visit_form.customer_feedback))
        self.assertTrue(reminder.active, "the reminder stays open until logged")
        visit_form.summary = "Spring review"
        visit_form.save()
        self.assertFalse(reminder.active, "logging the visit completes it")
        self.assertEqual(self.customer.vip_next_visit_date, date(2026, 4, 9))
        management = activities.filtered(
            lambda a: (
                a.activity_type_id == self.management_type
                and a.res_id == self.customer.id
            )
        )
        self.assertTrue(management.active, "a management reminder stays open")

    @freeze_time("2026-03-10")
    def test_other_activities_keep_the_schedule_next_wizard(self):
        activity = self.customer.activity_schedule(
            "mail.mail_activity_data_todo", user_id=self.user_vip.id
        )
        action = activity.action_feedback_schedule_next()
        self.assertEqual(action["res_model"], "mail.activity")
        # a salesperson outside the VIP groups cannot log visits: usual wizard
        self.customer.user_id = self.user_internal
        reminder = (
            self.env["vip.visit"]
            ._vip_plan_visits()
            .filtered(
                lambda a: (
                    a.activity_type_id == self.visit_type
                    and a.res_id == self.customer.id
                )
            )
        )
        self.assertEqual(reminder.user_id, self.user_internal)
        action = reminder.with_user(self.user_internal).action_feedback_schedule_next()
        self.assertEqual(action["res_model"], "mail.activity")


@tagged("post_install", "-at_install", "vip_visit", "vip_security")
class TestVisitAccess(VisitCommon):
    @freeze_time("2026-03-10")
    def test_users_see_own_visits_and_their_customers(self):
        own = self._visit(self.customer_2, date(2026, 3, 1), user_id=self.user_vip.id)
        on_my_customer = self._visit(
            self.customer, date(2026, 3, 2), user_id=self.user_vip_2.id
        )
        other = self._visit(
            self.customer_2, date(2026, 3, 3), user_id=self.user_vip_2.id
        )
        Visit = self.env["vip.visit"]
        self.assertEqual(
            Visit.with_user(self.user_vip).search([]), own | on_my_customer
        )
        self.assertEqual(
            Visit.with_user(self.user_manager).search([]),
            own | on_my_customer | other,
        )
        with self.assertRaises(AccessError):
            other.with_user(self.user_vip).summary = "Edited"
        with self.assertRaises(AccessError):
            Visit.with_user(self.user_internal).search([])
        # the counter counts what the user may read
        self.assertEqual(self.customer_2.with_user(self.user_vip).vip_visit_count, 1)
        self.assertEqual(
            self.customer_2.with_user(self.user_manager).vip_visit_count, 2
        )

    @freeze_time("2026-03-10")
    def test_visits_are_restricted_to_the_users_companies(self):
        other_company = self.env["res.company"].create({"name": "VIP Care Branch"})
        visit = self._visit(
            self.customer, date(2026, 3, 1), company_id=other_company.id
        )
        Visit = self.env["vip.visit"].with_user(self.user_manager)
        self.assertNotIn(visit, Visit.search([]))
        self.user_manager.company_ids |= other_company
        self.assertIn(
            visit, Visit.with_context(allowed_company_ids=other_company.ids).search([])
        )

    @freeze_time("2026-03-10")
    def test_internal_users_still_open_partners(self):
        self._visit(self.customer, date(2026, 3, 1))
        partner_form = Form(self.customer.with_user(self.user_internal))
        self.assertEqual(partner_form.vip_last_visit_date, "2026-03-01")
        self.assertTrue(partner_form.vip_next_visit_date)


@tagged("post_install", "-at_install", "vip_visit", "vip_performance")
class TestVisitPerformance(VisitCommon):
    def _form_queries(self, partner):
        """Queries to open ``partner``'s form as a VIP user (warm view caches)."""
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        Form(partner.with_user(self.user_vip))
        return self.cr.sql_log_count - start

    @freeze_time("2026-03-10")
    def test_partner_form_query_count_is_constant(self):
        small, big = self.env["res.partner"].create(
            [
                {
                    "name": name,
                    "is_company": True,
                    "user_id": self.user_vip.id,
                    "vip_tier_id": self.gold.id,
                    "vip_since": date(2026, 1, 1),
                }
                for name in ("Small Visit Log Ltd", "Big Visit Log Ltd")
            ]
        )
        self._visit(small, date(2026, 3, 1))
        self.env["vip.visit"].create(
            [
                {
                    "partner_id": big.id,
                    "date": date(2026, 1, 1 + index % 28),
                    "visit_type": "account_manager" if index % 2 else "phone",
                    "summary": f"Visit {index}",
                }
                for index in range(50)
            ]
        )
        for partner, count in ((small, 1), (big, 50)):
            self._vip_360_records(partner, count)
        for partner in (small, big):  # warm the view and access caches
            self._form_queries(partner)
        queries_one = self._form_queries(small)
        queries_fifty = self._form_queries(big)
        _logger.info(
            "Partner form as a VIP user: %s queries with 1 visit, %s with 50",
            queries_one,
            queries_fifty,
        )
        self.assertEqual(queries_one, queries_fifty)
        record = big.with_user(self.user_vip)
        self.env.invalidate_all()
        with self.assertQueryCount(queries_one):
            form = Form(record)
        self.assertEqual(len(form.vip_visit_ids), 50)
        self.assertEqual(form.vip_visit_count, 50)
        self.assertEqual(len(form.vip_open_promise_ids), 50)
        self.assertEqual(len(form.vip_meeting_attendance_ids), 50)
        self.assertEqual(len(form.vip_suggestion_ids), 50)
        self.assertEqual(len(form.vip_open_complaint_ids), 50)

    def _vip_360_records(self, partner, count):
        """``count`` open promises, attended meetings and suggestions of ``partner``,
        the other sections of the 360° page."""
        self.env["vip.promise"].create(
            [
                {
                    "partner_id": partner.id,
                    "user_id": self.user_vip.id,
                    "description": f"Promise {index}",
                    "value": 10,
                    "deadline": date(2026, 4, 1),
                    "state": "open",
                }
                for index in range(count)
            ]
        )
        meetings = self.env["vip.meeting"].create(
            [
                {
                    "name": f"Quality meeting {index}",
                    "start": datetime(2026, 2, 1, 9, 0),
                    "stop": datetime(2026, 2, 1, 11, 0),
                    "attendee_ids": [Command.create({"partner_id": partner.id})],
                }
                for index in range(count)
            ]
        )
        meetings.write({"state": "held"})
        meetings.attendee_ids.write({"state": "attended"})
        self.env["vip.suggestion"].create(
            [
                {"name": f"Suggestion {index}", "partner_id": partner.id}
                for index in range(count)
            ]
        )
        self.env["vip.complaint"].create(
            [
                {"subject": f"Complaint {index}", "partner_id": partner.id}
                for index in range(count)
            ]
        )


@tagged("post_install", "-at_install", "vip_visit")
class TestVisitViews(VisitCommon):
    def test_vip_customers_views_load_for_a_vip_user(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.res_partner_action_vip"
        )
        views = [(view_id, mode) for view_id, mode in action["views"]]
        views.append((action["search_view_id"][0], "search"))
        result = (
            self.env["res.partner"].with_user(self.user_vip).get_views(views)["views"]
        )
        self.assertEqual(action["views"][0][1], "kanban")
        self.assertIn('default_group_by="vip_tier_id"', result["kanban"]["arch"])
        self.assertIn("vip_visit_overdue", result["kanban"]["arch"])
        self.assertIn("vip_next_visit_date", result["list"]["arch"])
        for name in ("vip_visit_overdue", "vip_my_customers", "vip_pareto_b"):
            self.assertIn(f'name="{name}"', result["search"]["arch"])

    @freeze_time("2026-03-10")
    def test_partner_buttons_open_the_customers_visits(self):
        visit = self._visit(self.customer, date(2026, 3, 1))
        action = self.contact.with_user(self.user_vip).action_vip_open_visits()
        self.assertEqual(self.env["vip.visit"].search(action["domain"]), visit)
        action = self.contact.with_user(self.user_vip).action_vip_log_visit()
        self.assertEqual(action["res_model"], "vip.visit")
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
