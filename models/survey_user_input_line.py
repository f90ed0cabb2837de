from odoo import api, models
from odoo.exceptions import ValidationError


class SurveyUserInputLine(models.Model):
    _inherit = "survey.user_input.line"

    @api.constrains("value_scale", "answer_type", "question_id")
    def _check_vip_value_scale(self):
        """However the answer is saved (the submit route, ``_save_lines`` or a
        plain create over RPC), a scale answer lies within its question's scale."""
        for line in self:
            question = line.question_id
            if line.answer_type != "scale" or question.question_type != "scale":
                continue
            if not question.scale_min <= line.value_scale <= question.scale_max:
                raise ValidationError(question._vip_scale_error())
