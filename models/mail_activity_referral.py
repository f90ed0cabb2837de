from odoo import api, fields, models
from odoo.exceptions import UserError

REFERRAL_TYPE = "partner_vip_care.mail_activity_type_vip_referral"


class MailActivity(models.Model):
    """A promoter's "Ask for a referral": marked done with the new customer it
    brought, that customer becomes referred by the promoter."""

    _inherit = "mail.activity"

    vip_is_referral = fields.Boolean(
        compute="_compute_vip_is_referral", groups="base.group_user"
    )
    vip_referred_partner_id = fields.Many2one(
        "res.partner",
        "Referred Customer",
        domain="[('is_company', '=', True), ('id', '!=', res_id)]",
        help="The new customer the promoter brought: marking the activity done "
        "records that the promoter referred it.",
        groups="base.group_user",
    )

    @api.depends("activity_type_id", "res_model")
    def _compute_vip_is_referral(self):
        referral = self.env.ref(REFERRAL_TYPE, raise_if_not_found=False)
        for activity in self:
            activity.vip_is_referral = bool(
                referral
                and activity.activity_type_id == referral
                and activity.res_model == "res.partner"
            )

    def _action_done(self, feedback=False, attachment_ids=None):
        self.filtered("vip_referred_partner_id")._vip_link_referrals()
        return super()._action_done(feedback=feedback, attachment_ids=attachment_ids)

    def _vip_link_referrals(self):
        """Link each referred customer to its promoter, with the rights of the user
        marking the activity done (who must be allowed to edit the customer)."""
        for activity in self:
            if not activity.vip_is_referral:
                raise UserError(
                    self.env._(
                        "Referred Customer: only an “Ask for a referral” activity "
                        "of a customer can name a referred customer."
                    )
                )
            promoter = (
                self.env["res.partner"].browse(activity.res_id).commercial_partner_id
            )
            customer = activity.vip_referred_partner_id.commercial_partner_id
            if customer == promoter:
                raise UserError(
                    self.env._("Referred Customer: a customer cannot refer itself.")
                )
            current = customer.vip_referred_by_id.commercial_partner_id
            if current == promoter:
                continue
            if current:
                raise UserError(
                    self.env._(
                        "Referred Customer: %(customer)s was already referred by "
                        "%(referrer)s.",
                        customer=customer.display_name,
                        referrer=current.display_name,
                    )
                )
            customer.write({"vip_referred_by_id": promoter.id})
