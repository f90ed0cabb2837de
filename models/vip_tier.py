from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class VipTier(models.Model):
    _name = "vip.tier"
    _inherit = ["vip.workflow.guard"]
    _description = "VIP Tier"
    _order = "company_id, level, id"

    def _default_level(self):
        top = self.search(
            [("company_id", "=", self.env.company.id)], order="level desc", limit=1
        )
        return top.level + 1 if top else 0

    name = fields.Char(required=True, translate=True)
    level = fields.Integer(
        required=True,
        default=lambda self: self._default_level(),
        help="Rank of the tier: a higher level is a better tier.",
    )
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    qualify_amount = fields.Monetary(
        "Revenue to Qualify",
        help="Invoiced revenue in the window a customer needs to enter this tier.",
        groups="base.group_user",
    )
    retain_amount = fields.Monetary(
        "Revenue to Retain",
        help="Revenue a customer of this tier needs to keep it; lower than the "
        "qualifying revenue so that a customer does not change tier at every "
        "small variation.",
        groups="base.group_user",
    )
    response_hours = fields.Float(
        "Complaint Response (hours)",
        default=8.0,
        help="Business hours to answer a complaint of this tier's customers.",
        groups="base.group_user",
    )
    resolution_hours = fields.Float(
        "Complaint Resolution (hours)",
        default=40.0,
        help="Business hours to solve a complaint of this tier's customers.",
        groups="base.group_user",
    )
    visit_interval_days = fields.Integer(
        "Account Manager Visit (days)",
        help="Days between two visits of the account manager; 0 means no plan.",
        groups="base.group_user",
    )
    management_visit_interval_days = fields.Integer(
        "Management Visit (days)",
        help="Days between two visits of management; 0 means no plan.",
        groups="base.group_user",
    )
    promise_limit = fields.Monetary(
        "Promise Bottom Line",
        help="A promise worth more than this needs a manager's approval; 0 means "
        "every promise needs approval.",
        groups="base.group_user",
    )
    pricelist_id = fields.Many2one(
        "product.pricelist",
        help="Applied to the customer when it enters this tier.",
        groups="base.group_user",
    )
    benefits = fields.Html(translate=True)
    partner_count = fields.Integer(
        "Customers", compute="_compute_partner_count", groups="base.group_user"
    )

    @api.depends("company_id")
    def _compute_partner_count(self):
        counts = dict(
            self.env["res.partner"]._read_group(
                [("vip_tier_id", "in", self.ids), ("parent_id", "=", False)],
                ["vip_tier_id"],
                ["__count"],
            )
        )
        for tier in self:
            tier.partner_count = counts.get(tier, 0)

    @api.constrains("qualify_amount", "retain_amount", "promise_limit")
    def _check_amounts(self):
        for tier in self:
            if min(tier.qualify_amount, tier.retain_amount, tier.promise_limit) < 0:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s: revenue to qualify, revenue to retain and "
                        "the promise bottom line cannot be negative.",
                        tier=tier.name,
                    )
                )
            if tier.retain_amount > tier.qualify_amount:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s: the revenue to retain the tier cannot exceed "
                        "the revenue to qualify for it.",
                        tier=tier.name,
                    )
                )

    @api.constrains(
        "response_hours",
        "resolution_hours",
        "visit_interval_days",
        "management_visit_interval_days",
    )
    def _check_service_levels(self):
        for tier in self:
            if tier.response_hours <= 0 or tier.resolution_hours < tier.response_hours:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s: the complaint response time must be positive "
                        "and the resolution time at least as long.",
                        tier=tier.name,
                    )
                )
            intervals = (tier.visit_interval_days, tier.management_visit_interval_days)
            if min(intervals) < 0:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s: visit intervals cannot be negative.",
                        tier=tier.name,
                    )
                )

    @api.constrains("level", "qualify_amount", "company_id", "active")
    def _check_unique_per_company(self):
        tiers = self.search([("company_id", "in", self.company_id.ids)])
        messages = {
            "level": self.env._(
                "Two active tiers of %(company)s have the same level (%(value)s): "
                "each tier needs its own level."
            ),
            "qualify_amount": self.env._(
                "Two active tiers of %(company)s have the same revenue to qualify "
                "(%(value)s): each tier needs its own threshold."
            ),
        }
        for fname, message in messages.items():
            seen = set()
            for tier in tiers:
                key = (tier.company_id, tier[fname])
                if key in seen:
                    values = {"company": tier.company_id.name, "value": tier[fname]}
                    raise ValidationError(message % values)
                seen.add(key)

    def web_resequence(self, specification, field_name="sequence", offset=0):
        # Dragging renumbers the levels one row at a time, which would meet a level
        # still held by a row renumbered later: park the rows on free levels below
        # every existing one first, so that each step is a valid ladder.
        if field_name == "level" and self:
            lowest = min(
                self.with_context(active_test=False)
                .search([("company_id", "in", self.company_id.ids)])
                .mapped("level")
            )
            for i, tier in enumerate(self, start=1):
                tier.level = lowest - i
        return super().web_resequence(specification, field_name, offset)

    def action_open_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.res_partner_action_vip"
        )
        action["domain"] = [("vip_tier_id", "=", self.id), ("parent_id", "=", False)]
        action["context"] = {"default_vip_tier_id": self.id}
        return action

    def action_evaluate_tiers(self):
        if not self.env.user.has_group("partner_vip_care.group_vip_manager"):
            raise AccessError(
                self.env._("Only VIP Care managers can evaluate the tiers.")
            )
        companies = self.company_id or self.env.company
        changed = self.env["res.partner"]
        for company in companies:
            changed |= (
                self.env["res.partner"].with_company(company)._vip_evaluate_tiers()
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Tiers evaluated: %(count)s customer(s) changed tier.",
                    count=len(changed),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
