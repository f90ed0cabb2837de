import math
import random
from collections import defaultdict
from datetime import datetime, time

import pytz
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

PARETO_LETTERS = "abc"


def _letters(value):
    """Pareto classes written as letters ("ab", "A, B", "a,b") → "ab"."""
    return "".join(c for c in PARETO_LETTERS if c in (value or "").lower())


class VipSurveyCampaign(models.Model):
    _name = "vip.survey.campaign"
    _description = "VIP Satisfaction Campaign"
    _inherit = ["mail.thread", "vip.workflow.guard"]
    _vip_workflow_fields = ("state",)
    _order = "date_start desc, id desc"
    _check_company_auto = True

    def _default_survey_id(self):
        return self.env.ref(
            "partner_vip_care.vip_survey_satisfaction", raise_if_not_found=False
        )

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    user_id = fields.Many2one(
        "res.users",
        "Responsible",
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
        tracking=True,
        help="Receives the follow-ups of customers without a salesperson.",
    )
    survey_id = fields.Many2one(
        "survey.survey",
        required=True,
        default=lambda self: self._default_survey_id(),
        domain="[('survey_type', 'in', ('survey', 'custom'))]",
        tracking=True,
    )
    nps_question_id = fields.Many2one(
        "survey.question",
        "Recommendation Question",
        compute="_compute_questions",
        store=True,
        readonly=False,
        domain="[('survey_id', '=', survey_id), ('question_type', '=', 'scale')]",
        help="The 0-10 question the NPS is computed from.",
    )
    csat_question_id = fields.Many2one(
        "survey.question",
        "Satisfaction Question",
        compute="_compute_questions",
        store=True,
        readonly=False,
        domain="[('survey_id', '=', survey_id), ('question_type', '=', 'scale')]",
        help="The scale question the CSAT is computed from: the share of "
        "respondents giving one of its two best marks.",
    )
    tier_ids = fields.Many2many(
        "vip.tier",
        string="VIP Tiers",
        domain="[('company_id', '=', company_id)]",
        help="Customers of these tiers are asked (empty: every tier).",
    )
    pareto_classes = fields.Char(
        default="abc",
        required=True,
        help="Pareto classes asked, as letters (e.g. abc). Customers without a "
        "class count as C.",
    )
    census_class = fields.Char(
        "Census Classes",
        default="a",
        help="Classes asked in full, as letters (e.g. a); the other classes are "
        "sampled.",
    )
    sample_ratio = fields.Float(
        default=0.3,
        help="Share of the customers of the sampled classes asked (0 to 1). The "
        "draw is reproducible: the same campaign always draws the same customers.",
    )
    date_start = fields.Date("Start", tracking=True)
    date_end = fields.Date("End", tracking=True, help="Answer deadline.")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("running", "Running"),
            ("closed", "Closed"),
            ("thanked", "Thanked"),
        ],
        required=True,
        default="draft",
        tracking=True,
        index=True,
        copy=False,
        group_expand=True,
    )
    participant_ids = fields.One2many(
        "vip.survey.participant", "campaign_id", "Participants", copy=False
    )
    findings = fields.Html(
        help="What the campaign taught us: sent to every respondent with thanks."
    )
    suggestion_ids = fields.Many2many(
        "vip.suggestion",
        string="Suggestions",
        help="Improvements decided from the answers; the accepted and implemented "
        "ones are reported to the respondents.",
    )
    promise_ids = fields.Many2many(
        "vip.promise",
        string="Promises",
        help="Promises made after the answers; each respondent hears of its own.",
    )
    complaint_ids = fields.Many2many(
        "vip.complaint",
        string="Complaints",
        help="Complaints whose corrective actions answer the findings.",
    )
    # figures (one grouped query for all campaigns shown)
    participant_count = fields.Integer(
        "Number of Participants", compute="_compute_figures"
    )
    no_email_count = fields.Integer("Without E-mail", compute="_compute_figures")
    invited_count = fields.Integer("Invited", compute="_compute_figures")
    answered_count = fields.Integer("Answered", compute="_compute_figures")
    thanked_count = fields.Integer("Thanked", compute="_compute_figures")
    promoter_count = fields.Integer("Promoters", compute="_compute_figures")
    passive_count = fields.Integer("Passives", compute="_compute_figures")
    detractor_count = fields.Integer("Detractors", compute="_compute_figures")
    response_rate = fields.Float(
        "Response Rate (%)",
        compute="_compute_figures",
        digits=(16, 1),
        help="Answered / invited.",
    )
    nps = fields.Float(
        "NPS",
        compute="_compute_figures",
        digits=(16, 1),
        help="Net Promoter Score: % promoters (9-10) minus % detractors (0-6) "
        "among the respondents, from -100 to 100.",
    )
    csat = fields.Float(
        "CSAT (%)",
        compute="_compute_figures",
        digits=(16, 1),
        help="Share of respondents giving one of the two best satisfaction marks.",
    )
    loop_closure_rate = fields.Float(
        "Loop Closure (%)",
        compute="_compute_figures",
        digits=(16, 1),
        help="Respondents thanked with the results / respondents.",
    )
    previous_campaign_id = fields.Many2one(
        "vip.survey.campaign",
        compute="_compute_previous",
        help="The latest campaign of the company launched before this one.",
    )
    previous_nps = fields.Float(
        "Previous NPS", compute="_compute_previous", digits=(16, 1)
    )
    nps_delta = fields.Float("NPS Change", compute="_compute_previous", digits=(16, 1))
    # "no answer" is no figure: the views show these scores only when known
    nps_known = fields.Boolean(
        "NPS Known",
        compute="_compute_figures",
        help="At least one respondent gave a recommendation score.",
    )
    csat_known = fields.Boolean(
        "CSAT Known",
        compute="_compute_figures",
        help="At least one respondent gave a satisfaction mark.",
    )
    nps_delta_known = fields.Boolean(
        "NPS Change Known",
        compute="_compute_previous",
        help="Both this campaign and the previous one have an NPS.",
    )

    @api.depends("survey_id")
    def _compute_questions(self):
        for campaign in self:
            scales = campaign.survey_id.question_ids.filtered(
                lambda q: q.question_type == "scale"
            )
            nps = scales.filtered(lambda q: q.scale_min == 0 and q.scale_max == 10)[:1]
            campaign.nps_question_id = nps
            campaign.csat_question_id = (scales - nps)[:1]

    def _compute_figures(self):
        counts = defaultdict(lambda: defaultdict(int))
        thanked = defaultdict(int)
        satisfied = defaultdict(int)
        csat_respondents = defaultdict(int)
        for campaign, state, category, csat_ok, csat_score, count in self.env[
            "vip.survey.participant"
        ]._read_group(
            [("campaign_id", "in", self.ids)],
            ["campaign_id", "state", "category", "csat_satisfied", "csat_score"],
            ["__count"],
        ):
            counts[campaign][state] += count
            if category:  # none for an answer outside the scale
                counts[campaign][category] += count
                counts[campaign]["nps_respondents"] += count
            # an answer outside the scale counts for nothing; 0 is unanswered
            if state != "answered" or not (
                csat_score == 0 or campaign._vip_csat_in_scale(csat_score)
            ):
                continue
            csat_respondents[campaign] += count
            if csat_ok and csat_score:
                satisfied[campaign] += count
        for campaign, count in self.env["vip.survey.participant"]._read_group(
            [("campaign_id", "in", self.ids), ("thanked_on", "!=", False)],
            ["campaign_id"],
            ["__count"],
        ):
            thanked[campaign] = count
        for campaign in self:
            figures = counts[campaign]
            answered = figures["answered"]
            invited = figures["invited"] + answered
            campaign.participant_count = sum(
                figures[s] for s in ("draft", "no_email", "invited", "answered")
            )
            campaign.no_email_count = figures["no_email"]
            campaign.invited_count = invited
            campaign.answered_count = answered
            campaign.thanked_count = thanked[campaign]
            campaign.promoter_count = figures["promoter"]
            campaign.passive_count = figures["passive"]
            campaign.detractor_count = figures["detractor"]
            campaign.response_rate = self._vip_percent(answered, invited)
            campaign.nps = self._vip_nps(
                figures["promoter"], figures["detractor"], figures["nps_respondents"]
            )
            campaign.csat = self._vip_percent(
                satisfied[campaign], csat_respondents[campaign]
            )
            campaign.nps_known = bool(figures["nps_respondents"])
            campaign.csat_known = bool(csat_respondents[campaign])
            campaign.loop_closure_rate = self._vip_percent(thanked[campaign], answered)

    @api.depends("date_start", "company_id")
    def _compute_previous(self):
        for campaign in self:
            previous = self.browse()
            if campaign.date_start:
                domain = Domain("company_id", "=", campaign.company_id.id) & Domain(
                    "state", "in", ("running", "closed", "thanked")
                )
                domain &= Domain("date_start", "<", campaign.date_start) | (
                    Domain("date_start", "=", campaign.date_start)
                    & Domain("id", "<", campaign.id or 0)
                )
                previous = self.search(
                    domain, order="date_start desc, id desc", limit=1
                )
            campaign.previous_campaign_id = previous
            campaign.previous_nps = previous.nps if previous else 0.0
            # a change needs two scores: none without answers on either side
            known = bool(previous) and previous.nps_known and campaign.nps_known
            campaign.nps_delta_known = known
            campaign.nps_delta = campaign.nps - previous.nps if known else 0.0

    @api.constrains("sample_ratio")
    def _check_sample_ratio(self):
        for campaign in self:
            if not 0 <= campaign.sample_ratio <= 1:
                raise ValidationError(
                    self.env._(
                        "Campaign %(name)s: the sample ratio must be between 0 and 1 "
                        "(e.g. 0.3 for 30%% of the sampled classes).",
                        name=campaign.name,
                    )
                )

    @api.constrains("pareto_classes", "census_class")
    def _check_classes(self):
        for campaign in self:
            for fname in ("pareto_classes", "census_class"):
                value = campaign[fname] or ""
                stray = {c for c in value.lower() if c.isalnum()} - set(PARETO_LETTERS)
                if stray or (fname == "pareto_classes" and not _letters(value)):
                    raise ValidationError(
                        self.env._(
                            "Campaign %(name)s: “%(field)s” takes the Pareto classes "
                            "as letters among A, B and C (e.g. “ab”), not "
                            "“%(value)s”.",
                            name=campaign.name,
                            field=self._fields[fname]._description_string(self.env),
                            value=value,
                        )
                    )

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for campaign in self:
            if (
                campaign.date_start
                and campaign.date_end
                and campaign.date_end < campaign.date_start
            ):
                raise ValidationError(
                    self.env._(
                        "Campaign %(name)s: the end date must not be before the "
                        "start date.",
                        name=campaign.name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(campaign.state != "draft" for campaign in self):
            raise UserError(
                self.env._(
                    "A launched campaign cannot be deleted (its answers and "
                    "follow-ups refer to it): archive it instead."
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_select_participants(self):
        """Draw the participants of draft campaigns (adds customers not yet in)."""
        self._vip_check_state(("draft",), self.env._("prepare"))
        self.check_access("write")
        for campaign in self:
            campaign._vip_select_participants()
        return True

    def action_launch(self):
        """Invite the participants through the survey's own invitation (one
        answer token each, in the contact's language) and start the campaign."""
        self._vip_check_state(("draft",), self.env._("launch"))
        self.check_access("write")
        for campaign in self:
            if not campaign.survey_id.active:
                raise UserError(
                    self.env._(
                        "Campaign %(name)s: the survey %(survey)s is archived.",
                        name=campaign.name,
                        survey=campaign.survey_id.display_name,
                    )
                )
            if not campaign.nps_question_id:
                raise UserError(
                    self.env._(
                        "Campaign %(name)s: choose the recommendation question (a "
                        "0-10 scale question of the survey) before launching.",
                        name=campaign.name,
                    )
                )
            if not campaign.participant_ids:
                campaign._vip_select_participants()
            if not campaign.participant_ids:
                raise UserError(
                    self.env._(
                        "Campaign %(name)s: no customer matches its tiers and "
                        "Pareto classes.",
                        name=campaign.name,
                    )
                )
            campaign._vip_invite()
            campaign._vip_workflow_write(
                {
                    "state": "running",
                    "date_start": campaign.date_start
                    or fields.Date.context_today(self),
                }
            )
        return True

    def action_close(self):
        """Stop taking answers: unanswered invitations expire now."""
        self._vip_check_state(("running",), self.env._("end"))
        self._vip_workflow_write({"state": "closed"})
        pending = self.participant_ids.filtered(
            lambda p: p.state == "invited"
        ).user_input_id
        # sudo: the answers are the survey app's; only their deadline is set
        pending.sudo().write({"deadline": fields.Datetime.now()})
        for campaign in self:
            if not campaign.date_end:
                campaign._vip_workflow_write(
                    {"date_end": fields.Date.context_today(self)}
                )
        return True

    def action_send_results(self):
        """Send each respondent not thanked yet the findings and the actions
        decided, with thanks, in its language; sets ``thanked_on``."""
        self._vip_check_state(("closed", "thanked"), self.env._("report back on"))
        self.check_access("write")
        template = self.env.ref("partner_vip_care.mail_template_vip_survey_thanks")
        for campaign in self:
            if not (campaign.findings or "").strip() and not (
                campaign.suggestion_ids
                or campaign.promise_ids
                or campaign.complaint_ids
            ):
                raise UserError(
                    self.env._(
                        "Campaign %(name)s: write the findings or link the actions "
                        "decided (suggestions, promises, complaints) before sending "
                        "the results.",
                        name=campaign.name,
                    )
                )
            respondents = campaign.participant_ids.filtered(
                lambda p: p.state == "answered" and not p.thanked_on and p.email
            )
            for participant in respondents:
                template.send_mail(participant.id)
            # sudo: thanked_on is the workflow's, the caller may write the campaign
            respondents.sudo().write({"thanked_on": fields.Datetime.now()})
            count = len(respondents)
            campaign._vip_post_note(
                lambda env, count=count: Markup(
                    env._(
                        "Results and thanks sent to %(count)s respondent(s).",
                        count=count,
                    )
                )
            )
            if campaign.state != "thanked":
                campaign._vip_workflow_write({"state": "thanked"})
        return True

    def action_open_participants(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_survey_participant_action"
        )
        action["domain"] = [("campaign_id", "=", self.id)]
        action["context"] = {"default_campaign_id": self.id}
        return action

    def action_open_results(self):
        """Results of this campaign beside the previous one."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_survey_participant_action_results"
        )
        campaigns = self | self.previous_campaign_id
        action["domain"] = [
            ("campaign_id", "in", campaigns.ids),
            ("state", "=", "answered"),
        ]
        return action

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _vip_nps_in_scale(self, score):
        """Whether ``score`` lies on the scale of the recommendation question
        (0-10 when the campaign has none)."""
        question = self.nps_question_id
        low, high = (question.scale_min, question.scale_max) if question else (0, 10)
        return low <= score <= high

    def _vip_csat_in_scale(self, score):
        """Whether ``score`` lies on the scale of the satisfaction question."""
        question = self.csat_question_id
        return bool(question) and question.scale_min <= score <= question.scale_max

    @api.model
    def _vip_percent(self, part, whole):
        return round(100.0 * part / whole, 1) if whole else 0.0

    @api.model
    def _vip_nps(self, promoters, detractors, respondents):
        """% promoters − % detractors, one decimal."""
        if not respondents:
            return 0.0
        return round(100.0 * (promoters - detractors) / respondents, 1)

    def _vip_target_domain(self):
        self.ensure_one()
        domain = Domain("vip_tier_id", "!=", False) & (
            Domain("is_company", "=", True) | Domain("parent_id", "=", False)
        )
        domain &= Domain("company_id", "in", (False, self.company_id.id))
        if self.tier_ids:
            domain &= Domain("vip_tier_id", "in", self.tier_ids.ids)
        return domain

    def _vip_select_participants(self):
        """Census classes in full, the other classes sampled at ``sample_ratio``
        with a seed of the campaign (the same draw every time); customers without
        e-mail are kept, marked "No E-mail"."""
        self.ensure_one()
        wanted = _letters(self.pareto_classes)
        census = _letters(self.census_class)
        # sudo: a manager draws among every VIP customer of the company, whoever
        # their salesperson; only ids, tier and class are read
        partners = (
            self.env["res.partner"]
            .sudo()
            .search_fetch(
                self._vip_target_domain(),
                ["vip_tier_id", "vip_pareto_class", "email"],
                order="id",
            )
        )
        by_class = defaultdict(list)
        for partner in partners:
            by_class[partner.vip_pareto_class or "c"].append(partner)
        already = set(self.participant_ids.partner_id.ids)
        chosen = []
        for letter in wanted:
            members = by_class[letter]
            if letter in census:
                chosen += [(p, "census") for p in members]
                continue
            size = math.ceil(len(members) * self.sample_ratio)
            # one generator per class, seeded by the campaign: reproducible
            rng = random.Random(f"vip-survey-{self.id}-{letter}")
            drawn = rng.sample(members, size) if size else []
            chosen += [(p, "sample") for p in sorted(drawn, key=lambda p: p.id)]
        chosen = [(p, how) for p, how in chosen if p.id not in already]
        if not chosen:
            return self.env["vip.survey.participant"]
        contacts = self.env["vip.survey.participant"]._vip_main_contacts(
            partners.browse([p.id for p, _how in chosen])
        )
        vals_list = []
        for partner, how in chosen:
            contact = contacts[partner]
            vals_list.append(
                {
                    "campaign_id": self.id,
                    "partner_id": partner.id,
                    "contact_id": contact.id,
                    "tier_id": partner.vip_tier_id.id,
                    "pareto_class": partner.vip_pareto_class or "c",
                    "selection": how,
                    "state": "draft" if contact.email else "no_email",
                }
            )
        # sudo: snapshot fields (tier, class, selection) are the workflow's
        return self.env["vip.survey.participant"].sudo().create(vals_list)

    def _vip_invite(self):
        """Invite the participants with an e-mail that have no answer yet, one
        survey.invite per language so that each contact reads its own."""
        self.ensure_one()
        participants = self.participant_ids.filtered(lambda p: p.state == "draft")
        no_email = participants.filtered(lambda p: not p.email)
        # sudo: participant states are the workflow's
        no_email.sudo().write({"state": "no_email"})
        participants -= no_email
        # the module's own invitation, translated (the survey's is generic)
        template = self.env.ref(
            "partner_vip_care.mail_template_vip_survey_invite",
            raise_if_not_found=False,
        ) or self.env.ref(
            "survey.mail_template_user_input_invite", raise_if_not_found=False
        )
        deadline = False
        if self.date_end:
            # the end of the last day in the company's time zone, stored in UTC
            tz = pytz.timezone(self.company_id._vip_tz())
            local = datetime.combine(self.date_end, time(23, 59))
            deadline = tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
        by_lang = defaultdict(lambda: self.env["vip.survey.participant"])
        for participant in participants:
            by_lang[participant.contact_id.lang or self.env.lang] |= participant
        now = fields.Datetime.now()
        for lang, group in by_lang.items():
            contacts = group.contact_id
            # sudo: invitations, tokens and answers belong to the survey app; the
            # caller's right to run this campaign was checked by the action
            invite = (
                self.env["survey.invite"]
                .sudo()
                .with_context(lang=lang)
                .create(
                    {
                        "survey_id": self.survey_id.id,
                        "template_id": template.id if template else False,
                        "partner_ids": [(6, 0, contacts.ids)],
                        "existing_mode": "new",
                        "deadline": deadline,
                    }
                )
            )
            answers = invite._prepare_answers(contacts, [])
            answer_of = {answer.partner_id: answer for answer in answers}
            for answer in answers:
                invite._send_mail(answer)
            for participant in group:
                answer = answer_of.get(participant.contact_id)
                if answer:
                    participant.sudo().write(
                        {
                            "user_input_id": answer.id,
                            "state": "invited",
                            "invited_on": now,
                        }
                    )

    # ------------------------------------------------------------------
    # Crons
    # ------------------------------------------------------------------

    @api.model
    def _cron_survey_followups(self, batch_size=200):
        """One follow-up per promoter and detractor, in bounded batches; a second
        run finds nothing left to plan."""
        Participant = self.env["vip.survey.participant"]
        domain = [("state", "=", "answered"), ("followup_planned_on", "=", False)]
        while True:
            batch = Participant.search(domain, order="id", limit=batch_size)
            if not batch:
                break
            batch._vip_plan_followups()
            remaining = Participant.search_count(domain)
            if not self.env["ir.cron"]._vip_commit_progress(
                len(batch), remaining=remaining
            ):
                break
        return True
