from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    vip_available = fields.Boolean(
        "Available for Complaints",
        default=True,
        help="Off while away (leave, training, busy with a key account): the "
        "automatic assignment of complaint teams skips you. You can switch it "
        "yourself in your preferences.",
        groups="base.group_user",
    )

    # the agent switches itself (preferences); internal users read it through
    # ``groups``, so it is not among the fields every user reads of itself
    @property
    def SELF_WRITEABLE_FIELDS(self):
        return [*super().SELF_WRITEABLE_FIELDS, "vip_available"]

    @api.model
    def fields_get(self, allfields=None, attributes=None):
        """Odoo describes the self-writeable fields to every user; the switch is
        the agents': customers (portal) neither read nor see it."""
        res = super().fields_get(allfields, attributes=attributes)
        if not self.env.user._is_internal():
            res.pop("vip_available", None)
        return res
