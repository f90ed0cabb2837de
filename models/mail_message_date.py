from odoo import api, models

MODULE = "partner_vip_care"


class MailMessage(models.Model):
    """The date of a message on the module's documents is the server's: whether
    posted (``message_post``), created or edited directly, by any user but the
    superuser."""

    _inherit = "mail.message"

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.is_superuser():
            for vals in vals_list:
                if vals.get("date"):
                    self._vip_check_date(vals.get("model"), vals["date"])
        return super().create(vals_list)

    def write(self, vals):
        if "date" in vals and not self.env.is_superuser():
            for model in set(self.sudo().mapped("model")):
                self._vip_check_date(model, vals["date"])
        return super().write(vals)

    @api.model
    def _vip_check_date(self, model, date):
        Model = self.env[model] if model in self.env.registry else None
        if Model is not None and Model._original_module == MODULE:
            Model._vip_check_message_date(date)
