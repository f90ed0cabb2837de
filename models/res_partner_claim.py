from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _vip_claim_rows(self):
        """The partners of ``self`` that no concurrent transaction works on, now
        claimed by this one (``FOR UPDATE SKIP LOCKED``, then a no-op update): a
        second run of a cron that started before this one commits skips them
        while they are locked, and fails with a serialization error (rolled
        back, retried later) once they are committed, instead of scheduling the
        same activity twice. Inserting activities alone would not conflict."""
        claimed = self.try_lock_for_update()
        if claimed:
            self.env.cr.execute(
                "UPDATE res_partner SET write_date = write_date WHERE id = ANY(%s)",
                [claimed.ids],
            )
        return claimed
