from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        """The portal pages' scripts (the chatter of a complaint) read the
        module's and mail's translations, not only the web client's."""
        mods = super()._get_translation_frontend_modules_name()
        return mods + ["mail", "partner_vip_care"]
