from odoo import models

from ..tools.moments import format_moment


class MailThread(models.AbstractModel):
    """Whom the module's notes on a record are written for.

    The rule: a note, a tracked change or any other text the module writes on a
    record is in the language and time zone of the record's responsible (its
    ``user_id``: the complaint's or promise's owner, the visit's author, the
    meeting's organizer), since that person reads the record every day; a record
    without an internal responsible is written for the company (its partner's
    language, its working hours' time zone). A customer's notes are in the
    customer's language (the one its team speaks with it), else its account
    manager's (see ``res.partner._vip_reader_env``). A cron or the superuser
    writing it changes nothing: the reader decides, never the writer. Mails follow
    their recipient instead (see the mail templates' ``lang``)."""

    _inherit = "mail.thread"

    def _vip_reader(self):
        """The internal user the notes on this record are written for, if any."""
        self.ensure_one()
        field = self._fields.get("user_id")
        if not (
            field and field.type == "many2one" and field.comodel_name == "res.users"
        ):
            return self.env["res.users"]
        # sudo: the responsible's language and time zone, whoever writes the note
        user = self.sudo().user_id
        return user if user.active and not user.share else self.env["res.users"]

    def _vip_reader_company(self):
        self.ensure_one()
        field = self._fields.get("company_id")
        company = self.sudo().company_id if field and field.type == "many2one" else None
        return company or self.env.company

    def _vip_reader_env(self):
        """The environment to write this record's notes in: the reader's language
        and time zone in the context, the caller's rights."""
        self.ensure_one()
        user = self._vip_reader()
        company = self._vip_reader_company()
        return self.with_context(
            lang=user.lang or company._vip_reader_lang(),
            tz=user.tz or company._vip_tz(),
        ).env

    def _vip_post_note(self, body_of, **kwargs):
        """Log a note on each record, its text from ``body_of(env)`` in the
        reader's environment (see :meth:`_vip_reader_env`)."""
        for record in self:
            env = record._vip_reader_env()
            record.message_post(
                body=body_of(env), subtype_xmlid="mail.mt_note", **kwargs
            )

    def _creation_message(self):
        """The "created" line of the module's documents, for their reader (a
        document created by a colleague reading another language, or by a job)."""
        if self._original_module != "partner_vip_care":
            return super()._creation_message()
        self.ensure_one()
        env = self._vip_reader_env()
        document = env["ir.model"]._get(self._name).name
        return env._("%(document)s created", document=document)

    def _vip_activity_feedback(self, act_type_xmlids, **kwargs):
        """``activity_feedback`` whose "done" note is in the reader's language:
        one call per language and time zone of the records' readers."""
        groups = {}
        for record in self:
            context = record._vip_reader_env().context
            key = (context.get("lang"), context.get("tz"))
            groups[key] = groups.get(key, []) + [record.id]
        for (lang, tz), ids in groups.items():
            self.browse(ids).with_context(lang=lang, tz=tz).activity_feedback(
                act_type_xmlids, **kwargs
            )

    def _vip_moment(self, value, env=None):
        """``value`` as the reader of this record reads it."""
        env = env or self._vip_reader_env()
        return format_moment(env, value)
