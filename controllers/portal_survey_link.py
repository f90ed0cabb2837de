"""The satisfaction survey from the portal: the logged-in contact answers for its
company, whoever the e-mail invitation went to."""

from odoo import http
from odoo.http import request

from .portal import VipCustomerPortal


class VipSurveyPortal(VipCustomerPortal):
    @http.route(
        "/my/vip/survey/<int:participant_id>", type="http", auth="user", website=True
    )
    def portal_my_vip_survey(self, participant_id, **kw):
        """Open the customer's pending survey as the logged-in contact: the
        invitation's answer is addressed to this contact (the survey only lets
        the person it is addressed to answer), then the survey starts."""
        participant = self._vip_record_or_404(
            "vip.survey.participant",
            participant_id,
            domain=[
                ("partner_id", "=", self._vip_customer().id),
                ("campaign_id.state", "=", "running"),
                ("user_input_id", "!=", False),
            ],
        )
        answer = participant._vip_answer_for(request.env.user.partner_id)
        if not answer:
            return request.redirect("/my/vip")
        return request.redirect(answer.get_start_url())
