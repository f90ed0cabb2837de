from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import email_normalize


class VipComplaint(models.Model):
    """A complaint's mail: intake through the complaints alias, the customer's
    replies (resume, reopen, follow-up), strangers' mails kept for review, and
    the first reply to the customer, which answers the response clock."""

    _inherit = "vip.complaint"

    @api.model
    @api.private  # the mail gateway's entry, never an RPC client's
    def message_new(self, msg_dict, custom_values=None):
        """A mail to the complaints alias: a complaint for the customer matching the
        sender, acknowledged by e-mail with its reference and response deadline."""
        values = dict(custom_values or {})
        email = email_normalize(msg_dict.get("email_from") or "")
        partner = self._vip_find_partner_by_email(email) if email else False
        values.setdefault("name", "New")
        values.setdefault(
            "subject", msg_dict.get("subject") or self.env._("(no subject)")
        )
        values.setdefault("description", msg_dict.get("body"))
        values.setdefault("channel", "email")
        values.setdefault("email_from", msg_dict.get("email_from"))
        if partner:
            values.setdefault("partner_id", partner.id)
            values.setdefault("contact_name", partner.name)
            values.setdefault("user_id", partner.commercial_partner_id.user_id.id)
            values.setdefault(
                "company_id",
                partner.company_id.id or self.env.company.id,
            )
        else:
            values.setdefault("user_id", False)
        complaint = super().message_new(msg_dict, custom_values=values)
        complaint._send_acknowledgement()
        return complaint

    @api.private  # the mail gateway's entry, never an RPC client's
    def message_update(self, msg_dict, update_vals=None):
        """A mail in a complaint's thread. From an address known for the customer
        (or from the staff) it joins the conversation; from anyone else it is
        kept as an internal message, moves nothing, and the responsible is asked
        to review it."""
        sender = email_normalize(msg_dict.get("email_from") or "") or ""
        for complaint in self:
            if not complaint._vip_is_known_sender(sender):
                msg_dict["is_internal"] = True
                complaint._vip_review_unknown_sender(msg_dict)
        return super().message_update(msg_dict, update_vals=update_vals)

    def _vip_customer_emails(self):
        """The normalized addresses known for the complaint's customer: its
        e-mail, the customer company's and its contacts', archived ones too."""
        self.ensure_one()
        emails = {email_normalize(self.email_from or "")}
        customer = self.commercial_partner_id
        if customer:
            # sudo: the addresses decide, whoever reads the thread
            contacts = (
                self.env["res.partner"]
                .sudo()
                .with_context(active_test=False)
                .search_fetch(
                    [
                        ("commercial_partner_id", "=", customer.id),
                        ("email_normalized", "!=", False),
                    ],
                    ["email_normalized"],
                )
            )
            emails.update(contacts.mapped("email_normalized"))
        return emails - {False, None, ""}

    def _vip_is_known_sender(self, email):
        """The customer's addresses, and the staff's (replying by mail)."""
        self.ensure_one()
        if not email:
            return False
        if email in self._vip_customer_emails():
            return True
        # sudo: internal users' addresses, whoever the gateway runs as
        return bool(
            self.env["res.users"]
            .sudo()
            .search_count(
                [("share", "=", False), ("email_normalized", "=", email)], limit=1
            )
        )

    def _vip_review_unknown_sender(self, msg_dict):
        """An activity for the responsible (else the escalation contact) about a
        mail of an unknown sender, in their language."""
        self.ensure_one()
        user = self.user_id or self._vip_escalation_target()
        if not user:
            return
        env = self.with_context(lang=user.lang or self.env.lang).env
        # sudo: the gateway files the review for the responsible
        self.sudo().activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=user.id,
            summary=env._(
                "Mail from %(sender)s to review: not an address of the customer",
                sender=msg_dict.get("email_from") or "-",
            ),
            note=env._(
                "A mail from %(sender)s (%(subject)s) arrived in the thread of "
                "%(name)s. It is kept as an internal message and changed nothing; "
                "forward it to the customer or act on it if it belongs here.",
                sender=msg_dict.get("email_from") or "-",
                subject=msg_dict.get("subject") or "-",
                name=self.name,
            ),
        )

    def _message_post_after_hook(self, message, msg_values):
        self._sla_response_from_message(message)
        self._vip_customer_replied(message)
        return super()._message_post_after_hook(message, msg_values)

    def _vip_is_customer_message(self, message):
        """A public message written by the customer (mail or portal)."""
        self.ensure_one()
        # a mail of the customer counts even when it answers a note (Odoo files
        # such replies as internal); a portal message must be public
        if message.message_type != "email" and (
            message.message_type != "comment"
            or message.is_internal
            or message.subtype_id.internal
        ):
            return False
        if message.message_type == "email":
            # by mail, the sender's address decides: one known for the customer
            sender = email_normalize(message.email_from or "")
            return bool(sender) and sender in self._vip_customer_emails()
        if message.author_id:
            customer = self.commercial_partner_id
            return (
                bool(customer) and message.author_id.commercial_partner_id == customer
            )
        sender = email_normalize(message.email_from or "")
        return bool(sender) and sender == email_normalize(self.email_from or "")

    def _vip_customer_replied(self, message):
        """The customer wrote back: a complaint waiting on it resumes (the paused
        business hours push the deadline), a complaint resolved within the
        company's reopen days reopens, a closed one (or resolved longer ago)
        gets a follow-up complaint linked by ``parent_id``."""
        complaint = self[:1]
        if not complaint or not complaint._vip_is_customer_message(message):
            return
        # sudo: the customer's own reply moves its complaint, whether it came by
        # mail or through the portal
        complaint = complaint.sudo()
        if complaint.state == "waiting":
            complaint.action_resume()
        elif complaint.state == "resolved" and complaint._vip_reopens_on_reply():
            complaint.action_reopen()
        elif complaint.state in ("resolved", "closed"):
            complaint._vip_open_followup(message)

    def _vip_reopens_on_reply(self):
        self.ensure_one()
        days = self.company_id.vip_reopen_days
        limit = fields.Datetime.now() - timedelta(days=days)
        return bool(self.resolved_on) and self.resolved_on >= limit

    def _vip_open_followup(self, message):
        """A new complaint for a reply to a closed one, acknowledged like any."""
        self.ensure_one()
        followup = self.create(
            {
                "subject": self.subject,
                "description": message.body,
                "partner_id": (message.author_id or self.partner_id).id,
                "email_from": message.email_from or self.email_from,
                "channel": "email" if message.message_type == "email" else "portal",
                "category_id": self.category_id.id,
                "severity": self.severity,
                "user_id": self.user_id.id,
                "company_id": self.company_id.id,
                "parent_id": self.id,
            }
        )
        followup._send_acknowledgement()
        self.message_post(
            body=Markup("%s %s")
            % (
                self.env._("The customer wrote back after closing: follow-up"),
                followup._get_html_link(),
            ),
            subtype_xmlid="mail.mt_note",
        )
        return followup

    def _sla_response_from_message(self, message):
        """The first message sent to the customer by the company is the response;
        automatic ones (acknowledgement, rating request) are not comments."""
        complaint = self[:1]
        if (
            not complaint
            or complaint.responded_on
            or message.message_type != "comment"
            or message.is_internal
            or not message.subtype_id
            or message.subtype_id.internal
            or not message.author_id
            or message.author_id.commercial_partner_id
            == complaint.commercial_partner_id
            or not message.author_id.with_context(active_test=False).user_ids.filtered(
                lambda u: not u.share
            )
        ):
            return
        # sudo: a reply the author may post answers the customer, whatever their
        # right to edit the complaint. The server's moment, never ``message.date``
        # (a client may choose it)
        complaint.sudo()._sla_record_response(fields.Datetime.now())
