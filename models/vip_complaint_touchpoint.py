from collections import defaultdict

from odoo import fields, models


class VipComplaint(models.Model):
    """Touchpoints: how long each channel and team takes to answer, in business
    hours of the complaint's calendar, recorded when the response clock stops so
    that the analysis reads a fact instead of replaying calendars."""

    _inherit = "vip.complaint"

    response_business_hours = fields.Float(
        "Business Hours to Respond",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Business hours of the complaint's calendar (public holidays "
        "counted) between the start of the response clock and the first answer.",
        groups="base.group_user",
    )

    def _sla_record_response(self, when):
        res = super()._sla_record_response(when)
        self._vip_record_response_hours()
        return res

    def _vip_record_response_hours(self):
        """Business hours from the first response clock's start to its stop,
        for the answered complaints among these, from the calendar's engine
        (one computation per calendar)."""
        spans = defaultdict(list)
        for complaint in self.filtered("responded_on"):
            rows = complaint.sla_milestone_ids.filtered(
                lambda m: m.clock == "response" and not m.correction_of_id
            ).sorted("cycle")
            start = rows[:1].start or complaint.received_on
            stop = rows[:1].completed_on or complaint.responded_on
            spans[complaint.calendar_id].append((complaint, start, stop))
        for calendar, items in spans.items():
            hours = calendar._vip_business_hours_batch(
                [(start, stop) for _complaint, start, stop in items]
            )
            for (complaint, _start, _stop), value in zip(items, hours, strict=True):
                # sudo: a fact of the clock, written whatever the caller may edit
                complaint.sudo().write(
                    {"response_business_hours": round(max(value or 0.0, 0.0), 2)}
                )
