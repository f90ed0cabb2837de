"""Word of mouth on the customer: the revenue of the customers it referred, the
welcome coupon of a tier it moves up into."""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    vip_referral_revenue = fields.Monetary(
        "Referred Revenue",
        currency_field="vip_currency_id",
        compute="_compute_vip_referral_revenue",
        help="Invoiced revenue (untaxed, refunds deducted) of the customers this "
        "customer referred, over the tier evaluation window, in company currency.",
        groups="base.group_user",
    )

    @api.depends_context("company")
    def _compute_vip_referral_revenue(self):
        company = self.env.company
        today = fields.Date.context_today(self)
        date_from = today - relativedelta(months=company.vip_window_months)
        commercial = self.commercial_partner_id
        # sudo: revenue of every invoice of the referred customers, as the tier
        # evaluation counts it
        groups = (
            self.env["account.move"]
            .sudo()
            ._read_group(
                [
                    ("company_id", "=", company.id),
                    ("state", "=", "posted"),
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("invoice_date", ">", date_from),
                    ("invoice_date", "<=", today),
                    (
                        "commercial_partner_id.vip_referred_by_id",
                        "in",
                        commercial.ids,
                    ),
                ],
                ["commercial_partner_id"],
                ["amount_untaxed_signed:sum"],
            )
        )
        referrer_of = {
            customer.id: customer.vip_referred_by_id.commercial_partner_id.id
            for customer, _amount in groups
        }
        revenue = dict.fromkeys(commercial.ids, 0.0)
        for customer, amount in groups:
            referrer = referrer_of[customer.id]
            if referrer in revenue:
                revenue[referrer] += amount
        for partner in self:
            partner.vip_referral_revenue = revenue.get(
                partner.commercial_partner_id.id, 0.0
            )

    def _vip_set_tier(self, tier, reason, revenues, today):
        """A customer the evaluation moves up into a tier with a welcome program
        gets one coupon of it (once per tier and year)."""
        result = super()._vip_set_tier(tier, reason, revenues, today)
        if reason == "upgrade" and tier:
            self.env["vip.loyalty.reward"]._vip_reward_welcome(self, tier, today)
        return result

    def _vip_loyalty_cards(self):
        """The customer's active coupons and points cards of the module's programs
        (the companies' referral and points programs, the tiers' welcome
        programs), its contacts' included; called in sudo by the portal."""
        self.ensure_one()
        companies = self.env["res.company"].search([])
        tiers = self.env["vip.tier"].with_context(active_test=False).search([])
        programs = (
            companies.vip_referral_program_id
            | companies.vip_points_program_id
            | tiers.welcome_program_id
        )
        if not programs:
            return self.env["loyalty.card"]
        today = fields.Date.context_today(self)
        return self.env["loyalty.card"].search(
            [
                ("program_id", "in", programs.ids),
                ("program_id.active", "=", True),
                ("partner_id", "child_of", self.commercial_partner_id.id),
                "|",
                ("expiration_date", "=", False),
                ("expiration_date", ">=", today),
            ],
            order="program_id, id desc",
        )
