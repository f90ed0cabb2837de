from datetime import date, timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import VipCareCommon

TODAY = date(2026, 3, 10)


class VipPromiseCommon(VipCareCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tier_gold = cls.env.ref("partner_vip_care.vip_tier_gold")  # 5000
        cls.tier_standard = cls.env.ref("partner_vip_care.vip_tier_standard")  # 0
        cls.env["res.partner"].flush_model()
        partners = cls.env["res.partner"].create(
            [
                {
                    "name": "Lotus Machinery",
                    "is_company": True,
                    "user_id": cls.user_vip.id,
                    "vip_tier_id": cls.tier_gold.id,
                },
                {
                    "name": "Orchid Textiles",
                    "is_company": True,
                    "user_id": cls.user_vip_2.id,
                    "vip_tier_id": cls.tier_gold.id,
                },
                {"name": "Plain Customer", "is_company": True},
                {
                    "name": "Standard Customer",
                    "is_company": True,
                    "vip_tier_id": cls.tier_standard.id,
                },
            ]
        )
        cls.customer, cls.customer_2, cls.customer_no_tier, cls.customer_std = partners
        cls.contact = cls.env["res.partner"].create(
            {"name": "Chen Wei", "parent_id": cls.customer.id}
        )
        cls.company.vip_escalation_user_id = cls.user_manager
        cls.company.vip_promise_reminder_days = 3

    def _promise(self, user=None, **vals):
        values = {
            "partner_id": self.customer.id,
            "description": "Free express delivery of the spare parts",
            "promise_type": "delivery",
            "value": 1000.0,
            "deadline": TODAY + timedelta(days=10),
        }
        values.update(vals)
        model = self.env["vip.promise"].with_user(user or self.user_vip)
        return model.create(values)

    def _submitted(self, user=None, **vals):
        promise = self._promise(user=user, **vals)
        promise.action_submit()
        return promise

    def _activities(self, promise, xmlid):
        activity_type = self.env.ref(f"partner_vip_care.{xmlid}")
        return (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "vip.promise"),
                    ("res_id", "in", promise.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )


@freeze_time(TODAY)
@tagged("post_install", "-at_install", "vip_promise")
class TestPromiseFlow(VipPromiseCommon):
    def test_sequence_and_defaults(self):
        promise = self._promise()
        self.assertRegex(promise.name, r"^PRM/2026/\d+$")
        self.assertEqual(promise.state, "draft")
        self.assertEqual(promise.user_id, self.user_vip)
        self.assertEqual(promise.company_id, self.company)
        self.assertEqual(promise.currency_id, self.company.currency_id)
        other = self._promise()
        self.assertNotEqual(other.name, promise.name)

    def test_context_defaults_from_a_contact(self):
        """The lead's "New promise" buttons pass context defaults; a contact given
        as customer is stored as the contact of its commercial entity."""
        model = (
            self.env["vip.promise"]
            .with_user(self.user_vip)
            .with_context(
                default_partner_id=self.contact.id,
                default_description="Replace the damaged unit",
                default_promise_type="service",
                default_value=250.0,
            )
        )
        with Form(model) as form:
            self.assertEqual(form.partner_id, self.customer)
            self.assertEqual(form.contact_id, self.contact)
            form.deadline = TODAY + timedelta(days=5)
        promise = form.record
        self.assertEqual(promise.partner_id, self.customer)
        self.assertEqual(promise.contact_id, self.contact)
        self.assertEqual(promise.description, "Replace the damaged unit")
        self.assertEqual(promise.promise_type, "service")
        self.assertEqual(promise.value, 250.0)
        direct = model.create({"deadline": TODAY})
        self.assertEqual(direct.partner_id, self.customer)
        self.assertEqual(direct.contact_id, self.contact)

    def test_submit_within_bottom_line_opens(self):
        promise = self._submitted(value=5000.0)
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.limit_applied, 5000.0)
        self.assertEqual(promise.tier_id, self.tier_gold)
        self.assertFalse(promise.needs_approval)
        self.assertFalse(
            self._activities(promise, "mail_activity_type_promise_approval")
        )

    def test_submit_above_bottom_line_needs_approval(self):
        promise = self._submitted(value=5000.01)
        self.assertEqual(promise.state, "to_approve")
        self.assertEqual(promise.limit_applied, 5000.0)
        self.assertTrue(promise.needs_approval)
        activity = self._activities(promise, "mail_activity_type_promise_approval")
        self.assertEqual(activity.user_id, self.user_manager)

    def test_bottom_line_uses_tier_at_submission(self):
        promise = self._promise(value=3000.0)
        self.customer.vip_tier_id = self.tier_standard
        promise.action_submit()
        self.assertEqual(promise.state, "to_approve")
        self.assertEqual(promise.tier_id, self.tier_standard)
        self.customer.vip_tier_id = self.tier_gold
        self.assertEqual(promise.tier_id, self.tier_standard, "snapshot kept")

    def test_zero_bottom_line_and_no_tier_need_approval(self):
        standard = self._submitted(partner_id=self.customer_std.id, value=0.0)
        self.assertEqual(standard.state, "to_approve")
        no_tier = self._submitted(partner_id=self.customer_no_tier.id, value=1.0)
        self.assertEqual(no_tier.state, "to_approve")
        self.assertFalse(no_tier.tier_id)

    def test_bottom_line_converted_to_promise_currency(self):
        usd = self.env.ref("base.USD")
        eur = self.env.ref("base.EUR")
        eur.active = True
        other = eur if self.company.currency_id == usd else usd
        self.env["res.currency.rate"].create(
            {"currency_id": other.id, "rate": 2.0, "name": TODAY, "company_id": False}
        )
        promise = self._submitted(currency_id=other.id, value=9000.0)
        # 5000 company currency = 10000 in the other currency at rate 2
        self.assertAlmostEqual(
            promise.limit_applied,
            self.company.currency_id._convert(5000.0, other, self.company, TODAY),
        )
        self.assertEqual(promise.state, "open")

    def test_submit_bad_input(self):
        past = self._promise(deadline=TODAY - timedelta(days=1))
        with self.assertRaisesRegex(UserError, "Deadline"):
            past.action_submit()
        self.assertEqual(past.state, "draft")
        no_deadline = self._promise(deadline=False)
        with self.assertRaisesRegex(UserError, "Deadline"):
            no_deadline.action_submit()
        no_description = self._promise(description=" ")
        with self.assertRaisesRegex(UserError, "Description"):
            no_description.action_submit()
        with self.assertRaises(ValidationError):
            self._promise(value=-1.0)
        promise = self._submitted()
        with self.assertRaises(UserError):
            promise.action_submit()

    def test_deadline_today_is_accepted(self):
        promise = self._submitted(deadline=TODAY)
        self.assertEqual(promise.state, "open")

    def test_approve(self):
        promise = self._submitted(value=8000.0)
        promise.with_user(self.user_manager).action_approve(note="Key account")
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.approver_id, self.user_manager)
        self.assertTrue(promise.approved_on)
        self.assertEqual(promise.approval_note, "Key account")
        self.assertFalse(
            self._activities(promise, "mail_activity_type_promise_approval"),
            "the approval activity is done",
        )

    def test_approve_without_note_approves(self):
        promise = self._submitted(value=8000.0)
        promise.with_user(self.user_manager).action_approve()
        self.assertEqual(promise.state, "open")

    def test_only_managers_approve_and_never_their_own(self):
        promise = self._submitted(value=8000.0)
        with self.assertRaises(AccessError):
            promise.with_user(self.user_vip).action_approve()
        with self.assertRaises(AccessError):
            promise.with_user(self.user_vip).action_refuse(reason="No")
        self.assertEqual(promise.state, "to_approve")
        own = self._submitted(user=self.user_manager, value=8000.0)
        with self.assertRaisesRegex(AccessError, "another manager"):
            own.with_user(self.user_manager).action_approve()
        self.assertEqual(own.state, "to_approve")
        activity = self._activities(own, "mail_activity_type_promise_approval")
        self.assertTrue(activity)
        self.assertNotEqual(activity.user_id, self.user_manager)
        own.with_user(self.user_admin).action_approve()
        self.assertEqual(own.state, "open")

    def test_approve_only_to_approve(self):
        promise = self._submitted(value=100.0)
        with self.assertRaises(UserError):
            promise.with_user(self.user_manager).action_approve()

    def test_refuse_needs_reason_and_returns_to_draft(self):
        promise = self._submitted(value=8000.0)
        action = promise.with_user(self.user_manager).action_refuse()
        self.assertEqual(action["res_model"], "vip.promise.wizard")
        self.assertEqual(action["context"]["default_step"], "refuse")
        self.assertEqual(promise.state, "to_approve")
        promise.with_user(self.user_manager).action_refuse(reason="Too generous")
        self.assertEqual(promise.state, "draft")
        self.assertIn("Too generous", promise.message_ids[0].body)
        self.assertFalse(
            self._activities(promise, "mail_activity_type_promise_approval")
        )
        # back in draft the salesperson may lower the value and submit again
        promise.with_user(self.user_vip).value = 4000.0
        promise.with_user(self.user_vip).action_submit()
        self.assertEqual(promise.state, "open")

    def test_mark_kept_on_time(self):
        promise = self._submitted()
        promise.action_mark_kept(note="Shipped")
        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.done_date, TODAY)
        self.assertTrue(promise.kept_on_time)
        self.assertFalse(promise.kept_late)
        self.assertEqual(promise.outcome_note, "Shipped")

    def test_mark_kept_late(self):
        promise = self._submitted(deadline=TODAY + timedelta(days=2))
        with freeze_time(TODAY + timedelta(days=5)):
            promise.action_mark_kept()
        self.assertEqual(promise.done_date, TODAY + timedelta(days=5))
        self.assertFalse(promise.kept_on_time)
        self.assertTrue(promise.kept_late)

    def test_mark_kept_late_with_explicit_date(self):
        promise = self._submitted(deadline=TODAY + timedelta(days=2))
        # recorded two days after it was kept: a day between submission and today
        with freeze_time(TODAY + timedelta(days=5)):
            promise.action_mark_kept(
                done_date=fields.Date.to_string(TODAY + timedelta(3))
            )
        self.assertEqual(promise.done_date, TODAY + timedelta(days=3))
        self.assertTrue(promise.kept_late)
        self.assertFalse(promise.kept_on_time)

    def test_mark_kept_needs_an_open_promise(self):
        waiting = self._submitted(value=9000.0)
        with self.assertRaises(UserError):
            waiting.action_mark_kept()
        draft = self._promise()
        with self.assertRaises(UserError):
            draft.action_mark_kept()

    def test_mark_broken_needs_reason(self):
        promise = self._submitted()
        action = promise.action_mark_broken()
        self.assertEqual(action["res_model"], "vip.promise.wizard")
        self.assertEqual(promise.state, "open")
        promise.action_mark_broken(reason="Supplier shortage")
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.outcome_note, "Supplier shortage")
        self.assertFalse(promise.kept_on_time)
        self.assertIn("Supplier shortage", promise.message_ids[0].body)
        with self.assertRaises(UserError):
            promise.action_mark_kept()

    def test_cancel_needs_reason(self):
        promise = self._submitted()
        self.assertEqual(promise.action_cancel()["res_model"], "vip.promise.wizard")
        self.assertEqual(promise.state, "open")
        promise.action_cancel(reason="Customer withdrew the order")
        self.assertEqual(promise.state, "cancelled")
        self.assertIn("Customer withdrew", promise.message_ids[0].body)
        kept = self._submitted()
        kept.action_mark_kept()
        with self.assertRaises(UserError):
            kept.action_cancel(reason="Too late")

    def test_supersede(self):
        promise = self._submitted(value=8000.0)
        new = promise.with_user(self.user_vip).action_supersede()
        self.assertEqual(promise.state, "cancelled")
        self.assertIn(new.name, promise.outcome_note)
        self.assertEqual(new.state, "draft")
        self.assertEqual(new.supersedes_id, promise)
        self.assertEqual(promise.superseded_by_ids, new)
        self.assertNotEqual(new.name, promise.name)
        self.assertEqual(
            (new.partner_id, new.value, new.description, new.deadline),
            (promise.partner_id, promise.value, promise.description, promise.deadline),
        )
        new.value = 4500.0
        new.action_submit()
        self.assertEqual(new.state, "open")
        with self.assertRaises(UserError):
            self._promise().action_supersede()

    def test_supersede_button_opens_new_draft(self):
        promise = self._submitted()
        action = promise.action_supersede_open()
        self.assertEqual(action["res_model"], "vip.promise")
        self.assertEqual(action["res_id"], promise.superseded_by_ids.id)

    def test_frozen_after_submission(self):
        promise = self._submitted()
        changes = {
            "partner_id": self.customer_2.id,
            "value": 10.0,
            "currency_id": self.env.ref("base.EUR").id
            if self.company.currency_id != self.env.ref("base.EUR")
            else self.env.ref("base.USD").id,
            "description": "Something else",
            "deadline": TODAY + timedelta(days=20),
            "promise_type": "gift",
            # the promiser too, since issue 21 (frozen people)
            "user_id": self.user_vip_2.id,
        }
        for fname, value in changes.items():
            label = promise._fields[fname]._description_string(self.env)
            with self.assertRaisesRegex(UserError, label):
                promise.with_user(self.user_vip).write({fname: value})
        # rewriting the same value, and changing the contact, are allowed
        promise.write({"value": 1000.0, "deadline": promise.deadline})
        promise.write({"user_id": self.user_vip.id, "contact_id": self.contact.id})
        self.assertEqual(promise.contact_id, self.contact)
        draft = self._promise()
        draft.write(changes)
        self.assertEqual(draft.value, 10.0)

    def test_only_drafts_can_be_deleted(self):
        draft = self._promise()
        draft.with_user(self.user_vip).unlink()
        self.assertFalse(draft.exists())
        promise = self._submitted()
        with self.assertRaisesRegex(UserError, "only draft"):
            promise.with_user(self.user_manager).unlink()
        promise.action_cancel(reason="Mistake")
        with self.assertRaises(UserError):
            promise.unlink()

    def test_state_changes_are_tracked_with_author(self):
        promise = self._promise(value=8000.0)
        self.env.flush_all()
        self.cr.flush()  # tracking messages are written at commit time
        promise.action_submit()
        self.env.flush_all()
        self.cr.flush()
        promise.with_user(self.user_manager).action_approve()
        self.env.flush_all()
        self.cr.flush()
        trackings = self.env["mail.tracking.value"].search(
            [
                ("mail_message_id", "in", promise.message_ids.ids),
                ("field_id.name", "=", "state"),
            ]
        )
        self.assertEqual(
            set(trackings.mapped("new_value_char")), {"To Approve", "Open"}
        )
        approved = trackings.filtered(lambda t: t.new_value_char == "Open")
        self.assertEqual(
            approved.mail_message_id.author_id, self.user_manager.partner_id
        )

    def test_overdue_and_exposure(self):
        promise = self._submitted(value=700.0, deadline=TODAY + timedelta(days=1))
        self.assertEqual(promise.exposure, 700.0)
        self.assertFalse(promise.overdue)
        Promise = self.env["vip.promise"]
        with freeze_time(TODAY + timedelta(days=2)):
            promise.invalidate_recordset(["overdue"])
            self.assertTrue(promise.overdue)
            self.assertIn(promise, Promise.search([("overdue", "=", True)]))
            self.assertNotIn(promise, Promise.search([("overdue", "=", False)]))
            promise.action_mark_kept()
            promise.invalidate_recordset(["overdue"])
            self.assertFalse(promise.overdue)
            self.assertNotIn(promise, Promise.search([("overdue", "=", True)]))
        self.assertEqual(promise.exposure, 0.0)


