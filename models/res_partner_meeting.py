from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    vip_meeting_count = fields.Integer(
        "Meetings Attended",
        compute="_compute_vip_meeting_count",
        groups="partner_vip_care.group_vip_user",
    )
    vip_suggestion_count = fields.Integer(
        "Suggestion Count",
        compute="_compute_vip_suggestion_count",
        groups="partner_vip_care.group_vip_user",
    )
    vip_meeting_attendance_ids = fields.One2many(
        "vip.meeting.attendee",
        "commercial_partner_id",
        "Meeting Attendance",
        domain=[("state", "=", "attended")],
        groups="partner_vip_care.group_vip_user",
    )
    vip_suggestion_ids = fields.One2many(
        "vip.suggestion",
        "commercial_partner_id",
        "Suggestions",
        groups="partner_vip_care.group_vip_user",
    )

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_vip_meeting_count(self):
        counts = dict(
            self.env["vip.meeting.attendee"]._read_group(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("state", "=", "attended"),
                ],
                ["commercial_partner_id"],
                ["meeting_id:count_distinct"],
            )
        )
        for partner in self:
            partner.vip_meeting_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends_context("uid", "allowed_company_ids")
    def _compute_vip_suggestion_count(self):
        counts = dict(
            self.env["vip.suggestion"]._read_group(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids)],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            partner.vip_suggestion_count = counts.get(partner.commercial_partner_id, 0)

    def action_vip_open_meetings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_meeting_action"
        )
        action["domain"] = [
            ("attendee_ids.commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        return action

    def action_vip_open_suggestions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_vip_care.vip_suggestion_action"
        )
        action["domain"] = [
            ("commercial_partner_id", "=", self.commercial_partner_id.id)
        ]
        action["context"] = {"default_partner_id": self.id}
        return action
