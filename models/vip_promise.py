from markupsafe import Markup

from odoo import SUPERUSER_ID, Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools.misc import format_date

from .vip_promise_number import PROMISE_SEQUENCE_CODE

# Once a promise is submitted these fields are part of the ledger: a correction is a
# cancellation plus a new entry (action_supersede).
FROZEN_FIELDS = (
    "partner_id",
    "value",
    "currency_id",
    "description",
    "deadline",
    "promise_type",
    "company_id",
    "user_id",
)
OPEN_STATES = ("to_approve", "open")
# promises the customer heard (portal): drafts and those awaiting approval are
# not made yet
PORTAL_STATES = ("open", "kept", "broken")
ACTIVITY_APPROVAL = "partner_vip_care.mail_activity_type_promise_approval"


class VipPromise(models.Model):
    _name = "vip.promise"
    _description = "VIP Promise"
    _vip_sequence_code = PROMISE_SEQUENCE_CODE
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "vip.workflow.guard",
        "vip.ledger.mixin",
    ]
    _order = "deadline, id desc"
    _check_company_auto = True
    _vip_workflow_fields = ("state",)
    _vip_create_fields = ("name",)  # replaced by the sequence in create()

    def _default_currency_id(self):
        return self.env.company.currency_id

    name = fields.Char(
        "Reference",
        required=True,
        readonly=True,
        copy=False,
        default=lambda self: self.env._("New"),
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
        help="The customer (commercial entity) the promise was made to.",
    )
    contact_id = fields.Many2one(
        "res.partner",
        tracking=True,
        check_company=True,
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="The person the promise was made to.",
    )
    user_id = fields.Many2one(
        "res.users",
        "Promised by",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(
        "res.currency",
        required=True,
        tracking=True,
        default=lambda self: self._default_currency_id(),
    )
    company_currency_id = fields.Many2one(
        related="company_id.currency_id", string="Company Currency"
    )
    promise_type = fields.Selection(
        [
            ("price", "Price"),
            ("payment_terms", "Payment Terms"),
            ("delivery", "Delivery"),
            ("service", "Service"),
            ("gift", "Gift"),
            ("other", "Other"),
        ],
        "Type",
        required=True,
        default="other",
        tracking=True,
    )
    description = fields.Text(
        tracking=True, help="What exactly was promised, as the customer heard it."
    )
    value = fields.Monetary(
        tracking=True,
        help="What the promise costs the company (discount, gift, free service…). "
        "Above the customer's tier bottom line it needs a manager's approval.",
        groups="base.group_user",
    )
    deadline = fields.Date(
        tracking=True, index=True, help="The promise must be kept by this day."
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("to_approve", "To Approve"),
            ("open", "Open"),
            ("kept", "Kept"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="draft",
        index=True,
        copy=False,
        tracking=True,
        group_expand=True,
    )
    tier_id = fields.Many2one(
        "vip.tier",
        "Tier at Submission",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The customer's VIP tier when the promise was submitted.",
        groups="base.group_user",
    )
    limit_applied = fields.Monetary(
        "Bottom Line Applied",
        readonly=True,
        copy=False,
        help="The customer's tier bottom line at submission, in the promise's "
        "currency: a promise worth more (or any promise when it is 0 or the customer "
        "has no tier) needs a manager's approval.",
        groups="base.group_user",
    )
    needs_approval = fields.Boolean(readonly=True, copy=False, groups="base.group_user")
    submitted_on = fields.Datetime(readonly=True, copy=False, groups="base.group_user")
    approver_id = fields.Many2one(
        "res.users",
        "Approved by",
        readonly=True,
        copy=False,
        tracking=True,
        groups="base.group_user",
    )
    approved_on = fields.Datetime(readonly=True, copy=False, groups="base.group_user")
    approval_note = fields.Text(readonly=True, copy=False, groups="base.group_user")
    done_date = fields.Date(
        "Closed on",
        readonly=True,
        copy=False,
        tracking=True,
        help="Day the promise was kept (or found broken).",
    )
    kept_on_time = fields.Boolean(
        compute="_compute_kept_on_time",
        store=True,
        help="Kept no later than the deadline.",
    )
    kept_late = fields.Boolean(compute="_compute_kept_on_time", store=True)
    outcome_note = fields.Text(readonly=True, copy=False, groups="base.group_user")
    exposure = fields.Monetary(
        "Open Exposure",
        compute="_compute_exposure",
        store=True,
        currency_field="company_currency_id",
        help="Value of a promise still to keep (to approve or open), in company "
        "currency.",
        groups="base.group_user",
    )
    overdue = fields.Boolean(
        compute="_compute_overdue",
        search="_search_overdue",
        help="Still to keep and past its deadline.",
    )
    complaint_id = fields.Many2one(
        "vip.complaint",
        "From Complaint",
        index="btree_not_null",
        tracking=True,
        help="The complaint this promise compensates.",
    )
    suggestion_id = fields.Many2one(
        "vip.suggestion",
        "From Suggestion",
        index="btree_not_null",
        tracking=True,
        help="The customer suggestion this promise answers.",
    )
    visit_id = fields.Many2one(
        "vip.visit",
        "From Visit",
        index="btree_not_null",
        tracking=True,
        help="The visit during which the promise was made.",
    )
    supersedes_id = fields.Many2one(
        "vip.promise",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        help="The cancelled promise this one corrects.",
    )
    superseded_by_ids = fields.One2many("vip.promise", "supersedes_id", "Superseded by")
    _cron_idx = models.Index("(state, deadline)")

    @api.depends("state", "done_date", "deadline")
    def _compute_kept_on_time(self):
        for promise in self:
            kept = promise.state == "kept" and bool(promise.done_date)
            on_time = kept and (
                not promise.deadline or promise.done_date <= promise.deadline
            )
            promise.kept_on_time = on_time
            promise.kept_late = kept and not on_time

    @api.depends("state", "value", "currency_id", "company_id")
    def _compute_exposure(self):
        today = fields.Date.context_today(self)
        for promise in self:
            if promise.state not in OPEN_STATES:
                promise.exposure = 0.0
                continue
            promise.exposure = promise.currency_id._convert(
                promise.value,
                promise.company_id.currency_id,
                promise.company_id,
                today,
            )

    @api.depends("state", "deadline")
    @api.depends_context("tz")
    def _compute_overdue(self):
        today = fields.Date.context_today(self)
        for promise in self:
            promise.overdue = bool(
                promise.state in OPEN_STATES
                and promise.deadline
                and promise.deadline < today
            )

    def _search_overdue(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        today = fields.Date.context_today(self)
        domain = Domain("state", "in", OPEN_STATES) & Domain("deadline", "<", today)
        if (operator == "in") == (True in value):
            return domain
        return ~domain

    @api.constrains("value")
    def _check_value(self):
        for promise in self:
            if promise.value < 0:
                raise ValidationError(
                    self.env._(
                        "%(promise)s: the value of a promise cannot be negative.",
                        promise=promise.name,
                    )
                )

    @api.constrains("supersedes_id")
    def _check_supersedes(self):
        for promise in self:
            if promise.supersedes_id == promise:
                raise ValidationError(self.env._("A promise cannot supersede itself."))

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._vip_ledger_vals(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        vals = self.env["res.partner"]._vip_customer_vals(vals)
        frozen = [fname for fname in FROZEN_FIELDS if fname in vals]
        if frozen:
            for promise in self.filtered(lambda p: p.state != "draft"):
                for fname in frozen:
                    field = self._fields[fname]
                    new = field.convert_to_cache(vals[fname], promise)
                    if new != field.convert_to_cache(promise[fname], promise):
                        raise UserError(
                            self.env._(
                                "%(promise)s is in the ledger since its submission: "
                                "its field “%(field)s” cannot change any more. "
                                "Cancel it and record a new promise (Supersede) to "
                                "correct it.",
                                promise=promise.name,
                                field=field._description_string(self.env),
                            )
                        )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for promise in self:
            if promise.state != "draft":
                raise UserError(
                    self.env._(
                        "%(promise)s is in the promise ledger: only draft promises "
                        "can be deleted; cancel it with a reason instead.",
                        promise=promise.name,
                    )
                )

    # ------------------------------------------------------------------
    # Flow
    # ------------------------------------------------------------------

    def action_submit(self):
        today = fields.Date.context_today(self)
        for promise in self:
            promise._vip_check_state(("draft",), self.env._("submit"))
            if not (promise.description or "").strip():
                raise UserError(
                    self.env._(
                        "%(promise)s: describe what was promised (Description) "
                        "before submitting.",
                        promise=promise.name,
                    )
                )
            if not promise.deadline:
                raise UserError(
                    self.env._(
                        "%(promise)s: set the Deadline by which the promise is kept "
                        "before submitting.",
                        promise=promise.name,
                    )
                )
            if promise.deadline < today:
                raise UserError(
                    self.env._(
                        "%(promise)s: the Deadline %(deadline)s is in the past; a "
                        "promise is submitted with a deadline of today or later.",
                        promise=promise.name,
                        deadline=format_date(self.env, promise.deadline),
                    )
                )
            tier = promise.partner_id.commercial_partner_id.vip_tier_id
            limit = 0.0
            if tier:
                limit = tier.currency_id._convert(
                    tier.promise_limit, promise.currency_id, promise.company_id, today
                )
            needs_approval = (
                not tier
                or promise.currency_id.is_zero(limit)
                or promise.currency_id.compare_amounts(promise.value, limit) > 0
            )
            promise._vip_workflow_write(
                {
                    "state": "to_approve" if needs_approval else "open",
                    "tier_id": tier.id,
                    "limit_applied": limit,
                    "needs_approval": needs_approval,
                    "submitted_on": fields.Datetime.now(),
                    "submitted_by_id": self.env.uid,
                    "ledger_user_ids": [Command.link(self.env.uid)],
                }
            )
            if needs_approval:
                promise._schedule_approval_activity()
        return True

    def action_approve(self, note=None):
        self._check_approval_rights()
        for promise in self:
            promise._vip_check_state(("to_approve",), self.env._("approve"))
        self._vip_workflow_write(
            {
                "state": "open",
                "approver_id": self.env.user.id,
                "approved_on": fields.Datetime.now(),
                "approval_note": note or False,
            }
        )
        self._vip_activity_feedback([ACTIVITY_APPROVAL], feedback=note or None)
        if note:
            self._vip_post_note(
                lambda env: Markup("%s<br/>%s") % (env._("Approved:"), note)
            )
        return True

    def action_refuse(self, reason=None):
        if not (reason or "").strip():
            return self._wizard_action("refuse")
        self._check_approval_rights(refuse=True)
        for promise in self:
            promise._vip_check_state(("to_approve",), self.env._("refuse"))
        self._vip_workflow_write(
            {
                "state": "draft",
                "needs_approval": False,
                "limit_applied": 0.0,
                "submitted_on": False,
                "submitted_by_id": False,
            }
        )
        self.activity_unlink([ACTIVITY_APPROVAL])
        self._post_reason(lambda env: env._("Refused, back to draft:"), reason)
        return True

    def action_mark_kept(self, done_date=None, note=None):
        today = self._vip_user_today()
        done_date = fields.Date.to_date(done_date) or today
        for promise in self:
            promise._vip_check_state(("open",), self.env._("mark kept"))
            promise._vip_check_done_date(done_date, today)
        self._vip_workflow_write(
            {"state": "kept", "done_date": done_date, "outcome_note": note}
        )
        self._close_reminder_activities()
        if note:
            self._post_reason(lambda env: env._("Kept:"), note)
        return True

    def action_mark_broken(self, reason=None):
        if not (reason or "").strip():
            return self._wizard_action("broken")
        for promise in self:
            promise._vip_check_state(("open",), self.env._("mark broken"))
        self._vip_workflow_write(
            {
                "state": "broken",
                "done_date": fields.Date.context_today(self),
                "outcome_note": reason,
            }
        )
        self._close_reminder_activities()
        self._post_reason(lambda env: env._("Broken:"), reason)
        return True

    def action_cancel(self, reason=None):
        if not (reason or "").strip():
            return self._wizard_action("cancel")
        for promise in self:
            promise._vip_check_state(("draft", *OPEN_STATES), self.env._("cancel"))
        self._vip_workflow_write({"state": "cancelled", "outcome_note": reason})
        self._close_reminder_activities()
        self.activity_unlink([ACTIVITY_APPROVAL])
        self._post_reason(lambda env: env._("Cancelled:"), reason)
        return True

    def action_supersede(self):
        """Cancel this submitted promise and return a new draft copying it, linked
        by ``supersedes_id``, to correct what the ledger freezes."""
        self.ensure_one()
        self._vip_check_state(OPEN_STATES, self.env._("supersede"))
        new = self.copy({"user_id": self.user_id.id})
        new._vip_workflow_write({"supersedes_id": self.id})
        self.action_cancel(
            reason=self.env._("Superseded by %(new)s.", new=new.name),
        )
        new.message_post_with_source(
            "mail.message_origin_link",
            render_values={"self": new, "origin": self, "edit": False},
            subtype_xmlid="mail.mt_note",
        )
        return new

    def action_supersede_open(self):
        """Button: supersede and open the new draft."""
        new = self.action_supersede()
        return {
            "type": "ir.actions.act_window",
            "res_model": "vip.promise",
            "res_id": new.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_open_approve_wizard(self):
        """Button: the approval wizard (a note for the promiser)."""
        return self._wizard_action("approve")

    def action_open_kept_wizard(self):
        """Button: the wizard recording when and how the promise was kept."""
        return self._wizard_action("kept")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _check_approval_rights(self, refuse=False):
        if not self.env.su and not self.env.user.has_group(
            "partner_vip_care.group_vip_manager"
        ):
            raise AccessError(
                self.env._("Only VIP Care managers can approve or refuse promises.")
            )
        if refuse or self.env.uid == SUPERUSER_ID:
            return
        own = self.filtered(lambda p: self.env.user in p._vip_ledger_people())
        if own:
            raise AccessError(
                self.env._(
                    "%(promise)s: you are or were its promiser, or you created or "
                    "submitted it, so another manager must approve it.",
                    promise=own[0].name,
                )
            )

    def _vip_user_today(self, moment=None):
        """The day of ``moment`` (default: now, the server's clock) in the user's
        own time zone, not in a ``tz`` the caller put in the context."""
        env = self.with_context(tz=self.env.user.tz or "UTC")
        return fields.Date.context_today(env, moment)

    def _vip_check_done_date(self, done_date, today):
        """A promise is kept between its submission and today, never before it was
        made nor in the future: the day decides ``kept_on_time``."""
        self.ensure_one()
        submitted = self._vip_user_today(self.submitted_on or fields.Datetime.now())
        if submitted <= done_date <= today:
            return
        raise ValidationError(
            self.env._(
                "%(promise)s: the “%(field)s” date %(date)s must lie between the "
                "submission of the promise (%(submitted)s) and today (%(today)s).",
                promise=self.name,
                field=self._fields["done_date"]._description_string(self.env),
                date=format_date(self.env, done_date),
                submitted=format_date(self.env, submitted),
                today=format_date(self.env, today),
            )
        )

    def _wizard_action(self, step):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_promise_wizard_action"
        )
        titles = {
            "approve": self.env._("Approve Promise"),
            "refuse": self.env._("Refuse Promise"),
            "kept": self.env._("Promise Kept"),
            "broken": self.env._("Promise Broken"),
            "cancel": self.env._("Cancel Promise"),
        }
        action["name"] = titles[step]
        action["context"] = {
            "active_model": self._name,
            "active_ids": self.ids,
            "default_promise_ids": self.ids,
            "default_step": step,
        }
        return action

    def _post_reason(self, label_of, text):
        """A note "<label> <text>", the label from ``label_of(env)`` in the
        promise's reader's language (see ``_vip_reader_env``)."""
        self._vip_post_note(lambda env: Markup("<b>%s</b> %s") % (label_of(env), text))

    def _vip_approvers(self):
        """{promise: the manager who approves or follows it up}, in one search: the
        company's escalation contact when a VIP manager, else the first VIP manager
        of the company; never the promiser."""
        managers = self.company_id._vip_managers() - self.env.ref("base.user_root")
        result = {}
        for promise in self:
            escalation = promise.company_id.vip_escalation_user_id
            candidates = (escalation & managers) | managers
            result[promise] = next(
                (
                    user
                    for user in candidates
                    if user not in promise._vip_ledger_people()
                    and promise.company_id in user.company_ids
                ),
                managers.browse(),
            )
        return result

    def _schedule_approval_activity(self):
        managers = self._vip_approvers()
        for promise in self:
            manager = managers[promise]
            if not manager:
                continue
            # in the approver's language
            env = self.with_context(lang=manager.lang or self.env.lang).env
            # sudo: the approver may be outside the caller's companies
            promise.with_env(env).sudo().activity_schedule(
                ACTIVITY_APPROVAL,
                date_deadline=fields.Date.context_today(promise),
                summary=env._(
                    "Approve promise of %(value)s to %(customer)s",
                    value=promise.currency_id.format(promise.value),
                    customer=promise.partner_id.display_name,
                ),
                user_id=manager.id,
            )

    @api.model
    def _vip_new_action(self, partner, description, **defaults):
        """Form action for a new promise to ``partner`` (a contact is fine: the
        promise goes to its company), prefilled with ``defaults``."""
        context = {
            "default_partner_id": partner.id,
            "default_description": description,
            **{f"default_{fname}": value for fname, value in defaults.items()},
        }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Promise"),
            "res_model": "vip.promise",
            "views": [(False, "form")],
            "target": "current",
            "context": context,
        }