@freeze_time(TODAY)
@tagged("post_install", "-at_install", "vip_promise")
class TestPromiseWizard(VipPromiseCommon):
    def _wizard(self, promise, step, user=None, **vals):
        action = promise._wizard_action(step)
        model = self.env["vip.promise.wizard"].with_user(user or self.user_vip)
        return model.with_context(**action["context"]).create(vals)

    def test_wizard_approve_with_note(self):
        promise = self._submitted(value=8000.0)
        wizard = self._wizard(promise, "approve", self.user_manager, note="OK")
        wizard.action_confirm()
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.approval_note, "OK")

    def test_wizard_reason_required(self):
        promise = self._submitted(value=8000.0)
        wizard = self._wizard(promise, "refuse", self.user_manager)
        self.assertTrue(wizard.reason_required)
        with self.assertRaises(UserError):
            wizard.action_confirm()
        wizard.note = "Over budget"
        wizard.action_confirm()
        self.assertEqual(promise.state, "draft")

    def test_wizard_kept_with_date(self):
        # submitted three days ago, kept the day before its deadline
        with freeze_time(TODAY - timedelta(days=3)):
            promise = self._submitted(deadline=TODAY)
        wizard = self._wizard(
            promise, "kept", done_date=TODAY - timedelta(days=1), note="Early"
        )
        wizard.action_confirm()
        self.assertEqual(promise.state, "kept")
        self.assertEqual(promise.done_date, TODAY - timedelta(days=1))
        self.assertTrue(promise.kept_on_time)

    def test_wizard_broken_and_cancel(self):
        broken, cancelled = self._submitted(), self._submitted()
        self._wizard(broken, "broken", note="No stock").action_confirm()
        self._wizard(cancelled, "cancel", note="Duplicate").action_confirm()
        self.assertEqual(broken.state, "broken")
        self.assertEqual(cancelled.state, "cancelled")
        self.assertEqual(cancelled.outcome_note, "Duplicate")


