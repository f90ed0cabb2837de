import psycopg2.errors

from odoo import api, fields, models
from odoo.tools import SQL

PROMISE_SEQUENCE_CODE = "vip.promise"
USAGE_SEQUENCE_CODE = "vip.benefit.usage"
# the gapless ledger sequences whose numbers are drawn here
DRAWN_SEQUENCE_CODES = (PROMISE_SEQUENCE_CODE, USAGE_SEQUENCE_CODE)


class VipPromiseNumber(models.Model):
    """The numbers drawn from the gapless ledger sequences (promises, benefit
    uses): one row per number, inserted by the creation that takes it, never
    updated.

    The unique index is the lock of the draw: a creation inserts the number after
    the highest it can see; while a concurrent creation holds the same number
    (not committed yet) the insert waits for it to end. If it commits, the insert
    fails on the index and the next number is tried; if it rolls back (a refused
    creation), the number is free and taken. No counter row is updated, so no
    creation fails with a serialization error, and a creation only waits for
    another one drawing from the same sequence range at the same time."""

    _name = "vip.promise.number"
    _description = "Promise Number"
    _log_access = False

    sequence_id = fields.Many2one("ir.sequence", required=True, ondelete="cascade")
    date_range_id = fields.Many2one("ir.sequence.date_range", ondelete="cascade")
    number = fields.Integer(required=True)

    _unique_number = models.UniqueIndex(
        "(sequence_id, COALESCE(date_range_id, 0), number)"
    )

    @api.model
    def _vip_key(self, counter):
        """(sequence id, range id or 0) of a date range or a sequence."""
        if counter._name == "ir.sequence.date_range":
            return counter.sequence_id.id, counter.id
        return counter.id, 0

    @api.model
    def _vip_highest(self, counters):
        """{counter id: highest number drawn} of ``counters``, date ranges or
        sequences (for a sequence: the numbers drawn outside any range); one
        query, an index lookup per counter."""
        keys = [self._vip_key(counter) for counter in counters if counter.id]
        if not keys:
            return {}
        self.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT k.seq, k.rng, (SELECT max(n.number) FROM vip_promise_number n"
                "  WHERE n.sequence_id = k.seq"
                "    AND COALESCE(n.date_range_id, 0) = k.rng)"
                " FROM unnest(%s::int[], %s::int[]) AS k(seq, rng)",
                [seq for seq, _rng in keys],
                [rng for _seq, rng in keys],
            )
        )
        return {
            rng or seq: number
            for seq, rng, number in self.env.cr.fetchall()
            if number is not None
        }

    @api.model
    def _vip_next_number(self, counter):
        """The next number of ``counter`` (a date range, or a sequence without
        ranges) as this transaction sees it: after the highest drawn, never below
        the stored next number (``number_next``, which a user may set)."""
        last = self._vip_highest(counter).get(counter.id)
        if last is None:
            return counter.number_next
        is_range = counter._name == "ir.sequence.date_range"
        sequence = counter.sequence_id if is_range else counter
        return max(counter.number_next, last + (sequence.number_increment or 1))

    @api.model
    def _vip_draw(self, sequence, date_range=None):
        """Take the next free number of ``sequence`` (in ``date_range``) for this
        transaction, as explained on the class; returns it."""
        cr = self.env.cr
        increment = sequence.number_increment or 1
        number = self._vip_next_number(date_range or sequence)
        while True:
            try:
                with cr.savepoint(flush=False):
                    cr.execute(
                        SQL(
                            "INSERT INTO vip_promise_number"
                            " (sequence_id, date_range_id, number)"
                            " VALUES (%s, %s, %s)",
                            sequence.id,
                            date_range.id if date_range else None,
                            number,
                        ),
                        log_exceptions=False,  # taken meanwhile: the next one
                    )
            except psycopg2.errors.UniqueViolation:
                number += increment
                continue
            (date_range or sequence).invalidate_recordset(["number_next_actual"])
            return number

    @api.model
    def _vip_forget_from(self, counters, number):
        """The next number of ``counters`` (date ranges or sequences) was set by
        hand (or by the upgrade) to ``number``: the numbers drawn from it on are
        forgotten, so that the next creation takes it, as Odoo's own counter
        would."""
        keys = [self._vip_key(counter) for counter in counters]
        self.flush_model()
        counters.invalidate_recordset(["number_next_actual"])
        self.env.cr.execute(
            SQL(
                "DELETE FROM vip_promise_number n"
                " USING unnest(%s::int[], %s::int[]) AS k(seq, rng)"
                " WHERE n.sequence_id = k.seq AND COALESCE(n.date_range_id, 0) = k.rng"
                "   AND n.number >= %s",
                [seq for seq, _rng in keys],
                [rng for _seq, rng in keys],
                number,
            )
        )
