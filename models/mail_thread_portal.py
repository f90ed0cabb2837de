from odoo import models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

MODULE = "partner_vip_care"


class MailThread(models.AbstractModel):
    """A portal user posts on the module's documents in their own name, now: a
    message they create themselves (``message_post``, ``message_notify`` over
    RPC) cannot carry another author, another sender address or a date. The
    portal's routes post in sudo with the values Odoo chose (the user, or the
    customer of an access token), which are the server's, not the client's."""

    _inherit = "mail.thread"

    def _message_create(self, values_list):
        if (
            self._original_module == MODULE
            and not self.env.su
            and not self.env.user._is_internal()
        ):
            self._vip_check_portal_message_values(values_list)
        return super()._message_create(values_list)

    def _vip_check_portal_message_values(self, values_list):
        partner = self.env.user.partner_id
        own_email = email_normalize(partner.email or "")
        for values in values_list:
            forged = []
            if values.get("author_id") not in (None, partner.id):
                forged.append(self.env._("author"))
            email_from = values.get("email_from")
            if email_from and email_normalize(email_from) != own_email:
                forged.append(self.env._("sender address"))
            if values.get("date"):
                forged.append(self.env._("date"))
            if forged:
                raise UserError(
                    self.env._(
                        "Messages: a message you post is yours, sent now; its "
                        "%(fields)s cannot be chosen.",
                        fields=", ".join(forged),
                    )
                )
