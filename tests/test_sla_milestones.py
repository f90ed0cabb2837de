"""The SLA history: one append-only row per clock and cycle, written by the SLA
clock; the complaint's SLA states, the reports and the health score follow it."""

from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from ..tools.vip_review_workbook import VipReviewWorkbook
from .common import VipComplaintCommon

MONDAY_9 = datetime(2026, 3, 9, 9, 0)


@tagged("post_install", "-at_install", "vip_complaint", "vip_sla")
class TestSlaMilestones(VipComplaintCommon):
    def _rows(self, complaint, clock):
        return complaint.sla_milestone_ids.filtered(lambda m: m.clock == clock)

    def _breached_at_level_2(self):
        """A Gold complaint (4 h to respond, 16 h to resolve) left alone until
        both clocks are breached and escalated to the managers."""
        with freeze_time(MONDAY_9):
            complaint = self._complaint()
            complaint.action_start()
        with freeze_time(datetime(2026, 3, 20, 9, 0)):
            self.Complaint._cron_check_sla()
        self.assertEqual(complaint.escalation_level, 2)
        self.assertEqual(complaint.resolution_sla_state, "breached")
        return complaint

    def test_intake_opens_cycle_one_of_both_clocks(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint()
        response, resolution = (
            self._rows(complaint, "response"),
            self._rows(complaint, "resolution"),
        )
        self.assertEqual((response.cycle, resolution.cycle), (1, 1))
        self.assertEqual(response.start, MONDAY_9)
        self.assertEqual(response.deadline, complaint.response_deadline)
        self.assertEqual(resolution.deadline, complaint.resolution_deadline)
        self.assertEqual({response.state, resolution.state}, {"running"})
        self.assertEqual(complaint.response_sla_state, "running")
        # triage re-plans the running cycle rather than adding one
        complaint.partner_id = self.customer_plain
        self.assertEqual(len(complaint.sla_milestone_ids), 2)
        self.assertEqual(
            self._rows(complaint, "response").deadline, complaint.response_deadline
        )

    def test_breach_stays_when_answered_late(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint()
        deadline = complaint.response_deadline
        with freeze_time(deadline + timedelta(minutes=1)):
            self.Complaint._cron_check_sla()
        response = self._rows(complaint, "response")
        self.assertEqual(response.state, "breached")
        self.assertEqual(response.breached_on, deadline)
        self.assertTrue(response.warned_on)
        with freeze_time(deadline + timedelta(hours=1)):
            complaint.action_acknowledge()
        self.assertEqual(response.state, "met_late")
        self.assertEqual(response.breached_on, deadline)
        self.assertEqual(response.completed_on, deadline + timedelta(hours=1))
        self.assertEqual(complaint.response_sla_state, "met_late")

    def test_late_answer_unseen_by_the_cron_is_a_breach_too(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint()
        with freeze_time(MONDAY_9 + timedelta(days=3)):
            complaint.action_acknowledge()
        response = self._rows(complaint, "response")
        self.assertEqual(response.state, "met_late")
        self.assertEqual(response.breached_on, complaint.response_deadline)

    def test_reopen_starts_a_new_cycle_and_keeps_the_breach(self):
        complaint = self._breached_at_level_2()
        with freeze_time(datetime(2026, 3, 20, 10, 0)):
            complaint.action_resolve()
            self.assertEqual(complaint.resolution_sla_state, "met_late")
            complaint.action_reopen()
            self.assertEqual(complaint.resolution_sla_state, "met_late")
            complaint.action_resolve()  # within the new window
            complaint.action_close()
        cycles = self._rows(complaint, "resolution")
        self.assertEqual(cycles.mapped("cycle"), [1, 2])
        self.assertEqual(cycles.mapped("state"), ["met_late", "met"])
        self.assertTrue(cycles[0].breached_on)
        self.assertFalse(cycles[1].breached_on)
        self.assertEqual(complaint.resolution_sla_state, "met_late")
        self.assertEqual(complaint.response_sla_state, "met_late")

    def test_cancel_stops_running_clocks_a_breach_stays(self):
        with freeze_time(MONDAY_9):
            complaint = self._complaint()
        with freeze_time(complaint.response_deadline + timedelta(minutes=1)):
            self.Complaint._cron_check_sla()
            complaint.action_cancel(reason="Duplicate")
        self.assertEqual(self._rows(complaint, "response").state, "breached")
        self.assertEqual(self._rows(complaint, "resolution").state, "cancelled")
        self.assertEqual(complaint.response_sla_state, "breached")

    def test_history_is_append_only(self):
        complaint = self._breached_at_level_2()
        row = self._rows(complaint, "response")
        for user in (self.user_vip, self.user_manager, self.user_admin):
            as_user = row.with_user(user)
            self.assertEqual(as_user.state, "breached")  # readable
            with self.assertRaises(AccessError):
                as_user.write({"state": "met"})
            with self.assertRaises(AccessError):
                as_user.unlink()
            with self.assertRaises(AccessError):
                as_user.create(
                    {
                        "complaint_id": complaint.id,
                        "clock": "response",
                        "start": "2026-01-01",
                    }
                )
        # even server code in superuser mode cannot clear a breach or rewrite a fact
        for vals in (
            {"breached_on": False},
            {"state": "met"},
            {"state": "running"},
            {"start": "2026-01-01 00:00:00"},
            {"cycle": 5},
            {"deadline": "2026-12-31 00:00:00"},
        ):
            with self.assertRaises(UserError):
                row.sudo().write(vals)
        self.assertEqual(row.state, "breached")
        self.assertTrue(row.breached_on)

    def test_correction_appends_a_row_with_its_reason(self):
        complaint = self._breached_at_level_2()
        original = self._rows(complaint, "resolution")
        with self.assertRaises(AccessError):
            complaint.with_user(self.user_manager).action_correct_sla(
                "resolution_sla_state", "met", "Customer agreed"
            )
        with self.assertRaises(UserError):
            complaint.with_user(self.user_admin).action_correct_sla(
                "resolution_sla_state", "running", "Not a result"
            )
        complaint.with_user(self.user_admin).action_correct_sla(
            "resolution_sla_state", "met", "Customer agreed to the delay"
        )
        self.assertEqual(complaint.resolution_sla_state, "met")
        correction = original.correction_ids
        self.assertEqual(len(correction), 1)
        self.assertEqual(correction.state, "met")
        self.assertEqual(correction.corrected_by_id, self.user_admin)
        self.assertEqual(correction.reason, "Customer agreed to the delay")
        # the corrected row stays, with its breach
        self.assertEqual(original.state, "breached")
        self.assertTrue(original.breached_on)
        # the corrected clock does not count as breached any more
        report = self.env["vip.complaint.report"].search(
            [("complaint_id", "=", complaint.id)]
        )
        self.assertEqual(report.resolution_compliance, 100.0)
        self.assertEqual(report.response_compliance, 0.0)
        self.assertEqual(report.breached_count, 1)  # the response still is

    def test_reports_count_the_history(self):
        with freeze_time(MONDAY_9):
            on_time = self._complaint()
            on_time.action_acknowledge()
            on_time.action_resolve()
        laundered = self._breached_at_level_2()
        with freeze_time(datetime(2026, 3, 20, 10, 0)):
            laundered.action_resolve()
            laundered.action_reopen()
            laundered.action_resolve()
        reports = self.env["vip.complaint.report"].search(
            [("complaint_id", "in", (on_time | laundered).ids)]
        )

        by_complaint = {r.complaint_id: r for r in reports}
        self.assertEqual(by_complaint[on_time].resolution_compliance, 100.0)
        self.assertEqual(by_complaint[on_time].breached_count, 0)
        self.assertEqual(by_complaint[laundered].resolution_compliance, 0.0)
        self.assertEqual(by_complaint[laundered].breached_count, 1)
        review = self.env["vip.review.report"].search(
            [("kind", "=", "complaint"), ("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(sorted(review.mapped("resolution_compliance")), [0.0, 100.0])
        builder = VipReviewWorkbook(self.env, "2026-03-01", "2026-03-31", self.company)
        total = builder.summary()[-1]
        self.assertEqual(total["resolution_decided"], 2)
        self.assertEqual(total["resolution_met"], 1)

    def test_migration_builds_the_history_of_earlier_complaints(self):
        with freeze_time(MONDAY_9):
            running = self._complaint()
            met = self._complaint()
            met.action_acknowledge()
            met.action_resolve()
            cancelled = self._complaint()
        with freeze_time(running.response_deadline - timedelta(minutes=30)):
            self.Complaint._cron_check_sla()  # at risk
            cancelled.action_cancel(reason="Duplicate")
        laundered = self._breached_at_level_2()
        with freeze_time(datetime(2026, 3, 20, 10, 0)):
            laundered.action_resolve()
        complaints = running | met | cancelled | laundered
        fnames = ["response_sla_state", "resolution_sla_state", "sla_next_check"]
        before = complaints.read(fnames)
        self.assertEqual(cancelled.response_sla_state, "at_risk")
        # as before the SLA history existed: no rows
        self.env.flush_all()
        self.env.cr.execute(
            "DELETE FROM vip_sla_milestone WHERE complaint_id = ANY(%s)",
            [complaints.ids],
        )
        self.env.invalidate_all()
        built = self.env["vip.sla.milestone"]._vip_build_from_complaints(complaints.ids)
        self.assertEqual(built, complaints.sorted("id"))
        self.assertEqual(complaints.read(fnames), before)
        rows = self._rows(laundered, "resolution")
        self.assertEqual((rows.cycle, rows.state), (1, "met_late"))
        self.assertEqual(rows.breached_on, laundered.resolution_deadline)
        self.assertEqual(self._rows(cancelled, "response").state, "cancelled")
        self.assertEqual(self._rows(met, "response").completed_on, met.responded_on)
        # idempotent: a second run adds nothing
        self.assertFalse(self.env["vip.sla.milestone"]._vip_build_from_complaints())
        self.assertEqual(len(complaints.sla_milestone_ids), 8)
