from odoo import models


class ResPartner(models.Model):
    """No write on the customer for every message it is notified of: each
    notification on a portal document (complaints) asks for the customer's
    signup token, and Odoo then writes ``signup_type`` on the customer even when
    it already has that value. Two replies to complaints of one customer at once
    would update that row both, and the later one would fail with a
    serialization error (retried by Odoo, after a random wait of up to
    seconds). Only partners whose value changes are written."""

    _inherit = "res.partner"

    def signup_prepare(self, signup_type="signup"):
        # sudo: signup_type is readable by ERP managers only; callers run sudo
        changing = self.filtered(lambda p: p.sudo().signup_type != signup_type)
        if not changing:
            return True
        return super(ResPartner, changing).signup_prepare(signup_type=signup_type)
