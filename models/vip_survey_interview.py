from odoo import fields, models
from odoo.exceptions import UserError

INTERVIEW_MODES = ("phone", "visit")


class VipSurveyParticipant(models.Model):
    """How a participant answered: by the e-mailed invitation, or in an interview
    on the phone or during a visit, where a staff member fills the survey on
    the customer's behalf. An interview is an answer of the survey like any
    other, linked to the participant: it counts in the NPS and the CSAT."""

    _inherit = "vip.survey.participant"

    mode = fields.Selection(
        [("email", "E-mail"), ("phone", "Phone Interview"), ("visit", "Visit")],
        required=True,
        default="email",
        help="E-mail: the customer answers the invitation; phone or visit: a staff "
        "member fills the survey with the customer (Phone Interview or Visit "
        "Interview).",
    )
    interviewer_id = fields.Many2one(
        "res.users",
        "Interviewed By",
        readonly=True,
        copy=False,
        help="Who filled the survey with the customer.",
    )

    campaign_state = fields.Selection(
        related="campaign_id.state", string="Campaign Status"
    )

    def write(self, vals):
        if "mode" in vals and not self.env.su:
            for participant in self.filtered(lambda p: p.state == "answered"):
                if participant.mode != vals["mode"]:
                    raise UserError(
                        self.env._(
                            "Mode: %(customer)s already answered %(name)s; how it "
                            "answered is a fact and stays as recorded.",
                            customer=participant.partner_id.display_name,
                            name=participant.campaign_id.name,
                        )
                    )
        return super().write(vals)

    def action_record_interview(self, mode=None):
        """Open the survey's answer page to fill it with the customer on the phone
        (``mode`` "phone") or during a visit ("visit"); without a mode, the
        participant's own when it is an interview one, else the phone. The
        answer is the participant's own: its invitation's when there is one,
        else a new one."""
        self.ensure_one()
        if mode not in INTERVIEW_MODES:
            mode = self.mode if self.mode in INTERVIEW_MODES else "phone"
        self._vip_check_interview_possible()
        campaign = self.campaign_id
        # sudo: the answers belong to the survey app; the caller may read this
        # participant (its customer's account manager or a manager)
        participant = self.sudo()
        answer = participant.user_input_id
        if not answer or answer.state == "done":
            deadline = (
                fields.Datetime.to_datetime(campaign.date_end).replace(
                    hour=23, minute=59
                )
                if campaign.date_end
                else False
            )
            answer = campaign.survey_id.sudo()._create_answer(
                partner=participant.contact_id or participant.partner_id,
                check_attempts=False,
                deadline=deadline,
            )
        answer.write({"vip_interviewer_id": self.env.uid})
        participant.write(
            {
                "user_input_id": answer.id,
                "state": "invited",
                "invited_on": participant.invited_on or fields.Datetime.now(),
                "mode": mode,
                "interviewer_id": self.env.uid,
            }
        )
        survey = answer.survey_id
        return {
            "type": "ir.actions.act_url",
            "url": f"/survey/start/{survey.access_token}?answer_token="
            f"{answer.access_token}",
            "target": "new",
        }

    def _vip_check_interview_possible(self):
        """Refuse an interview the caller may not see, outside a running campaign
        or for a customer who already answered."""
        self.check_access("read")
        campaign = self.campaign_id
        if campaign.state != "running":
            raise UserError(
                self.env._(
                    "Campaign %(name)s is not running: interviews are recorded "
                    "while it takes answers.",
                    name=campaign.name,
                )
            )
        if self.state == "answered":
            raise UserError(
                self.env._(
                    "%(customer)s already answered %(name)s.",
                    customer=self.partner_id.display_name,
                    name=campaign.name,
                )
            )

    def action_record_visit_interview(self):
        """The survey filled with the customer during a visit."""
        return self.action_record_interview(mode="visit")
