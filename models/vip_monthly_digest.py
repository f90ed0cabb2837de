from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import format_date

from ..tools.vip_review_workbook import VipReviewWorkbook

DIGEST_BATCH_SIZE = 20  # managers per commit: each one gets a workbook built


class VipMonthlyDigest(models.Model):
    """One row per VIP manager, company and month the monthly review was sent for:
    the cron's memory, so that no manager gets the same month twice, even when a
    run stops halfway and the next one resumes."""

    _name = "vip.monthly.digest"
    _description = "VIP Monthly Review Sent"
    _inherit = ["vip.workflow.guard"]
    _order = "month desc, id desc"
    _rec_name = "month"

    company_id = fields.Many2one("res.company", required=True, readonly=True)
    user_id = fields.Many2one(
        "res.users", "Manager", required=True, readonly=True, ondelete="cascade"
    )
    month = fields.Date(
        required=True, readonly=True, help="First day of the month reviewed."
    )
    mail_id = fields.Many2one("mail.mail", "E-mail", readonly=True, ondelete="set null")

    _unique_month = models.UniqueIndex("(company_id, user_id, month)")

    @api.model
    def _vip_month(self, now):
        """The month reviewed by a run at ``now``: the previous calendar month."""
        first = fields.Datetime.to_datetime(now).date().replace(day=1)
        start = first - relativedelta(months=1)
        return start, first - relativedelta(days=1)

    @api.model
    def _cron_vip_monthly_digest(self, now=None, batch_size=DIGEST_BATCH_SIZE):
        """On the 1st: each VIP manager of each company gets the previous month's
        summary in the body and the workbook attached, in their language. The
        result depends on ``now`` only: a second run sends nothing."""
        start, stop = self._vip_month(now or fields.Datetime.now())
        # sudo: the scheduler's job reads which managers were served already
        sent = {
            (digest.company_id.id, digest.user_id.id)
            for digest in self.sudo().search_fetch(
                [("month", "=", start)], ["company_id", "user_id"]
            )
        }
        todo = [
            (company, manager)
            for company in self.env["res.company"].sudo().search([], order="id")
            for manager in company._vip_managers()
            if (company.id, manager.id) not in sent
        ]
        while todo:
            batch, todo = todo[:batch_size], todo[batch_size:]
            for company, manager in batch:
                self._vip_send_digest(company, manager, start, stop)
            if not self.env["ir.cron"]._vip_commit_progress(
                len(batch), remaining=len(todo)
            ):
                break

    @api.model
    def _vip_send_digest(self, company, manager, start, stop):
        # the manager's own rights and language: the figures are what they may read
        env = self.env(
            user=manager.id,
            su=False,
            context={
                "lang": manager.lang,
                "tz": manager.tz or company._vip_tz(),
                "allowed_company_ids": [company.id],
            },
        )
        builder = VipReviewWorkbook(env, start, stop, company.with_env(env))
        data = builder.build()
        month = format_date(env, start, date_format="MMMM y")
        subject = env._(
            "Monthly VIP review %(month)s – %(company)s",
            month=month,
            company=company.name,
        )
        body = self._vip_digest_body(env, company, manager, month, builder.summary())
        # sudo: the scheduler sends the mail and files the workbook with it
        digest = self.sudo().create(
            {"company_id": company.id, "user_id": manager.id, "month": start}
        )
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": env._("VIP review %(month)s.xlsx", month=month),
                    "raw": data,
                    "mimetype": "application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet",
                    "res_model": self._name,
                    "res_id": digest.id,
                }
            )
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": subject,
                    "body_html": body,
                    "recipient_ids": [fields.Command.link(manager.partner_id.id)],
                    "email_from": company.email_formatted or manager.email_formatted,
                    "attachment_ids": [fields.Command.link(attachment.id)],
                    "auto_delete": False,
                }
            )
        )
        digest.sudo().write({"mail_id": mail.id})
        return digest

    @api.model
    def _vip_digest_body(self, env, company, manager, month, summary):
        """The mail body: the month's figures per tier, in ``env``'s language."""
        currency = company.currency_id
        return env["ir.qweb"]._render(
            "partner_vip_care.vip_monthly_digest_body",
            {
                "manager": manager.with_env(env),
                "company": company,
                "month": month,
                "rows": summary,
                "currency": currency,
                "format_amount": lambda amount: env[
                    "ir.qweb.field.monetary"
                ].value_to_html(amount, {"display_currency": currency}),
                "percent": lambda rate: "–" if rate is None else f"{rate:.0%}",
            },
        )
