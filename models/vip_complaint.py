import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize, format_datetime

from .vip_sla_policy import SEVERITIES

_logger = logging.getLogger(__name__)

SLA_STATES = [
    ("running", "Running"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
    ("met", "Met"),
    ("met_late", "Met Late"),
]
OPEN_SLA_STATES = ("running", "at_risk", "breached")
# complaint states in which the resolution clock runs (waiting pauses it)
RESOLUTION_RUNNING_STATES = ("new", "in_progress")
# fields whose change on a new, untriaged complaint re-plans its deadlines
TRIAGE_FIELDS = ("partner_id", "severity", "category_id", "company_id")
CRON_BATCH_SIZE = 500


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
    _order = "is_vip desc, next_deadline, id desc"
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
    )
    is_vip = fields.Boolean(
        "VIP", compute="_compute_is_vip", store=True, help="The customer had a tier."
    )
    sla_policy_id = fields.Many2one(
        "vip.sla.policy", "SLA Policy", readonly=True, index="btree_not_null"
    )
    calendar_id = fields.Many2one(
        "resource.calendar",
        "Working Hours",
        readonly=True,
        help="Business hours and public holidays the deadlines are counted in.",
    )
    response_hours = fields.Float(
        "Allowed Response (hours)", readonly=True, aggregator="avg"
    )
    resolution_hours = fields.Float(
        "Allowed Resolution (hours)", readonly=True, aggregator="avg"
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
    response_deadline = fields.Datetime(readonly=True, index=True, copy=False)
    resolution_deadline = fields.Datetime(
        readonly=True, index=True, copy=False, tracking=True
    )
    responded_on = fields.Datetime(readonly=True, copy=False)
    resolved_on = fields.Datetime(readonly=True, copy=False)
    closed_on = fields.Datetime(readonly=True, copy=False)
    state = fields.Selection(
        [
            ("new", "New"),
            ("in_progress", "In Progress"),
            ("waiting", "Waiting on Customer"),
            ("resolved", "Resolved"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="new",
        tracking=True,
        index=True,
        copy=False,
        group_expand="_group_expand_states",
    )
    response_sla_state = fields.Selection(
        SLA_STATES,
        "Response SLA",
        readonly=True,
        index=True,
        copy=False,
        tracking=True,
    )
    resolution_sla_state = fields.Selection(
        SLA_STATES,
        "Resolution SLA",
        readonly=True,
        index=True,
        copy=False,
        tracking=True,
    )
    escalation_level = fields.Integer(
        readonly=True,
        copy=False,
        tracking=True,
        aggregator="max",
        help="1: the escalation contact was notified of a breach; 2: the VIP "
        "managers were, after another full SLA period.",
    )
    # moments the SLA cron looks at, planned in business hours at intake
    response_risk_on = fields.Datetime(readonly=True, copy=False)
    response_escalate_on = fields.Datetime(readonly=True, copy=False)
    resolution_risk_on = fields.Datetime(readonly=True, copy=False)
    resolution_escalate_on = fields.Datetime(readonly=True, copy=False)
    sla_next_check = fields.Datetime(
        compute="_compute_sla_next_check",
        store=True,
        index="btree_not_null",
        copy=False,
        help="Next moment the SLA cron has something to do for this complaint "
        "(at risk, breach or escalation); empty when nothing is pending.",
    )
    next_deadline = fields.Datetime(
        compute="_compute_next_deadline",
        store=True,
        index="btree_not_null",
        help="The response deadline until the customer is answered, then the "
        "resolution deadline while the complaint is open.",
    )
    sla_badge = fields.Char("Time Left", compute="_compute_sla_badge")
    waiting_since = fields.Datetime(readonly=True, copy=False)
    paused_hours = fields.Float(
        "Paused (business hours)",
        readonly=True,
        copy=False,
        help="Business hours spent waiting on the customer, added to the "
        "resolution deadline.",
    )
    reopen_count = fields.Integer(readonly=True, copy=False)
    root_cause = fields.Text()
    corrective_action = fields.Text()
    resolution = fields.Html()
    cancel_reason = fields.Text(readonly=True, copy=False)
    visit_id = fields.Many2one(
        "vip.visit", "Raised at Visit", index="btree_not_null", copy=False
    )
    meeting_id = fields.Many2one(
        "vip.meeting", "Raised at Meeting", index="btree_not_null", copy=False
    )
    promise_ids = fields.One2many(
        "vip.promise", "complaint_id", "Compensation Promises", copy=False
    )
    promise_count = fields.Integer(compute="_compute_promise_count")

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

    @api.depends("tier_id")
    def _compute_is_vip(self):
        for complaint in self:
            complaint.is_vip = bool(complaint.tier_id)

    @api.depends(
        "state",
        "responded_on",
        "response_sla_state",
        "resolution_sla_state",
        "escalation_level",
        "response_deadline",
        "resolution_deadline",
        "response_risk_on",
        "resolution_risk_on",
        "response_escalate_on",
        "resolution_escalate_on",
    )
    def _compute_sla_next_check(self):
        for complaint in self:
            moments = []
            if complaint._response_open():
                moments.append(complaint._sla_pending_moment("response"))
            if complaint.state in RESOLUTION_RUNNING_STATES:
                moments.append(complaint._sla_pending_moment("resolution"))
            moments = [moment for moment in moments if moment]
            complaint.sla_next_check = min(moments) if moments else False

    @api.depends("state", "responded_on", "response_deadline", "resolution_deadline")
    def _compute_next_deadline(self):
        for complaint in self:
            if complaint.state in ("resolved", "closed", "cancelled"):
                complaint.next_deadline = False
            elif not complaint.responded_on:
                complaint.next_deadline = complaint.response_deadline
            else:
                complaint.next_deadline = complaint.resolution_deadline

    @api.depends("next_deadline", "state")
    def _compute_sla_badge(self):
        now = fields.Datetime.now()
        for complaint in self:
            if not complaint.next_deadline or complaint.state == "waiting":
                complaint.sla_badge = False
                continue
            delta = complaint.next_deadline - now
            label = self._format_duration(abs(delta))
            complaint.sla_badge = (
                self.env._("%s left", label)
                if delta.total_seconds() >= 0
                else self.env._("%s overdue", label)
            )

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
                    date=format_datetime(self.env, received),
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
        self._check_state(("new", "in_progress", "waiting"), self.env._("acknowledge"))
        now = fields.Datetime.now()
        pending = self.filtered(lambda c: not c.responded_on)
        pending._sla_record_response(now)
        for complaint in pending:
            complaint.message_post(
                body=self.env._(
                    "Complaint acknowledged by %(user)s.", user=self.env.user.name
                ),
                subtype_xmlid="mail.mt_note",
            )
        self.filtered(lambda c: c.state == "new")._vip_workflow_write(
            {"state": "in_progress"}
        )
        for complaint in self.filtered(lambda c: not c.user_id):
            complaint.user_id = self.env.user
        return True

    def action_start(self):
        self._check_state(("new", "in_progress"), self.env._("start"))
        self.filtered(lambda c: c.state == "new")._vip_workflow_write(
            {"state": "in_progress"}
        )
        for complaint in self.filtered(lambda c: not c.user_id):
            complaint.user_id = self.env.user
        return True

    def action_wait(self):
        """Waiting on the customer: the resolution clock pauses."""
        self._check_state(("new", "in_progress"), self.env._("wait on the customer"))
        self._vip_workflow_write(
            {"state": "waiting", "waiting_since": fields.Datetime.now()}
        )
        return True

    def action_resume(self):
        """The customer answered: the resolution deadline moves by the business
        hours spent waiting."""
        self._check_state(("waiting",), self.env._("resume"))
        self._sla_end_pause(fields.Datetime.now())
        self._vip_workflow_write({"state": "in_progress"})
        return True

    def action_resolve(self, resolution=None):
        self._check_state(("new", "in_progress", "waiting"), self.env._("resolve"))
        now = fields.Datetime.now()
        self.filtered(lambda c: c.state == "waiting")._sla_end_pause(now)
        self.filtered(lambda c: not c.responded_on)._sla_record_response(now)
        vals = {"state": "resolved", "resolved_on": now}
        if resolution:
            vals["resolution"] = resolution
        self._vip_workflow_write(vals)
        for sla_state in ("met", "met_late"):
            self.filtered(
                lambda c, s=sla_state: c._sla_result(c.resolution_deadline, now) == s
            )._vip_workflow_write({"resolution_sla_state": sla_state})
        self._send_rating_request()
        return True

    def action_close(self):
        self._check_state(("resolved",), self.env._("close"))
        self._vip_workflow_write(
            {"state": "closed", "closed_on": fields.Datetime.now()}
        )
        return True

    def action_reopen(self):
        """Back to work on a resolved or closed complaint: a new resolution window
        starts now; the earlier result stays in the chatter."""
        self._check_state(("resolved", "closed"), self.env._("reopen"))
        now = fields.Datetime.now()
        state_labels = dict(
            self._fields["resolution_sla_state"]._description_selection(self.env)
        )
        for complaint in self:
            complaint.message_post(
                body=self.env._(
                    "Reopened. Earlier resolution on %(resolved)s against the deadline "
                    "%(deadline)s: %(result)s.",
                    resolved=format_datetime(self.env, complaint.resolved_on),
                    deadline=format_datetime(self.env, complaint.resolution_deadline),
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
        self._check_state(
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
        for complaint in self:
            complaint.message_post(
                body=self.env._("Cancelled: %(reason)s", reason=reason or "-"),
                subtype_xmlid="mail.mt_note",
            )
        return True

    def action_correct_sla(self, field_name=None, value=None, reason=None):
        """Administrators: correct a wrong SLA result (a deadline, a state, the
        escalation level), logged in the chatter with who and why. Without a
        field, open the wizard asking for it."""
        self.ensure_one()
        Correction = self.env["vip.complaint.sla.correction"]
        if field_name is None:
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Correct SLA Result"),
                "res_model": Correction._name,
                "view_mode": "form",
                "target": "new",
                "context": {"default_complaint_id": self.id},
            }
        Correction._vip_apply(self, field_name, value, reason)
        return True

    # ------------------------------------------------------------------
    # mail
    # ------------------------------------------------------------------

    @api.model
    @api.private  # the mail gateway's entry, never an RPC client's
    def message_new(self, msg_dict, custom_values=None):
        """A mail to the complaints alias: a complaint for the customer matching the
        sender, acknowledged by e-mail with its reference and response deadline."""
        values = dict(custom_values or {})
        email = email_normalize(msg_dict.get("email_from") or "")
        partner = self._vip_find_partner_by_email(email) if email else False
        values.setdefault("name", "New")
        values.setdefault(
            "subject", msg_dict.get("subject") or self.env._("(no subject)")
        )
        values.setdefault("description", msg_dict.get("body"))
        values.setdefault("channel", "email")
        values.setdefault("email_from", msg_dict.get("email_from"))
        if partner:
            values.setdefault("partner_id", partner.id)
            values.setdefault("contact_name", partner.name)
            values.setdefault("user_id", partner.commercial_partner_id.user_id.id)
            values.setdefault(
                "company_id",
                partner.company_id.id or self.env.company.id,
            )
        else:
            values.setdefault("user_id", False)
        complaint = super().message_new(msg_dict, custom_values=values)
        complaint._send_acknowledgement()
        return complaint

    def message_post(self, **kwargs):
        message = super().message_post(**kwargs)
        if not self.env.context.get("vip_automatic_mail"):
            self._sla_response_from_message(message)
        return message

    def _sla_response_from_message(self, message):
        """The first message sent to the customer by the company is the response."""
        complaint = self[:1]
        if (
            not complaint
            or complaint.responded_on
            or message.message_type != "comment"
            or message.is_internal
            or not message.subtype_id
            or message.subtype_id.internal
            or not message.author_id
            or message.author_id.commercial_partner_id
            == complaint.commercial_partner_id
            or not message.author_id.with_context(active_test=False).user_ids.filtered(
                lambda u: not u.share
            )
        ):
            return
        complaint._sla_record_response(message.date or fields.Datetime.now())

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
            complaint.with_context(vip_automatic_mail=True).message_post_with_source(
                template,
                subtype_xmlid="mail.mt_comment",
                message_type="comment",
            )

    def _send_rating_request(self):
        template = self.env.ref(
            "partner_vip_care.mail_template_vip_complaint_rating",
            raise_if_not_found=False,
        )
        if not template:
            return
        for complaint in self.filtered(lambda c: c.partner_id.email):
            complaint.with_context(vip_automatic_mail=True).rating_send_request(
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

    def _sla_select_policy(self, policies_by_company):
        self.ensure_one()
        tier = self.tier_id
        for policy in policies_by_company.get(self.company_id, []):
            if policy._matches(tier, self.severity, self.category_id):
                return policy
        return self.env["vip.sla.policy"]

    def _sla_start(self, with_tier=True):
        """Snapshot the tier, pick the policy and plan both deadlines from
        ``received_on``. Policies are read once for the whole batch."""
        if not self:
            return
        if with_tier:
            for complaint in self:
                complaint._vip_workflow_write(
                    {"tier_id": complaint.commercial_partner_id.vip_tier_id.id}
                )
        policies = self.env["vip.sla.policy"].search(
            [("company_id", "in", self.company_id.ids)]
        )
        by_company = {}
        for policy in policies:
            by_company.setdefault(policy.company_id, []).append(policy)
        planner = _Planner(self.env)
        for complaint in self:
            policy = complaint._sla_select_policy(by_company)
            company = complaint.company_id
            if policy:
                response, resolution = policy.response_hours, policy.resolution_hours
                calendar = policy._get_calendar()
            else:
                tier = complaint.tier_id
                response = tier.response_hours or company.vip_default_response_hours
                resolution = (
                    tier.resolution_hours or company.vip_default_resolution_hours
                )
                calendar = company.vip_sla_calendar_id or company.resource_calendar_id
            ratio = company.vip_at_risk_ratio or 0.75
            start = complaint.received_on
            deadline = planner.plan(calendar, response, start)
            complaint._vip_workflow_write(
                {
                    "sla_policy_id": policy.id,
                    "calendar_id": calendar.id,
                    "response_hours": response,
                    "resolution_hours": resolution,
                    "response_risk_on": planner.plan(calendar, response * ratio, start),
                    "response_deadline": deadline,
                    "response_escalate_on": planner.plan(calendar, response, deadline),
                    "response_sla_state": "running",
                }
            )
        self._sla_plan_resolution(None, planner)

    def _sla_plan_resolution(self, start=None, planner=None):
        """Resolution window of ``resolution_hours`` from ``start`` (default: the
        reception); used at intake and on reopening."""
        planner = planner or _Planner(self.env)
        for complaint in self:
            calendar = complaint.calendar_id
            hours = complaint.resolution_hours
            ratio = complaint.company_id.vip_at_risk_ratio or 0.75
            begin = start or complaint.received_on
            deadline = planner.plan(calendar, hours, begin)
            complaint._vip_workflow_write(
                {
                    "resolution_risk_on": planner.plan(calendar, hours * ratio, begin),
                    "resolution_deadline": deadline,
                    "resolution_escalate_on": planner.plan(calendar, hours, deadline),
                    "resolution_sla_state": "running",
                }
            )

    def _sla_end_pause(self, now):
        """Push the resolution moments by the business hours spent waiting."""
        planner = _Planner(self.env)
        for complaint in self.filtered("waiting_since"):
            calendar = complaint.calendar_id
            paused = planner.count(calendar, complaint.waiting_since, now)
            vals = {"waiting_since": False, "paused_hours": complaint.paused_hours}
            if paused > 0:
                old_deadline = complaint.resolution_deadline
                vals["paused_hours"] += paused
                for fname in (
                    "resolution_risk_on",
                    "resolution_deadline",
                    "resolution_escalate_on",
                ):
                    if complaint[fname]:
                        vals[fname] = planner.plan(calendar, paused, complaint[fname])
                complaint.message_post(
                    body=self.env._(
                        "Waited %(hours)s business hours on the customer: resolution "
                        "deadline moved from %(old)s to %(new)s.",
                        hours=round(paused, 2),
                        old=format_datetime(self.env, old_deadline),
                        new=format_datetime(self.env, vals["resolution_deadline"]),
                    ),
                    subtype_xmlid="mail.mt_note",
                )
            complaint._vip_workflow_write(vals)

    def _sla_record_response(self, when):
        for complaint in self:
            complaint._vip_workflow_write(
                {
                    "responded_on": when,
                    "response_sla_state": complaint._sla_result(
                        complaint.response_deadline, when
                    ),
                }
            )

    @api.model
    def _sla_result(self, deadline, when):
        return "met" if not deadline or when <= deadline else "met_late"

    def _response_open(self):
        self.ensure_one()
        return not self.responded_on and self.state not in (
            "resolved",
            "closed",
            "cancelled",
        )

    def _sla_pending_moment(self, kind):
        """Next moment something happens to the ``kind`` clock, if any."""
        self.ensure_one()
        sla_state = self[f"{kind}_sla_state"]
        deadline = self[f"{kind}_deadline"]
        if sla_state == "running":
            risk_on = self[f"{kind}_risk_on"]
            return min(filter(None, (risk_on, deadline)), default=False)
        if sla_state == "at_risk":
            return deadline
        if sla_state == "breached" and self.escalation_level < 2:
            return self[f"{kind}_escalate_on"]
        return False

    @api.model
    def _format_duration(self, delta):
        minutes = int(delta.total_seconds() // 60)
        days, minutes = divmod(minutes, 24 * 60)
        hours, minutes = divmod(minutes, 60)
        if days:
            return self.env._("%(days)sd %(hours)sh", days=days, hours=hours)
        return self.env._("%(hours)sh %(minutes)02dm", hours=hours, minutes=minutes)

    def _check_state(self, allowed, action_label):
        selection = dict(self._fields["state"]._description_selection(self.env))
        for complaint in self:
            if complaint.state not in allowed:
                raise UserError(
                    self.env._(
                        "Complaint %(name)s: cannot %(action)s a complaint in state "
                        "%(state)s.",
                        name=complaint.name,
                        action=action_label,
                        state=selection[complaint.state],
                    )
                )

    # ------------------------------------------------------------------
    # business: SLA monitoring
    # ------------------------------------------------------------------

    def _vip_escalation_target(self):
        """Level 1: the policy's escalation user, else the company's, else the
        customer's salesperson."""
        self.ensure_one()
        return (
            self.sla_policy_id.escalation_user_id
            or self.company_id.vip_escalation_user_id
            or self.commercial_partner_id.user_id
        )

    def _vip_managers(self, cache):
        """Active VIP managers of the complaint's company (cached per company)."""
        company = self.company_id
        if company not in cache:
            cache[company] = company._vip_managers().sudo(False)
        return cache[company]

    def _vip_check_sla(self, now=None):
        """Apply what is due at ``now`` to these complaints: at-risk activity,
        breach (state, note, activity and mail to the escalation target) and
        level-2 escalation to the VIP managers. Idempotent: a state or level
        already reached is never notified again."""
        now = now or fields.Datetime.now()
        at_risk_type = self.env.ref(
            "partner_vip_care.mail_activity_type_vip_sla_at_risk"
        )
        breach_type = self.env.ref("partner_vip_care.mail_activity_type_vip_sla_breach")
        model_id = self.env["ir.model"]._get_id(self._name)
        kind_labels = {
            "response": self.env._("response"),
            "resolution": self.env._("resolution"),
        }
        activities = []
        notes = {}
        managers_cache = {}
        escalations = []
        for complaint in self:
            kinds = []
            if complaint._response_open():
                kinds.append("response")
            if complaint.state in RESOLUTION_RUNNING_STATES:
                kinds.append("resolution")
            vals = {}
            at_risk, breached = [], []
            for kind in kinds:
                sla_state = complaint[f"{kind}_sla_state"]
                deadline = complaint[f"{kind}_deadline"]
                risk_on = complaint[f"{kind}_risk_on"]
                if sla_state in ("running", "at_risk") and deadline and deadline <= now:
                    vals[f"{kind}_sla_state"] = "breached"
                    breached.append(kind)
                elif sla_state == "running" and risk_on and risk_on <= now:
                    vals[f"{kind}_sla_state"] = "at_risk"
                    at_risk.append(kind)
            level = complaint.escalation_level
            if breached and level < 1:
                vals["escalation_level"] = 1
                escalations.append((complaint, 1, breached))
            elif level == 1 and any(
                complaint[f"{kind}_escalate_on"]
                and complaint[f"{kind}_escalate_on"] <= now
                for kind in kinds
                if complaint[f"{kind}_sla_state"] == "breached"
            ):
                vals["escalation_level"] = 2
                escalations.append((complaint, 2, breached))
            elif breached:
                notes[complaint.id] = self.env._(
                    "The %(kind)s deadline is breached (already escalated).",
                    kind=", ".join(kind_labels[k] for k in breached),
                )
            if at_risk:
                user = complaint.user_id or complaint._vip_escalation_target()
                deadline = complaint[f"{at_risk[0]}_deadline"]
                notes[complaint.id] = self.env._(
                    "The %(kind)s deadline %(deadline)s is at risk.",
                    kind=", ".join(kind_labels[k] for k in at_risk),
                    deadline=format_datetime(self.env, deadline),
                )
                if user:
                    activities.append(
                        {
                            "res_model_id": model_id,
                            "res_id": complaint.id,
                            "activity_type_id": at_risk_type.id,
                            "user_id": user.id,
                            "date_deadline": fields.Date.context_today(self, deadline),
                            "summary": notes[complaint.id],
                        }
                    )
            if vals:
                complaint._vip_workflow_write(vals)
        if activities:
            self.env["mail.activity"].create(activities)
        if notes:
            self._message_log_batch(bodies=notes)
        for complaint, level, breached in escalations:
            # posting reads followers and messages: keep it to this record instead
            # of prefetching them for the whole batch at every post
            complaint = complaint.with_prefetch()
            if level == 1:
                complaint._vip_escalate_level_1(breached, now, breach_type, kind_labels)
            else:
                complaint._vip_escalate_level_2(
                    now, breach_type, managers_cache, kind_labels
                )

    def _vip_escalate_level_1(self, kinds, now, activity_type, kind_labels):
        self.ensure_one()
        target = self._vip_escalation_target()
        if not target:
            target = self._vip_managers({})[:1]
        body = self.env._(
            "%(name)s breached its %(kind)s deadline %(deadline)s (customer "
            "%(customer)s): escalated to %(target)s.",
            name=self.name,
            kind=", ".join(kind_labels[k] for k in kinds),
            deadline=format_datetime(self.env, self[f"{kinds[0]}_deadline"]),
            customer=self.partner_id.display_name or "-",
            target=target.name or "-",
        )
        self._vip_notify_escalation(target, target, body, activity_type)

    def _vip_escalate_level_2(self, now, activity_type, cache, kind_labels):
        self.ensure_one()
        managers = self._vip_managers(cache)
        body = self.env._(
            "%(name)s is still breached one full SLA period after its deadline: "
            "escalated to the VIP managers %(managers)s.",
            name=self.name,
            managers=", ".join(managers.mapped("name")) or "-",
        )
        if managers[1:]:
            self.message_subscribe(partner_ids=managers[1:].partner_id.ids)
        self._vip_notify_escalation(managers[:1], managers, body, activity_type)

    def _vip_notify_escalation(self, assignee, notified, body, activity_type):
        if assignee:
            self.activity_schedule(
                activity_type_id=activity_type.id,
                user_id=assignee.id,
                summary=self.env._("SLA breach: %s", self.name),
                note=body,
            )
        self.message_post(
            body=Markup("<p>%s</p>") % body,
            subtype_xmlid="mail.mt_note",
            partner_ids=notified.partner_id.ids,
        )

    @api.model
    def _cron_check_sla(self, batch_size=CRON_BATCH_SIZE):
        """Every 5 minutes: only complaints whose next SLA moment has passed, found
        through the indexed ``sla_next_check``; batches of ``batch_size``, each
        committed in the cron; resumable since handled rows move their
        ``sla_next_check`` forward (or clear it)."""
        now = fields.Datetime.now()
        domain = [("sla_next_check", "<=", now)]
        in_cron = bool(self.env.context.get("cron_id"))
        done = self.browse()
        while True:
            batch = self.search(
                domain + [("id", "not in", done.ids)] if done else domain,
                order="sla_next_check, id",
                limit=batch_size,
            ).try_lock_for_update()
            if not batch:
                break
            batch._vip_check_sla(now)
            done |= batch
            full = len(batch) == batch_size
            if in_cron:
                remaining = self.search_count(domain) if full else 0
                if not self.env["ir.cron"]._commit_progress(
                    len(batch), remaining=remaining
                ):
                    break
            else:
                self.env.flush_all()
            if not full:
                break
        return done


class _Planner:
    """``resource.calendar.plan_hours`` and ``get_work_hours_count`` with public
    holidays, memoized for a batch (complaints received together share their
    deadlines)."""

    def __init__(self, env):
        self.env = env
        self.memo = {}

    def plan(self, calendar, hours, start):
        if not start:
            return False
        key = ("plan", calendar.id, hours, start)
        if key not in self.memo:
            result = False
            if calendar:
                result = calendar.plan_hours(hours, start, compute_leaves=True)
            result = result or start + timedelta(hours=hours)
            # calendars ending a day at 23:59:59.999999 leave stray microseconds
            self.memo[key] = (result + timedelta(microseconds=500000)).replace(
                microsecond=0
            )
        return self.memo[key]

    def count(self, calendar, start, stop):
        if not calendar:
            return (stop - start).total_seconds() / 3600
        return calendar.get_work_hours_count(start, stop, compute_leaves=True)
