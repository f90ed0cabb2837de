from odoo import SUPERUSER_ID, api

BATCH_SIZE = 1000


def migrate(cr, version):
    """``vip.complaint.response_business_hours`` is new: record it for the
    complaints answered before the upgrade, from their response clock (its start
    and its stop, in business hours of the complaint's calendar), so that the
    touchpoint analysis covers the history too."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    Complaint = env["vip.complaint"].with_context(active_test=False)
    ids = Complaint.search([("responded_on", "!=", False)], order="id").ids
    for start in range(0, len(ids), BATCH_SIZE):
        batch = Complaint.browse(ids[start : start + BATCH_SIZE])
        batch._vip_record_response_hours()
        env.flush_all()
        env.invalidate_all()
