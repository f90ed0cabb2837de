from odoo import models

from .vip_promise_number import DRAWN_SEQUENCE_CODES


class IrSequenceDateRange(models.Model):
    """The ranges of the promise sequences, whose gapless numbers are drawn
    through ``vip.promise.number``: the next number follows the highest drawn,
    and setting it by hand starts the draws there."""

    _inherit = "ir.sequence.date_range"

    def _get_number_next_actual(self):
        result = super()._get_number_next_actual()
        gapless = self.filtered(
            lambda r: (
                r.id
                and r.sequence_id.code in DRAWN_SEQUENCE_CODES
                and r.sequence_id.implementation != "standard"
            )
        )
        # sudo: the numbers drawn, whoever reads the sequence
        highest = self.env["vip.promise.number"].sudo()._vip_highest(gapless)
        for date_range in gapless.filtered(lambda r: r.id in highest):
            number = highest[date_range.id]
            following = number + (date_range.sequence_id.number_increment or 1)
            date_range.number_next_actual = max(date_range.number_next, following)
        return result

    def _set_number_next_actual(self):
        result = super()._set_number_next_actual()
        for date_range in self.filtered(
            lambda r: r.sequence_id.code in DRAWN_SEQUENCE_CODES
        ):
            self.env["vip.promise.number"].sudo()._vip_forget_from(
                date_range, date_range.number_next
            )
        return result
