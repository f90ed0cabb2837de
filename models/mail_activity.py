from odoo import fields, models

from .vip_visit import VISIT_RHYTHM_TYPES


class MailActivity(models.Model):
    _inherit = "mail.activity"

    vip_sla_clock = fields.Selection(
        [("response", "Response"), ("resolution", "Resolution")],
        "SLA Clock",
        readonly=True,
        help="The complaint clock an at-risk warning is about: the warning is "
        "done once that clock stops (answered, resolved) or breaches.",
    )

    def action_feedback_schedule_next(self, feedback=False, attachment_ids=None):
        """ "Done & Schedule Next" on a VIP visit reminder opens the visit form
        prefilled instead of the next-activity wizard; saving the visit completes
        the reminder (see ``vip.visit._vip_close_visit_activities``), discarding it
        leaves the reminder open."""
        visit_type = self._vip_visit_type()
        if not visit_type or not self.env["vip.visit"].has_access("create"):
            return super().action_feedback_schedule_next(
                feedback=feedback, attachment_ids=attachment_ids
            )
        partner = self.env["res.partner"].browse(self.res_id)
        return self.env["vip.visit"]._vip_prefilled_action(
            partner, visit_type, feedback=feedback
        )

    def _vip_visit_type(self):
        """Visit type a single VIP visit reminder on a customer asks for, else
        False."""
        if len(self) != 1 or self.res_model != "res.partner":
            return False
        for visit_type, xmlid in VISIT_RHYTHM_TYPES.items():
            activity_type = self.env.ref(xmlid, raise_if_not_found=False)
            if activity_type and self.activity_type_id == activity_type:
                return visit_type
        return False
