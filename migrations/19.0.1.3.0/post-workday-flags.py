from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """``resource.calendar.vip_has_workdays`` is new: set it on the schedules
    that have make-up working days already (a schedule without the flag is
    planned without looking its make-up days up)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["resource.calendar"].with_context(active_test=False).search(
        [("workday_ids", "!=", False)]
    )._vip_sync_has_workdays()
