from collections import defaultdict

from odoo import api, fields, models

VIP_COMPLAINT_OPEN_STATES = ("new", "in_progress", "waiting")


class ResPartner(models.Model):
    _inherit = "res.partner"

    # complaints taken by phone find the customer through this E.164 column
    phone_sanitized = fields.Char(index="btree_not_null")
    vip_complaint_count = fields.Integer(
        "Complaints",
        compute="_compute_vip_complaint_count",
        groups="partner_vip_care.group_vip_user",
    )

    vip_open_complaint_count = fields.Integer(
        "Open Complaint Count",
        compute="_compute_vip_complaint_count",
        groups="partner_vip_care.group_vip_user",
    )
    vip_open_complaint_ids = fields.One2many(
        "vip.complaint",
        "commercial_partner_id",
        "Open Complaints",
        domain=[("state", "in", VIP_COMPLAINT_OPEN_STATES)],
        groups="partner_vip_care.group_vip_user",
    )

    @api.depends_context("uid")
    def _compute_vip_complaint_count(self):
        groups = self.env["vip.complaint"]._read_group(
            [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
            ["commercial_partner_id", "state"],
            ["__count"],
        )
        counts, open_counts = defaultdict(int), defaultdict(int)
        for partner, state, count in groups:
            counts[partner] += count
            if state in VIP_COMPLAINT_OPEN_STATES:
                open_counts[partner] += count
        for partner in self:
            commercial = partner.commercial_partner_id
            partner.vip_complaint_count = counts[commercial]
            partner.vip_open_complaint_count = open_counts[commercial]

    def action_vip_open_complaints(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_complaint_action"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        action["context"] = {"default_partner_id": self.id}
        return action
