from odoo import models


class VipComplaint(models.Model):
    _inherit = "vip.complaint"

    def action_reply_standard(self):
        """Open the composer on this complaint with the category's standard
        answers offered first and the first of them loaded."""
        self.ensure_one()
        answers = self.category_id.answer_template_ids
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Reply with a standard answer"),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_template_id": answers[:1].id,
                "default_vip_answer_template_ids": answers.ids,
                "default_vip_answer_template_id": answers[:1].id,
                "default_email_layout_xmlid": "mail.mail_notification_light",
                "force_email": True,
            },
        }
