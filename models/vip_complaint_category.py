from odoo import api, fields, models


class VipComplaintCategory(models.Model):
    _name = "vip.complaint.category"
    _inherit = ["vip.workflow.guard"]
    _description = "Complaint Category"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    description = fields.Text(translate=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        index=True,
        help="Empty: the category is shared by all companies.",
    )
    complaint_count = fields.Integer(
        "Complaints", compute="_compute_complaint_count", groups="base.group_user"
    )
    answer_template_ids = fields.Many2many(
        "mail.template",
        "vip_complaint_category_mail_template_rel",
        "category_id",
        "template_id",
        string="Standard Answers",
        domain=[("model", "=", "vip.complaint")],
        help="Offered first by “Reply with a standard answer” on complaints of this "
        "category.",
        groups="base.group_user",
    )
    answer_use_count = fields.Integer(
        "Standard Answer Uses",
        compute="_compute_answer_use_count",
        groups="base.group_user",
    )

    @api.depends("name")
    def _compute_complaint_count(self):
        counts = dict(
            self.env["vip.complaint"]._read_group(
                [("category_id", "in", self.ids)], ["category_id"], ["__count"]
            )
        )
        for category in self:
            category.complaint_count = counts.get(category, 0)

    @api.depends("answer_template_ids.vip_use_count")
    def _compute_answer_use_count(self):
        for category in self:
            category.answer_use_count = sum(
                category.answer_template_ids.mapped("vip_use_count")
            )