@tagged("post_install", "-at_install", "vip_promise")
class TestPromiseCron(VipPromiseCommon):
    def _cron_activities(self, promises):
        return self._activities(
            promises, "mail_activity_type_promise_reminder"
        ), self._activities(promises, "mail_activity_type_promise_overdue")

    def test_reminder_before_deadline_once(self):
        with freeze_time(TODAY):
            soon = self._submitted(deadline=TODAY + timedelta(days=3))
            later = self._submitted(deadline=TODAY + timedelta(days=4))
            waiting = self._submitted(value=9000.0, deadline=TODAY + timedelta(days=1))
            Promise = self.env["vip.promise"]
            Promise._cron_promise_reminders()
            Promise._cron_promise_reminders()
        reminders, overdue = self._cron_activities(soon | later | waiting)
        self.assertEqual(len(reminders), 1)
        self.assertEqual(reminders.res_id, soon.id)
        self.assertEqual(reminders.user_id, self.user_vip)
        self.assertEqual(reminders.date_deadline, soon.deadline)
        self.assertFalse(overdue)
        with freeze_time(TODAY + timedelta(days=1)):
            Promise._cron_promise_reminders()
        reminders, overdue = self._cron_activities(soon | later | waiting)
        self.assertEqual(len(reminders), 2, "the later promise enters the window")
        self.assertFalse(overdue)

    def test_overdue_activities_once_to_promiser_and_manager(self):
        with freeze_time(TODAY):
            promise = self._submitted(deadline=TODAY + timedelta(days=1))
            kept = self._submitted(deadline=TODAY + timedelta(days=1))
            kept.action_mark_kept()
        with freeze_time(TODAY + timedelta(days=2)):
            self.env["vip.promise"]._cron_promise_reminders()
            self.env["vip.promise"]._cron_promise_reminders()
        reminders, overdue = self._cron_activities(promise | kept)
        self.assertFalse(reminders, "no reminder once the deadline has passed")
        self.assertEqual(overdue.mapped("res_id"), [promise.id, promise.id])
        self.assertEqual(overdue.mapped("user_id"), self.user_vip | self.user_manager)
        # keeping the promise clears the follow-up activities
        with freeze_time(TODAY + timedelta(days=3)):
            promise.action_mark_kept()
        self.assertFalse(self._cron_activities(promise)[1])
        self.assertTrue(promise.kept_late)

    def test_promiser_manager_gets_another_manager(self):
        with freeze_time(TODAY):
            promise = self._submitted(user=self.user_manager, deadline=TODAY)
        with freeze_time(TODAY + timedelta(days=1)):
            self.env["vip.promise"]._cron_promise_reminders()
        overdue = self._cron_activities(promise)[1]
        self.assertEqual(len(overdue), 2)
        other = overdue.mapped("user_id") - self.user_manager
        self.assertTrue(other.has_group("partner_vip_care.group_vip_manager"))

    def test_reminder_days_per_company(self):
        self.company.vip_promise_reminder_days = 10
        with freeze_time(TODAY):
            promise = self._submitted(deadline=TODAY + timedelta(days=9))
            self.env["vip.promise"]._cron_promise_reminders()
        self.assertEqual(len(self._cron_activities(promise)[0]), 1)

    def test_scheduled_cron_commits_and_is_idempotent(self):
        cron = self.env.ref("partner_vip_care.ir_cron_vip_promise_reminders")
        today = fields.Date.today()
        promise = self._submitted(deadline=today + timedelta(days=1))
        late = self._promise(deadline=today - timedelta(days=1))
        late.sudo().write({"state": "open"})  # an open promise already late
        for _run in range(2):
            with self.enter_registry_test_mode():
                cron.method_direct_trigger()
        reminders, overdue = self._cron_activities(promise | late)
        self.assertEqual(reminders.res_id, promise.id)
        self.assertEqual(len(overdue), 2)
        self.assertTrue(promise.reminder_sent)
        self.assertTrue(late.overdue_notified)


