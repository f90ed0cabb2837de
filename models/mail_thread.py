import logging
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from ..tools.moments import format_moment

_logger = logging.getLogger(__name__)

# Precedence values of mailing lists and automatic answers (RFC 3834, common usage)
AUTOMATIC_PRECEDENCE = {"bulk", "junk", "auto_reply", "list"}
AUTOMATIC_SENDERS = {"mailer-daemon", "postmaster"}
# a message "dated now" by a client may differ from the server's clock this much
POST_DATE_TOLERANCE = timedelta(seconds=30)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_route(
        self, message, message_dict, model=None, thread_id=None, custom_values=None
    ):
        """Automatic mails (out-of-office replies, delivery reports) open no
        complaint and reach none: a reply to them would start a mail loop."""
        routes = super().message_route(
            message, message_dict, model, thread_id, custom_values
        )
        if routes and self._vip_is_automatic_mail(message, message_dict):
            kept = [route for route in routes if route[0] != "vip.complaint"]
            if len(kept) < len(routes):
                _logger.info(
                    "Automatic mail %s from %s not routed to complaints",
                    message_dict.get("message_id"),
                    message_dict.get("email_from"),
                )
            routes = kept
        return routes

    @api.model
    def _vip_is_automatic_mail(self, message, message_dict):
        auto_submitted = (message.get("Auto-Submitted") or "no").strip().lower()
        precedence = (message.get("Precedence") or "").strip().lower()
        sender = email_normalize(message_dict.get("email_from") or "") or ""
        return (
            auto_submitted != "no"
            or bool(message.get("X-Autoreply") or message.get("X-Autorespond"))
            or precedence in AUTOMATIC_PRECEDENCE
            or sender.split("@")[0] in AUTOMATIC_SENDERS
        )

    @api.model
    def _vip_check_message_date(self, date):
        """Messages on the module's documents are dated by the server: a moment
        given by anyone but the superuser (the mail gateway, data imports) must be
        the present (see ``mail.message``'s create and write)."""
        try:
            moment = fields.Datetime.to_datetime(date)
        except (TypeError, ValueError):
            moment = None
        if not moment or abs(moment - fields.Datetime.now()) > POST_DATE_TOLERANCE:
            raise UserError(
                self.env._(
                    "Date: a message on %(model)s is dated by the server when it "
                    "is posted; it cannot be backdated or dated in the future "
                    "(%(date)s).",
                    model=self._description,
                    date=format_moment(self.env, moment) if moment else date,
                )
            )
