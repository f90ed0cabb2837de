from collections import defaultdict
from datetime import timedelta

from markupsafe import Markup

from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools.misc import format_date

from .vip_benefit import period_bounds
from .vip_promise_number import USAGE_SEQUENCE_CODE

ACTIVITY_APPROVAL = "partner_vip_care.mail_activity_type_benefit_approval"
# what a usage records once created: a correction is a cancellation plus a new one
FROZEN_FIELDS = (
    "partner_id",
    "contact_id",
    "benefit_id",
    "date",
    "quantity",
    "user_id",
    "company_id",
    "visit_id",
    "promise_id",
)
# usages that take from the quota and the gift budget
COUNTED_STATES = ("to_approve", "done")
# a use is recorded within a year (a late entry, not last year's unused quota)
BACKDATE_DAYS = 366


class VipBenefitUsage(models.Model):
    """The benefits ledger, like the promises: numbered, never deleted,
    cancelled with a reason. A use within the tier's quota for its period (and,
    for a gift, within the customer's gift budget) is done at once; beyond, it
    waits for a manager, never the person who recorded it."""

    _name = "vip.benefit.usage"
    _description = "VIP Benefit Usage"
    _vip_sequence_code = USAGE_SEQUENCE_CODE
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "vip.workflow.guard",
        "vip.ledger.mixin",
    ]
    _order = "date desc, id desc"
    _check_company_auto = True
    _vip_workflow_fields = ("state",)
    _vip_create_fields = ("name",)  # replaced by the sequence in create()

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
    )
    contact_id = fields.Many2one(
        "res.partner",
        "Received by",
        index="btree_not_null",
        domain="[('commercial_partner_id', '=', partner_id)]",
    )
    benefit_id = fields.Many2one(
        "vip.benefit",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        ondelete="restrict",
    )
    benefit_type = fields.Selection(related="benefit_id.benefit_type")
    date = fields.Date(
        required=True,
        index=True,
        tracking=True,
        default=fields.Date.context_today,
        help="The day the customer used the benefit: it decides the quota period.",
    )
    quantity = fields.Integer(required=True, default=1, tracking=True)
    user_id = fields.Many2one(
        "res.users",
        "Given by",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    note = fields.Text()
    state = fields.Selection(
        [
            ("to_approve", "To Approve"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        required=True,
        default="done",
        index=True,
        copy=False,
        tracking=True,
    )
    visit_id = fields.Many2one(
        "vip.visit",
        "From Visit",
        index="btree_not_null",
        check_company=True,
        help="The visit during which the benefit was given.",
    )
    promise_id = fields.Many2one(
        "vip.promise",
        index="btree_not_null",
        check_company=True,
        help="The promise this use keeps; a gift promised carries its value in "
        "the gift budget, so the use does not count it again.",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    tier_id = fields.Many2one(
        "vip.tier",
        "Tier at Recording",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    quota_applied = fields.Integer(
        readonly=True,
        copy=False,
        help="The tier's quota for the period when the use was recorded (0: "
        "unlimited).",
    )
    period_start = fields.Date("Quota Period From", readonly=True, copy=False)
    period_end = fields.Date("Quota Period To", readonly=True, copy=False)
    used_before = fields.Integer(
        readonly=True,
        copy=False,
        help="Uses of the benefit by the customer in the period before this one, "
        "approved or waiting.",
    )
    outside_tier = fields.Boolean(
        "Not a Tier Benefit",
        readonly=True,
        copy=False,
        help="The customer's tier does not give this benefit.",
    )
    over_quota = fields.Boolean("Beyond Quota", readonly=True, copy=False)
    over_budget = fields.Boolean(
        "Above Gift Budget",
        readonly=True,
        copy=False,
        help="The gift takes the customer's gifts of the year above its tier's "
        "gift budget.",
    )
    value = fields.Monetary(
        readonly=True,
        copy=False,
        help="Value of the use when it was recorded (value per unit × quantity); "
        "0 when it keeps a gift promise, which carries the value.",
    )
    approver_id = fields.Many2one(
        "res.users", "Approved by", readonly=True, copy=False, tracking=True
    )
    approved_on = fields.Datetime(readonly=True, copy=False)
    cancel_reason = fields.Text(readonly=True, copy=False)
    cancelled_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    cancelled_on = fields.Datetime(readonly=True, copy=False)

    _usage_period_idx = models.Index("(partner_id, benefit_id, date)")

    @api.depends("name", "benefit_id", "partner_id")
    def _compute_display_name(self):
        for usage in self:
            usage.display_name = " – ".join(
                part
                for part in (usage.name, usage.benefit_id.name, usage.partner_id.name)
                if part
            )

    @api.constrains("quantity")
    def _check_quantity(self):
        for usage in self:
            if usage.quantity < 1:
                raise ValidationError(
                    self.env._(
                        "%(usage)s: the “%(field)s” of a benefit use is at least 1.",
                        usage=usage.name,
                        field=self._fields["quantity"]._description_string(self.env),
                    )
                )

    @api.constrains("date")
    def _check_date(self):
        # the later of the user's and the server's today: no false alarm across
        # time zones
        today = max(fields.Date.context_today(self), fields.Date.today())
        for usage in self:
            if not today - timedelta(days=BACKDATE_DAYS) <= usage.date <= today:
                raise ValidationError(
                    self.env._(
                        "%(usage)s: the “%(field)s” %(date)s must lie within the "
                        "last %(days)s days and cannot be in the future: a "
                        "benefit is recorded once used.",
                        usage=usage.name,
                        field=self._fields["date"]._description_string(self.env),
                        date=format_date(self.env, usage.date),
                        days=BACKDATE_DAYS,
                    )
                )

    @api.constrains("partner_id", "contact_id", "visit_id", "promise_id")
    def _check_same_customer(self):
        for usage in self:
            for fname in ("contact_id", "visit_id", "promise_id"):
                record = usage[fname]
                customer = (
                    record.commercial_partner_id
                    if fname == "contact_id"
                    else record.partner_id
                )
                if record and customer != usage.partner_id:
                    raise ValidationError(
                        self.env._(
                            "%(usage)s: the “%(field)s” must belong to the customer "
                            "%(customer)s.",
                            usage=usage.name,
                            field=self._fields[fname]._description_string(self.env),
                            customer=usage.partner_id.display_name,
                        )
                    )

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = self._vip_ledger_vals(vals_list)
        # a concurrent use of the same customer's quota waits for this one, then
        # conflicts and is retried: it sees this one when it counts
        partner_ids = sorted(
            {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        )
        if partner_ids:
            self.env.cr.execute(
                "UPDATE res_partner SET write_date = write_date WHERE id = ANY(%s)",
                [partner_ids],
                log_exceptions=False,  # a retried conflict, not an error
            )
        usages = super().create(vals_list)
        usages._vip_decide()
        return usages

    def write(self, vals):
        frozen = [fname for fname in FROZEN_FIELDS if fname in vals]
        for usage in self if frozen else ():
            for fname in frozen:
                field = self._fields[fname]
                new = field.convert_to_cache(vals[fname], usage)
                if new != field.convert_to_cache(usage[fname], usage):
                    raise UserError(
                        self.env._(
                            "%(usage)s is in the benefits ledger: its field "
                            "“%(field)s” cannot change. Cancel it with a reason and "
                            "record the use again to correct it.",
                            usage=usage.name,
                            field=field._description_string(self.env),
                        )
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if self:
            raise UserError(
                self.env._(
                    "%(usage)s is in the benefits ledger: it cannot be deleted; "
                    "cancel it with a reason instead.",
                    usage=self[0].name,
                )
            )

    # ------------------------------------------------------------------
    # Flow
    # ------------------------------------------------------------------

    def action_approve(self, note=None):
        self._vip_check_approval_rights()
        self._vip_check_state(("to_approve",), self.env._("approve"))
        self._vip_workflow_write(
            {
                "state": "done",
                "approver_id": self.env.user.id,
                "approved_on": fields.Datetime.now(),
            }
        )
        self._vip_activity_feedback([ACTIVITY_APPROVAL], feedback=note or None)
        if note:
            self._vip_post_reason(lambda env: env._("Approved:"), note)
        return True

    def action_cancel(self, reason=None):
        """Cancel with a reason (a refused approval too): without one, the
        wizard asks for it."""
        self._vip_check_state(COUNTED_STATES, self.env._("cancel"))
        if not (reason or "").strip():
            return {
                "type": "ir.actions.act_window",
                "name": self.env._("Cancel Benefit Use"),
                "res_model": "vip.benefit.usage.cancel",
                "view_mode": "form",
                "views": [(False, "form")],
                "target": "new",
                "context": {"default_usage_ids": self.ids},
            }
        self._vip_check_cancel_rights()
        self._vip_workflow_write(
            {
                "state": "cancelled",
                "cancel_reason": reason,
                "cancelled_by_id": self.env.user.id,
                "cancelled_on": fields.Datetime.now(),
            }
        )
        # sudo: the approval activity is assigned to a manager, not the caller
        self.sudo().activity_unlink([ACTIVITY_APPROVAL])
        self._vip_post_reason(lambda env: env._("Cancelled:"), reason)
        return True

    # ------------------------------------------------------------------
    # The decision at recording: quota, tier, gift budget
    # ------------------------------------------------------------------

    def _vip_decide(self):
        """Snapshot the tier, quota, period and value of the new uses and decide
        whether each is done or waits for approval: counted from the uses already
        recorded (approved or waiting), in one search for the batch."""
        counted = self._vip_counted_before()
        gifts = self._vip_gift_room()
        to_approve = self.browse()
        for usage in self:
            partner = usage.partner_id
            tier = partner.vip_tier_id
            line = tier.sudo().benefit_ids.filtered(
                lambda b, u=usage: b.benefit_id == u.benefit_id
            )[:1]
            start, end = period_bounds(line.period or "year", usage.date)
            key = (partner.id, usage.benefit_id.id)
            used = sum(q for day, q in counted[key] if start <= day <= end)
            counted[key].append((usage.date, usage.quantity))
            value = usage._vip_value()
            over_budget = False
            if usage.benefit_type == "gift" and value:
                room_key = (partner.id, usage.date.year)
                over_budget = (
                    usage.currency_id.compare_amounts(value, gifts[room_key]) > 0
                )
                gifts[room_key] -= value
            over_quota = bool(line.quota) and used + usage.quantity > line.quota
            values = {
                "tier_id": tier.id,
                "quota_applied": line.quota,
                "period_start": start,
                "period_end": end,
                "used_before": used,
                "outside_tier": not line,
                "over_quota": over_quota,
                "over_budget": over_budget,
                "value": value,
            }
            if not line or over_quota or over_budget:
                values["state"] = "to_approve"
                to_approve |= usage
            # sudo: the decision is the ledger's, written by the server
            usage.sudo().write(values)
        to_approve._vip_schedule_approval_activity()

    def _vip_value(self):
        self.ensure_one()
        if self.promise_id.promise_type == "gift":
            return 0.0
        benefit = self.benefit_id
        return benefit.currency_id._convert(
            benefit.unit_value * self.quantity,
            self.currency_id,
            self.company_id,
            self.date,
        )

    def _vip_counted_before(self):
        """{(customer id, benefit id): [(date, quantity)]} of the other uses that
        count against the quotas of these new ones."""
        counted = defaultdict(list)
        if not self:
            return counted
        # sudo: every use of the customer counts, whoever recorded it
        others = self.sudo().search_fetch(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("benefit_id", "in", self.benefit_id.ids),
                ("state", "in", COUNTED_STATES),
                ("id", "not in", self.ids),
            ],
            ["partner_id", "benefit_id", "date", "quantity"],
        )
        for usage in others:
            key = (usage.partner_id.id, usage.benefit_id.id)
            counted[key].append((usage.date, usage.quantity))
        return counted

    def _vip_gift_room(self):
        """{(customer id, year): what is left of the gift budget}, the gifts
        waiting for approval deducted, for the years of these uses."""
        room = {}
        gifts = self.filtered(lambda u: u.benefit_type == "gift")
        for year in {usage.date.year for usage in gifts}:
            partners = gifts.filtered(lambda u, y=year: u.date.year == y).partner_id
            amounts = partners._vip_gift_amounts(year, exclude_usages=self)
            for partner in partners:
                spent, pending = amounts.get(partner.id, (0.0, 0.0))
                room[partner.id, year] = partner._vip_gift_budget() - spent - pending
        return room

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _vip_people(self):
        """Who recorded the use or gave the benefit: none of them approves it."""
        self.ensure_one()
        return self.user_id | self.create_uid

    def _vip_check_approval_rights(self):
        if not self.env.su and not self.env.user.has_group(
            "partner_vip_care.group_vip_manager"
        ):
            raise AccessError(
                self.env._("Only VIP Care managers can approve benefit uses.")
            )
        if self.env.uid == SUPERUSER_ID:
            return
        own = self.filtered(lambda u: self.env.user in u._vip_people())
        if own:
            raise AccessError(
                self.env._(
                    "%(usage)s: you recorded it or gave the benefit, so another "
                    "manager must approve it.",
                    usage=own[0].name,
                )
            )

    def _vip_check_cancel_rights(self):
        if self.env.su or self.env.user.has_group("partner_vip_care.group_vip_manager"):
            return
        others = self.filtered(lambda u: self.env.user not in u._vip_people())
        if others:
            raise AccessError(
                self.env._(
                    "%(usage)s: only who recorded it, who gave the benefit or a VIP "
                    "Care manager can cancel it.",
                    usage=others[0].name,
                )
            )

    def _vip_post_reason(self, label_of, text):
        """A note "<label> <text>", the label in the reader's language."""
        self._vip_post_note(lambda env: Markup("<b>%s</b> %s") % (label_of(env), text))

    def _vip_schedule_approval_activity(self):
        if not self:
            return
        managers = self.company_id._vip_managers() - self.env.ref("base.user_root")
        for usage in self:
            manager = next(
                (
                    user
                    for user in (
                        (usage.company_id.vip_escalation_user_id & managers) | managers
                    )
                    if user not in usage._vip_people()
                    and usage.company_id in user.company_ids
                ),
                None,
            )
            if not manager:
                continue
            env = self.with_context(lang=manager.lang or self.env.lang).env
            reasons = []
            if usage.outside_tier:
                reasons.append(env._("not a benefit of the customer's tier"))
            if usage.over_quota:
                reasons.append(env._("beyond the quota of the period"))
            if usage.over_budget:
                reasons.append(env._("above the gift budget of the year"))
            # sudo: the approver may be outside the caller's companies
            usage.with_env(env).sudo().activity_schedule(
                ACTIVITY_APPROVAL,
                date_deadline=fields.Date.context_today(usage),
                summary=env._(
                    "Approve %(benefit)s for %(customer)s: %(reasons)s",
                    benefit=usage.benefit_id.with_env(env).name,
                    customer=usage.partner_id.display_name,
                    reasons=", ".join(reasons),
                ),
                user_id=manager.id,
            )

    @api.model
    def _vip_new_action(self, partner, **defaults):
        """Form action recording a use of a benefit by ``partner`` (a contact is
        fine: the use goes to its company), prefilled with ``defaults``."""
        context = {
            "default_partner_id": partner.id,
            **{f"default_{fname}": value for fname, value in defaults.items()},
        }
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Record a Benefit Used"),
            "res_model": "vip.benefit.usage",
            "views": [(False, "form")],
            "target": "new",
            "context": context,
        }
