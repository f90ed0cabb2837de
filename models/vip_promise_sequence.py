from datetime import date

from odoo import api, fields, models

PROMISE_SEQUENCE_CODE = "vip.promise"


class VipPromise(models.Model):
    """Gapless ledger numbers: the ``PRM/<year>/`` sequence is ``no_gap`` (its
    counter row is locked and rolled back with the transaction, so a refused
    creation leaves no hole), and its yearly ranges exist before two workers
    could create the same one at once."""

    _inherit = "vip.promise"

    @api.model_create_multi
    def create(self, vals_list):
        self._vip_ensure_sequence_ranges(lock=True)
        return super().create(vals_list)

    @api.model
    def _cron_promise_reminders(self):
        result = super()._cron_promise_reminders()
        # the daily run prepares the next year's range well before 1 January
        self._vip_ensure_sequence_ranges(years_ahead=1)
        return result

    @api.model
    def _vip_promise_sequences(self, code=PROMISE_SEQUENCE_CODE):
        # sudo: the ledger's numbering, which promisers cannot read
        return self.env["ir.sequence"].sudo().search([("code", "=", code)])

    @api.model
    def _vip_ensure_sequence_ranges(
        self, years_ahead=0, lock=False, code=PROMISE_SEQUENCE_CODE
    ):
        """Create the missing yearly ranges of the promise sequences (or of the
        ledger sequences of ``code``), from this year to ``years_ahead`` years
        later. Two transactions creating one range
        at once are serialized on the sequence row: the later one waits, then
        fails with a serialization error that Odoo retries (it then finds the
        range), instead of hitting the range's unique constraint.

        With ``lock``, this year's counter rows are locked, waiting for a
        concurrent creation to end: ``no_gap`` locks them with ``NOWAIT``, which
        fails (and logs an error) as soon as another worker holds them. Waiting
        here, the second creation either continues once the first rolled back,
        or gets a serialization error (not logged) that Odoo's RPC layer
        retries with a fresh snapshot."""
        today = fields.Date.context_today(self)
        dates = [date(today.year + n, 1, 1) for n in range(1, years_ahead + 1)]
        dates.insert(0, today)
        sequences = self._vip_promise_sequences(code).filtered("use_date_range")
        if not sequences:
            return
        # sudo: the ranges of the ledger's numbering, as above
        Range = self.env["ir.sequence.date_range"].sudo()
        existing = Range.search_fetch(
            [
                ("sequence_id", "in", sequences.ids),
                ("date_to", ">=", today),
                ("date_from", "<=", dates[-1]),
            ],
            ["sequence_id", "date_from", "date_to"],
        )
        for sequence in sequences:
            ranges = existing.filtered(lambda r, s=sequence: r.sequence_id == s)
            current = ranges.filtered(lambda r: r.date_from <= today <= r.date_to)
            if lock and current and sequence.implementation == "no_gap":
                self.env.cr.execute(
                    "SELECT id FROM ir_sequence_date_range WHERE id IN %s FOR UPDATE",
                    [tuple(current.ids)],
                    log_exceptions=False,
                )
            missing = [
                day
                for day in dates
                if not any(r.date_from <= day <= r.date_to for r in ranges)
            ]
            if not missing:
                continue
            # a real update, so that a concurrent creator conflicts here
            self.env.cr.execute(
                "UPDATE ir_sequence SET write_date = write_date WHERE id = %s",
                [sequence.id],
                log_exceptions=False,  # a retried conflict, not an error
            )
            for day in missing:
                sequence._create_date_range_seq(day)

    @api.model
    def _vip_make_sequence_gapless(self):
        """Switch the promise sequences to ``no_gap``, keeping their next numbers
        (upgrade from 19.0.1.1: the PostgreSQL sequences held them)."""
        for sequence in self._vip_promise_sequences():
            if sequence.implementation == "no_gap":
                continue
            ranges = sequence.date_range_ids
            # computed from the PostgreSQL sequences: never from the cache
            sequence.invalidate_recordset(["number_next_actual"])
            ranges.invalidate_recordset(["number_next_actual"])
            next_numbers = {r: r.number_next_actual for r in ranges}
            next_main = sequence.number_next_actual
            sequence.implementation = "no_gap"
            sequence.number_next = next_main
            for date_range, number in next_numbers.items():
                date_range.number_next = number