@freeze_time(TODAY)
@tagged("post_install", "-at_install", "vip_promise")
class TestPromiseReport(VipPromiseCommon):
    def test_kept_on_time_rate_and_exposure(self):
        on_time = self._submitted() | self._submitted()
        on_time.action_mark_kept()
        late = self._submitted(deadline=TODAY)
        with freeze_time(TODAY + timedelta(days=1)):
            late.action_mark_kept()
        broken = self._submitted()
        broken.action_mark_broken(reason="Shortage")
        self._submitted(value=700.0)  # open
        self._submitted(value=9000.0)  # to approve
        self._promise(value=50000.0)  # draft: not in the analysis
        other = self._submitted(user=self.user_vip_2, partner_id=self.customer_2.id)
        other.action_mark_kept()
        self.env.flush_all()
        Report = self.env["vip.promise.report"]
        groups = {
            user: (rate, exposure, decided)
            for user, rate, exposure, decided in Report._read_group(
                [],
                ["user_id"],
                ["kept_on_time_rate:avg", "exposure:sum", "decided_count:sum"],
            )
        }
        self.assertEqual(groups[self.user_vip], (50.0, 9700.0, 4))
        self.assertEqual(groups[self.user_vip_2], (100.0, 0.0, 1))
        by_tier = dict(Report._read_group([], ["tier_id"], ["kept_on_time_rate:avg"]))
        self.assertAlmostEqual(by_tier[self.tier_gold], 60.0)
        counts = Report._read_group(
            [("user_id", "=", self.user_vip.id)],
            [],
            ["kept_late_count:sum", "broken_count:sum", "open_count:sum"],
        )
        self.assertEqual(counts, [(1, 1, 2)])

    def test_promise_pivot_fields(self):
        kept = self._submitted()
        kept.action_mark_kept()
        self._submitted(value=300.0)
        self.env.flush_all()
        [(exposure,)] = self.env["vip.promise"]._read_group(
            [("partner_id", "=", self.customer.id)], [], ["exposure:sum"]
        )
        self.assertEqual(exposure, 300.0)
        self.assertEqual(
            self.env["vip.promise"].search([("kept_on_time", "=", True)]), kept
        )


