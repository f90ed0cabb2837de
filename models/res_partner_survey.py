from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    vip_last_nps = fields.Integer(
        "Last Recommendation Score",
        readonly=True,
        copy=False,
        help="0-10 answer of the customer to the recommendation question of its "
        "latest satisfaction campaign (9-10 promoter, 0-6 detractor).",
        groups="base.group_user",
    )
    vip_last_nps_date = fields.Date(
        "Last Recommendation Date",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    vip_last_nps_category = fields.Selection(
        [
            ("promoter", "Promoter"),
            ("passive", "Passive"),
            ("detractor", "Detractor"),
        ],
        "Last Recommendation",
        compute="_compute_vip_last_nps_category",
        groups="base.group_user",
    )

    def _compute_vip_last_nps_category(self):
        for partner in self:
            if not partner.vip_last_nps_date or not 0 <= partner.vip_last_nps <= 10:
                partner.vip_last_nps_category = False
            elif partner.vip_last_nps >= 9:
                partner.vip_last_nps_category = "promoter"
            elif partner.vip_last_nps <= 6:
                partner.vip_last_nps_category = "detractor"
            else:
                partner.vip_last_nps_category = "passive"

    def _commercial_fields(self):
        return super()._commercial_fields() + ["vip_last_nps", "vip_last_nps_date"]
