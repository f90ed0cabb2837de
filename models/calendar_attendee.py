from odoo import api, models

from .vip_meeting_sync import is_mirroring


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    @api.model_create_multi
    def create(self, vals_list):
        invitations = super().create(vals_list)
        if not is_mirroring(self.env):
            self.env["vip.meeting.attendee"]._update_from_calendar(invitations)
        return invitations

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals and not is_mirroring(self.env):
            self.env["vip.meeting.attendee"]._update_from_calendar(self)
        return result
