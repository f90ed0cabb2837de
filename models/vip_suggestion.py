from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.fields import Domain

DECIDED_STATES = ("accepted", "implemented", "rejected")
ADOPTED_STATES = ("accepted", "implemented")
# still worth a customer's support ("Me too" on the portal)
OPEN_STATES = ("new", "review", "accepted")


class VipSuggestion(models.Model):
    _name = "vip.suggestion"
    _description = "VIP Customer Suggestion"
    _inherit = ["mail.thread", "mail.activity.mixin", "vip.workflow.guard"]
    _vip_workflow_fields = ("state",)
    _order = "id desc"

    name = fields.Char("Title", required=True, tracking=True)
    active = fields.Boolean(default=True)
    partner_id = fields.Many2one(
        "res.partner",
        "Customer",
        required=True,
        index=True,
        tracking=True,
        help="Who raised the suggestion.",
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id",
        string="Customer Company",
        store=True,
        index=True,
    )
    tier_id = fields.Many2one(
        "vip.tier",
        "VIP Tier",
        compute="_compute_tier_id",
        store=True,
        index=True,
        help="Tier of the customer when the suggestion was raised.",
        groups="base.group_user",
    )
    supporter_ids = fields.Many2many(
        "res.partner",
        "vip_suggestion_supporter_rel",
        "suggestion_id",
        "partner_id",
        string="Supporters",
        help="Other customers asking for the same.",
    )
    supporter_count = fields.Integer(
        "Supporters Count", compute="_compute_supporter_count", store=True
    )
    meeting_id = fields.Many2one("vip.meeting", index="btree_not_null", tracking=True)
    description = fields.Html()
    category = fields.Selection(
        [
            ("product", "Product"),
            ("service", "Service"),
            ("delivery", "Delivery"),
            ("quality", "Quality"),
            ("price", "Price and terms"),
            ("process", "Process"),
            ("other", "Other"),
        ],
        default="other",
        required=True,
        tracking=True,
    )
    state = fields.Selection(
        [
            ("new", "New"),
            ("review", "In Review"),
            ("accepted", "Accepted"),
            ("implemented", "Implemented"),
            ("rejected", "Rejected"),
        ],
        required=True,
        default="new",
        tracking=True,
        index=True,
        copy=False,
        group_expand=True,
    )
    user_id = fields.Many2one(
        "res.users",
        "Owner",
        index=True,
        tracking=True,
        default=lambda self: self.env.user,
        domain="[('share', '=', False)]",
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    raised_on = fields.Datetime(
        required=True, default=fields.Datetime.now, copy=False, index=True
    )
    decision_note = fields.Text(tracking=True, copy=False)
    decided_on = fields.Datetime(readonly=True, copy=False)
    decided_by_id = fields.Many2one(
        "res.users",
        "Decided by",
        readonly=True,
        copy=False,
        groups="base.group_user",
    )
    response_sent_on = fields.Datetime(
        "Reply Sent On", readonly=True, copy=False, tracking=True
    )
    complaint_id = fields.Many2one(
        "vip.complaint",
        "Raised from Complaint",
        index="btree_not_null",
        tracking=True,
        groups="base.group_user",
    )
    visit_id = fields.Many2one(
        "vip.visit",
        "Raised at Visit",
        index="btree_not_null",
        tracking=True,
        groups="base.group_user",
    )
    promise_ids = fields.One2many(
        "vip.promise", "suggestion_id", "Promises", groups="base.group_user"
    )
    promise_count = fields.Integer(
        compute="_compute_promise_count", groups="base.group_user"
    )
    merged_into_id = fields.Many2one(
        "vip.suggestion",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="base.group_user",
    )
    # Reporting: 0/1 flags summed, days averaged.
    decided_count = fields.Integer(
        "Decided",
        compute="_compute_report_figures",
        store=True,
        aggregator="sum",
        groups="base.group_user",
    )
    adopted_count = fields.Integer(
        "Adopted",
        compute="_compute_report_figures",
        store=True,
        aggregator="sum",
        groups="base.group_user",
    )
    replied_count = fields.Integer(
        "Replied",
        compute="_compute_report_figures",
        store=True,
        aggregator="sum",
        groups="base.group_user",
    )
    days_to_reply = fields.Float(
        compute="_compute_report_figures",
        store=True,
        aggregator="avg",
        help="Days between raising the suggestion and sending the reply.",
        groups="base.group_user",
    )
    reply_pending = fields.Boolean(
        compute="_compute_reply_pending",
        search="_search_reply_pending",
        groups="base.group_user",
    )

    @api.depends("partner_id")
    def _compute_tier_id(self):
        for suggestion in self:
            if not suggestion.tier_id or suggestion.state == "new":
                suggestion.tier_id = suggestion.commercial_partner_id.vip_tier_id

    @api.depends("supporter_ids")
    def _compute_supporter_count(self):
        for suggestion in self:
            suggestion.supporter_count = len(suggestion.supporter_ids)

    @api.depends("state", "raised_on", "response_sent_on")
    def _compute_report_figures(self):
        for suggestion in self:
            decided = suggestion.state in DECIDED_STATES
            suggestion.decided_count = int(decided)
            suggestion.adopted_count = int(suggestion.state in ADOPTED_STATES)
            suggestion.replied_count = int(
                decided and bool(suggestion.response_sent_on)
            )
            if suggestion.response_sent_on and suggestion.raised_on:
                delta = suggestion.response_sent_on - suggestion.raised_on
                suggestion.days_to_reply = round(delta.total_seconds() / 86400, 2)
            else:
                suggestion.days_to_reply = 0.0

    @api.depends("state", "response_sent_on")
    def _compute_reply_pending(self):
        for suggestion in self:
            suggestion.reply_pending = (
                suggestion.state in DECIDED_STATES and not suggestion.response_sent_on
            )

    def _search_reply_pending(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        domain = Domain("state", "in", DECIDED_STATES) & Domain(
            "response_sent_on", "=", False
        )
        return domain if (operator == "in") == (True in value) else ~domain

    @api.constrains("state", "decision_note")
    def _check_decision_note(self):
        for suggestion in self:
            if (
                suggestion.state in DECIDED_STATES
                and not (suggestion.decision_note or "").strip()
            ):
                raise ValidationError(
                    self.env._(
                        "Suggestion %(name)s: a decision (accepted, implemented, "
                        "rejected) needs a decision note explaining it to the "
                        "customer.",
                        name=suggestion.name,
                    )
                )

    @api.constrains("partner_id", "supporter_ids")
    def _check_supporters(self):
        for suggestion in self:
            if suggestion.commercial_partner_id in (
                suggestion.supporter_ids.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._(
                        "Suggestion %(name)s: %(partner)s raised it and cannot also "
                        "be one of its supporters.",
                        name=suggestion.name,
                        partner=suggestion.commercial_partner_id.display_name,
                    )
                )

    @api.ondelete(at_uninstall=False)
    def _unlink_only_new(self):
        if any(suggestion.state != "new" for suggestion in self):
            raise UserError(
                self.env._(
                    "A suggestion under review or decided cannot be deleted: reject "
                    "it with a note, or merge it into the suggestion it duplicates."
                )
            )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    @api.depends("promise_ids")
    def _compute_promise_count(self):
        counts = dict(
            self.env["vip.promise"]._read_group(
                [("suggestion_id", "in", self.ids)], ["suggestion_id"], ["__count"]
            )
        )
        for suggestion in self:
            suggestion.promise_count = counts.get(suggestion, 0)

    def action_review(self):
        self._vip_check_state(("new",), self.env._("put in review"))
        self._vip_workflow_write({"state": "review"})
        return True

    def action_accept(self, note=None):
        return self._decide("accepted", note, ("new", "review"))

    def action_implement(self, note=None):
        return self._decide("implemented", note, ("new", "review", "accepted"))

    def action_reject(self, note=None):
        return self._decide("rejected", note, ("new", "review", "accepted"))

    def action_send_reply(self):
        """Send the decision and thanks to the customer and to the supporters
        (a message of their own, one per language), and record when it was sent."""
        templates = {
            "customer": self.env.ref(
                "partner_vip_care.mail_template_vip_suggestion_reply"
            ),
            "supporter": self.env.ref(
                "partner_vip_care.mail_template_vip_suggestion_reply_supporter"
            ),
        }
        for suggestion in self:
            if suggestion.state not in DECIDED_STATES:
                raise UserError(
                    self.env._(
                        "Suggestion %(name)s has no decision yet: decide before "
                        "replying to the customer.",
                        name=suggestion.name,
                    )
                )
            recipients = suggestion._reply_recipients()
            if not recipients:
                raise UserError(
                    self.env._(
                        "Suggestion %(name)s: neither the customer nor the "
                        "supporters have an e-mail address.",
                        name=suggestion.name,
                    )
                )
            customer = recipients & suggestion.partner_id
            if customer:
                suggestion._vip_send_reply(templates["customer"], customer)
            supporters = recipients - customer
            for lang, readers in suggestion._vip_by_lang(supporters).items():
                suggestion._vip_send_reply(templates["supporter"], readers, lang)
        self._vip_workflow_write({"response_sent_on": fields.Datetime.now()})
        return True

    def action_merge_into(self, target):
        """Merge duplicates ``self`` into ``target``: their customers and
        supporters become supporters of the target; the duplicates are archived.
        ``target`` is a record or its id (RPC clients send ids)."""
        if not isinstance(target, models.BaseModel):
            target = self.browse(target).exists()
        if len(target) != 1:
            raise UserError(self.env._("Choose the one suggestion to merge into."))
        if target in self:
            raise UserError(self.env._("A suggestion cannot be merged into itself."))
        if not target.active or target.merged_into_id:
            raise UserError(
                self.env._(
                    "Suggestion %(name)s is archived or merged: merge into the "
                    "suggestion that is still open.",
                    name=target.name,
                )
            )
        if self.company_id - target.company_id:
            raise UserError(
                self.env._("Only suggestions of the same company can be merged.")
            )
        if any(s.state in DECIDED_STATES and s.response_sent_on for s in self):
            raise UserError(
                self.env._(
                    "A suggestion whose reply was sent cannot be merged anymore."
                )
            )
        # The target's own customer cannot support it (it raised it already).
        supporters = (
            self.partner_id | self.supporter_ids | target.supporter_ids
        ).filtered(lambda p: p.commercial_partner_id != target.commercial_partner_id)
        target.supporter_ids = [Command.set(supporters.ids)]
        self._vip_workflow_write({"merged_into_id": target.id, "active": False})
        self._vip_post_note(
            lambda env: Markup(env._("Merged into %s.")) % target._get_html_link()
        )
        target._vip_post_note(
            lambda env: (
                Markup(env._("Merged duplicates: %s."))
                % Markup(", ").join(s._get_html_link() for s in self)
            )
        )
        return True

    def action_open_accept_wizard(self):
        """Button: the decision wizard, set to accept."""
        return self._decision_wizard_action("accepted")

    def action_open_implement_wizard(self):
        """Button: the decision wizard, set to implemented."""
        return self._decision_wizard_action("implemented")

    def action_open_reject_wizard(self):
        """Button: the decision wizard, set to reject."""
        return self._decision_wizard_action("rejected")

    def action_open_merge(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Merge Suggestions"),
            "res_model": "vip.suggestion.merge.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"active_model": self._name, "active_ids": self.ids},
        }

    # ------------------------------------------------------------------
    # Business methods
    # ------------------------------------------------------------------

    def _decide(self, state, note, allowed):
        labels = dict(self._fields["state"]._description_selection(self.env))
        actions = {
            "accepted": self.env._("accept"),
            "implemented": self.env._("mark as implemented"),
            "rejected": self.env._("reject"),
        }
        self._vip_check_state(allowed, actions[state])
        if note is None:
            missing = self.filtered(lambda s: not (s.decision_note or "").strip())
        else:
            missing = self if not note.strip() else self.browse()
        if missing:
            raise UserError(
                self.env._(
                    "Suggestion %(name)s: write a decision note (what was decided "
                    "and why) before setting it to %(state)s.",
                    name=missing[0].name,
                    state=labels[state],
                )
            )
        values = {
            "state": state,
            "decided_on": fields.Datetime.now(),
            "decided_by_id": self.env.uid,
            # A new decision calls for a new reply.
            "response_sent_on": False,
        }
        if note is not None:
            values["decision_note"] = note.strip()
        self._vip_workflow_write(values)
        return True

    def _decision_wizard_action(self, state):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Decision"),
            "res_model": "vip.suggestion.decision.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_suggestion_ids": self.ids,
                "default_decision": state,
                "default_note": self[:1].decision_note or False,
            },
        }

    def _vip_send_reply(self, template, readers, lang=None):
        """Post ``template`` to ``readers``, rendered in ``lang`` (else in the
        template's own language: the customer's)."""
        poster = self.with_context(template_preview_lang=lang) if lang else self
        poster.message_post_with_source(
            template,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
            partner_ids=readers.ids,
        )

    def _vip_by_lang(self, partners):
        """{language: partners reading it}; a partner without one reads the
        company's."""
        self.ensure_one()
        default = self._vip_reader_company()._vip_reader_lang()
        groups = {}
        for partner in partners:
            lang = partner.lang or default
            groups[lang] = groups.get(lang, partners.browse()) | partner
        return groups

    def _reply_recipients(self):
        self.ensure_one()
        return (self.partner_id | self.supporter_ids).filtered("email")

    def action_new_promise(self):
        """A promise answering this suggestion, prefilled (it still goes through the
        ledger's bottom line)."""
        self.ensure_one()
        return self.env["vip.promise"]._vip_new_action(
            self.partner_id,
            description=self.env._("Answer to the suggestion %(name)s", name=self.name),
            suggestion_id=self.id,
            promise_type="service",
        )

    def action_open_promises(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_promise_action"
        )
        action["domain"] = [("suggestion_id", "=", self.id)]
        action["context"] = {"default_suggestion_id": self.id}
        return action
