"""Interviews of the VIP satisfaction campaigns: the staff member who opened an
interview (``vip.survey.participant.action_record_interview``) fills the
customer's answer, which the survey app otherwise keeps to the customer."""

from odoo.http import request

from odoo.addons.survey.controllers.main import Survey


class VipSurveyInterview(Survey):
    def _check_validity(
        self,
        survey_sudo,
        answer_sudo,
        answer_token,
        ensure_token=True,
        check_partner=True,
    ):
        interviewer = answer_sudo and answer_sudo.vip_interviewer_id
        if (
            check_partner
            and interviewer
            and answer_token
            and interviewer == request.env.user
        ):
            # the interviewer answers for the customer: every other check holds
            check_partner = False
        return super()._check_validity(
            survey_sudo,
            answer_sudo,
            answer_token,
            ensure_token=ensure_token,
            check_partner=check_partner,
        )
