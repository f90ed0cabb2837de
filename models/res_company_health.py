from odoo import api, fields, models
from odoo.exceptions import ValidationError

# (weight field, default weight) of each component of the health score
VIP_HEALTH_WEIGHTS = (
    ("vip_health_weight_recency", 35),
    ("vip_health_weight_trend", 25),
    ("vip_health_weight_complaints", 15),
    ("vip_health_weight_promises", 10),
    ("vip_health_weight_nps", 10),
    ("vip_health_weight_visits", 5),
)


class ResCompany(models.Model):
    _inherit = "res.company"

    vip_health_weight_recency = fields.Integer(
        "Health Weight: Recency",
        default=35,
        help="Weight of the days since the last invoice, against the customer's own "
        "usual order interval.",
        groups="base.group_user",
    )
    vip_health_weight_trend = fields.Integer(
        "Health Weight: Revenue Trend",
        default=25,
        help="Weight of the revenue of the window against the previous window.",
        groups="base.group_user",
    )
    vip_health_weight_complaints = fields.Integer(
        "Health Weight: Breached Complaints",
        default=15,
        help="Weight of the complaints of the last 90 days that breached a deadline.",
        groups="base.group_user",
    )
    vip_health_weight_promises = fields.Integer(
        "Health Weight: Broken Promises",
        default=10,
        help="Weight of the promises broken in the last 90 days.",
        groups="base.group_user",
    )
    vip_health_weight_nps = fields.Integer(
        "Health Weight: Last NPS",
        default=10,
        help="Weight of the customer's last answer to the recommendation question.",
        groups="base.group_user",
    )
    vip_health_weight_visits = fields.Integer(
        "Health Weight: Overdue Visits",
        default=5,
        help="Weight of a planned visit past its date.",
        groups="base.group_user",
    )
    vip_health_at_risk_score = fields.Integer(
        "At-Risk Health Score",
        default=60,
        help="A customer whose health score falls below this is at risk.",
        groups="base.group_user",
    )
    vip_lapse_factor = fields.Float(
        "Lapse Factor",
        default=3.0,
        help="A customer is lapsed after this many times its usual order interval "
        "without an invoice.",
        groups="base.group_user",
    )
    vip_lapse_min_days = fields.Integer(
        "Minimum Lapse (days)",
        default=60,
        help="A customer is never lapsed before this many days without an invoice "
        "(also the lapse of a customer with a single invoice).",
        groups="base.group_user",
    )
    vip_lost_days = fields.Integer(
        "Lost After (days)",
        default=365,
        help="A customer without an invoice for this many days is lost.",
        groups="base.group_user",
    )

    @api.constrains(
        *(fname for fname, _default in VIP_HEALTH_WEIGHTS),
        "vip_health_at_risk_score",
        "vip_lapse_factor",
        "vip_lapse_min_days",
        "vip_lost_days",
    )
    def _check_vip_health_settings(self):
        for company in self:
            weights = [company[fname] for fname, _default in VIP_HEALTH_WEIGHTS]
            if min(weights) < 0 or not sum(weights):
                raise ValidationError(
                    self.env._(
                        "Health score weights cannot be negative and at least one "
                        "must be positive."
                    )
                )
            if not 0 <= company.vip_health_at_risk_score <= 100:
                raise ValidationError(
                    self.env._("The at-risk health score must lie between 0 and 100.")
                )
            if company.vip_lapse_factor < 1:
                raise ValidationError(
                    self.env._(
                        "The lapse factor must be at least 1 (times the usual order "
                        "interval)."
                    )
                )
            if not 1 <= company.vip_lapse_min_days < company.vip_lost_days:
                raise ValidationError(
                    self.env._(
                        "The minimum lapse days must be positive and shorter than "
                        "the days after which a customer is lost."
                    )
                )

    def _vip_health_weights(self):
        """{component: weight} of this company."""
        self.ensure_one()
        return {
            fname.removeprefix("vip_health_weight_"): self[fname]
            for fname, _default in VIP_HEALTH_WEIGHTS
        }
