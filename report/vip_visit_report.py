from collections import defaultdict

from odoo import api, models


class ReportVipVisit(models.AbstractModel):
    """Values of the VIP Communication Record: the complaints, promises and
    suggestions raised from each visit, in one search per model (record rules
    apply: the printer sees what they may read)."""

    _name = "report.partner_vip_care.report_vip_visit"
    _description = "VIP Communication Record"

    @api.model
    def _get_report_values(self, docids, data=None):
        visits = self.env["vip.visit"].browse(docids)
        raised = {
            model: defaultdict(lambda model=model: self.env[model])
            for model in ("vip.complaint", "vip.promise", "vip.suggestion")
        }
        for model, by_visit in raised.items():
            for record in self.env[model].search([("visit_id", "in", visits.ids)]):
                by_visit[record.visit_id.id] |= record
        return {
            "doc_ids": visits.ids,
            "doc_model": "vip.visit",
            "docs": visits,
            "complaints": raised["vip.complaint"],
            "promises": raised["vip.promise"],
            "suggestions": raised["vip.suggestion"],
        }
