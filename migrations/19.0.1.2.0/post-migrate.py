from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    """Promise references become gapless: the sequence (noupdate data) switches
    to ``no_gap`` with its next numbers kept, and this year's and next year's
    ranges are created now rather than by two workers at once."""
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["vip.promise"]._vip_make_sequence_gapless()
    env["vip.promise"]._vip_ensure_sequence_ranges(years_ahead=1)