@freeze_time(TODAY)
@tagged("post_install", "-at_install", "vip_promise", "vip_security")
class TestPromiseAccess(VipPromiseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.own = cls._make(cls.user_vip, cls.customer)
        # made by a colleague for a customer whose salesperson is user_vip
        cls.colleague_for_mine = cls._make(cls.user_vip_2, cls.customer)
        cls.foreign = cls._make(cls.user_vip_2, cls.customer_2)

    @classmethod
    def _make(cls, user, partner):
        return cls.env["vip.promise"].create(
            {
                "partner_id": partner.id,
                "user_id": user.id,
                "description": "Promise",
                "value": 10.0,
                "deadline": TODAY + timedelta(days=5),
            }
        )

    def test_user_sees_own_and_own_customers(self):
        visible = self.env["vip.promise"].with_user(self.user_vip).search([])
        self.assertIn(self.own, visible)
        self.assertIn(self.colleague_for_mine, visible)
        self.assertNotIn(self.foreign, visible)
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.user_vip).read(["name"])
        with self.assertRaises(AccessError):
            self.foreign.with_user(self.user_vip).action_submit()

    def test_user_cannot_create_for_others(self):
        with self.assertRaises(AccessError):
            self.env["vip.promise"].with_user(self.user_vip).create(
                {
                    "partner_id": self.customer_2.id,
                    "user_id": self.user_vip_2.id,
                    "description": "Not mine",
                    "deadline": TODAY,
                }
            )

    def test_manager_sees_all(self):
        visible = self.env["vip.promise"].with_user(self.user_manager).search([])
        self.assertGreaterEqual(
            visible, self.own | self.colleague_for_mine | self.foreign
        )

    def test_internal_user_has_no_access(self):
        with self.assertRaises(AccessError):
            self.env["vip.promise"].with_user(self.user_internal).search([])

    def test_multi_company(self):
        company_b = self.env["res.company"].create({"name": "VIP Taiwan Branch"})
        manager_b = new_test_user(
            self.env,
            login="vip_manager_b",
            groups="base.group_user,partner_vip_care.group_vip_manager",
            company_id=company_b.id,
            company_ids=[(6, 0, company_b.ids)],
        )
        promise_b = (
            self.env["vip.promise"]
            .with_company(company_b)
            .create(
                {
                    "partner_id": self.customer_no_tier.id,
                    "user_id": manager_b.id,
                    "description": "Branch promise",
                    "deadline": TODAY,
                }
            )
        )
        self.assertEqual(promise_b.company_id, company_b)
        self.assertNotIn(
            promise_b, self.env["vip.promise"].with_user(self.user_manager).search([])
        )
        visible_b = self.env["vip.promise"].with_user(manager_b).search([])
        self.assertIn(promise_b, visible_b)
        self.assertNotIn(self.own, visible_b)
        self.user_manager.company_ids |= company_b
        both = (
            self.env["vip.promise"]
            .with_user(self.user_manager)
            .with_context(allowed_company_ids=[self.company.id, company_b.id])
            .search([])
        )
        self.assertIn(promise_b, both)
        self.assertIn(self.own, both)

    def test_report_for_managers_only(self):
        self.own.action_submit()
        self.env.flush_all()
        report = self.env["vip.promise.report"]
        self.assertTrue(report.with_user(self.user_manager).search([]))
        with self.assertRaises(AccessError):
            report.with_user(self.user_vip).search([])
        menu = self.env.ref("partner_vip_care.vip_promise_report_menu")
        menus = self.env["ir.ui.menu"]
        self.assertNotIn(menu.id, menus.with_user(self.user_vip)._visible_menu_ids())
        self.assertIn(menu.id, menus.with_user(self.user_manager)._visible_menu_ids())
        promises_menu = self.env.ref("partner_vip_care.vip_promise_menu")
        self.assertIn(
            promises_menu.id, menus.with_user(self.user_vip)._visible_menu_ids()
        )


