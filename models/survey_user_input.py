from odoo import models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    def _mark_done(self):
        result = super()._mark_done()
        self.env["vip.survey.participant"]._vip_record_answers(self)
        return result
