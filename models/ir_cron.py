import time

from odoo import api, models

# The scheduler's runs, marked by ``_callback`` on the job's own cursor: a client can
# send ``ir_cron_progress_id``, ``cron_id`` or ``cron_end_time`` in any context, but
# it cannot reach the cursor of a job the scheduler runs. {id(cursor): (cursor, job)};
# not ``cr.cache``, which every commit clears.
_RUNNING_JOBS = {}


class IrCron(models.Model):
    _inherit = "ir.cron"

    def _callback(self, cron_name, server_action_id):
        """Mark the job's cursor while its server action runs, with the progress
        row and deadline the scheduler gave it. The context read here is the one
        ``_run_job`` builds on the job's own cursor (``cron_end_time``) and
        ``_add_progress`` completes (``ir_cron_progress_id``), reached from the
        scheduler's loop or ``method_direct_trigger`` (which runs the job in its
        own cursor and environment): no client's context reaches it, and
        ``_callback``, private, cannot be called over RPC."""
        cr = self.env.cr
        previous = _RUNNING_JOBS.get(id(cr))
        _RUNNING_JOBS[id(cr)] = (
            cr,
            {
                "cron_id": self.id,
                "ir_cron_progress_id": self.env.context.get("ir_cron_progress_id"),
                "cron_end_time": self.env.context.get("cron_end_time"),
            },
        )
        try:
            return super()._callback(cron_name, server_action_id)
        finally:
            if previous is None:
                _RUNNING_JOBS.pop(id(cr), None)
            else:
                _RUNNING_JOBS[id(cr)] = previous

    @api.model
    def _vip_scheduler_job(self):
        """The running job's marker when the scheduler runs this transaction,
        else None (a button, an RPC call, a server action, a test)."""
        cr, job = _RUNNING_JOBS.get(id(self.env.cr), (None, None))
        if cr is not self.env.cr or not job["ir_cron_progress_id"]:
            return None
        return job

    @api.model
    def _vip_commit_progress(self, processed, remaining=None):
        """``_commit_progress`` when the scheduler runs the job; anywhere else
        nothing is committed and no ``ir.cron.progress`` is written, whatever the
        context says, since the caller's transaction is not the job's to commit.
        Returns the time left (infinite outside the scheduler), falsy when the
        job must stop."""
        job = self._vip_scheduler_job()
        if not job:
            return float("inf")
        # the scheduler's own values, not the caller's context
        return self.with_context(**job)._commit_progress(processed, remaining=remaining)

    @api.model
    def _vip_time_left(self):
        """Seconds the running job may still use (infinite outside the scheduler),
        without committing anything."""
        job = self._vip_scheduler_job()
        end = job and job["cron_end_time"]
        return max(end - time.monotonic(), 0) if end else float("inf")
