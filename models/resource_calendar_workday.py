from odoo import api, fields, models

from ..tools.moments import format_day

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


class ResourceCalendarWorkday(models.Model):
    """A date the calendar works although its weekday is normally off: China's
    make-up working days (调休/补班), Taiwan's 補行上班. The hours of the
    ``dayofweek_template`` weekday apply on that date (see
    ``resource.calendar._attendance_intervals_batch``)."""

    _name = "resource.calendar.workday"
    _inherit = ["vip.workflow.guard"]
    _description = "Make-up Working Day"
    _order = "date, id"

    calendar_id = fields.Many2one(
        "resource.calendar",
        "Working Hours",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="calendar_id.company_id", store=True)
    date = fields.Date(required=True)
    # translated: the import names the day in every active language, so that each
    # reader sees the reason in theirs
    name = fields.Char("Reason", translate=True)
    dayofweek_template = fields.Selection(
        WEEKDAYS,
        "Hours of",
        required=True,
        default="0",
        help="The weekday whose working hours apply on this date: the day it was "
        "swapped with.",
    )
    holiday_year_id = fields.Many2one(
        "vip.holiday.year",
        "Imported With",
        index="btree_not_null",
        ondelete="cascade",
        help="Set when the day comes from a public-holiday import, which keeps it "
        "in step with the holidays package.",
    )

    _calendar_date_unique = models.Constraint(
        "UNIQUE(calendar_id, date)",
        "A working schedule has one make-up working day per date.",
    )

    @api.depends("date", "calendar_id")
    def _compute_display_name(self):
        for workday in self:
            workday.display_name = " ".join(
                filter(None, [format_day(self.env, workday.date), workday.name])
            )

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.calendar_id._vip_sync_has_workdays()
        return records

    def write(self, vals):
        calendars = self.calendar_id
        res = super().write(vals)
        (calendars | self.calendar_id)._vip_sync_has_workdays()
        return res

    def unlink(self):
        calendars = self.calendar_id
        res = super().unlink()
        calendars._vip_sync_has_workdays()
        return res
