from datetime import datetime, time, timedelta

from odoo import fields

# the daily jobs and their hour (UTC), as in the data files of a new installation
NIGHTLY = {
    "ir_cron_vip_evaluate_tiers": time(1, 0),
    "ir_cron_vip_health": time(1, 30),
    "ir_cron_vip_plan_visits": time(2, 0),
    "ir_cron_vip_promise_reminders": time(2, 30),
}


def migrate(cr, version):
    """The daily jobs ran at the hour the module was installed, working hours as
    often as not, beside the users' requests: from now on they run at night.
    Each job's next call moves to the next occurrence of its hour."""
    now = fields.Datetime.now()
    for xmlid, hour in NIGHTLY.items():
        nextcall = datetime.combine(now.date(), hour)
        if nextcall <= now:
            nextcall += timedelta(days=1)
        cr.execute(
            """
            UPDATE ir_cron
               SET nextcall = %s
             WHERE id = (SELECT res_id FROM ir_model_data
                          WHERE module = 'partner_vip_care' AND name = %s
                            AND model = 'ir.cron')
            """,
            [nextcall, xmlid],
        )
