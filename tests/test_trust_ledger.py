"""Trust by construction, the ledger's side doors (issue 21), tried as an RPC client
would: real HTTP JSON-RPC calls to /web/dataset/call_kw and the survey's own
routes, as each role. One test (or a few) per door:

- door 2: the people on a promise are frozen at submission, and whoever is or
  was its promiser, created or submitted it never approves it;
- door 3: a contact that becomes its own company starts with no VIP values;
- door 5: a promise is kept between its submission and today;
- door 6: links need the right to modify the linked document;
- door 9: survey answers outside the question's scale are refused, never counted;
- only the scheduler commits between batches, whatever context a client sends.
"""

from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from odoo.addons.partner_vip_care.models import vip_tier_evaluation

from .common_rpc import VipRpcCase

VIP_FIELDS = (
    "vip_tier_id",
    "vip_tier_locked",
    "vip_lock_reason",
    "vip_revenue",
    "vip_evaluated_on",
    "vip_since",
    "vip_pareto_class",
    "vip_health_score",
    "vip_health_factors",
    "vip_lifecycle_stage",
    "vip_last_invoice_date",
    "vip_first_invoice_date",
    "vip_estimated_potential",
    "vip_last_nps",
)


class TrustRpcCase(VipRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        groups = "base.group_user,base.group_partner_manager,"
        cls.user_vip = new_test_user(
            env, login="trust_vip", groups=groups + "partner_vip_care.group_vip_user"
        )
        cls.user_vip_2 = new_test_user(
            env, login="trust_vip_2", groups=groups + "partner_vip_care.group_vip_user"
        )
        cls.manager = new_test_user(
            env,
            login="trust_manager",
            groups=groups + "partner_vip_care.group_vip_manager",
        )
        cls.manager_2 = new_test_user(
            env,
            login="trust_manager_2",
            groups=groups + "partner_vip_care.group_vip_manager",
        )
        cls.silver = env.ref("partner_vip_care.vip_tier_silver")
        cls.platinum = env.ref("partner_vip_care.vip_tier_platinum")
        cls.customer = env["res.partner"].create(
            {
                "name": "Northwind Traders",
                "is_company": True,
                "email": "buyer@northwind.example.com",
                "user_id": cls.user_vip.id,
                "vip_tier_id": cls.silver.id,
            }
        )

    def _promise(self, user, **vals):
        values = {
            "partner_id": self.customer.id,
            "description": "Free on-site training",
            "value": self.silver.promise_limit + 50000,
            "deadline": fields.Date.to_string(fields.Date.today() + timedelta(10)),
            **vals,
        }
        promise_id = self._call(user, "vip.promise", "create", [values])[0]
        return self.env["vip.promise"].browse(promise_id)


@tagged("post_install", "-at_install", "vip_security")
class TestTrustLedgerPeople(TrustRpcCase):
    """Door 2: the people on a ledger entry."""

    def test_promiser_is_frozen_and_never_approves(self):
        """The issue's attack: a promise in the manager's name, submitted by a
        salesperson; the manager writes the promiser to a colleague, approves and
        writes it back. Each step is refused now."""
        promise = self._promise(self.user_vip, user_id=self.manager.id)
        self._call(self.user_vip, "vip.promise", "action_submit", [promise.id])
        self.assertEqual(promise.state, "to_approve")
        self.assertEqual(promise.submitted_by_id, self.user_vip)
        message = self.assertRefused(
            self.manager,
            "vip.promise",
            "write",
            [promise.id],
            {"user_id": self.manager_2.id},
        )
        self.assertIn("Promised by", message)
        self.assertRefused(
            self.manager,
            "vip.promise",
            "action_approve",
            [promise.id],
            "OK",
            error="AccessError",
        )
        # the wizard is the same door
        wizard = self._call(
            self.manager,
            "vip.promise.wizard",
            "create",
            [{"promise_ids": [Command.set(promise.ids)], "step": "approve"}],
        )
        self.assertRefused(
            self.manager,
            "vip.promise.wizard",
            "action_confirm",
            wizard,
            error="AccessError",
        )
        promise.invalidate_recordset()
        self.assertEqual(
            (promise.state, promise.user_id, promise.approver_id),
            ("to_approve", self.manager, self.env["res.users"]),
        )
        # another manager may
        self._call(self.manager_2, "vip.promise", "action_approve", [promise.id])
        promise.invalidate_recordset()
        self.assertEqual(promise.state, "open")
        self.assertEqual(promise.approver_id, self.manager_2)

    def test_former_promiser_cannot_approve(self):
        """The promiser changed while the promise was a draft: the former one
        stays on the entry and may not approve it."""
        promise = self._promise(self.user_vip, user_id=self.manager.id)
        self._call(
            self.user_vip,
            "vip.promise",
            "write",
            [promise.id],
            {"user_id": self.user_vip.id},
        )
        self._call(self.user_vip, "vip.promise", "action_submit", [promise.id])
        self.assertIn(self.manager, promise.ledger_user_ids)
        self.assertRefused(
            self.manager,
            "vip.promise",
            "action_approve",
            [promise.id],
            error="AccessError",
        )
        self.assertEqual(promise.state, "to_approve")

    def test_submitter_and_creator_cannot_approve(self):
        promise = self._promise(self.user_vip)
        # a manager submits the salesperson's draft: the submitter
        self._call(self.manager, "vip.promise", "action_submit", [promise.id])
        self.assertEqual(promise.submitted_by_id, self.manager)
        self.assertRefused(
            self.manager,
            "vip.promise",
            "action_approve",
            [promise.id],
            error="AccessError",
        )
        # a manager creating a promise in a salesperson's name: the creator
        created = self._promise(self.manager_2, user_id=self.user_vip.id)
        self._call(self.user_vip, "vip.promise", "action_submit", [created.id])
        self.assertRefused(
            self.manager_2,
            "vip.promise",
            "action_approve",
            [created.id],
            error="AccessError",
        )
        # refusing stays open to them: it only sends the promise back to draft
        self._call(
            self.manager_2, "vip.promise", "action_refuse", [created.id], "Too much"
        )
        self.assertEqual(created.state, "draft")
        self.assertFalse(created.submitted_by_id)

    def test_people_on_the_entry_cannot_be_forged(self):
        promise = self._promise(self.user_vip)
        for vals in (
            {"submitted_by_id": self.manager_2.id},
            {"ledger_user_ids": [Command.set([])]},
            {"ledger_user_ids": [Command.unlink(self.user_vip.id)]},
        ):
            self.assertRefused(self.manager, "vip.promise", "write", [promise.id], vals)
        self.assertRefused(
            self.user_vip,
            "vip.promise",
            "create",
            [
                {
                    "partner_id": self.customer.id,
                    "description": "x",
                    "submitted_by_id": self.manager.id,
                }
            ],
        )
        self.assertEqual(promise.ledger_user_ids, self.user_vip)


@tagged("post_install", "-at_install", "vip_security")
class TestTrustLedgerKeptDate(TrustRpcCase):
    """Door 5: kept between submission and today."""

    def _open_promise(self, submitted_days_ago=0, deadline_days=10):
        now = datetime.now() - timedelta(days=submitted_days_ago)
        with freeze_time(now):
            promise = self.env["vip.promise"].create(
                {
                    "partner_id": self.customer.id,
                    "user_id": self.user_vip.id,
                    "description": "Express delivery",
                    "value": 10.0,
                    "deadline": now.date() + timedelta(days=deadline_days),
                }
            )
            promise.with_user(self.user_vip).action_submit()
            if promise.state == "to_approve":
                promise.with_user(self.manager).action_approve()
        self.assertEqual(promise.state, "open")
        return promise

    def test_kept_before_submission_or_in_the_future_is_refused(self):
        promise = self._open_promise(submitted_days_ago=3, deadline_days=5)
        today = fields.Date.today()
        for day in ("2000-01-01", "2036-01-01", today + timedelta(days=1)):
            message = self.assertRefused(
                self.user_vip,
                "vip.promise",
                "action_mark_kept",
                [promise.id],
                done_date=fields.Date.to_string(fields.Date.to_date(day)),
                error="ValidationError",
            )
            self.assertIn("Closed on", message)
        promise.invalidate_recordset()
        self.assertEqual((promise.state, promise.done_date), ("open", False))
        # the wizard goes through the same check
        wizard = self._call(
            self.user_vip,
            "vip.promise.wizard",
            "create",
            [
                {
                    "promise_ids": [Command.set(promise.ids)],
                    "step": "kept",
                    "done_date": "2000-01-01",
                }
            ],
        )
        self.assertRefused(
            self.user_vip,
            "vip.promise.wizard",
            "action_confirm",
            wizard,
            error="ValidationError",
        )
        # the day of submission is fine, and on time
        submitted = today - timedelta(days=3)
        self._call(
            self.user_vip,
            "vip.promise",
            "action_mark_kept",
            [promise.id],
            done_date=fields.Date.to_string(submitted),
        )
        promise.invalidate_recordset()
        self.assertEqual((promise.state, promise.done_date), ("kept", submitted))
        self.assertTrue(promise.kept_on_time)

    def test_kept_today_late_follows(self):
        promise = self._open_promise(submitted_days_ago=4, deadline_days=2)
        self._call(self.user_vip, "vip.promise", "action_mark_kept", [promise.id])
        promise.invalidate_recordset()
        self.assertEqual(promise.done_date, fields.Date.today())
        self.assertTrue(promise.kept_late)
        self.assertFalse(promise.kept_on_time)


@tagged("post_install", "-at_install", "vip_security")
class TestTrustPartnerDetached(TrustRpcCase):
    """Door 3: a contact that becomes its own company has no VIP values."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # sudo: the evaluation and the nightly health job wrote these
        cls.big = cls.env["res.partner"].create(
            {
                "name": "Platinum Holdings",
                "is_company": True,
                "user_id": cls.user_vip.id,
                "vip_tier_id": cls.platinum.id,
                "vip_tier_locked": True,
                "vip_lock_reason": "Strategic account",
                "vip_revenue": 900000.0,
                "vip_evaluated_on": "2026-01-31",
                "vip_since": "2025-01-01",
                "vip_pareto_class": "a",
                "vip_health_score": 95,
                "vip_health_factors": "recency",
                "vip_lifecycle_stage": "active",
                "vip_last_invoice_date": "2026-01-20",
                "vip_first_invoice_date": "2020-01-20",
                "vip_estimated_potential": 1000000.0,
                "vip_last_nps": 10,
                "vip_last_nps_date": "2026-01-05",
            }
        )

    def assertNoVipValues(self, partner):
        partner.invalidate_recordset()
        values = {fname: partner[fname] or False for fname in VIP_FIELDS}
        self.assertEqual(values, dict.fromkeys(VIP_FIELDS, False), partner.name)

    def test_shell_company_does_not_keep_platinum(self):
        """The issue's attack: create, attach to a Platinum customer, detach."""
        shell_id = self._call(
            self.user_vip, "res.partner", "create", [{"name": "Shell Co"}]
        )[0]
        shell = self.env["res.partner"].browse(shell_id)
        self._call(
            self.user_vip,
            "res.partner",
            "write",
            [shell_id],
            {"parent_id": self.big.id},
        )
        self.assertEqual(shell.vip_tier_id, self.platinum)  # a contact shows it
        self._call(
            self.user_vip, "res.partner", "write", [shell_id], {"parent_id": False}
        )
        self.assertEqual(shell.commercial_partner_id, shell)
        self.assertNoVipValues(shell)
        self.assertFalse(shell.vip_tier_history_ids)
        # its promises need approval, as for any customer without a tier
        promise = self._promise(self.user_vip, partner_id=shell_id, value=1.0)
        self._call(self.user_vip, "vip.promise", "action_submit", [promise.id])
        self.assertEqual(promise.state, "to_approve")
        self.assertFalse(promise.tier_id)
        # the Platinum customer is untouched
        self.assertEqual(self.big.vip_tier_id, self.platinum)

    def test_created_with_parent_then_detached(self):
        contact_id = self._call(
            self.user_vip,
            "res.partner",
            "create",
            [{"name": "Li Wei", "parent_id": self.big.id}],
        )[0]
        contact = self.env["res.partner"].browse(contact_id)
        self.assertEqual(contact.vip_tier_id, self.platinum)
        self._call(
            self.user_vip,
            "res.partner",
            "write",
            [contact_id],
            {"parent_id": False, "is_company": True},
        )
        self.assertNoVipValues(contact)

    def test_contact_made_a_company_or_moved(self):
        Partner = self.env["res.partner"]
        made = Partner.create({"name": "Made Company", "parent_id": self.big.id})
        moved = Partner.create({"name": "Moved Contact", "parent_id": self.big.id})
        grandchild = Partner.create({"name": "Assistant", "parent_id": moved.id})
        plain = Partner.create({"name": "Plain Ltd", "is_company": True})
        self.assertEqual(grandchild.vip_tier_id, self.platinum)
        self._call(
            self.user_vip, "res.partner", "write", [made.id], {"is_company": True}
        )
        self.assertNoVipValues(made)
        # moved to a company without a tier: the contact (and its own contacts)
        # show that company's values, i.e. none
        self._call(
            self.user_vip, "res.partner", "write", [moved.id], {"parent_id": plain.id}
        )
        self.assertNoVipValues(moved)
        self.assertNoVipValues(grandchild)
        self._call(
            self.user_vip, "res.partner", "write", [moved.id], {"parent_id": False}
        )
        self.assertNoVipValues(moved)

    def test_contact_created_with_own_values_takes_its_company(self):
        contact_id = self._call(
            self.user_vip,
            "res.partner",
            "create",
            [
                {
                    "name": "Zhang San",
                    "parent_id": self.env["res.partner"]
                    .create({"name": "No Tier Co", "is_company": True})
                    .id,
                    "vip_estimated_potential": 10**7,
                }
            ],
        )[0]
        self.assertNoVipValues(self.env["res.partner"].browse(contact_id))

    def test_copy_of_a_platinum_company_has_no_tier(self):
        copy_id = self._call(self.user_vip, "res.partner", "copy", [self.big.id])[0]
        self.assertNoVipValues(self.env["res.partner"].browse(copy_id))


@tagged("post_install", "-at_install", "vip_security")
class TestTrustLinks(TrustRpcCase):
    """Door 6 and "links need rights"."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.other_customer = env["res.partner"].create(
            {"name": "Contoso Secret", "is_company": True, "user_id": cls.user_vip_2.id}
        )
        cls.meeting = env["vip.meeting"].create(
            {
                "name": "Board dinner with Contoso",
                "start": datetime.now() + timedelta(days=5),
                "stop": datetime.now() + timedelta(days=5, hours=2),
                "user_id": cls.manager.id,
                "attendee_ids": [Command.create({"partner_id": cls.other_customer.id})],
            }
        )
        cls.complaint = env["vip.complaint"].create(
            {
                "subject": "Confidential recall of Contoso",
                "partner_id": cls.other_customer.id,
                "user_id": cls.user_vip_2.id,
            }
        )

    def assertNotRevealed(self, message, *records):
        for record in records:
            self.assertIn(f"id {record.id}", message)
            self.assertNotIn(record.display_name, message)

    def test_attendee_cannot_open_a_meeting(self):
        """The issue's attack: an attendee of her own customer on a colleague's
        meeting she cannot read would make it hers."""
        self.assertFalse(self.meeting.with_user(self.user_vip).has_access("read"))
        message = self.assertRefused(
            self.user_vip,
            "vip.meeting.attendee",
            "create",
            [{"meeting_id": self.meeting.id, "partner_id": self.customer.id}],
            error="AccessError",
        )
        self.assertNotRevealed(message, self.meeting)
        # nor through a default the client puts in the context
        message = self.assertRefused(
            self.user_vip,
            "vip.meeting.attendee",
            "create",
            [{"partner_id": self.customer.id}],
            context={"default_meeting_id": self.meeting.id},
            error="AccessError",
        )
        self.assertNotRevealed(message, self.meeting)
        self.assertEqual(self.meeting.attendee_ids.partner_id, self.other_customer)
        self.assertFalse(self.meeting.with_user(self.user_vip).has_access("read"))
        # moving one of her attendees there is the same door
        own = self.env["vip.meeting"].create(
            {
                "name": "Own meeting",
                "start": datetime.now() + timedelta(days=6),
                "stop": datetime.now() + timedelta(days=6, hours=1),
                "user_id": self.user_vip.id,
                "attendee_ids": [Command.create({"partner_id": self.customer.id})],
            }
        )
        self.assertRefused(
            self.user_vip,
            "vip.meeting.attendee",
            "write",
            own.attendee_ids.ids,
            {"meeting_id": self.meeting.id},
            error="AccessError",
        )
        # the organizer adds attendees as before
        self._call(
            self.manager,
            "vip.meeting.attendee",
            "create",
            [{"meeting_id": self.meeting.id, "partner_id": self.customer.id}],
        )
        self.assertIn(self.customer, self.meeting.attendee_ids.partner_id)

    def test_links_to_unreadable_documents_are_refused(self):
        promise = self._promise(self.user_vip)
        suggestion_id = self._call(
            self.user_vip,
            "vip.suggestion",
            "create",
            [{"name": "Bilingual invoices", "partner_id": self.customer.id}],
        )[0]
        own_complaint = self._call(
            self.user_vip,
            "vip.complaint",
            "create",
            [{"subject": "Late", "partner_id": self.customer.id}],
        )[0]
        for model, record_id, vals, target in (
            ("vip.promise", promise.id, {"complaint_id": self.complaint.id}, "c"),
            ("vip.suggestion", suggestion_id, {"meeting_id": self.meeting.id}, "m"),
            ("vip.suggestion", suggestion_id, {"complaint_id": self.complaint.id}, "c"),
            ("vip.complaint", own_complaint, {"meeting_id": self.meeting.id}, "m"),
        ):
            target = self.complaint if target == "c" else self.meeting
            with self.subTest(model=model, vals=vals):
                message = self.assertRefused(
                    self.user_vip,
                    model,
                    "write",
                    [record_id],
                    vals,
                    error="AccessError",
                )
                self.assertNotRevealed(message, target)
        message = self.assertRefused(
            self.user_vip,
            "vip.promise",
            "create",
            [
                {
                    "partner_id": self.customer.id,
                    "description": "x",
                    "complaint_id": self.complaint.id,
                }
            ],
            error="AccessError",
        )
        self.assertNotRevealed(message, self.complaint)
        # an id that does not exist reads the same
        message = self.assertRefused(
            self.user_vip,
            "vip.promise",
            "write",
            [promise.id],
            {"complaint_id": 987654321},
            error="AccessError",
        )
        self.assertIn("id 987654321", message)
        self.assertFalse(promise.complaint_id)

    def test_own_links_and_server_code_pass(self):
        complaint_id = self._call(
            self.user_vip,
            "vip.complaint",
            "create",
            [{"subject": "Late", "partner_id": self.customer.id}],
        )[0]
        promise = self._promise(self.user_vip, complaint_id=complaint_id)
        self.assertEqual(promise.complaint_id.id, complaint_id)
        # a manager may link to anything
        self._call(
            self.manager,
            "vip.promise",
            "write",
            [promise.id],
            {"complaint_id": self.complaint.id},
        )
        self.assertEqual(promise.complaint_id, self.complaint)
        # server code (superuser mode) is not the caller
        link = (
            self.env["vip.meeting.attendee"]
            .sudo()
            .create({"meeting_id": self.meeting.id, "partner_id": self.customer.id})
        )
        self.assertTrue(link)

    def test_model_level_refusal_names_no_target(self):
        with self.assertRaises(AccessError) as caught:
            self.env["vip.suggestion"].with_user(self.user_vip).create(
                {
                    "name": "x",
                    "partner_id": self.customer.id,
                    "meeting_id": self.meeting.id,
                }
            )
        self.assertIn(f"id {self.meeting.id}", str(caught.exception))
        self.assertNotIn(self.meeting.name, str(caught.exception))


@tagged("post_install", "-at_install", "vip_security")
class TestTrustCronCommits(TrustRpcCase):
    """Only the scheduler commits between batches and writes its progress."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.write({"vip_downgrade_grace_days": 0})
        # three customers whose tier goes (no revenue): three batches of one
        cls.falling = cls.env["res.partner"].create(
            [
                {"name": f"Falling {i}", "is_company": True, "vip_tier_id": tier.id}
                for i, tier in enumerate(cls.platinum | cls.platinum | cls.silver)
            ]
        )
        cls.cron = cls.env.ref("partner_vip_care.ir_cron_vip_evaluate_tiers")

    def _forged_cron_context(self, progress, end_time):
        return {
            "ir_cron_progress_id": progress.id,
            "cron_id": self.cron.id,
            "cron_end_time": end_time,
            "lastcall": "2020-01-01 00:00:00",
        }

    def test_buttons_never_commit_nor_write_progress(self):
        # sudo: a progress row as the scheduler leaves it, which a client names
        progress = (
            self.env["ir.cron.progress"]
            .sudo()
            .create({"cron_id": self.cron.id, "done": 0, "remaining": 0})
        )
        count = self.env["ir.cron.progress"].sudo().search_count([])
        IrCron = self.registry["ir.cron"]
        committed = []

        def spy(cron_self, processed=0, **kwargs):
            committed.append(processed)
            raise AssertionError("a request must not commit its batches")

        calls = (
            ("vip.tier", "action_evaluate_tiers", [self.silver.id]),
            ("res.partner", "action_vip_evaluate", self.falling[:1].ids),
            ("res.partner", "action_vip_compute_health", self.falling.ids),
        )
        # an end time in the past would stop a scheduler's run after one batch
        for end_time in (1.0, 10**12):
            for model, method, args in calls:
                with (
                    self.subTest(method=method, end_time=end_time),
                    patch.object(vip_tier_evaluation, "VIP_EVALUATION_BATCH", 1),
                    patch.object(IrCron, "_commit_progress", spy),
                ):
                    self._call(
                        self.manager,
                        model,
                        method,
                        args,
                        context=self._forged_cron_context(progress, end_time),
                    )
        self.assertEqual(committed, [])
        progress.invalidate_recordset()
        self.assertEqual((progress.done, progress.remaining), (0, 0))
        self.assertEqual(self.env["ir.cron.progress"].sudo().search_count([]), count)
        # the whole run was done in the request, not cut at the forged deadline
        self.falling.invalidate_recordset()
        self.assertFalse(self.falling.vip_tier_id & (self.platinum | self.silver))

    def test_the_scheduler_still_commits_its_batches(self):
        IrCron = self.registry["ir.cron"]
        commit_progress = IrCron._commit_progress
        progress = []

        def spy(cron_self, processed=0, **kwargs):
            progress.append(processed)
            return commit_progress(cron_self, processed, **kwargs)

        with (
            patch.object(vip_tier_evaluation, "VIP_EVALUATION_BATCH", 1),
            patch.object(IrCron, "_commit_progress", spy),
        ):
            # an HttpCase runs the registry in test mode: the scheduler's path
            self.cron.method_direct_trigger()
        # one committed batch per customer that changed tier
        self.assertGreaterEqual(len(progress), 3)
        self.assertEqual(set(progress), {1})
        self.falling.invalidate_recordset()
        self.assertFalse(self.falling.vip_tier_id & (self.platinum | self.silver))


@tagged("post_install", "-at_install", "vip_survey", "vip_security")
class TestTrustSurveyScale(TrustRpcCase):
    """Door 9: answers outside the question's scale."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.survey = env.ref("partner_vip_care.vip_survey_satisfaction")
        cls.q_recommend = env.ref("partner_vip_care.vip_survey_question_recommend")
        cls.q_satisfaction = env.ref(
            "partner_vip_care.vip_survey_question_satisfaction"
        )
        cls.q_restaurant = env.ref("partner_vip_care.vip_survey_question_restaurant")
        cls.customers = env["res.partner"].create(
            [
                {
                    "name": f"Surveyed {i}",
                    "is_company": True,
                    "email": f"surveyed{i}@example.com",
                    "user_id": cls.user_vip.id,
                    "vip_tier_id": cls.platinum.id,
                    "vip_pareto_class": "a",
                }
                for i in range(5)
            ]
        )
        cls.campaign = (
            env["vip.survey.campaign"]
            .with_user(cls.manager)
            .create(
                {
                    "name": "Trust survey",
                    "tier_ids": [Command.set(cls.platinum.ids)],
                    "pareto_classes": "a",
                    "census_class": "a",
                }
            )
        )
        cls.campaign.participant_ids = [
            Command.create({"partner_id": p.id}) for p in cls.customers
        ]
        cls.campaign.action_launch()

    def _submit(self, participant, score, satisfaction):
        token = participant.user_input_id.access_token
        survey_token = self.survey.access_token
        self.url_open(f"/survey/start/{survey_token}?answer_token={token}")
        base = self.survey.get_base_url()
        self.url_open(
            f"{base}/survey/begin/{survey_token}/{token}",
            json={"params": {"lang_code": "en_US"}},
        )
        post = {
            str(self.q_recommend.id): str(score),
            str(self.q_satisfaction.id): str(satisfaction),
            str(self.q_restaurant.id): "The soup",
            "token": token,
        }
        response = self.url_open(
            f"{base}/survey/submit/{survey_token}/{token}", json={"params": post}
        )
        self.assertEqual(response.status_code, 200)
        participant.invalidate_recordset()
        return response.json()["result"][1]

    def test_out_of_scale_answers_are_refused_by_the_survey(self):
        participants = self.campaign.participant_ids.sorted("id")
        refused, (second, third) = participants[:3], participants[3:]
        for participant, score, satisfaction in zip(
            refused, ("-1000", "9", "²"), ("4", "99", "4"), strict=True
        ):
            with self.subTest(score=score, satisfaction=satisfaction):
                result = self._submit(participant, score, satisfaction)
                self.assertEqual(result.get("error"), "validation")
                bad = self.q_recommend if score != "9" else self.q_satisfaction
                self.assertIn(str(bad.id), result["fields"])
                self.assertIn("whole number", result["fields"][str(bad.id)])
                self.assertEqual(participant.state, "invited")
        self.assertFalse(
            refused.user_input_id.user_input_line_ids.filtered(
                lambda line: (
                    line.answer_type == "scale" and not 0 <= line.value_scale <= 10
                )
            )
        )
        self.assertFalse(refused.partner_id.filtered("vip_last_nps_date"))
        # in scale: counted
        self.assertNotIn("error", self._submit(second, "10", "5"))
        self.assertNotIn("error", self._submit(third, "0", "1"))
        self.assertEqual((second.state, second.nps_score), ("answered", 10))
        self.campaign.invalidate_recordset()
        self.assertEqual((self.campaign.nps, self.campaign.csat), (0.0, 50.0))

    def test_out_of_scale_lines_refused_at_model_level(self):
        answer = self.campaign.participant_ids[:1].user_input_id
        Line = self.env["survey.user_input.line"]
        for question, value in ((self.q_recommend, -1000), (self.q_satisfaction, 99)):
            with self.subTest(value=value), self.assertRaises(ValidationError):
                Line.create(
                    {
                        "user_input_id": answer.id,
                        "question_id": question.id,
                        "answer_type": "scale",
                        "value_scale": value,
                    }
                )

    def test_stored_out_of_scale_values_are_not_counted(self):
        """Values stored before the survey refused them count for nothing."""
        legacy, good = self.campaign.participant_ids.sorted("id")[:2]
        self.assertNotIn("error", self._submit(good, "10", "5"))
        # sudo: as an older version recorded them
        legacy.sudo().write(
            {
                "state": "answered",
                "answered_on": fields.Datetime.now(),
                "nps_score": -1000,
                "csat_score": 99,
                "csat_satisfied": True,
            }
        )
        self.assertFalse(legacy.category)
        self.assertEqual((legacy.nps_points, legacy.csat_points), (0.0, 0.0))
        self.campaign.invalidate_recordset()
        self.assertEqual((self.campaign.nps, self.campaign.csat), (100.0, 100.0))
        self.assertEqual(self.campaign.detractor_count, 0)
        # never the customer's last NPS
        customer = legacy.partner_id
        customer.sudo().write({"vip_last_nps": 7, "vip_last_nps_date": "2020-01-01"})
        legacy._vip_update_partner_nps()
        self.assertEqual(customer.vip_last_nps, 7)
        # nor, stored before, its category or its health
        customer.sudo().write({"vip_last_nps": -1000})
        self.assertFalse(customer.vip_last_nps_category)
        [row] = customer._vip_health_rows(self.env.company, {}, customer.ids)
        self.assertIsNone(row["nps"])
