from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, is_html_empty

from ..tools.moments import format_moment
from .vip_sla_policy import SEVERITIES

COMPLAINT_STATES = [
    ("new", "New"),
    ("in_progress", "In Progress"),
    ("waiting", "Waiting on Customer"),
    ("resolved", "Resolved"),
    ("closed", "Closed"),
    ("cancelled", "Cancelled"),
]
# complaint states in which the resolution clock runs (waiting pauses it)
RESOLUTION_RUNNING_STATES = ("new", "in_progress")
# fields whose change on a new, untriaged complaint re-plans its deadlines
TRIAGE_FIELDS = ("partner_id", "severity", "category_id", "company_id")


class VipComplaint(models.Model):
    _name = "vip.complaint"
    _description = "Customer Complaint"
    _inherit = [
        "portal.mixin",
        "rating.mixin",
        "mail.thread",
        "mail.activity.mixin",
        "vip.workflow.guard",
    ]
    _order = "priority desc, next_deadline, id desc"
    _primary_email = "email_from"
    _vip_workflow_fields = ("state",)
    # the reference comes from the sequence; the reception time may be given when
    # a call is logged after it came in, but never in the future
    _vip_create_fields = ("name", "received_on")

    name = fields.Char(
        "Reference", required=True, readonly=True, copy=False, default="New", index=True
    )
    subject = fields.Char(required=True, tracking=True)
    description = fields.Html()
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        tracking=True,
        index=True,
        domain="['|', ('company_id', '=', False), ('company_id', '=', company_id)]",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        string="Customer Company",
        store=True,
        index=True,
    )
    partner_user_id = fields.Many2one(
        related="commercial_partner_id.user_id",
        string="Account Manager",
        groups="base.group_user",
    )
    contact_name = fields.Char()
    email_from = fields.Char("Email", index="trigram")
    phone = fields.Char(
        help="Stored in international E.164 form; the company's country is assumed "
        "for national numbers.",
    )
    channel = fields.Selection(
        [
            ("phone", "Phone"),
            ("email", "E-mail"),
            ("visit", "Visit"),
            ("portal", "Portal"),
            ("meeting", "Meeting"),
            ("other", "Other"),
        ],
        required=True,
        default="phone",
    )
    category_id = fields.Many2one(
        "vip.complaint.category", tracking=True, index="btree_not_null"
    )
    severity = fields.Selection(
        SEVERITIES, required=True, default="normal", tracking=True
    )
    tier_id = fields.Many2one(
        "vip.tier",
        "Tier at Intake",
        readonly=True,
        index="btree_not_null",
        help="The customer's tier when the complaint was received; later tier "
        "changes do not alter the deadlines.",
        groups="base.group_user",
    )
    priority = fields.Integer(
        compute="_compute_is_vip",
        store=True,
        index=True,
        aggregator="max",
        help="VIP first: the level of the tier at intake plus one (0 without a "
        "tier); queues are ordered by it, then by the nearest deadline.",
    )
    parent_id = fields.Many2one(
        "vip.complaint",
        "Follow-up of",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="The closed complaint the customer wrote back to.",
    )
    followup_ids = fields.One2many("vip.complaint", "parent_id", "Follow-ups")
    is_vip = fields.Boolean(
        "VIP",
        compute="_compute_is_vip",
        store=True,
        help="The customer had a tier.",
        groups="base.group_user",
    )
    user_id = fields.Many2one(
        "res.users",
        "Responsible",
        tracking=True,
        index=True,
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    received_on = fields.Datetime(
        required=True, default=fields.Datetime.now, readonly=True, copy=False
    )
    responded_on = fields.Datetime(readonly=True, copy=False)
    resolved_on = fields.Datetime(readonly=True, copy=False)
    closed_on = fields.Datetime(readonly=True, copy=False)
    state = fields.Selection(
        COMPLAINT_STATES,
        required=True,
        default="new",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_group_expand_states",
    )
    reopen_count = fields.Integer(readonly=True, copy=False)
    root_cause = fields.Text(groups="base.group_user")
    corrective_action = fields.Text(groups="base.group_user")
    resolution = fields.Html()
    cancel_reason = fields.Text(readonly=True, copy=False, groups="base.group_user")
    visit_id = fields.Many2one(
        "vip.visit",
        "Raised at Visit",
        index="btree_not_null",
        copy=False,
        groups="base.group_user",
    )
    meeting_id = fields.Many2one(
        "vip.meeting",
        "Raised at Meeting",
        index="btree_not_null",
        copy=False,
        groups="base.group_user",
    )
    promise_ids = fields.One2many(
        "vip.promise",
        "complaint_id",
        "Compensation Promises",
        copy=False,
        groups="base.group_user",
    )
    promise_count = fields.Integer(
        compute="_compute_promise_count", groups="base.group_user"
    )

    # ------------------------------------------------------------------
    # compute
    # ------------------------------------------------------------------

    def _group_expand_states(self, states, domain):
        # kanban columns in workflow order, the open ones even when empty
        return [
            key
            for key, _label in self._fields["state"].selection
            if key in states or key in ("new", "in_progress", "waiting")
        ]

    @api.depends("promise_ids")
    def _compute_promise_count(self):
        counts = dict(
            self.env["vip.promise"]._read_group(
                [("complaint_id", "in", self.ids)], ["complaint_id"], ["__count"]
            )
        )
        for complaint in self:
            complaint.promise_count = counts.get(complaint, 0)

    # ------------------------------------------------------------------
    # ------------------------------------------------------------------

    @api.depends("tier_id", "tier_id.level")
    def _compute_is_vip(self):
        for complaint in self:
            complaint.is_vip = bool(complaint.tier_id)
            complaint.priority = complaint.tier_id.level + 1 if complaint.tier_id else 0

    def _compute_access_url(self):
        res = super()._compute_access_url()
        for complaint in self:
            complaint.access_url = f"/my/vip/complaints/{complaint.id}"
        return res

    # ------------------------------------------------------------------
    # onchange
    # ------------------------------------------------------------------

    @api.onchange("phone")
    def _onchange_phone(self):
        if not self.phone:
            return None
        number = self._vip_format_phone(self.phone, self.company_id, raise_error=False)
        if not number:
            return {
                "warning": {
                    "title": self.env._("Invalid phone number"),
                    "message": self.env._(
                        "Phone: %(number)s is not a possible phone number for "
                        "%(country)s.",
                        number=self.phone,
                        country=self.company_id.country_id.name or "-",
                    ),
                }
            }
        self.phone = number
        if not self.partner_id:
            self.partner_id = self._vip_find_partner_by_phone(number)
        return None

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id:
            self.email_from = self.partner_id.email or self.email_from
            self.contact_name = self.partner_id.name
            if not self.phone and self.partner_id.phone_sanitized:
                self.phone = self.partner_id.phone_sanitized

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            company = self.env["res.company"].browse(
                vals.get("company_id") or self.env.company.id
            )
            if vals.get("phone"):
                vals["phone"] = self._vip_format_phone(vals["phone"], company)
                if not vals.get("partner_id"):
                    partner = self._vip_find_partner_by_phone(vals["phone"])
                    vals["partner_id"] = partner.id or False
            if not vals.get("partner_id") and vals.get("email_from"):
                partner = self._vip_find_partner_by_email(vals["email_from"])
                vals["partner_id"] = partner.id or False
            self._vip_check_received_on(vals)
            if not self.env.su or vals.get("name", "New") == "New":
                vals["name"] = (
                    self.env["ir.sequence"]
                    .with_company(company)
                    .next_by_code(
                        "vip.complaint", sequence_date=vals.get("received_on")
                    )
                )
        complaints = super().create(vals_list)
        complaints._sla_start(with_tier=True)
        return complaints

    def write(self, vals):
        if vals.get("phone"):
            companies = self.company_id or self.env.company
            vals["phone"] = self._vip_format_phone(vals["phone"], companies[:1])
        res = super().write(vals)
        if any(fname in vals for fname in TRIAGE_FIELDS):
            # triage of a fresh complaint may change the applicable policy
            untouched = self.filtered(
                lambda c: (
                    c.state == "new"
                    and not c.responded_on
                    and c.response_sla_state == "running"
                )
            )
            untouched._sla_start(with_tier="partner_id" in vals)
        return res

    @api.model
    def _vip_check_received_on(self, vals):
        received = fields.Datetime.to_datetime(vals.get("received_on"))
        if received and received > fields.Datetime.now() + timedelta(minutes=5):
            raise UserError(
                self.env._(
                    "Received on: %(date)s is in the future; a complaint is "
                    "recorded when it has been received.",
                    date=format_moment(self.env, received),
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_acknowledged(self):
        for complaint in self:
            if complaint.responded_on or complaint.state not in ("new", "cancelled"):
                raise UserError(
                    self.env._(
                        "Complaint %(name)s: a complaint that was answered or worked "
                        "on cannot be deleted; cancel it with a reason instead.",
                        name=complaint.name,
                    )
                )

    # ------------------------------------------------------------------
    # actions (flow)
    # ------------------------------------------------------------------

    def action_acknowledge(self):
        """Record that the customer was answered: the response clock stops and a
        new complaint is taken in hand."""
        self._vip_check_state(
            ("new", "in_progress", "waiting"), self.env._("acknowledge")
        )
        now = fields.Datetime.now()
        pending = self.filtered(lambda c: not c.responded_on)
        pending._sla_record_response(now)
        pending._vip_post_note(
            lambda env: env._(
                "Complaint acknowledged by %(user)s.", user=self.env.user.name
            )
        )
        self.filtered(lambda c: c.state == "new")._vip_workflow_write(
            {"state": "in_progress"}
        )
        for complaint in self.filtered(lambda c: not c.user_id):
            complaint.user_id = self.env.user
        return True

    def action_start(self):
        self._vip_check_state(("new", "in_progress"), self.env._("start"))
        self.filtered(lambda c: c.state == "new")._vip_workflow_write(
            {"state": "in_progress"}
        )
        for complaint in self.filtered(lambda c: not c.user_id):
            complaint.user_id = self.env.user
        return True

    def action_wait(self):
        """Waiting on the customer: the resolution clock pauses."""
        self._vip_check_state(
            ("new", "in_progress"), self.env._("wait on the customer")
        )
        self._vip_workflow_write(
            {"state": "waiting", "waiting_since": fields.Datetime.now()}
        )
        return True

    def action_resume(self):
        """The customer answered: the resolution deadline moves by the business
        hours spent waiting."""
        self._vip_check_state(("waiting",), self.env._("resume"))
        self._sla_end_pause(fields.Datetime.now())
        self._vip_workflow_write({"state": "in_progress"})
        return True

    def action_resolve(self, resolution=None):
        self._vip_check_state(("new", "in_progress", "waiting"), self.env._("resolve"))
        now = fields.Datetime.now()
        self.filtered(lambda c: c.state == "waiting")._sla_end_pause(now)
        self.filtered(lambda c: not c.responded_on)._sla_record_response(now)
        vals = {"state": "resolved", "resolved_on": now}
        if resolution:
            vals["resolution"] = resolution
        self._vip_workflow_write(vals)
        self._sla_complete("resolution", now)
        self._send_rating_request()
        return True

    def action_resolve_with_message(self):
        """The form's button: resolve with the resolution written on the form,
        which the customer reads on its portal page; none written, say so."""
        for complaint in self:
            if is_html_empty(complaint.resolution):
                raise UserError(
                    self.env._(
                        "%(name)s: Resolution: write what was done for the customer "
                        "(the Resolution tab) before resolving; the customer reads it "
                        "on its portal page.",
                        name=complaint.name,
                    )
                )
        return self.action_resolve()

    def action_close(self):
        self._vip_check_state(("resolved",), self.env._("close"))
        self._vip_workflow_write(
            {"state": "closed", "closed_on": fields.Datetime.now()}
        )
        return True

    def action_reopen(self):
        """Back to work on a resolved or closed complaint: a new resolution window
        starts now; the earlier result stays in the chatter."""
        self._vip_check_state(("resolved", "closed"), self.env._("reopen"))
        now = fields.Datetime.now()
        for complaint in self:
            env = complaint._vip_reader_env()
            state_labels = dict(
                self._fields["resolution_sla_state"]._description_selection(env)
            )
            complaint.message_post(
                body=env._(
                    "Reopened. Earlier resolution on %(resolved)s against the deadline "
                    "%(deadline)s: %(result)s.",
                    resolved=format_moment(env, complaint.resolved_on),
                    deadline=format_moment(env, complaint.resolution_deadline),
                    result=state_labels.get(complaint.resolution_sla_state, "-"),
                ),
                subtype_xmlid="mail.mt_note",
            )
        for complaint in self:
            complaint._vip_workflow_write(
                {
                    "state": "in_progress",
                    "resolved_on": False,
                    "closed_on": False,
                    "reopen_count": complaint.reopen_count + 1,
                }
            )
        self._sla_plan_resolution(now)
        return True

    def action_cancel(self, reason=None):
        self._vip_check_state(
            ("new", "in_progress", "waiting", "resolved"), self.env._("cancel")
        )
        if not reason and any(c.responded_on for c in self):
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Cancel Complaint"),
                "res_model": "vip.complaint.cancel",
                "view_mode": "form",
                "target": "new",
                "context": {"default_complaint_ids": self.ids},
            }
        self._vip_workflow_write(
            {
                "state": "cancelled",
                "cancel_reason": reason or False,
                "waiting_since": False,
            }
        )
        self._sla_cancel()
        self._vip_post_note(
            lambda env: env._("Cancelled: %(reason)s", reason=reason or "-")
        )
        return True

    def action_offer_compensation(self):
        """A draft promise to the customer, linked to the complaint: it goes through
        the ledger like any promise (bottom line, approval)."""
        self.ensure_one()
        promise = self.env["vip.promise"].create(
            {
                "partner_id": self.partner_id.commercial_partner_id.id,
                "contact_id": self.partner_id.id
                if self.partner_id != self.partner_id.commercial_partner_id
                else False,
                "complaint_id": self.id,
                "promise_type": "other",
                "description": self.env._(
                    "Compensation for complaint %(name)s: %(subject)s",
                    name=self.name,
                    subject=self.subject,
                ),
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": "vip.promise",
            "res_id": promise.id,
            "views": [(False, "form")],
        }

    def action_open_promises(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_promise_action"
        )
        action["domain"] = [("complaint_id", "=", self.id)]
        action["context"] = {"default_complaint_id": self.id}
        return action

    def action_raise_suggestion(self):
        """The customer's complaint hides an improvement idea: record it."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Suggestion"),
            "res_model": "vip.suggestion",
            "views": [(False, "form")],
            "context": {
                "default_partner_id": self.partner_id.id,
                "default_complaint_id": self.id,
                "default_name": self.subject,
                "default_description": self.description,
            },
        }

    @api.model
    def _vip_new_action(self, partner, channel, subject, **defaults):
        """Form action for a complaint of ``partner`` taken on ``channel``."""
        context = {
            "default_partner_id": partner.id,
            "default_channel": channel,
            "default_subject": subject,
            **{f"default_{fname}": value for fname, value in defaults.items()},
        }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Complaint"),
            "res_model": "vip.complaint",
            "views": [(False, "form")],
            "context": context,
        }

    def _send_acknowledgement(self):
        template = self.env.ref(
            "partner_vip_care.mail_template_vip_complaint_ack", raise_if_not_found=False
        )
        if not template:
            return
        for complaint in self.filtered(lambda c: c.partner_id.email or c.email_from):
            complaint.message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                message_type="auto_comment",
            )

    def _send_rating_request(self):
        template = self.env.ref(
            "partner_vip_care.mail_template_vip_complaint_rating",
            raise_if_not_found=False,
        )
        if not template:
            return
        for complaint in self.filtered(lambda c: c.partner_id.email):
            complaint.rating_send_request(
                template, lang=complaint.partner_id.lang, force_send=False
            )

    # ------------------------------------------------------------------
    # business: intake and deadlines
    # ------------------------------------------------------------------

    @api.model
    def _vip_format_phone(self, number, company, raise_error=True):
        """The number in E.164, the company's country for national numbers."""
        formatted = self.env["res.partner"]._phone_format(
            number=number,
            country=company.country_id or self.env.company.country_id,
            force_format="E164",
            raise_exception=False,
        )
        if not formatted and raise_error:
            raise UserError(
                self.env._(
                    "Phone: %(number)s is not a possible phone number (country "
                    "assumed for national numbers: %(country)s).",
                    number=number,
                    country=(company.country_id or self.env.company.country_id).name
                    or "-",
                )
            )
        return formatted

    @api.model
    def _vip_find_partner_by_phone(self, e164_number):
        """The customer whose phone is this E.164 number (indexed search)."""
        if not e164_number:
            return self.env["res.partner"]
        return self.env["res.partner"].search(
            [("phone_sanitized", "=", e164_number)],
            order="is_company desc, id",
            limit=1,
        )

    @api.model
    def _vip_find_partner_by_email(self, email):
        normalized = email_normalize(email or "")
        if not normalized:
            return self.env["res.partner"]
        return self.env["res.partner"].search(
            [("email_normalized", "=", normalized)],
            order="is_company desc, id",
            limit=1,
        )

    def _vip_customer_tz(self):
        """The time zone the customer reads this complaint's moments in: its
        own, else that of the complaint's working hours, else the company's."""
        self.ensure_one()
        # sudo: time zones of the customer and of the calendar, for any reader
        complaint = self.sudo()
        return (
            complaint.partner_id.tz
            or complaint.commercial_partner_id.tz
            or complaint.calendar_id.tz
            or complaint.company_id._vip_tz()
        )

    def _vip_future_deadline(self, kind):
        """The ``kind`` ("response" or "resolution") deadline when it may still be
        promised to the customer: its clock runs and the moment is ahead; else
        False (a past moment is never promised)."""
        self.ensure_one()
        deadline = self[f"{kind}_deadline"]
        if not deadline or deadline <= fields.Datetime.now():
            return False
        if kind == "response" and self.responded_on:
            return False
        if self.state not in ("new", "in_progress", "waiting"):
            return False
        return deadline
