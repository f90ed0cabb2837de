"""Crash-resume through the scheduler path: a run that fails after k committed
batches leaves those batches whole; the next run finishes the rest, and every
record is handled exactly once."""

from collections import Counter
from datetime import date, datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time

from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models import vip_complaint_sla, vip_tier_evaluation
from .common import VipComplaintCommon


class Crash(Exception):
    pass


def crashing(original, from_call, until_call=None):
    """``original`` raising on calls ``from_call`` .. ``until_call`` (1-based)."""
    calls = []

    def wrapper(self, *args, **kwargs):
        calls.append(1)
        if len(calls) >= from_call and (until_call is None or len(calls) <= until_call):
            raise Crash("stopped in the middle of the run")
        return original(self, *args, **kwargs)

    return wrapper


@tagged("post_install", "-at_install", "vip_crash_resume")
class TestCrashResume(VipComplaintCommon):
    def trigger(self, xmlid):
        cron = self.env.ref(xmlid)
        with (
            mute_logger("odoo.addons.base.models.ir_cron"),
            self.enter_registry_test_mode(),
        ):
            cron.method_direct_trigger()
        self.env.invalidate_all()

    # tier evaluation -------------------------------------------------

    def _tier_customers(self, count):
        return self.env["res.partner"].create(
            [
                {
                    "name": f"Resume customer {n:02d}",
                    "is_company": True,
                    "vip_tier_id": self.tier_gold.id,
                    "vip_since": date(2000, 1, 1),
                }
                for n in range(count)
            ]
        )

    def _history_since(self, last_id):
        return self.env["vip.tier.history"].search([("id", ">", last_id)])

    def test_tier_evaluation_resumes_after_a_crash(self):
        customers = self._tier_customers(23)
        last = self._history_since(0)[-1:].id or 0
        Partner = self.registry["res.partner"]
        flaky = crashing(Partner._vip_set_tier, 3)
        with (
            patch.object(vip_tier_evaluation, "VIP_EVALUATION_BATCH", 5),
            patch.object(Partner, "_vip_set_tier", flaky),
        ):
            self.trigger("partner_vip_care.ir_cron_vip_evaluate_tiers")
        history = self._history_since(last)
        self.assertEqual(len(history), 10, "two committed batches of five")
        self.assertEqual(len(history.partner_id), 10, "history rows = tier changes")
        for row in history:
            self.assertEqual(row.partner_id.vip_tier_id, row.new_tier_id)
        untouched = customers - history.partner_id
        self.assertEqual(untouched.vip_tier_id, self.tier_gold)
        with patch.object(vip_tier_evaluation, "VIP_EVALUATION_BATCH", 5):
            self.trigger("partner_vip_care.ir_cron_vip_evaluate_tiers")
        history = self._history_since(last)
        self.assertFalse(customers.filtered(lambda p: p.vip_tier_id == self.tier_gold))
        self.assertEqual(len(history), len(history.partner_id), "one row per change")
        self.assertLessEqual(customers, history.partner_id)
        self.assertEqual(
            Counter(customers.vip_tier_history_ids.partner_id.ids),
            Counter(customers.ids),
        )

    def test_tier_evaluation_crash_once_finishes_in_the_same_job(self):
        customers = self._tier_customers(12)
        Partner = self.registry["res.partner"]
        flaky = crashing(Partner._vip_set_tier, 2, 2)
        with (
            patch.object(vip_tier_evaluation, "VIP_EVALUATION_BATCH", 4),
            patch.object(Partner, "_vip_set_tier", flaky),
        ):
            self.trigger("partner_vip_care.ir_cron_vip_evaluate_tiers")
        history = customers.vip_tier_history_ids
        self.assertEqual(Counter(history.partner_id.ids), Counter(customers.ids))

    # SLA run -----------------------------------------------------------

    def _due_complaints(self, count):
        with freeze_time(datetime.now() - timedelta(days=30)):
            return self.Complaint.create(
                [
                    {"subject": f"Broken {n}", "partner_id": self.customer.id}
                    for n in range(count)
                ]
            )

    def _escalations(self, complaints):
        """Escalation notes per complaint."""
        messages = self.env["mail.message"].search(
            [("model", "=", "vip.complaint"), ("res_id", "in", complaints.ids)]
        )
        return Counter(
            m.res_id
            for m in messages
            if "scalat" in (m.body or "") or "breach" in (m.body or "").lower()
        )

    def test_sla_run_resumes_after_a_crash(self):
        complaints = self._due_complaints(23)
        self.assertTrue(all(complaints.mapped("sla_next_check")))
        cron = self.env.ref("partner_vip_care.ir_cron_vip_check_sla")
        cron.code = "model._cron_check_sla(batch_size=5)"
        Complaint = self.registry["vip.complaint"]
        flaky = crashing(Complaint._vip_check_sla, 3)
        with patch.object(Complaint, "_vip_check_sla", flaky):
            self.trigger("partner_vip_care.ir_cron_vip_check_sla")
        done = complaints.filtered(lambda c: c.escalation_level == 2)
        self.assertEqual(len(done), 10, "two committed batches of five")
        untouched = complaints - done
        self.assertEqual(set(untouched.mapped("escalation_level")), {0})
        self.assertEqual(set(untouched.mapped("resolution_sla_state")), {"running"})
        notes_before = self._escalations(complaints)
        self.assertEqual(set(notes_before), set(done.ids))
        activities_before = Counter(complaints.activity_ids.mapped("res_id"))
        self.trigger("partner_vip_care.ir_cron_vip_check_sla")
        self.assertEqual(set(complaints.mapped("escalation_level")), {2})
        self.assertEqual(set(complaints.mapped("resolution_sla_state")), {"breached"})
        self.assertFalse(any(complaints.mapped("sla_next_check")))
        notes = self._escalations(complaints)
        self.assertEqual(set(notes), set(complaints.ids))
        for complaint in done:
            # the batches committed before the crash were not handled again
            self.assertEqual(notes[complaint.id], notes_before[complaint.id])
            self.assertEqual(
                Counter(complaints.activity_ids.mapped("res_id"))[complaint.id],
                activities_before[complaint.id],
            )
        # every complaint got the same treatment, exactly once
        self.assertEqual(len(set(notes.values())), 1)
        per_complaint = Counter(complaints.activity_ids.mapped("res_id"))
        self.assertEqual(len(set(per_complaint.values())), 1)
        self.trigger("partner_vip_care.ir_cron_vip_check_sla")
        self.assertEqual(self._escalations(complaints), notes)

    def test_sla_batch_size_constant(self):
        self.assertGreater(vip_complaint_sla.CRON_BATCH_SIZE, 0)
