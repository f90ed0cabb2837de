from odoo import api, models, tools
from odoo.tools import SQL

MODULE = "partner_vip_care"


class MailMessage(models.Model):
    """The module's notes are internal: a portal or public user never reads them,
    by search nor by id. Odoo's search hides every internal message from them,
    but its read check only hides internal *comments*: a note logged as a
    notification (``_message_log``, ``message_post`` with the note subtype,
    tracking) stays readable by id on a document the user may read. On the
    module's models and on partners (tier and health notes), the read check
    here hides them as the search does."""

    _inherit = "mail.message"

    @api.model
    @tools.ormcache()
    def _vip_internal_note_models(self):
        """The models whose internal messages portal users never read."""
        return frozenset(
            name
            for name, model in self.env.registry.items()
            if model._original_module == MODULE and not model._abstract
        ) | {"res.partner"}

    def _get_forbidden_access(self, operation):
        forbidden = super()._get_forbidden_access(operation)
        if self.env.su or self.env.user._is_internal():
            return forbidden
        remaining = self - forbidden
        if not remaining:
            return forbidden
        # the user's own words stay theirs, even kept as internal for review
        rows = self.env.execute_query(
            SQL(
                """SELECT message.id
                     FROM mail_message AS message
                LEFT JOIN mail_message_subtype AS subtype
                       ON subtype.id = message.subtype_id
                    WHERE message.id = ANY(%(ids)s)
                      AND message.model = ANY(%(models)s)
                      AND message.author_id IS DISTINCT FROM %(author)s
                      AND (message.is_internal IS TRUE
                           OR message.subtype_id IS NULL
                           OR subtype.internal IS TRUE)""",
                ids=remaining.ids,
                models=list(self._vip_internal_note_models()),
                author=self.env.user.partner_id.id,
            )
        )
        return forbidden + self.browse(id_ for [id_] in rows)
