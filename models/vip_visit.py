from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.fields import Domain
from odoo.tools import plaintext2html

from ..tools.moments import format_day

# Visit types that keep a visit rhythm, with the activity type reminding of it.
# Phone calls, video calls and messages are logged but do not replace a visit.
VISIT_RHYTHM_TYPES = {
    "account_manager": "partner_vip_care.mail_activity_type_vip_visit",
    "management": "partner_vip_care.mail_activity_type_vip_management_visit",
}


class VipVisit(models.Model):
    _name = "vip.visit"
    _description = "VIP Visit"
    _inherit = ["mail.thread", "mail.activity.mixin", "vip.workflow.guard"]
    _vip_create_fields = ("tier_id",)  # always the customer's tier, see create()
    _order = "date desc, id desc"
    _rec_names_search = ["summary", "partner_id"]
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        tracking=True,
        ondelete="cascade",
        check_company=True,
        domain="['|', ('is_company', '=', True), ('parent_id', '=', False)]",
    )
    contact_id = fields.Many2one(
        "res.partner",
        "Contact Met",
        index="btree_not_null",
        domain="[('commercial_partner_id', '=', partner_id)]",
        help="The person of the customer you talked to.",
    )
    user_id = fields.Many2one(
        "res.users",
        "Visited By",
        required=True,
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    date = fields.Date(
        required=True,
        index=True,
        tracking=True,
        default=fields.Date.context_today,
    )
    visit_type = fields.Selection(
        [
            ("account_manager", "Account Manager Visit"),
            ("management", "Management Visit"),
            ("phone", "Phone Call"),
            ("video", "Video Call"),
            ("message", "Message"),
            ("other", "Other"),
        ],
        "Type",
        required=True,
        default="account_manager",
        tracking=True,
        help="Account manager and management visits keep the customer's visit "
        "rhythm; calls and messages are logged without resetting it.",
    )
    summary = fields.Char(tracking=True, help="Topic of the visit in a few words.")
    customer_feedback = fields.Html(
        help="What the customer said: satisfaction, wishes, worries."
    )
    next_steps = fields.Html(help="What was agreed and who does it.")
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    tier_id = fields.Many2one(
        "vip.tier",
        "Tier at Visit",
        readonly=True,
        help="The customer's VIP tier when the visit was logged.",
    )
    tier_color = fields.Integer(related="tier_id.color")
    partner_user_id = fields.Many2one(
        related="partner_id.user_id", string="Salesperson"
    )

    @api.depends("summary", "partner_id", "visit_type", "date")
    def _compute_display_name(self):
        labels = dict(self._fields["visit_type"]._description_selection(self.env))
        for visit in self:
            visit.display_name = visit.summary or " – ".join(
                part
                for part in (
                    labels.get(visit.visit_type),
                    visit.partner_id.display_name,
                    visit.date and format_day(self.env, visit.date),
                )
                if part
            )

    @api.constrains("date")
    def _check_date(self):
        # the later of the user's and the server's today: no false alarm across
        # time zones
        today = max(fields.Date.context_today(self), fields.Date.today())
        for visit in self:
            if visit.date > today:
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s: the date cannot be in the future; a visit "
                        "is logged once it took place.",
                        visit=visit.display_name,
                    )
                )

    @api.constrains("partner_id", "contact_id")
    def _check_contact(self):
        for visit in self:
            if visit.contact_id and (
                visit.contact_id.commercial_partner_id != visit.partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "Visit %(visit)s: the contact met must belong to the "
                        "customer %(customer)s.",
                        visit=visit.display_name,
                        customer=visit.partner_id.display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [
            self.env["res.partner"]._vip_customer_vals(vals) for vals in vals_list
        ]
        partners = self.env["res.partner"].browse(
            [vals["partner_id"] for vals in vals_list if vals.get("partner_id")]
        )
        tiers = {partner.id: partner.vip_tier_id.id for partner in partners}
        for vals in vals_list:
            vals["tier_id"] = tiers.get(vals.get("partner_id"), False)
        visits = super().create(vals_list)
        visits._vip_close_visit_activities()
        return visits

    def write(self, vals):
        result = super().write(self.env["res.partner"]._vip_customer_vals(vals))
        if {"partner_id", "visit_type"} & vals.keys():
            self._vip_close_visit_activities()
        return result

    def _vip_close_visit_activities(self):
        """Logging a visit completes the open visit reminders of its kind on the
        customer, with the visit's summary as feedback."""
        types = {
            visit_type: self.env.ref(xmlid, raise_if_not_found=False)
            for visit_type, xmlid in VISIT_RHYTHM_TYPES.items()
        }
        visits = self.filtered(lambda v: types.get(v.visit_type))
        if not visits:
            return
        # sudo: reminders may be assigned to a colleague (the manager, the salesperson)
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "res.partner"),
                    ("res_id", "in", visits.partner_id.ids),
                    ("activity_type_id", "in", [t.id for t in types.values() if t]),
                ]
            )
        )
        for visit in visits:
            done = activities.filtered(
                lambda a, v=visit: (
                    a.res_id == v.partner_id.id
                    and a.activity_type_id == types[v.visit_type]
                )
            )
            # the note lands on the customer: in its language
            done.with_env(visit.partner_id._vip_reader_env()).action_feedback(
                feedback=visit.display_name
            )
            activities -= done

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "views": [(False, "form")],
        }

    def _vip_follow_up_text(self):
        return self.env._(
            "From the visit of %(date)s: %(summary)s",
            date=format_day(self.env, self.date),
            summary=self.summary or self.display_name,
        )

    def action_new_promise(self):
        self.ensure_one()
        return self.env["vip.promise"]._vip_new_action(
            self.contact_id or self.partner_id,
            description=self._vip_follow_up_text(),
            visit_id=self.id,
        )

    def action_new_complaint(self):
        self.ensure_one()
        return self.env["vip.complaint"]._vip_new_action(
            self.contact_id or self.partner_id,
            "visit",
            self.summary or self.display_name,
            visit_id=self.id,
            description=self.customer_feedback,
        )

    def action_new_suggestion(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Suggestion"),
            "res_model": "vip.suggestion",
            "views": [(False, "form")],
            "context": {
                "default_partner_id": (self.contact_id or self.partner_id).id,
                "default_visit_id": self.id,
                "default_name": self.summary,
                "default_description": self.customer_feedback,
            },
        }

    # ------------------------------------------------------------------
    # Visit planning: reminders of the visits due per tier rhythm
    # ------------------------------------------------------------------

    @api.model
    def _cron_plan_visits(self):
        self._vip_plan_visits()

    @api.model
    def _vip_plan_visits(self, batch_size=500):
        """Schedule one visit reminder per customer and kind of visit due within
        the lead days of its tier's company: account manager visits for the
        salesperson, management visits for the company's escalation contact, else
        its first VIP manager. A customer with an open reminder of that kind is
        skipped, so that running twice plans nothing new; under the scheduler,
        progress is committed after each batch. Returns the reminders."""
        # sudo: the planner sees every customer due, whoever runs it
        Partner = self.env["res.partner"].sudo()
        todo = self._vip_visit_plan_queues()
        remaining = sum(Partner.search_count(domain) for *_x, domain in todo)
        activities = self.env["mail.activity"]
        for company, kind, fname, activity_type, domain in todo:
            last_id = 0
            while True:
                partners = Partner.search_fetch(
                    domain & Domain("id", ">", last_id),
                    ["name", "user_id", fname, "vip_tier_id"],
                    order="id",
                    limit=batch_size,
                )
                if not partners:
                    break
                last_id = partners[-1].id
                activities |= self._vip_schedule_visit_activities(
                    partners._vip_claim_rows(), company, kind, fname, activity_type
                )
                remaining = max(remaining - len(partners), 0)
                if not self.env["ir.cron"]._vip_commit_progress(
                    len(partners), remaining=remaining
                ):
                    return activities
        return activities

    @api.model
    def _vip_visit_plan_queues(self):
        """(company, kind, date field, activity type, domain) of the customers to
        remind, per company with tiers and kind of visit."""
        today = fields.Date.context_today(self)
        kinds = {
            "account_manager": (
                "vip_next_visit_date",
                self.env.ref("partner_vip_care.mail_activity_type_vip_visit"),
            ),
            "management": (
                "vip_next_management_visit_date",
                self.env.ref(
                    "partner_vip_care.mail_activity_type_vip_management_visit"
                ),
            ),
        }
        # sudo: the companies that have tiers, whoever runs the planner
        companies = self.env["vip.tier"].sudo().search([]).company_id
        queues = []
        for company in companies:
            horizon = today + relativedelta(days=company.vip_visit_lead_days)
            for kind, (fname, activity_type) in kinds.items():
                domain = Domain(
                    [
                        ("vip_tier_id.company_id", "=", company.id),
                        (fname, "<=", horizon),
                        (
                            "activity_ids",
                            "not any",
                            [("activity_type_id", "=", activity_type.id)],
                        ),
                    ]
                )
                queues.append((company, kind, fname, activity_type, domain))
        return queues

    @api.model
    def _vip_schedule_visit_activities(
        self, partners, company, kind, fname, activity_type
    ):
        manager = company._vip_escalation_contact()
        model_id = self.env["ir.model"]._get_id("res.partner")
        texts = {}  # in the assignee's language, translated once per language
        vals_list = []
        for partner in partners:
            salesperson = partner.user_id if partner.user_id.active else False
            if kind == "account_manager":
                user = salesperson or manager
            else:
                user = manager or salesperson
            user = user or self.env.user
            lang = user.lang or self.env.lang
            if lang not in texts:
                env = self.with_context(lang=lang).env
                texts[lang] = (
                    env._("Account manager visit due")
                    if kind == "account_manager"
                    else env._("Management visit due"),
                    activity_type.with_env(env).default_note,
                )
            summary, note = texts[lang]
            vals_list.append(
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": model_id,
                    "res_id": partner.id,
                    "user_id": user.id,
                    "date_deadline": partner[fname],
                    "summary": summary,
                    "automated": True,
                    "note": note,
                }
            )
        # sudo: reminders assigned to salespeople and managers, not the caller
        return self.env["mail.activity"].sudo().create(vals_list)

    @api.model
    def _vip_prefilled_action(self, partner, visit_type, user=None, feedback=None):
        """Form action logging a new visit of ``partner``, prefilled."""
        context = {
            "default_partner_id": partner.id,
            "default_visit_type": visit_type,
            "default_user_id": (user or self.env.user).id,
            "default_date": fields.Date.to_string(fields.Date.context_today(self)),
        }
        if feedback:
            context["default_customer_feedback"] = plaintext2html(feedback)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Log a Visit"),
            "res_model": "vip.visit",
            "views": [
                (self.env.ref("partner_vip_care.vip_visit_view_form").id, "form")
            ],
            "target": "new",
            "context": context,
        }
