from odoo import api, fields, models


class VipMeetingInviteWizard(models.TransientModel):
    _name = "vip.meeting.invite.wizard"
    _description = "Invite the customers of VIP tiers to a meeting"

    meeting_id = fields.Many2one("vip.meeting", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="meeting_id.company_id")
    min_tier_id = fields.Many2one(
        "vip.tier",
        "Tier and above",
        domain="[('company_id', '=', company_id)]",
        help="Picks this tier and every better one.",
    )
    tier_ids = fields.Many2many(
        "vip.tier",
        string="Tiers",
        compute="_compute_tier_ids",
        store=True,
        readonly=False,
        domain="[('company_id', '=', company_id)]",
    )

    @api.depends("min_tier_id")
    def _compute_tier_ids(self):
        for wizard in self:
            if wizard.min_tier_id:
                wizard.tier_ids = self.env["vip.tier"].search(
                    [
                        ("company_id", "=", wizard.min_tier_id.company_id.id),
                        ("level", ">=", wizard.min_tier_id.level),
                    ]
                )

    def action_invite(self):
        self.ensure_one()
        return self.meeting_id.action_invite_tiers(self.tier_ids)
