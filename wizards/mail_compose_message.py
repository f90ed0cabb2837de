from odoo import api, fields, models


class MailComposeMessage(models.TransientModel):
    _inherit = "mail.compose.message"

    vip_answer_template_ids = fields.Many2many(
        "mail.template",
        "mail_compose_message_vip_answer_rel",
        "wizard_id",
        "template_id",
        string="Standard Answers",
        help="The complaint category's standard answers, offered first.",
    )
    vip_answer_template_id = fields.Many2one(
        "mail.template",
        "Standard Answer",
        domain="[('id', 'in', vip_answer_template_ids)]",
    )

    @api.onchange("vip_answer_template_id")
    def _onchange_vip_answer_template_id(self):
        if self.vip_answer_template_id:
            self.template_id = self.vip_answer_template_id

    def _action_send_mail(self, auto_commit=False):
        """Log the replies sent with complaint templates (``vip_use_count``):
        one per record the composer sends to, in one INSERT into the use log
        (no counter row that concurrent senders would update)."""
        uses = {}
        for wizard in self:
            template = wizard.template_id
            if not template or template.model != "vip.complaint":
                continue
            if wizard.res_domain:
                count = self.env[wizard.model].search_count(
                    wizard._evaluate_res_domain()
                )
            else:
                count = len(wizard._evaluate_res_ids())
            uses[template.id] = uses.get(template.id, 0) + count
        result = super()._action_send_mail(auto_commit=auto_commit)
        self.env["vip.template.use"]._vip_record(uses)
        return result
