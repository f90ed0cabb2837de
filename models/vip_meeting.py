from dateutil.relativedelta import relativedelta
from markupsafe import Markup, escape

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .vip_meeting_sync import is_mirroring, mirroring

# Months between two meetings of a recurring series.
RECURRENCE_MONTHS = {"monthly": 1, "quarterly": 3}
# meetings the invited customers see on the portal (drafts and cancelled ones not)
PORTAL_STATES = ("planned", "held", "closed")
# Fields of a planned meeting copied to its calendar event.
EVENT_FIELDS = {
    "name",
    "start",
    "stop",
    "location",
    "agenda",
    "user_id",
    "internal_user_ids",
}


class VipMeeting(models.Model):
    _name = "vip.meeting"
    _description = "VIP Customer Meeting"
    _inherit = ["mail.thread", "mail.activity.mixin", "vip.workflow.guard"]
    _vip_workflow_fields = ("state",)
    _order = "start desc, id desc"

    def _default_start(self):
        now = fields.Datetime.now()
        return now.replace(minute=0, second=0, microsecond=0) + relativedelta(
            days=7, hours=1
        )

    name = fields.Char("Subject", required=True, tracking=True)
    meeting_type = fields.Selection(
        [
            ("quality", "Quality meeting"),
            ("co_design", "Co-design workshop"),
            ("satisfaction_review", "Satisfaction review"),
            ("advisory_board", "Advisory board"),
            ("other", "Other"),
        ],
        "Type",
        required=True,
        default="quality",
        tracking=True,
    )
    start = fields.Datetime(
        required=True, default=lambda self: self._default_start(), tracking=True
    )
    stop = fields.Datetime(
        "End",
        required=True,
        default=lambda self: self._default_start() + relativedelta(hours=2),
        tracking=True,
    )
    duration = fields.Float(compute="_compute_duration", help="Hours.")
    location = fields.Char(tracking=True)
    user_id = fields.Many2one(
        "res.users",
        "Organizer",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    attendee_ids = fields.One2many(
        "vip.meeting.attendee", "meeting_id", "Customer Attendees", copy=True
    )
    partner_ids = fields.Many2many(
        "res.partner",
        string="Customers",
        compute="_compute_partner_ids",
        search="_search_partner_ids",
        help="Customers (commercial entities) of the invited contacts.",
    )
    internal_user_ids = fields.Many2many(
        "res.users",
        string="Internal Attendees",
        domain="[('share', '=', False)]",
        copy=True,
    )
    agenda = fields.Html()
    minutes = fields.Html()
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("planned", "Planned"),
            ("held", "Held"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
    )
    calendar_event_id = fields.Many2one(
        "calendar.event",
        copy=False,
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    suggestion_ids = fields.One2many("vip.suggestion", "meeting_id", "Suggestions")
    recurrence = fields.Selection(
        [("none", "None"), ("monthly", "Monthly"), ("quarterly", "Quarterly")],
        required=True,
        default="none",
        tracking=True,
        help="Closing a meeting of a recurring series plans the next one with the "
        "same invitees.",
    )
    previous_meeting_id = fields.Many2one(
        "vip.meeting", copy=False, readonly=True, index=True
    )
    next_meeting_ids = fields.One2many(
        "vip.meeting", "previous_meeting_id", "Next Meetings", readonly=True
    )
    next_meeting_id = fields.Many2one("vip.meeting", compute="_compute_next_meeting_id")
    attendee_count = fields.Integer("Invited", compute="_compute_attendee_counts")
    accepted_count = fields.Integer("Accepted", compute="_compute_attendee_counts")
    attended_count = fields.Integer("Attended", compute="_compute_attendee_counts")
    suggestion_count = fields.Integer(compute="_compute_suggestion_count")

    _unique_next_meeting = models.UniqueIndex(
        "(previous_meeting_id) WHERE previous_meeting_id IS NOT NULL",
        "A meeting of a recurring series is followed by one meeting only.",
    )

    @api.depends("start", "stop")
    def _compute_duration(self):
        for meeting in self:
            if meeting.start and meeting.stop:
                delta = meeting.stop - meeting.start
                meeting.duration = delta.total_seconds() / 3600
            else:
                meeting.duration = 0.0

    @api.depends("attendee_ids.partner_id")
    def _compute_partner_ids(self):
        for meeting in self:
            meeting.partner_ids = meeting.attendee_ids.partner_id.commercial_partner_id

    def _search_partner_ids(self, operator, value):
        return [("attendee_ids.commercial_partner_id", operator, value)]

    @api.depends("next_meeting_ids")
    def _compute_next_meeting_id(self):
        for meeting in self:
            meeting.next_meeting_id = meeting.next_meeting_ids[:1]

    @api.depends("attendee_ids.state")
    def _compute_attendee_counts(self):
        counts = {
            (meeting.id, state): count
            for meeting, state, count in self.env["vip.meeting.attendee"]._read_group(
                [("meeting_id", "in", self.ids)], ["meeting_id", "state"], ["__count"]
            )
        }
        for meeting in self:
            by_state = {
                state: counts.get((meeting.id, state), 0)
                for state in ("invited", "accepted", "declined", "attended", "absent")
            }
            meeting.attendee_count = sum(by_state.values())
            meeting.accepted_count = by_state["accepted"]
            meeting.attended_count = by_state["attended"]

    def _compute_suggestion_count(self):
        counts = dict(
            self.env["vip.suggestion"]._read_group(
                [("meeting_id", "in", self.ids)], ["meeting_id"], ["__count"]
            )
        )
        for meeting in self:
            meeting.suggestion_count = counts.get(meeting, 0)

    @api.constrains("start", "stop")
    def _check_start_stop(self):
        for meeting in self:
            if meeting.start and meeting.stop and meeting.stop <= meeting.start:
                raise ValidationError(
                    self.env._(
                        "Meeting %(meeting)s: the end (%(stop)s) must be after the "
                        "start (%(start)s).",
                        meeting=meeting.name,
                        stop=meeting.stop,
                        start=meeting.start,
                    )
                )

    @api.onchange("start")
    def _onchange_start(self):
        if self.start and (not self.stop or self.stop <= self.start):
            self.stop = self.start + relativedelta(hours=2)

    def write(self, vals):
        result = super().write(vals)
        if EVENT_FIELDS & vals.keys() and not is_mirroring(self.env):
            self.filtered(
                lambda m: m.state == "planned" and m.calendar_event_id
            )._sync_calendar_event()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(meeting.state not in ("draft", "cancelled") for meeting in self):
            raise UserError(
                self.env._(
                    "Only draft or cancelled meetings can be deleted; cancel a "
                    "planned meeting instead."
                )
            )

    def unlink(self):
        self.calendar_event_id.unlink()
        return super().unlink()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_plan(self):
        """Plan draft meetings (or refresh planned ones): create or update the
        calendar event with the customers' contacts and the internal users as
        attendees, so that Odoo sends the invitations and collects the answers."""
        self._vip_check_state(("draft", "planned"), self.env._("plan"))
        self.filtered(lambda m: m.state == "draft")._vip_workflow_write(
            {"state": "planned"}
        )
        self._sync_calendar_event()
        return True

    def action_hold(self):
        """The meeting took place: attendance can now be marked; accepted
        invitations count as attended until told otherwise."""
        self._vip_check_state(("planned",), self.env._("hold"))
        self._vip_workflow_write({"state": "held"})
        self.attendee_ids.filtered(lambda a: a.state == "accepted").write(
            {"state": "attended"}
        )
        return True

    def action_close(self):
        """Close held meetings: invitees whose attendance was not marked are
        absent; a recurring meeting plans the next one of the series."""
        self._vip_check_state(("held",), self.env._("close"))
        self.attendee_ids.filtered(lambda a: a.state in ("invited", "accepted")).write(
            {"state": "absent"}
        )
        self._vip_workflow_write({"state": "closed"})
        self._plan_next_meetings()
        return True

    def action_cancel(self):
        self._vip_check_state(("draft", "planned", "held"), self.env._("cancel"))
        # sudo: the organizer's calendar privacy must not stop the cancellation
        events = self.calendar_event_id.sudo()
        self._vip_workflow_write({"state": "cancelled"})
        template = self.env.ref(
            "calendar.calendar_template_delete_event", raise_if_not_found=False
        )
        # Tell the invitees, then take the events out of their calendars.
        for event in events.filtered("active"):
            if template:
                template.send_mail(
                    event.id, email_layout_xmlid="mail.mail_notification_light"
                )
        with mirroring(self.env):
            events.action_archive()
        return True

    def action_draft(self):
        self._vip_check_state(("cancelled",), self.env._("reset to draft"))
        self._vip_workflow_write({"state": "draft", "calendar_event_id": False})
        self.attendee_ids.write({"state": "invited"})
        return True

    def action_open_invite_tiers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Invite by Tier"),
            "res_model": "vip.meeting.invite.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_meeting_id": self.id},
        }

    def action_invite_tiers(self, tiers):
        """Invite every customer of ``tiers`` (records or ids) through a contact
        with an e-mail address; customers already invited are skipped, customers
        without any e-mail are listed (notification and chatter), not dropped."""
        self.ensure_one()
        self._vip_check_state(("draft", "planned"), self.env._("invite customers to"))
        if not isinstance(tiers, models.BaseModel):
            tiers = self.env["vip.tier"].browse(tiers)
        if not tiers:
            raise UserError(self.env._("Choose at least one tier to invite."))
        customers = self.env["res.partner"].search(
            [
                ("vip_tier_id", "in", tiers.ids),
                "|",
                ("is_company", "=", True),
                ("parent_id", "=", False),
            ],
            order="name, id",
        )
        already = customers & self.attendee_ids.commercial_partner_id
        contacts = self._contacts_with_email(customers - already)
        without_email = (customers - already).filtered(lambda c: c.id not in contacts)
        self.env["vip.meeting.attendee"].create(
            [
                {"meeting_id": self.id, "partner_id": contact.id}
                for contact in contacts.values()
            ]
        )
        message = self.env._(
            "Invited %(count)s customer(s) of %(tiers)s; %(skipped)s already invited.",
            count=len(contacts),
            tiers=", ".join(tiers.mapped("name")),
            skipped=len(already),
        )
        if without_email:
            names = ", ".join(without_email.mapped("display_name"))
            message += " " + self.env._(
                "Not invited, no e-mail address: %(names)s.", names=names
            )
        self.message_post(body=escape(message))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if without_email else "success",
                "sticky": bool(without_email),
                "message": message,
                "invited_partner_ids": [c.id for c in contacts.values()],
                "skipped_partner_ids": already.ids,
                "missing_email_partner_ids": without_email.ids,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_open_suggestions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_suggestion_action"
        )
        action["domain"] = [("meeting_id", "=", self.id)]
        action["context"] = {
            "default_meeting_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action

    def action_open_calendar_event(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "calendar.event",
            "res_id": self.calendar_event_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _contacts_with_email(self, customers):
        """{customer id: contact to invite}: the customer itself when it has an
        e-mail address, else its first contact person with one."""
        contacts = {c.id: c for c in customers if c.email}
        missing = customers.filtered(lambda c: not c.email)
        if missing:
            people = self.env["res.partner"].search_fetch(
                [
                    ("parent_id", "in", missing.ids),
                    ("email", "!=", False),
                    ("type", "=", "contact"),
                ],
                ["parent_id", "email"],
                order="id",
            )
            for person in people:
                contacts.setdefault(person.parent_id.id, person)
        return contacts

    def _check_invitations_open(self):
        self._vip_check_state(
            ("draft", "planned"), self.env._("change the invitees of")
        )

    def _calendar_partners(self):
        self.ensure_one()
        return (
            self.user_id.partner_id
            | self.internal_user_ids.partner_id
            | self.attendee_ids.partner_id
        )

    def _calendar_event_values(self):
        self.ensure_one()
        return {
            "name": self.name,
            "start": self.start,
            "stop": self.stop,
            "location": self.location or False,
            "description": self.agenda or False,
            "user_id": self.user_id.id,
            "partner_ids": [Command.set(self._calendar_partners().ids)],
        }

    def _sync_calendar_event(self):
        """Create or update the calendar events of planned meetings."""
        model = self.env["ir.model"]._get_id(self._name)
        # The organizer's calendar privacy must not stop a colleague who may
        # edit the meeting from updating its event.
        events = (
            self.env["calendar.event"]
            .sudo()
            .with_context(skip_contact_description=True)
        )
        for meeting in self.filtered(lambda m: m.state == "planned"):
            values = meeting._calendar_event_values()
            event = meeting.calendar_event_id.sudo()
            with mirroring(self.env):
                if event:
                    if not event.active:
                        event.action_unarchive()
                    event.write(values)
                else:
                    values.update(res_model_id=model, res_id=meeting.id)
                    event = events.create(values)
                    meeting._vip_workflow_write({"calendar_event_id": event.id})
                meeting.attendee_ids._push_state_to_calendar()

    def _plan_next_meetings(self):
        """Plan the next meeting of each recurring meeting, once."""
        vals_list = []
        for meeting in self:
            months = RECURRENCE_MONTHS.get(meeting.recurrence)
            if not months or meeting.next_meeting_ids:
                continue
            delta = relativedelta(months=months)
            vals_list.append(
                {
                    "name": meeting.name,
                    "meeting_type": meeting.meeting_type,
                    "start": meeting.start + delta,
                    "stop": meeting.stop + delta,
                    "location": meeting.location,
                    "user_id": meeting.user_id.id,
                    "company_id": meeting.company_id.id,
                    "internal_user_ids": [Command.set(meeting.internal_user_ids.ids)],
                    "agenda": meeting.agenda,
                    "recurrence": meeting.recurrence,
                    "previous_meeting_id": meeting.id,
                    "attendee_ids": [
                        Command.create({"partner_id": partner.id})
                        for partner in meeting.attendee_ids.partner_id
                        if partner.active
                    ],
                }
            )
        if not vals_list:
            return self.browse()
        self.check_access("create")
        # sudo: the link to the previous meeting is the series', not the caller's
        next_meetings = self.sudo().create(vals_list).sudo(False)
        next_meetings.action_plan()
        for meeting in next_meetings:
            meeting.previous_meeting_id._vip_post_note(
                lambda env, meeting=meeting: (
                    Markup(env._("Next meeting of the series planned: %s"))
                    % meeting._get_html_link()
                )
            )
        return next_meetings

    def action_new_complaint(self):
        """A complaint voiced during the meeting, for one of its customers."""
        self.ensure_one()
        customers = self.attendee_ids.commercial_partner_id
        return self.env["vip.complaint"]._vip_new_action(
            customers[:1] if len(customers) == 1 else self.env["res.partner"],
            "meeting",
            self.name,
            meeting_id=self.id,
        )
