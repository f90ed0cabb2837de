from datetime import datetime

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, HttpCase, tagged

from .common import VipMeetingCommon


@tagged("post_install", "-at_install", "vip_meeting")
class TestMeetingCalendar(VipMeetingCommon):
    def test_plan_creates_event_with_customers_and_users(self):
        self.meeting.action_plan()
        event = self.meeting.calendar_event_id
        self.assertEqual(self.meeting.state, "planned")
        self.assertTrue(event)
        self.assertEqual(
            event.partner_ids,
            self.user_manager.partner_id
            | self.user_vip.partner_id
            | self.customer_a
            | self.contact_b,
        )
        self.assertEqual(
            (event.start, event.stop), (self.meeting.start, self.meeting.stop)
        )
        self.assertEqual(event.location, "Head office")
        self.assertEqual(event.user_id, self.user_manager)
        # Odoo's own invitation e-mails go to the customers' contacts.
        mails = self.env["mail.mail"].search(
            [("model", "=", "calendar.event"), ("res_id", "=", event.id)]
        )
        self.assertIn(self.customer_a, mails.recipient_ids)
        self.assertIn(self.contact_b, mails.recipient_ids)
        # No "Meeting" activity is stacked on the meeting by the calendar.
        self.assertFalse(self.meeting.activity_ids)

    def test_form_attendees_editable_inline(self):
        form = Form(self.env["vip.meeting"].with_user(self.user_vip))
        form.name = "Co-design workshop"
        form.meeting_type = "co_design"
        form.start = datetime(2030, 5, 1, 9, 0)
        self.assertEqual(form.stop, datetime(2030, 5, 1, 11, 0))
        with form.attendee_ids.new() as line:
            line.partner_id = self.customer_a
        meeting = form.save()
        self.assertEqual(meeting.attendee_ids.partner_id, self.customer_a)
        self.assertEqual(meeting.attendee_ids.state, "invited")
        self.assertEqual(meeting.user_id, self.user_vip)

    def test_changes_after_planning_update_the_event(self):
        self.meeting.action_plan()
        event = self.meeting.calendar_event_id
        self.meeting.write(
            {
                "start": datetime(2030, 3, 12, 14, 0),
                "stop": datetime(2030, 3, 12, 16, 0),
                "location": "Customer site",
            }
        )
        self.assertEqual(event.start, datetime(2030, 3, 12, 14, 0))
        self.assertEqual(event.stop, datetime(2030, 3, 12, 16, 0))
        self.assertEqual(event.location, "Customer site")
        self.meeting.attendee_ids = [
            Command.create({"partner_id": self.customer_b.id}),
            Command.unlink(self.attendee(self.meeting, self.customer_a).id),
        ]
        self.assertIn(self.customer_b, event.partner_ids)
        self.assertNotIn(self.customer_a, event.partner_ids)
        self.assertEqual(
            self.meeting.calendar_event_id, event, "updated, not recreated"
        )

    def test_rsvp_on_the_calendar_flows_back(self):
        self.meeting.action_plan()
        self.invitation(self.meeting, self.customer_a).do_accept()
        self.invitation(self.meeting, self.contact_b).do_decline()
        self.assertEqual(self.attendee(self.meeting, self.customer_a).state, "accepted")
        self.assertEqual(self.attendee(self.meeting, self.contact_b).state, "declined")
        self.assertEqual(self.meeting.accepted_count, 1)
        # Answer changed later: "maybe" is back to invited.
        self.invitation(self.meeting, self.customer_a).do_tentative()
        self.assertEqual(self.attendee(self.meeting, self.customer_a).state, "invited")

    def test_answer_recorded_on_meeting_reaches_calendar(self):
        self.meeting.action_plan()
        self.attendee(self.meeting, self.contact_b).state = "accepted"
        self.assertEqual(
            self.invitation(self.meeting, self.contact_b).state, "accepted"
        )

    def test_event_moved_in_calendar_moves_meeting(self):
        self.meeting.action_plan()
        self.meeting.calendar_event_id.write(
            {"start": datetime(2030, 3, 11, 9, 0), "stop": datetime(2030, 3, 11, 10, 0)}
        )
        self.assertEqual(self.meeting.start, datetime(2030, 3, 11, 9, 0))
        self.assertEqual(self.meeting.stop, datetime(2030, 3, 11, 10, 0))

    def test_cancel_archives_event(self):
        self.meeting.action_plan()
        event = self.meeting.calendar_event_id
        self.meeting.action_cancel()
        self.assertEqual(self.meeting.state, "cancelled")
        self.assertFalse(event.active)
        cancel_mail = self.env["mail.mail"].search(
            [("model", "=", "calendar.event"), ("res_id", "=", event.id)],
            order="id desc",
            limit=1,
        )
        self.assertIn("Deleted event", cancel_mail.subject)
        self.assertIn(self.customer_a, cancel_mail.recipient_ids)
        with self.assertRaises(UserError):
            self.meeting.action_hold()

    def test_stop_before_start_refused(self):
        with self.assertRaises(ValidationError):
            self.env["vip.meeting"].create(
                {
                    "name": "Backwards",
                    "start": datetime(2030, 1, 1, 10, 0),
                    "stop": datetime(2030, 1, 1, 9, 0),
                }
            )

    def test_archived_partner_cannot_be_invited(self):
        gone = self.env["res.partner"].create(
            {"name": "Gone Ltd", "email": "gone@example.com", "active": False}
        )
        with self.assertRaises(ValidationError):
            self.meeting.attendee_ids = [Command.create({"partner_id": gone.id})]


