from odoo import api, fields, models
from odoo.exceptions import UserError

MAX_YEARS = 10


class VipHolidayImportWizard(models.TransientModel):
    """Import a country's public holidays and make-up working days from the
    ``holidays`` package into a working schedule."""

    _name = "vip.holiday.import.wizard"
    _description = "Import Public Holidays"

    @api.model
    def _default_country_code(self):
        return self.env.company.country_id.code or "CN"

    @api.model
    def _default_year(self):
        return fields.Date.context_today(self).year

    calendar_id = fields.Many2one(
        "resource.calendar",
        "Working Hours",
        required=True,
        default=lambda self: self.env.company.resource_calendar_id,
    )
    country_code = fields.Char(
        required=True,
        default=lambda self: self._default_country_code(),
        help="Two-letter ISO code: CN for mainland China, TW for Taiwan, or any "
        "country the holidays package knows.",
    )
    year_from = fields.Integer(
        "From Year", required=True, default=lambda self: self._default_year()
    )
    year_to = fields.Integer(
        "To Year", required=True, default=lambda self: self._default_year()
    )
    imported_years = fields.Char(related="calendar_id.vip_holiday_years")

    def _check_input(self):
        for wizard in self:
            if wizard.year_from > wizard.year_to:
                raise UserError(
                    self.env._(
                        "From Year (%(from)s) must not be after To Year (%(to)s).",
                        **{"from": wizard.year_from, "to": wizard.year_to},
                    )
                )
            if wizard.year_to - wizard.year_from >= MAX_YEARS:
                raise UserError(
                    self.env._(
                        "From Year to To Year: import at most %(count)s years at once.",
                        count=MAX_YEARS,
                    )
                )
            if not 1900 <= wizard.year_from <= 2200:
                raise UserError(
                    self.env._(
                        "From Year: %(year)s is not a year between 1900 and 2200.",
                        year=wizard.year_from,
                    )
                )

    def action_import(self):
        """Create the public holidays and make-up working days; a second import of
        the same years changes nothing."""
        self.ensure_one()
        self._check_input()
        # the wizard's access rights (VIP administrators, settings) are the right to
        # import; the schedule must be one of the user's companies'
        self.calendar_id.check_access("read")
        records = self.env["vip.holiday.year"]._vip_import(
            self.calendar_id, self.country_code, self.year_from, self.year_to
        )
        leaves, workdays = records.leave_ids, records.workday_ids
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Public holidays imported"),
                "message": self.env._(
                    "%(calendar)s: %(holidays)s public holidays and %(workdays)s "
                    "make-up working days for %(years)s.",
                    calendar=self.calendar_id.display_name,
                    holidays=len(leaves),
                    workdays=len(workdays),
                    years=records._vip_summary(),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
