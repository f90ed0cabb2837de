from odoo import fields, models
from odoo.tools import SQL


class MailTemplate(models.Model):
    _inherit = "mail.template"

    vip_use_count = fields.Integer(
        "Uses",
        readonly=True,
        copy=False,
        default=0,
        help="Replies sent with this template from the composer (standard answers "
        "of complaint categories).",
    )
    vip_complaint_category_ids = fields.Many2many(
        "vip.complaint.category",
        "vip_complaint_category_mail_template_rel",
        "template_id",
        "category_id",
        string="Complaint Categories",
        help="Complaint categories offering this template as a standard answer.",
    )

    def _vip_count_uses(self, uses):
        """Add ``uses`` ({template id: number of replies}) to the counters, in one
        statement per distinct increment, safe against concurrent senders."""
        by_increment = {}
        for template_id, count in uses.items():
            by_increment.setdefault(count, []).append(template_id)
        for count, template_ids in by_increment.items():
            self.env.cr.execute(
                SQL(
                    "UPDATE mail_template"
                    " SET vip_use_count = COALESCE(vip_use_count, 0) + %s"
                    " WHERE id = ANY(%s)",
                    count,
                    template_ids,
                )
            )
        if uses:
            self.browse(uses).invalidate_recordset(["vip_use_count"])
