from odoo import api, fields, models

from ..tools.vip_lunar import FESTIVALS


class ResConfigSettings(models.TransientModel):
    """The care calendar's settings: the lead days and the festivals the
    company gives gifts for (one box per festival, kept as a list of codes on
    the company)."""

    _inherit = "res.config.settings"

    vip_care_lead_days = fields.Integer(
        related="company_id.vip_care_lead_days", readonly=False
    )
    vip_festival_spring_festival = fields.Boolean(
        "Spring Festival",
        compute="_compute_vip_festivals",
        inverse="_inverse_vip_festivals",
    )
    vip_festival_lantern = fields.Boolean(
        "Lantern Festival",
        compute="_compute_vip_festivals",
        inverse="_inverse_vip_festivals",
    )
    vip_festival_dragon_boat = fields.Boolean(
        "Dragon Boat Festival",
        compute="_compute_vip_festivals",
        inverse="_inverse_vip_festivals",
    )
    vip_festival_qixi = fields.Boolean(
        "Qixi Festival",
        compute="_compute_vip_festivals",
        inverse="_inverse_vip_festivals",
    )
    vip_festival_mid_autumn = fields.Boolean(
        "Mid-Autumn Festival",
        compute="_compute_vip_festivals",
        inverse="_inverse_vip_festivals",
    )
    vip_festival_double_ninth = fields.Boolean(
        "Double Ninth Festival",
        compute="_compute_vip_festivals",
        inverse="_inverse_vip_festivals",
    )
    vip_festival_laba = fields.Boolean(
        "Laba Festival",
        compute="_compute_vip_festivals",
        inverse="_inverse_vip_festivals",
    )
    vip_festival_new_year_eve = fields.Boolean(
        "Chinese New Year's Eve",
        compute="_compute_vip_festivals",
        inverse="_inverse_vip_festivals",
    )

    @api.depends("company_id")
    def _compute_vip_festivals(self):
        for settings in self:
            chosen = set(settings.company_id._vip_care_festival_codes())
            for code in FESTIVALS:
                settings[f"vip_festival_{code}"] = code in chosen

    def _inverse_vip_festivals(self):
        for settings in self:
            settings.company_id.vip_care_festivals = ",".join(
                code for code in FESTIVALS if settings[f"vip_festival_{code}"]
            )
