from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# Kept on the commercial entity and copied to its contacts by Odoo's commercial sync.
VIP_COMMERCIAL_FIELDS = [
    "vip_tier_id",
    "vip_tier_locked",
    "vip_lock_reason",
    "vip_lock_until",
    "vip_revenue",
    "vip_evaluated_on",
    "vip_since",
    "vip_pareto_class",
    "vip_referred_by_id",
]
# Only VIP managers set these by hand; the evaluation sets the tier in sudo.
VIP_MANAGER_FIELDS = frozenset(
    ("vip_tier_id", "vip_tier_locked", "vip_lock_reason", "vip_lock_until")
)
VIP_COMPLAINT_OPEN_STATES = ("new", "in_progress", "waiting")


class ResPartner(models.Model):
    # the guard refuses direct writes of the evaluation's figures (vip_revenue…)
    _name = "res.partner"
    _inherit = ["res.partner", "vip.workflow.guard"]

    vip_tier_id = fields.Many2one(
        "vip.tier",
        "VIP Tier",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
        domain="[('company_id', 'in', allowed_company_ids)]",
        groups="base.group_user",
    )
    vip_tier_color = fields.Integer(
        related="vip_tier_id.color", groups="base.group_user"
    )
    vip_tier_locked = fields.Boolean(
        "Tier Locked",
        tracking=True,
        copy=False,
        help="The evaluation leaves a locked tier alone until the lock expires.",
        groups="base.group_user",
    )
    vip_lock_reason = fields.Char(
        "Lock Reason", tracking=True, copy=False, groups="base.group_user"
    )
    vip_lock_until = fields.Date(
        "Locked Until",
        tracking=True,
        copy=False,
        help="Empty: locked until unlocked by hand.",
        groups="base.group_user",
    )
    vip_currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_vip_currency_id",
        groups="base.group_user",
    )
    vip_revenue = fields.Monetary(
        "Revenue in Window",
        currency_field="vip_currency_id",
        readonly=True,
        copy=False,
        help="Invoiced revenue (untaxed, refunds deducted) of the evaluation window, "
        "in company currency, as of the last evaluation that changed it.",
        groups="base.group_user",
    )
    vip_evaluated_on = fields.Date(
        "Revenue as of",
        readonly=True,
        copy=False,
        help="Date of the last evaluation that changed the revenue or Pareto class.",
        groups="base.group_user",
    )
    vip_since = fields.Date(
        "In Tier Since",
        readonly=True,
        copy=False,
        help="Date of the last tier change.",
        groups="base.group_user",
    )
    vip_pareto_class = fields.Selection(
        [("a", "A"), ("b", "B"), ("c", "C")],
        "Pareto Class",
        readonly=True,
        copy=False,
        help="A: the smallest set of customers making 80% of the revenue; B: the "
        "next 15%; C: the rest.",
        groups="base.group_user",
    )
    vip_referred_by_id = fields.Many2one(
        "res.partner",
        "Referred By",
        index="btree_not_null",
        copy=False,
        domain="[('is_company', '=', True)]",
        groups="base.group_user",
    )
    vip_referral_count = fields.Integer(
        "Referrals",
        compute="_compute_vip_referral_count",
        groups="base.group_user",
    )
    vip_tier_history_ids = fields.One2many(
        "vip.tier.history",
        "partner_id",
        "Tier History",
        groups="base.group_user",
    )

    @api.depends_context("company")
    def _compute_vip_currency_id(self):
        self.vip_currency_id = self.env.company.currency_id

    def _compute_vip_referral_count(self):
        counts = dict(
            self._read_group(
                [
                    ("vip_referred_by_id", "in", self.ids),
                    "|",
                    ("is_company", "=", True),
                    ("parent_id", "=", False),
                ],
                ["vip_referred_by_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.vip_referral_count = counts.get(partner, 0)

    @api.model
    def _commercial_fields(self):
        return super()._commercial_fields() + VIP_COMMERCIAL_FIELDS

    @api.constrains("vip_tier_locked", "vip_lock_reason")
    def _check_vip_lock_reason(self):
        for partner in self:
            if partner.vip_tier_locked and not (partner.vip_lock_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "%(partner)s: locking the VIP tier needs a lock reason.",
                        partner=partner.display_name,
                    )
                )

    @api.constrains("vip_referred_by_id")
    def _check_vip_referral(self):
        for partner in self:
            if partner.vip_referred_by_id.commercial_partner_id == (
                partner.commercial_partner_id
            ):
                raise ValidationError(
                    self.env._("A customer cannot be referred by itself.")
                )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(
            VIP_MANAGER_FIELDS & vals.keys() for vals in vals_list
        ):
            self._vip_check_manager()
        return super().create(vals_list)

    def write(self, vals):
        """A VIP manager's change of tier or lock is logged in the tier history.
        Server code (the evaluation, Odoo's sync of commercial fields to contacts)
        writes in superuser mode and keeps its own history."""
        if self.env.su or not VIP_MANAGER_FIELDS & vals.keys():
            return super().write(vals)
        self._vip_check_manager()
        commercial = self.filtered(lambda p: p.commercial_partner_id == p)
        before = {p.id: (p.vip_tier_id, p.vip_tier_locked) for p in commercial}
        result = super().write(vals)
        if "vip_tier_id" in vals:
            # sudo: the guarded "in tier since" follows the manager's change
            commercial.sudo().write({"vip_since": fields.Date.context_today(self)})
        commercial._vip_log_manual_changes(before)
        return result

    @api.model
    def _vip_customer_vals(self, vals):
        """``vals`` of a document for a customer (promise, visit): a contact given
        as ``partner_id`` becomes its company, the contact kept as ``contact_id``."""
        if not vals.get("partner_id"):
            return vals
        partner = self.browse(vals["partner_id"])
        commercial = partner.commercial_partner_id
        if commercial == partner:
            return vals
        vals = dict(vals, partner_id=commercial.id)
        vals.setdefault("contact_id", partner.id)
        return vals

    def _vip_check_manager(self):
        if not self.env.user.has_group("partner_vip_care.group_vip_manager"):
            raise UserError(
                self.env._(
                    "VIP Tier: only VIP Care managers can change or lock a VIP tier."
                )
            )

    def _vip_log_manual_changes(self, before):
        rows = []
        for partner in self:
            old_tier, was_locked = before[partner.id]
            base = {
                "partner_id": partner.id,
                "old_tier_id": old_tier.id,
                "new_tier_id": partner.vip_tier_id.id,
                "revenue": partner.vip_revenue,
            }
            if old_tier != partner.vip_tier_id:
                rows.append(dict(base, reason="manual"))
            if was_locked != partner.vip_tier_locked:
                reason = "lock" if partner.vip_tier_locked else "unlock"
                rows.append(dict(base, reason=reason, note=partner.vip_lock_reason))
        # sudo: the history is append-only, written by server code only
        self.env["vip.tier.history"].sudo().create(rows)

    # ------------------------------------------------------------------
    # Tier evaluation: entry points and what a tier change does to a customer
    # ------------------------------------------------------------------

    def action_vip_evaluate(self):
        changed = self.commercial_partner_id._vip_evaluate_tiers(
            self.commercial_partner_id
        )
        message = (
            self.env._("The VIP tier changed.")
            if changed
            else self.env._("The VIP tier stays the same.")
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if changed else "info",
                "message": message,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _vip_evaluate_tiers(self, partners=None):
        """DESIGN.md entry point: evaluate ``partners`` (default: the current
        company's customers); the engine lives with the tiers."""
        return self.env["vip.tier"]._vip_evaluate(partners)

    @api.model
    def _cron_vip_evaluate_tiers(self):
        for company in self.env["res.company"].search([]):
            self.with_company(company)._vip_evaluate_tiers()
            # out of time: the scheduler runs the job again for what is left
            if not self.env["ir.cron"]._vip_time_left():
                return

    def _vip_release_expired_locks(self):
        if not self:
            return
        before = {p.id: (p.vip_tier_id, p.vip_tier_locked) for p in self}
        # sudo: the evaluation releases the lock, not the user who triggered it
        self.sudo().write({"vip_tier_locked": False, "vip_lock_until": False})
        self._vip_log_manual_changes(before)

    def _vip_set_tier(self, tier, reason, revenues, today):
        company = self.env.company
        old_tiers = {partner.id: partner.vip_tier_id for partner in self}
        # sudo: the evaluation's own write (no manager check, no manual history)
        self.sudo().with_context(mail_notrack=True).write(
            {"vip_tier_id": tier.id, "vip_since": today if tier else False}
        )
        # sudo: the history is append-only, written by server code only
        self.env["vip.tier.history"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "date": today,
                    "old_tier_id": old_tiers[partner.id].id,
                    "new_tier_id": tier.id,
                    "revenue": revenues.get(partner.id, 0.0),
                    "reason": reason,
                    "company_id": company.id,
                    "user_id": self.env.uid,
                }
                for partner in self
            ]
        )
        self._vip_log_tier_notes(old_tiers, tier, reason, revenues)
        if tier.pricelist_id:
            # sudo: the pricelist property is the evaluation's, not the caller's
            self.sudo().with_company(company).write(
                {"specific_property_product_pricelist": tier.pricelist_id.id}
            )
        if reason == "upgrade" and tier and company.vip_upgrade_mail:
            template = self.env.ref(
                "partner_vip_care.mail_template_vip_upgrade", raise_if_not_found=False
            )
            if template:
                # sudo: the upgrade mail goes out on the company's behalf
                template.sudo().send_mail_batch(self.filtered("email").ids)

    def _vip_log_tier_notes(self, old_tiers, tier, reason, revenues):
        """One note per customer, in its note language (``_vip_note_lang``: the
        customer's, else its account manager's, never the caller's), translated
        once per language of the batch."""
        currency = self.env.company.currency_id  # every partner's vip_currency_id
        current = self.env.lang or "en_US"
        by_lang = {}
        for partner in self:
            by_lang.setdefault(partner._vip_note_lang(), []).append(partner)
        bodies = {}
        for lang, partners in by_lang.items():
            env = self.env if lang == current else self.with_context(lang=lang).env
            labels = dict(
                env["vip.tier.history"]._fields["reason"]._description_selection(env)
            )
            none = env._("no tier")
            note = Markup(
                env._(
                    "VIP tier: %(old)s → <b>%(new)s</b> (%(reason)s), revenue in "
                    "window %(revenue)s."
                )
            )
            new_name = tier.with_env(env).name or none
            for partner in partners:
                bodies[partner.id] = note % {
                    "old": old_tiers[partner.id].with_env(env).name or none,
                    "new": new_name,
                    "reason": labels[reason],
                    "revenue": currency.format(revenues.get(partner.id, 0.0)),
                }
        # sudo: the evaluation's note, also on customers the caller may not edit
        self.sudo()._vip_log_notes_fast(bodies)

    def _vip_note_lang(self):
        """The language of a customer's notes (tier, health): the customer's own,
        the one its team speaks with it; else its account manager's, else the
        company's. Never the language of whoever runs the evaluation."""
        self.ensure_one()
        # sudo: languages of the customer, its account manager and company
        partner = self.sudo()
        return (
            partner.commercial_partner_id.lang
            or partner.lang
            or partner.user_id.lang
            or (partner.company_id or self.env.company)._vip_reader_lang()
        )

    def _vip_reader_env(self):
        """A customer's notes: see ``_vip_note_lang``; moments in the account
        manager's time zone, else the company's."""
        env = super()._vip_reader_env()
        return env(context=dict(env.context, lang=self._vip_note_lang()))