@tagged("post_install", "-at_install", "vip_meeting")
class TestMeetingAttendance(VipMeetingCommon):
    def test_attendance_marked_after_meeting(self):
        self.meeting.action_plan()
        self.invitation(self.meeting, self.customer_a).do_accept()
        with self.assertRaises(UserError):
            self.attendee(self.meeting, self.contact_b).action_mark_attended()
        self.meeting.action_hold()
        # Accepted invitations count as attended until told otherwise.
        self.assertEqual(self.attendee(self.meeting, self.customer_a).state, "attended")
        self.attendee(self.meeting, self.customer_a).action_mark_absent()
        self.attendee(self.meeting, self.contact_b).action_mark_attended()
        self.assertEqual(self.attendee(self.meeting, self.customer_a).state, "absent")
        self.assertEqual(self.meeting.attended_count, 1)
        self.meeting.minutes = "<p>Delivery windows discussed.</p>"
        self.meeting.action_close()
        self.assertEqual(self.meeting.state, "closed")
        self.assertEqual(
            self.customer_b.with_user(self.user_vip_2).vip_meeting_count, 1
        )
        self.assertEqual(self.contact_b.vip_meeting_count, 1)
        self.assertEqual(self.customer_a.vip_meeting_count, 0)

    def test_close_marks_unanswered_absent(self):
        self.meeting.action_plan()
        self.meeting.action_hold()
        self.meeting.action_close()
        self.assertEqual(set(self.meeting.attendee_ids.mapped("state")), {"absent"})
        with self.assertRaises(UserError):
            self.meeting.attendee_ids = [
                Command.create({"partner_id": self.customer_b.id})
            ]

    def test_close_requires_held(self):
        with self.assertRaises(UserError):
            self.meeting.action_close()


@tagged("post_install", "-at_install", "vip_meeting")
class TestMeetingRecurrence(VipMeetingCommon):
    def _run(self, meeting):
        meeting.action_plan()
        meeting.action_hold()
        meeting.action_close()

    def test_closing_monthly_meeting_plans_exactly_one_next(self):
        self.meeting.recurrence = "monthly"
        self._run(self.meeting)
        following = self.env["vip.meeting"].search(
            [("previous_meeting_id", "=", self.meeting.id)]
        )
        self.assertEqual(len(following), 1)
        self.assertEqual(self.meeting.next_meeting_id, following)
        self.assertEqual(following.start, datetime(2030, 4, 10, 9, 0))
        self.assertEqual(following.stop, datetime(2030, 4, 10, 11, 0))
        self.assertEqual(following.state, "planned")
        self.assertTrue(following.calendar_event_id)
        self.assertEqual(
            following.attendee_ids.partner_id, self.customer_a | self.contact_b
        )
        self.assertEqual(set(following.attendee_ids.mapped("state")), {"invited"})
        self.assertEqual(following.internal_user_ids, self.user_vip)
        self.assertEqual(following.recurrence, "monthly")
        # Closing is not repeatable, and planning again never duplicates the next one.
        with self.assertRaises(UserError):
            self.meeting.action_close()
        self.meeting._plan_next_meetings()
        self.assertEqual(
            self.env["vip.meeting"].search_count(
                [("previous_meeting_id", "=", self.meeting.id)]
            ),
            1,
        )

    def test_quarterly_series_chains(self):
        self.meeting.recurrence = "quarterly"
        self._run(self.meeting)
        second = self.meeting.next_meeting_id
        self.assertEqual(second.start, datetime(2030, 6, 10, 9, 0))
        self._run(second)
        third = second.next_meeting_id
        self.assertEqual(third.start, datetime(2030, 9, 10, 9, 0))
        self.assertEqual(third.previous_meeting_id, second)
        self.assertEqual(
            self.env["vip.meeting"].search_count(
                [("previous_meeting_id", "in", (self.meeting | second).ids)]
            ),
            2,
        )

    def test_one_off_meeting_has_no_next(self):
        self._run(self.meeting)
        self.assertFalse(self.meeting.next_meeting_id)


