from datetime import date

from odoo import api, fields, models
from odoo.tools import SQL

from .vip_promise_number import PROMISE_SEQUENCE_CODE


class VipPromise(models.Model):
    """Gapless ledger numbers: the ``PRM/<year>/`` sequence is ``no_gap``, and its
    numbers are drawn through ``vip.promise.number`` (one inserted row per
    number, rolled back with a refused creation, so it leaves no hole) instead
    of Odoo's update of the range's counter row, which makes every concurrent
    creation fail with a serialization error and be retried. The yearly ranges
    exist before two workers could create the same one at once."""

    _inherit = "vip.promise"

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
    def _vip_draw_name(self, company, code=PROMISE_SEQUENCE_CODE):
        """The next reference of the ledger sequence ``code`` (the promises' by
        default) of ``company`` (its own, else the shared one), as
        ``next_by_code`` would give it; ``New`` when there is no sequence. A
        gapless sequence's number is drawn with ``vip.promise.number._vip_draw``;
        a standard one is PostgreSQL's."""
        sequences = self._vip_promise_sequences(code).filtered(
            lambda s: not s.company_id or s.company_id == company
        )
        sequence = sequences.filtered("company_id")[:1] or sequences[:1]
        if not sequence:
            return self.env._("New")
        if sequence.implementation != "no_gap":
            return sequence.with_company(company)._next()
        day = fields.Date.today()  # as next_by_code: the UTC date
        date_range = None
        if sequence.use_date_range:
            date_range = self._vip_sequence_range(sequence, day)
            sequence = sequence.with_context(
                ir_sequence_date_range=date_range.date_from
            )
        number = self.env["vip.promise.number"]._vip_draw(sequence, date_range)
        return sequence.get_next_char(number)

    @api.model
    def _vip_sequence_range(self, sequence, day):
        """The range of ``sequence`` holding ``day``, created if missing."""
        # sudo: the ranges of the ledger's numbering, as above
        Range = self.env["ir.sequence.date_range"].sudo()
        domain = [
            ("sequence_id", "=", sequence.id),
            ("date_from", "<=", day),
            ("date_to", ">=", day),
        ]
        date_range = Range.search(domain, limit=1)
        if not date_range:
            self._vip_ensure_sequence_ranges(day=day)
            date_range = Range.search(domain, limit=1)
        return date_range

    @api.model
    def _vip_ensure_sequence_ranges(
        self, years_ahead=0, day=None, code=PROMISE_SEQUENCE_CODE
    ):
        """Create the missing yearly ranges of the promise sequences (or of the
        ledger sequences of ``code``: the benefit usages'), from the
        year of ``day`` (today) to ``years_ahead`` years later, and bring their
        stored next numbers up to the numbers drawn (what the sequence form
        shows, and where Odoo would go on without this module). Two transactions
        creating one range at once are serialized on the sequence row: the later
        one waits, then fails with a serialization error that Odoo retries (it
        then finds the range), instead of hitting the range's unique constraint.
        Run by the daily reminders, never by a creation that finds its range."""
        today = day or fields.Date.context_today(self)
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
            ["sequence_id", "date_from", "date_to", "number_next"],
        )
        for sequence in sequences:
            ranges = existing.filtered(lambda r, s=sequence: r.sequence_id == s)
            if sequence.implementation == "no_gap":
                self._vip_sync_next_numbers(sequence, ranges)
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
    def _vip_sync_next_numbers(self, sequence, ranges):
        """Raise the stored ``number_next`` of ``ranges`` to the number after the
        highest drawn, in one statement (off the creations' path: they never
        update the range row)."""
        increment = sequence.number_increment or 1
        last = self.env["vip.promise.number"]._vip_highest(ranges)
        behind = {
            r.id: last[r.id] + increment
            for r in ranges
            if r.id in last and r.number_next < last[r.id] + increment
        }
        if not behind:
            return
        self.env.cr.execute(
            SQL(
                "UPDATE ir_sequence_date_range r SET number_next = v.next"
                " FROM unnest(%s::int[], %s::int[]) AS v(id, next)"
                " WHERE r.id = v.id AND r.number_next < v.next",
                list(behind),
                list(behind.values()),
            )
        )
        ranges.invalidate_recordset(["number_next", "number_next_actual"])

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
            # the draws start at these numbers (none were drawn while standard)
            Number = self.env["vip.promise.number"]
            Number._vip_forget_from(sequence, next_main)
            for date_range, number in next_numbers.items():
                Number._vip_forget_from(date_range, number)
