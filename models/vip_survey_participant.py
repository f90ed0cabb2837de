from datetime import timedelta

from odoo import api, fields, models

PARETO_CLASSES = [("a", "A"), ("b", "B"), ("c", "C")]
DETRACTOR_MAX = 6  # 0-6 on the recommendation question
PROMOTER_MIN = 9  # 9-10
REFERRAL_DELAY_DAYS = 7


class VipSurveyParticipant(models.Model):
    _name = "vip.survey.participant"
    _description = "VIP Satisfaction Campaign Participant"
    _inherit = ["vip.workflow.guard"]
    _order = "campaign_id desc, id"
    _rec_name = "partner_id"
    _check_company_auto = True
    # snapshots of the customer, always taken from it at creation (see create())
    _vip_create_fields = ("tier_id", "pareto_class")

    campaign_id = fields.Many2one(
        "vip.survey.campaign",
        required=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        related="campaign_id.company_id", store=True, index=True, readonly=True
    )
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    contact_id = fields.Many2one(
        "res.partner",
        index="btree_not_null",
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="Who receives the survey: the customer's main contact unless another "
        "one is chosen.",
    )
    email = fields.Char(related="contact_id.email", string="E-mail")
    user_id = fields.Many2one(
        related="partner_id.user_id", string="Account Manager", store=True, index=True
    )
    tier_id = fields.Many2one(
        "vip.tier", "VIP Tier", readonly=True, help="Tier when the customer was chosen."
    )
    pareto_class = fields.Selection(
        PARETO_CLASSES,
        readonly=True,
        help="Pareto class when the customer was chosen (customers without one "
        "count as C).",
    )
    selection = fields.Selection(
        [("census", "Census"), ("sample", "Sample"), ("manual", "Added by hand")],
        readonly=True,
        default="manual",
        help="Census: the whole class is asked; sample: drawn at the campaign's "
        "sample ratio.",
    )
    state = fields.Selection(
        [
            ("draft", "To Invite"),
            ("no_email", "No E-mail"),
            ("invited", "Invited"),
            ("answered", "Answered"),
        ],
        readonly=True,
        default="draft",
        index=True,
        copy=False,
    )
    user_input_id = fields.Many2one(
        "survey.user_input",
        "Survey Answer",
        readonly=True,
        index="btree_not_null",
        copy=False,
        ondelete="set null",
    )
    invited_on = fields.Datetime(readonly=True, copy=False)
    answered_on = fields.Datetime(readonly=True, copy=False)
    nps_score = fields.Integer(
        "Recommendation (0-10)", readonly=True, copy=False, aggregator="avg"
    )
    csat_score = fields.Integer("Satisfaction", readonly=True, copy=False)
    csat_satisfied = fields.Boolean(
        "Satisfied",
        readonly=True,
        copy=False,
        help="Answered one of the two best marks of the satisfaction question.",
    )
    category = fields.Selection(
        [
            ("promoter", "Promoter"),
            ("passive", "Passive"),
            ("detractor", "Detractor"),
        ],
        compute="_compute_category",
        store=True,
        index="btree_not_null",
        help="Promoter: 9-10, passive: 7-8, detractor: 0-6 on the recommendation "
        "question.",
    )
    # Report measures, averaged over the respondents (the results action shows
    # only them): the average of the points is the NPS, resp. the CSAT.
    nps_points = fields.Float(
        "NPS",
        compute="_compute_category",
        store=True,
        aggregator="avg",
        digits=(16, 1),
    )
    csat_points = fields.Float(
        "CSAT (%)",
        compute="_compute_category",
        store=True,
        aggregator="avg",
        digits=(16, 1),
    )
    followup_activity_id = fields.Many2one(
        "mail.activity", "Follow-up Activity", readonly=True, copy=False
    )
    followup_planned_on = fields.Datetime(
        "Follow-up Planned On", readonly=True, copy=False, index="btree_not_null"
    )
    thanked_on = fields.Datetime(readonly=True, copy=False)
    # What the thanks mail reports to this respondent.
    thanks_suggestion_ids = fields.Many2many(
        "vip.suggestion", compute="_compute_thanks_actions"
    )
    thanks_promise_ids = fields.Many2many(
        "vip.promise", compute="_compute_thanks_actions"
    )
    thanks_complaint_ids = fields.Many2many(
        "vip.complaint", compute="_compute_thanks_actions"
    )

    _campaign_partner_unique = models.Constraint(
        "UNIQUE(campaign_id, partner_id)",
        "A customer takes part in a campaign once: one participant per customer.",
    )

    @api.depends(
        "state",
        "nps_score",
        "csat_score",
        "csat_satisfied",
        "campaign_id.nps_question_id",
        "campaign_id.csat_question_id",
    )
    def _compute_category(self):
        for participant in self:
            campaign = participant.campaign_id
            participant.csat_points = (
                100.0
                if participant.csat_satisfied
                and campaign._vip_csat_in_scale(participant.csat_score)
                else 0.0
            )
            # an answer outside the scale (stored before the survey refused them)
            # counts for nothing
            if participant.state != "answered" or not campaign._vip_nps_in_scale(
                participant.nps_score
            ):
                participant.category = False
                participant.nps_points = participant.csat_points = 0.0
                continue
            score = participant.nps_score
            if score >= PROMOTER_MIN:
                participant.category, points = "promoter", 100.0
            elif score <= DETRACTOR_MAX:
                participant.category, points = "detractor", -100.0
            else:
                participant.category, points = "passive", 0.0
            participant.nps_points = points

    @api.depends(
        "campaign_id.suggestion_ids.state",
        "campaign_id.promise_ids",
        "campaign_id.complaint_ids.corrective_action",
        "partner_id",
    )
    def _compute_thanks_actions(self):
        for participant in self:
            campaign = participant.campaign_id
            participant.thanks_suggestion_ids = campaign.suggestion_ids.filtered(
                lambda s: s.state in ("accepted", "implemented")
            )
            # a promise is made to one customer: only that customer hears of it
            participant.thanks_promise_ids = campaign.promise_ids.filtered(
                lambda p, partner=participant.partner_id: (
                    p.partner_id.commercial_partner_id == partner
                    and p.state in ("open", "kept")
                )
            )
            participant.thanks_complaint_ids = campaign.complaint_ids.filtered(
                lambda c: (c.corrective_action or "").strip()
            )

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        if self.partner_id and self.contact_id.commercial_partner_id != self.partner_id:
            self.contact_id = self._vip_main_contacts(self.partner_id).get(
                self.partner_id
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if not vals.get("partner_id"):
                continue
            partner = self.env["res.partner"].browse(vals["partner_id"])
            if not vals.get("contact_id"):
                vals["contact_id"] = self._vip_main_contacts(partner)[partner].id
            vals["tier_id"] = partner.vip_tier_id.id
            vals["pareto_class"] = partner.vip_pareto_class or "c"
        return super().create(vals_list)

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    @api.model
    def _vip_main_contacts(self, partners):
        """The main contact of each customer: the company itself when it has an
        e-mail, else its first contact person with one, else the company (listed
        without e-mail). One query for all customers."""
        partners = partners.commercial_partner_id
        result = {partner: partner for partner in partners}
        without_email = partners.filtered(lambda p: not p.email)
        if without_email:
            children = self.env["res.partner"].search_fetch(
                [
                    ("parent_id", "in", without_email.ids),
                    ("type", "=", "contact"),
                    ("email", "!=", False),
                ],
                ["parent_id", "email"],
                order="id",
            )
            for child in children:
                if not result[child.parent_id].email:
                    result[child.parent_id] = child
        return result

    @api.model
    def _vip_record_answers(self, user_inputs):
        """Copy finished survey answers onto their participants and the
        customers' last NPS. Called when the survey app marks answers done."""
        # sudo: the answer is submitted by the (public) respondent; only the
        # participants linked to these answers and their customers are written
        participants = (
            self.sudo()
            .search([("user_input_id", "in", user_inputs.ids)])
            .filtered(lambda p: p.user_input_id.state == "done")
        )
        if not participants:
            return participants
        for participant in participants:
            campaign = participant.campaign_id
            # answers outside their question's scale are no answers
            lines = participant.user_input_id.user_input_line_ids.filtered(
                lambda line: (
                    not line.skipped
                    and line.answer_type == "scale"
                    and line.question_id.scale_min
                    <= line.value_scale
                    <= line.question_id.scale_max
                )
            )
            nps_line = lines.filtered(
                lambda line, q=campaign.nps_question_id: line.question_id == q
            )[:1]
            csat_line = lines.filtered(
                lambda line, q=campaign.csat_question_id: line.question_id == q
            )[:1]
            satisfied = bool(
                csat_line
                and csat_line.value_scale >= csat_line.question_id.scale_max - 1
            )
            participant.write(
                {
                    "state": "answered",
                    "answered_on": participant.user_input_id.end_datetime
                    or fields.Datetime.now(),
                    "nps_score": nps_line.value_scale if nps_line else 0,
                    "csat_score": csat_line.value_scale if csat_line else 0,
                    "csat_satisfied": satisfied,
                }
            )
        participants._vip_update_partner_nps()
        return participants

    def _vip_update_partner_nps(self):
        """The customer's last NPS: the score of its latest answer."""
        latest = {}
        for participant in self.filtered(
            lambda p: (
                p.state == "answered" and p.campaign_id._vip_nps_in_scale(p.nps_score)
            )
        ):
            partner = participant.partner_id
            if partner not in latest or participant.answered_on > (
                latest[partner].answered_on
            ):
                latest[partner] = participant
        for partner, participant in latest.items():
            answered = participant.answered_on.date()
            if partner.vip_last_nps_date and partner.vip_last_nps_date > answered:
                continue
            # sudo: the customer's last NPS is set by the survey answer only
            partner.sudo().write(
                {
                    "vip_last_nps": participant.nps_score,
                    "vip_last_nps_date": answered,
                }
            )

    def _vip_plan_followups(self):
        """One activity per promoter or detractor: detractors get their account
        manager's follow-up due two business days of the company calendar after
        the answer, promoters an "ask for a referral". Dates come from the answer,
        not from when this runs."""
        detractor_type = self.env.ref(
            "partner_vip_care.mail_activity_type_vip_survey_followup"
        )
        referral_type = self.env.ref("partner_vip_care.mail_activity_type_vip_referral")
        partner_model = self.env["ir.model"]._get_id("res.partner")
        vals_list = []
        planned = self.browse()
        envs = {}  # summaries in the assignee's language, one environment per language
        for participant in self:
            if participant.category not in ("promoter", "detractor"):
                continue
            campaign = participant.campaign_id
            company = campaign.company_id
            user = (
                participant.partner_id.user_id
                or campaign.user_id
                or company.vip_escalation_user_id
            )
            answered_on = participant.answered_on
            lang = user.lang or self.env.lang
            env = envs.setdefault(lang, self.with_context(lang=lang).env)
            due, summary = participant._vip_followup_due(env)
            activity_type = (
                detractor_type if participant.category == "detractor" else referral_type
            )
            vals_list.append(
                {
                    "res_model_id": partner_model,
                    "res_id": participant.partner_id.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id or self.env.uid,
                    "date_deadline": (due or answered_on).date(),
                    "summary": summary,
                }
            )
            planned |= participant
        # sudo: follow-ups are planned by the campaign's cron for whoever owns
        # the customer; the participant fields are the workflow's
        activities = self.env["mail.activity"].sudo().create(vals_list)
        now = fields.Datetime.now()
        for participant, activity in zip(planned, activities, strict=True):
            participant.sudo().write(
                {"followup_activity_id": activity.id, "followup_planned_on": now}
            )
        # passives need nothing: mark them too so that they are not searched again
        (self - planned).sudo().write({"followup_planned_on": now})
        return activities

    def _vip_followup_due(self, env):
        """(due moment, summary in ``env``'s language) of this respondent's
        follow-up: a detractor is called back two business days of the company
        calendar after answering, a promoter asked for a referral."""
        self.ensure_one()
        answered_on, campaign = self.answered_on, self.campaign_id
        if self.category == "detractor":
            calendar = campaign.company_id.resource_calendar_id
            if calendar:
                hours = 2 * (calendar.hours_per_day or 8.0)
                due = calendar.plan_hours(hours, answered_on, compute_leaves=True)
            else:
                due = answered_on + timedelta(days=2)
            summary = env._(
                "Call back: %(score)s/10 in %(campaign)s",
                score=self.nps_score,
                campaign=campaign.name,
            )
        else:
            due = answered_on + timedelta(days=REFERRAL_DELAY_DAYS)
            summary = env._(
                "Ask for a referral: %(score)s/10 in %(campaign)s",
                score=self.nps_score,
                campaign=campaign.name,
            )
        return due, summary

    def _vip_answer_for(self, contact):
        """The survey answer ``contact`` (a person of the customer) can fill: the
        invitation's, addressed to ``contact`` when nobody finished it yet (the
        survey refuses an answer addressed to someone else to a logged-in user);
        none once answered."""
        self.ensure_one()
        # sudo: the answer is the survey app's; the participant is the workflow's
        participant = self.sudo()
        answer = participant.user_input_id
        if not answer or answer.state == "done":
            return answer.browse()
        if contact.commercial_partner_id != participant.partner_id:
            return answer.browse()
        if answer.partner_id != contact:
            answer.write({"partner_id": contact.id, "email": contact.email})
            participant.write({"contact_id": contact.id})
        return answer
