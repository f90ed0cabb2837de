from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..tools.vip_lunar import FESTIVALS

DEFAULT_FESTIVALS = "spring_festival,dragon_boat,mid_autumn"


class ResCompany(models.Model):
    _inherit = "res.company"

    vip_care_lead_days = fields.Integer(
        "Care Reminder Lead (days)",
        default=7,
        help="The account manager is reminded of a birthday, festival or "
        "anniversary this many days before (new occasions; each occasion keeps its "
        "own).",
        groups="base.group_user",
    )
    vip_care_festivals = fields.Char(
        "Festival Gifts",
        default=DEFAULT_FESTIVALS,
        help="The festivals (codes, comma-separated) for which the customers of "
        "the tiers with festival gifts get a gift: chosen in the Settings.",
        groups="base.group_user",
    )

    @api.constrains("vip_care_lead_days", "vip_care_festivals")
    def _check_vip_care(self):
        for company in self:
            if not 0 <= company.vip_care_lead_days <= 90:
                raise ValidationError(
                    self.env._("The care reminder lead lies between 0 and 90 days.")
                )
            unknown = set(company._vip_care_festival_codes(strict=False)) - set(
                FESTIVALS
            )
            if unknown:
                raise ValidationError(
                    self.env._(
                        "Festival gifts: unknown festival %(code)s.",
                        code=", ".join(sorted(unknown)),
                    )
                )

    def _vip_care_festival_codes(self, strict=True):
        """The festivals this company gives gifts for, in calendar order."""
        self.ensure_one()
        codes = [
            code.strip()
            for code in (self.sudo().vip_care_festivals or "").split(",")
            if code.strip()
        ]
        if strict:
            return [code for code in FESTIVALS if code in codes]
        return codes
