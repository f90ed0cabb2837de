from odoo import fields, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    vip_holiday_year_id = fields.Many2one(
        "vip.holiday.year",
        "Imported With",
        index="btree_not_null",
        ondelete="cascade",
        readonly=True,
        help="Public holiday created by the holiday import of this year.",
    )
