from odoo import api, fields, models


class VipTemplateUse(models.Model):
    """One row per send of a complaint template (standard answers, the
    acknowledgement): the facts ``mail.template.vip_use_count`` adds up. Rows
    are only inserted, so senders never wait for each other on a counter."""

    _name = "vip.template.use"
    _description = "Template Use"
    _order = "id desc"

    template_id = fields.Many2one(
        "mail.template", required=True, index=True, ondelete="cascade"
    )
    use_count = fields.Integer(
        "Replies", default=1, help="Records the template was sent to in this send."
    )

    @api.model
    def _vip_record(self, uses):
        """Log ``uses`` ({template id: number of replies}): one INSERT."""
        if not uses:
            return self
        # sudo: the log is the workflow's, whoever sends the mail
        return (
            self.sudo()
            .create(
                [
                    {"template_id": template_id, "use_count": count}
                    for template_id, count in uses.items()
                    if count
                ]
            )
            .sudo(False)
        )
