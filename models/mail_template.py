from odoo import api, fields, models


class MailTemplate(models.Model):
    _inherit = "mail.template"

    vip_use_count = fields.Integer(
        "Uses",
        compute="_compute_vip_use_count",
        help="Replies sent with this template from the composer (standard answers "
        "of complaint categories).",
    )
    vip_use_ids = fields.One2many(
        "vip.template.use", "template_id", string="Template Uses", readonly=True
    )
    vip_complaint_category_ids = fields.Many2many(
        "vip.complaint.category",
        "vip_complaint_category_mail_template_rel",
        "template_id",
        "category_id",
        string="Complaint Categories",
        help="Complaint categories offering this template as a standard answer.",
    )

    @api.depends("vip_use_ids.use_count")
    def _compute_vip_use_count(self):
        """Added up from the use log in one grouped query (sudo: the count is
        the workflow's, the log is not for users to read)."""
        counts = dict(
            self.env["vip.template.use"]
            .sudo()
            ._read_group(
                [("template_id", "in", self.ids)], ["template_id"], ["use_count:sum"]
            )
        )
        for template in self:
            template.vip_use_count = counts.get(template, 0)
