from odoo import models

from .vip_promise_number import DRAWN_SEQUENCE_CODES


class IrSequence(models.Model):
    """The promise sequences, whose gapless numbers are drawn through
    ``vip.promise.number`` (without date ranges here; their ranges:
    ``ir_sequence_date_range.py``): the next number follows the highest drawn,
    and setting it by hand starts the draws there."""

    _inherit = "ir.sequence"

    def _get_number_next_actual(self):
        result = super()._get_number_next_actual()
        gapless = self.filtered(
            lambda s: (
                s.id
                and s.code in DRAWN_SEQUENCE_CODES
                and s.implementation != "standard"
            )
        )
        # sudo: the numbers drawn, whoever reads the sequence
        highest = self.env["vip.promise.number"].sudo()._vip_highest(gapless)
        for sequence in gapless.filtered(lambda r: r.id in highest):
            number = highest[sequence.id]
            following = number + (sequence.number_increment or 1)
            sequence.number_next_actual = max(sequence.number_next, following)
        return result

    def _set_number_next_actual(self):
        result = super()._set_number_next_actual()
        for sequence in self.filtered(lambda s: s.code in DRAWN_SEQUENCE_CODES):
            self.env["vip.promise.number"].sudo()._vip_forget_from(
                sequence, sequence.number_next
            )
        return result