@tagged("post_install", "-at_install", "vip_meeting")
class TestMeetingInviteByTier(VipMeetingCommon):
    def test_invite_tiers(self):
        Partner = self.env["res.partner"]
        gold_new = Partner.create(
            {
                "name": "Gamma Tools",
                "is_company": True,
                "email": "info@gamma.example.com",
                "vip_tier_id": self.tier_gold.id,
            }
        )
        platinum_contact_only = Partner.create(
            {
                "name": "Delta Paper",
                "is_company": True,
                "vip_tier_id": self.tier_platinum.id,
            }
        )
        delta_person = Partner.create(
            {
                "name": "Dora Delta",
                "parent_id": platinum_contact_only.id,
                "email": "dora@delta.example.com",
            }
        )
        gold_no_email = Partner.create(
            {
                "name": "Epsilon Farms",
                "is_company": True,
                "vip_tier_id": self.tier_gold.id,
            }
        )
        silver = Partner.create(
            {
                "name": "Zeta Shop",
                "is_company": True,
                "email": "zeta@example.com",
                "vip_tier_id": self.tier_silver.id,
            }
        )
        wizard = self.env["vip.meeting.invite.wizard"].create(
            {"meeting_id": self.meeting.id, "min_tier_id": self.tier_gold.id}
        )
        self.assertEqual(wizard.tier_ids, self.tier_gold | self.tier_platinum)
        result = wizard.action_invite()
        invited = self.meeting.attendee_ids.partner_id
        self.assertIn(gold_new, invited)
        self.assertIn(delta_person, invited)
        self.assertNotIn(silver, invited)
        self.assertNotIn(gold_no_email, invited)
        # Alpha and Beta (through Bella) were already invited: not twice.
        self.assertEqual(len(self.meeting.attendee_ids.commercial_partner_id), 4)
        self.assertEqual(len(self.meeting.attendee_ids), 4)
        # The customer without e-mail is listed, not silently dropped.
        params = result["params"]
        self.assertEqual(params["missing_email_partner_ids"], gold_no_email.ids)
        self.assertIn("Epsilon Farms", params["message"])
        self.assertIn("Epsilon Farms", self.meeting.message_ids[:1].body)
        # Running it again adds nobody.
        self.meeting.action_invite_tiers(self.tier_gold | self.tier_platinum)
        self.assertEqual(len(self.meeting.attendee_ids), 4)

    def test_invite_tiers_after_planning_reaches_calendar(self):
        self.meeting.action_plan()
        gold_new = self.env["res.partner"].create(
            {
                "name": "Gamma Tools",
                "is_company": True,
                "email": "info@gamma.example.com",
                "vip_tier_id": self.tier_gold.id,
            }
        )
        self.meeting.action_invite_tiers(self.tier_gold.ids)
        self.assertIn(gold_new, self.meeting.calendar_event_id.partner_ids)

    def test_invite_tiers_closed_meeting_refused(self):
        self.meeting.action_plan()
        self.meeting.action_hold()
        with self.assertRaises(UserError):
            self.meeting.action_invite_tiers(self.tier_gold)


