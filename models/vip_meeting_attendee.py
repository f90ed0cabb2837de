from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .vip_meeting_sync import is_mirroring, mirroring

# Answer on the calendar invitation -> state of the meeting attendee.
CALENDAR_TO_ATTENDEE = {
    "accepted": "accepted",
    "declined": "declined",
    "tentative": "invited",
    "needsAction": "invited",
}
ATTENDEE_TO_CALENDAR = {
    "accepted": "accepted",
    "declined": "declined",
    "invited": "needsAction",
}

# answers an invitee may still give or change (before the meeting)
ANSWERABLE_STATES = ("invited", "accepted", "declined")


class VipMeetingAttendee(models.Model):
    _name = "vip.meeting.attendee"
    _inherit = ["vip.workflow.guard"]
    _description = "VIP Meeting Attendee"
    _order = "meeting_id, id"
    _rec_name = "partner_id"

    meeting_id = fields.Many2one(
        "vip.meeting", required=True, index=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Contact",
        required=True,
        index=True,
        ondelete="restrict",
        help="The customer's contact who receives the invitation.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        string="Customer",
        store=True,
        index=True,
    )
    tier_id = fields.Many2one(
        related="partner_id.commercial_partner_id.vip_tier_id", string="VIP Tier"
    )
    email = fields.Char(related="partner_id.email")
    state = fields.Selection(
        [
            ("invited", "Invited"),
            ("accepted", "Accepted"),
            ("declined", "Declined"),
            ("attended", "Attended"),
            ("absent", "Absent"),
        ],
        required=True,
        default="invited",
        index=True,
        copy=False,
    )
    meeting_state = fields.Selection(
        related="meeting_id.state", string="Meeting Status"
    )
    meeting_start = fields.Datetime(related="meeting_id.start", store=True)
    company_id = fields.Many2one(
        related="meeting_id.company_id", store=True, index=True
    )

    _unique_partner = models.UniqueIndex(
        "(meeting_id, partner_id)",
        "A contact is invited once per meeting.",
    )

    @api.constrains("partner_id")
    def _check_partner_active(self):
        for attendee in self:
            if not attendee.partner_id.active:
                raise ValidationError(
                    self.env._(
                        "%(partner)s is archived: an archived contact cannot be "
                        "invited to a meeting.",
                        partner=attendee.partner_id.display_name,
                    )
                )

    @api.constrains("state")
    def _check_state_meeting(self):
        for attendee in self:
            marked = attendee.state in ("attended", "absent")
            if marked and attendee.meeting_id.state not in ("held", "closed"):
                raise ValidationError(
                    self.env._(
                        "%(partner)s: attendance is marked once meeting %(meeting)s "
                        "has been held.",
                        partner=attendee.partner_id.display_name,
                        meeting=attendee.meeting_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        attendees = super().create(vals_list)
        attendees.meeting_id._check_invitations_open()
        if not is_mirroring(self.env):
            attendees.meeting_id._sync_calendar_event()
        return attendees

    def write(self, vals):
        if "partner_id" in vals:
            self.meeting_id._check_invitations_open()
        result = super().write(vals)
        if is_mirroring(self.env):
            return result
        if "partner_id" in vals:
            self.meeting_id._sync_calendar_event()
        elif "state" in vals:
            self._push_state_to_calendar()
        return result

    def unlink(self):
        meetings = self.meeting_id
        meetings._check_invitations_open()
        result = super().unlink()
        meetings.exists()._sync_calendar_event()
        return result

    def action_mark_attended(self):
        self._mark_attendance("attended")

    def action_mark_absent(self):
        self._mark_attendance("absent")

    def _mark_attendance(self, state):
        for attendee in self:
            if attendee.meeting_id.state != "held":
                raise UserError(
                    self.env._(
                        "Meeting %(meeting)s has not been held (or is closed): "
                        "attendance cannot be marked.",
                        meeting=attendee.meeting_id.name,
                    )
                )
        self.write({"state": state})

    def _push_state_to_calendar(self):
        """Copy the answers recorded here (phone, e-mail…) to the calendar
        invitations, so that the event shows them too."""
        attendees = self.filtered(
            lambda a: a.meeting_id.calendar_event_id and a.state in ATTENDEE_TO_CALENDAR
        )
        if not attendees:
            return
        # sudo: invitations of the meeting's event, whoever owns the calendar
        invitations = (
            self.env["calendar.attendee"]
            .sudo()
            .search(
                [
                    ("event_id", "in", attendees.meeting_id.calendar_event_id.ids),
                    ("partner_id", "in", attendees.partner_id.ids),
                ]
            )
        )
        by_key = {(inv.event_id.id, inv.partner_id.id): inv for inv in invitations}
        for attendee in attendees:
            key = (attendee.meeting_id.calendar_event_id.id, attendee.partner_id.id)
            invitation = by_key.get(key)
            target = ATTENDEE_TO_CALENDAR[attendee.state]
            if not invitation or invitation.state == target:
                continue
            if target == "needsAction" and invitation.state == "tentative":
                continue
            with mirroring(self.env):
                invitation.write({"state": target})

    @api.model
    def _update_from_calendar(self, invitations):
        """Answers given on calendar invitations (the e-mail links, the calendar
        app) flow back to the attendees of the planned meetings."""
        invitations = invitations.filtered(lambda i: i.state in CALENDAR_TO_ATTENDEE)
        if not invitations:
            return
        # sudo: an answer given by the invitee updates the meeting it belongs to
        attendees = self.sudo().search(
            [
                ("meeting_id.calendar_event_id", "in", invitations.event_id.ids),
                ("partner_id", "in", invitations.partner_id.ids),
                ("meeting_id.state", "=", "planned"),
            ]
        )
        answers = {
            (inv.event_id.id, inv.partner_id.id): CALENDAR_TO_ATTENDEE[inv.state]
            for inv in invitations
        }
        for attendee in attendees:
            key = (attendee.meeting_id.calendar_event_id.id, attendee.partner_id.id)
            state = answers.get(key)
            if state and attendee.state != state:
                with mirroring(self.env):
                    attendee.state = state
