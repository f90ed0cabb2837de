from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    vip_holiday_calendar_summary = fields.Text(
        "Imported Public Holidays",
        compute="_compute_vip_holiday_calendar_summary",
        help="Public holidays imported per working schedule of the company.",
    )

    def _compute_vip_holiday_calendar_summary(self):
        for settings in self:
            calendars = self.env["resource.calendar"].search(
                [("company_id", "in", [False, settings.company_id.id])]
            )
            lines = [
                f"{calendar.display_name}: {calendar.vip_holiday_years}"
                for calendar in calendars
                if calendar.vip_holiday_years
            ]
            settings.vip_holiday_calendar_summary = "\n".join(lines) or False

    def action_vip_import_holidays(self):
        self.ensure_one()
        calendar = (
            self.company_id.vip_sla_calendar_id or self.company_id.resource_calendar_id
        )
        return calendar.action_vip_import_holidays()