@freeze_time(TODAY)
@tagged("post_install", "-at_install", "vip_promise")
class TestPartnerPromises(VipPromiseCommon):
    def test_counts_follow_access(self):
        self._submitted()
        late = self._submitted(deadline=TODAY)
        self._submitted(user=self.user_vip_2, partner_id=self.customer.id)
        self._submitted(user=self.user_vip_2, partner_id=self.customer_2.id)
        self._promise()  # draft: not counted
        done = self._submitted()
        done.action_mark_kept()
        with freeze_time(TODAY + timedelta(days=1)):
            partners = (self.customer | self.customer_2 | self.contact).with_user(
                self.user_vip
            )
            self.assertEqual(partners[0].vip_promise_open_count, 3)
            self.assertEqual(partners[0].vip_promise_overdue_count, 1)
            self.assertEqual(
                partners[2].vip_promise_open_count, 3, "contact shows its company"
            )
            self.assertEqual(
                partners[1].vip_promise_open_count, 0, "not readable by user_vip"
            )
            manager_view = self.customer_2.with_user(self.user_manager)
            self.assertEqual(manager_view.vip_promise_open_count, 1)
        self.assertTrue(late)

    def test_counts_in_one_query(self):
        partners = self.customer | self.customer_2 | self.customer_no_tier
        self._submitted()
        self.env.invalidate_all()
        partners = partners.with_user(self.user_manager)
        counters = ["vip_promise_open_count", "vip_promise_overdue_count"]
        partners.mapped("vip_promise_open_count")  # warm the rule and ACL caches
        partners.invalidate_recordset(counters)
        with self.assertQueryCount(1):
            partners.mapped("vip_promise_open_count")
            partners.mapped("vip_promise_overdue_count")

    def test_partner_buttons(self):
        action = self.customer.with_user(self.user_vip).action_vip_open_promises()
        self.assertEqual(action["res_model"], "vip.promise")
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        new = self.contact.with_user(self.user_vip).action_vip_new_promise()
        promise = (
            self.env["vip.promise"]
            .with_user(self.user_vip)
            .with_context(**new["context"])
            .create({"description": "Callback", "deadline": TODAY})
        )
        self.assertEqual(promise.partner_id, self.customer)
        self.assertEqual(promise.contact_id, self.contact)

    def test_partner_form_for_non_vip_user(self):
        with Form(self.customer.with_user(self.user_internal)) as form:
            form.name = "Lotus Machinery Ltd"
        self.assertEqual(self.customer.name, "Lotus Machinery Ltd")
        self._submitted()
        form = Form(self.customer.with_user(self.user_vip))
        self.assertEqual(form.vip_promise_open_count, 1)

    def test_list_query_count_constant(self):
        spec = {
            "name": {},
            "partner_id": {"fields": {"display_name": {}}},
            "user_id": {"fields": {"display_name": {}}},
            "deadline": {},
            "value": {},
            "currency_id": {"fields": {}},
            "overdue": {},
            "state": {},
            "activity_ids": {"fields": {}},
        }
        Promise = self.env["vip.promise"].with_user(self.user_manager)

        def count_queries():
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            result = Promise.web_search_read([], spec)
            return self.cr.sql_log_count - before, result["length"]

        for _i in range(3):
            self._submitted()
        count_queries()  # warm the caches
        small, small_length = count_queries()
        for _i in range(12):
            self._submitted(user=self.user_vip_2, partner_id=self.customer_2.id)
        large, large_length = count_queries()
        self.assertEqual(large_length, small_length + 12)
        self.assertGreater(small, 0)
        self.assertEqual(large, small)
