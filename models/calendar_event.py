from odoo import models

from .vip_meeting_sync import is_mirroring, mirroring


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    def write(self, vals):
        result = super().write(vals)
        if {"start", "stop"} & vals.keys() and not is_mirroring(self.env):
            self._vip_update_meetings()
        return result

    def _get_activity_excluded_models(self):
        # A meeting has its own workflow: no "Meeting" activity on it.
        return [*super()._get_activity_excluded_models(), "vip.meeting"]

    def _vip_update_meetings(self):
        """An event moved in the calendar moves its planned meeting."""
        # sudo: whoever moved the event may not read the meeting; only its dates follow
        meetings = (
            self.env["vip.meeting"]
            .sudo()
            .search([("calendar_event_id", "in", self.ids), ("state", "=", "planned")])
        )
        for meeting in meetings:
            event = meeting.calendar_event_id
            if (meeting.start, meeting.stop) != (event.start, event.stop):
                with mirroring(self.env):
                    meeting.write({"start": event.start, "stop": event.stop})
