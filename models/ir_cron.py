from odoo import api, models


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _vip_commit_progress(self, processed, remaining=None):
        """``_commit_progress`` when the scheduler runs the job; anywhere else (a
        button, a server action, a test) nothing is committed, since the caller's
        transaction is not the job's to commit. Returns the time left (infinite
        outside the scheduler), falsy when the job must stop."""
        if not self.env.context.get("ir_cron_progress_id"):
            return float("inf")
        return self._commit_progress(processed, remaining=remaining)
