from odoo import models


class LoyaltyProgram(models.Model):
    _inherit = "loyalty.program"

    def _vip_coupon_points(self):
        """Points of one coupon of this program: enough for its dearest reward (one
        point for a program without rewards), as Odoo's coupon generator grants."""
        self.ensure_one()
        return max(self.reward_ids.mapped("required_points") or [1.0])