@tagged("post_install", "-at_install", "vip_meeting", "vip_security")
class TestMeetingSecurity(VipMeetingCommon):
    def test_user_sees_meetings_of_own_customers(self):
        other = self.env["vip.meeting"].create(
            {
                "name": "Beta only",
                "user_id": self.user_manager.id,
                "attendee_ids": [Command.create({"partner_id": self.contact_b.id})],
            }
        )
        Meeting = self.env["vip.meeting"]
        mine = Meeting.with_user(self.user_vip).search([])
        self.assertIn(self.meeting, mine)
        self.assertNotIn(other, mine)
        self.assertIn(other, Meeting.with_user(self.user_vip_2).search([]))
        self.assertEqual(
            Meeting.with_user(self.user_manager).search([]) & (self.meeting | other),
            self.meeting | other,
        )
        with self.assertRaises(AccessError):
            other.with_user(self.user_vip).read(["name"])
        with self.assertRaises(AccessError):
            Meeting.with_user(self.user_internal).search([])

    def test_vip_user_plans_own_meeting(self):
        meeting = (
            self.env["vip.meeting"]
            .with_user(self.user_vip)
            .create(
                {
                    "name": "Alpha review",
                    "attendee_ids": [
                        Command.create({"partner_id": self.customer_a.id})
                    ],
                }
            )
        )
        meeting.action_plan()
        self.assertIn(self.customer_a, meeting.calendar_event_id.partner_ids)

    def test_multi_company(self):
        company_2 = self.env["res.company"].create({"name": "VIP Care Taiwan"})
        self.user_manager.write({"company_ids": [Command.link(company_2.id)]})
        foreign = (
            self.env["vip.meeting"]
            .with_company(company_2)
            .create({"name": "Taipei board", "company_id": company_2.id})
        )
        Meeting = self.env["vip.meeting"].with_user(self.user_manager)
        self.assertNotIn(
            foreign,
            Meeting.with_context(allowed_company_ids=[self.company.id]).search([]),
        )
        self.assertIn(
            foreign,
            Meeting.with_context(allowed_company_ids=[company_2.id]).search([]),
        )

    def test_counters_constant_queries(self):
        """Smart-button counters and list counts: one grouped query per model,
        whatever the number of records."""
        partners = self.customer_a | self.customer_b | self.contact_b
        meetings = self.meeting | self.meeting.copy({"name": "Copy"})

        def queries(records, fnames):
            self.env.flush_all()
            records.invalidate_model()
            before = self.env.cr.sql_log_count
            for fname in fnames:
                records.mapped(fname)
            return self.env.cr.sql_log_count - before

        counters = ["vip_meeting_count", "vip_suggestion_count"]
        queries(partners, counters)  # warm the caches that do not depend on size
        self.assertEqual(
            queries(self.customer_a, counters), queries(partners, counters)
        )
        lists = ["attendee_count", "attended_count", "suggestion_count"]
        queries(meetings, lists)
        self.assertEqual(queries(self.meeting, lists), queries(meetings, lists))

    def test_partner_form_for_users_outside_vip(self):
        view = (
            self.env["res.partner"]
            .with_user(self.user_internal)
            .get_views([(False, "form")])
        )
        arch = view["views"]["form"]["arch"]
        self.assertNotIn("vip_meeting_count", arch)
        self.assertIn(
            "vip_meeting_count",
            self.env["res.partner"]
            .with_user(self.user_vip)
            .get_views([(False, "form")])["views"]["form"]["arch"],
        )
        self.customer_a.with_user(self.user_internal).read(["name", "vip_tier_id"])


@tagged("post_install", "-at_install", "vip_meeting")
class TestMeetingRsvpLink(HttpCase):
    def test_customer_declines_from_invitation_link(self):
        customer = self.env["res.partner"].create(
            {"name": "Omega Glass", "is_company": True, "email": "omega@example.com"}
        )
        meeting = self.env["vip.meeting"].create(
            {
                "name": "Glass quality review",
                "start": datetime(2030, 6, 1, 9, 0),
                "stop": datetime(2030, 6, 1, 10, 0),
                "attendee_ids": [Command.create({"partner_id": customer.id})],
            }
        )
        meeting.action_plan()
        event = meeting.calendar_event_id
        invitation = event.attendee_ids.filtered(lambda a: a.partner_id == customer)
        response = self.url_open(
            f"/calendar/meeting/decline?token={invitation.access_token}&id={event.id}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(meeting.attendee_ids.state, "declined")
