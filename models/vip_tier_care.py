from odoo import api, fields, models
from odoo.exceptions import ValidationError


class VipTier(models.Model):
    """What a tier gives: benefits with quotas, a yearly gift budget per
    customer, festival gifts."""

    _inherit = "vip.tier"

    benefit_ids = fields.One2many(
        "vip.tier.benefit",
        "tier_id",
        "Benefit Quotas",
        groups="base.group_user",
    )
    gift_budget = fields.Monetary(
        "Gift Budget per Year",
        help="What the gifts to one customer of this tier may cost in a calendar "
        "year (gift promises and gift benefits); a gift above it needs a manager's "
        "approval. 0 means every gift needs approval.",
        groups="base.group_user",
    )
    festival_gifts = fields.Boolean(
        help="The care calendar reminds the account managers of this tier's "
        "customers of the festivals the company chose (Settings), so that the "
        "gifts go out in time. A customer can opt out or in on its VIP Care tab.",
        groups="base.group_user",
    )

    @api.constrains("gift_budget")
    def _check_gift_budget(self):
        for tier in self:
            if tier.gift_budget < 0:
                raise ValidationError(
                    self.env._(
                        "Tier %(tier)s: the gift budget cannot be negative.",
                        tier=tier.name,
                    )
                )
