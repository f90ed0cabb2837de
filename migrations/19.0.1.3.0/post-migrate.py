from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """The SLA history (``vip.sla.milestone``) starts with the complaints
    recorded before it: cycle 1 of each clock from the complaint's fields, the
    SLA states then derived from these rows (the same values)."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["vip.sla.milestone"]._vip_build_from_complaints()
