import time

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

    @api.model
    def _vip_time_left(self):
        """Seconds the running job may still use (infinite outside the scheduler),
        without committing anything."""
        end = self.env.context.get("cron_end_time")
        return max(end - time.monotonic(), 0) if end else float("inf")
