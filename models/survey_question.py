from odoo import models


class SurveyQuestion(models.Model):
    _inherit = "survey.question"

    def _validate_scale(self, answer):
        """An answer to a scale question is a whole number of its scale: the
        survey's submit route refuses anything else (-1000 to a 0-10 question, 99
        to a 1-5 one, "²") with the question's message instead of storing it."""
        errors = super()._validate_scale(answer)
        if errors or answer in (None, False, ""):
            return errors
        if self._vip_scale_value(answer) is None:
            return {self.id: self._vip_scale_error()}
        return {}

    def _vip_scale_value(self, answer):
        """The answer as an integer of the question's scale, else None."""
        self.ensure_one()
        text = str(answer).strip()
        if not (text.isascii() and text.lstrip("-").isdigit()):
            return None
        value = int(text)
        return value if self.scale_min <= value <= self.scale_max else None

    def _vip_scale_error(self):
        self.ensure_one()
        return self.env._(
            "%(question)s: answer with a whole number from %(min)s to %(max)s.",
            question=self.title,
            min=self.scale_min,
            max=self.scale_max,
        )
