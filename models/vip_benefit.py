from datetime import date

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError

BENEFIT_TYPES = [
    ("service", "Service"),
    ("gift", "Gift"),
    ("discount", "Discount"),
    ("event", "Event"),
    ("priority", "Priority"),
    ("other", "Other"),
]
PERIODS = [
    ("month", "Month"),
    ("quarter", "Quarter"),
    ("year", "Year"),
    ("lifetime", "Lifetime"),
]
LIFETIME = (date(1900, 1, 1), date(9999, 12, 31))


def period_bounds(period, day):
    """(first day, last day) of the quota period of kind ``period`` holding
    ``day``; a lifetime quota holds every day."""
    if period == "month":
        start = day.replace(day=1)
        return start, start + relativedelta(months=1, days=-1)
    if period == "quarter":
        start = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
        return start, start + relativedelta(months=3, days=-1)
    if period == "year":
        return day.replace(month=1, day=1), day.replace(month=12, day=31)
    return LIFETIME


class VipBenefit(models.Model):
    """What a tier gives its customers: a service, a gift, an event seat…"""

    _name = "vip.benefit"
    _description = "VIP Benefit"
    _order = "sequence, name, id"
    _check_company_auto = True

    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    benefit_type = fields.Selection(
        BENEFIT_TYPES, "Type", required=True, default="service"
    )
    description = fields.Text(
        translate=True, help="What the customer gets, as it reads it on its portal."
    )
    unit = fields.Char(
        translate=True,
        help="What one use is counted in, as the customer reads it: "
        "“on-site trainings”, “hampers”, “seats”.",
    )
    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Empty: a benefit of every company.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency_id",
    )
    unit_value = fields.Monetary(
        "Value per Unit",
        help="What one use costs the company, in company currency: the gifts given "
        "count against the customer's yearly gift budget.",
    )
    active = fields.Boolean(default=True)
    tier_benefit_ids = fields.One2many("vip.tier.benefit", "benefit_id", "Tiers")

    @api.depends("company_id")
    @api.depends_context("company")
    def _compute_currency_id(self):
        for benefit in self:
            benefit.currency_id = (benefit.company_id or self.env.company).currency_id

    @api.constrains("unit_value")
    def _check_unit_value(self):
        for benefit in self:
            if benefit.unit_value < 0:
                raise ValidationError(
                    self.env._(
                        "Benefit %(benefit)s: the value per unit cannot be negative.",
                        benefit=benefit.name,
                    )
                )


class VipTierBenefit(models.Model):
    """A benefit of a tier, with the customer's quota per period."""

    _name = "vip.tier.benefit"
    _description = "VIP Tier Benefit"
    _order = "tier_id, sequence, id"
    _check_company_auto = True
    _rec_name = "benefit_id"

    sequence = fields.Integer(default=10)
    tier_id = fields.Many2one(
        "vip.tier", required=True, index=True, ondelete="cascade", check_company=True
    )
    benefit_id = fields.Many2one(
        "vip.benefit",
        required=True,
        index=True,
        ondelete="restrict",
        check_company=True,
    )
    company_id = fields.Many2one(related="tier_id.company_id", store=True, index=True)
    benefit_type = fields.Selection(related="benefit_id.benefit_type")
    quota = fields.Integer(
        default=1,
        help="Uses per period and customer; 0 means unlimited. A use beyond the "
        "quota waits for a manager's approval.",
    )
    period = fields.Selection(
        PERIODS,
        required=True,
        default="year",
        help="The quota starts again with each calendar month, quarter or year; a "
        "lifetime quota never does.",
    )

    _tier_benefit_unique = models.UniqueIndex(
        "(tier_id, benefit_id)",
        "A benefit appears once per tier: change its quota instead.",
    )

    @api.constrains("quota")
    def _check_quota(self):
        for line in self:
            if line.quota < 0:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s, benefit %(benefit)s: the quota cannot be "
                        "negative (0 means unlimited).",
                        tier=line.tier_id.name,
                        benefit=line.benefit_id.name,
                    )
                )

    def _period_bounds(self, day):
        self.ensure_one()
        return period_bounds(self.period, day)
