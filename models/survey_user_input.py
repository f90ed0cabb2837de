from odoo import fields, models


class SurveyUserInput(models.Model):
    _inherit = "survey.user_input"

    vip_interviewer_id = fields.Many2one(
        "res.users",
        "VIP Interviewer",
        readonly=True,
        copy=False,
        help="The staff member filling this answer with the customer (phone or "
        "visit interview of a VIP satisfaction campaign).",
    )

    def _mark_done(self):
        result = super()._mark_done()
        self.env["vip.survey.participant"]._vip_record_answers(self)
        return result
