"""One clock: every moment the module shows or sends reads in its reader's time
zone and language format, without seconds. Rendered for a zh_CN reader in
Asia/Shanghai and a zh_TW reader in Asia/Taipei: notes, activities, the
acknowledgement and the standard answers, the workbook, the PDF record and the
portal (the customer's own time zone, else its company's)."""

import io
import re
from datetime import datetime, timedelta

import openpyxl
from freezegun import freeze_time

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import html2plaintext

from ..tools.moments import excel_date_format, format_moment
from ..tools.vip_review_workbook import VipReviewWorkbook
from .common import VipComplaintCommon

# Monday 2026-03-09 01:00:37 UTC (09:00:37 in Shanghai and Taipei), with seconds
RECEIVED = datetime(2026, 3, 9, 1, 0, 37)
SECONDS = re.compile(r"\d{1,2}:\d{2}:\d{2}")
LANGS = ("zh_CN", "zh_TW")


def setup_readers(cls):
    """zh_CN and zh_TW languages with the module's terms; a working calendar in
    Asia/Shanghai (Mon-Fri 9-12, 13-18); for each language a salesperson reading
    it in its time zone and a customer of that language and time zone."""
    env = cls.env
    for lang in LANGS:
        env["res.lang"]._activate_lang(lang)
    env["ir.module.module"]._load_module_terms(
        ["partner_vip_care"], list(LANGS), overwrite=True
    )
    cls.calendar_cn = env["resource.calendar"].create(
        {
            "name": "上海营业时间",
            "tz": "Asia/Shanghai",
            "attendance_ids": [
                Command.create(
                    {
                        "name": f"{day} {start}",
                        "dayofweek": str(day),
                        "hour_from": start,
                        "hour_to": stop,
                        "day_period": "morning" if start < 12 else "afternoon",
                    }
                )
                for day in range(5)
                for start, stop in ((9, 12), (13, 18))
            ],
        }
    )
    env.company.write(
        {"vip_sla_calendar_id": cls.calendar_cn.id, "vip_escalation_user_id": False}
    )
    env.company.partner_id.lang = "en_US"
    # the person acting (the test's admin) reads English in Brussels: nothing
    # they write for the readers may follow them
    env.user.write({"lang": "en_US", "tz": "Europe/Brussels"})
    tier = env.ref("partner_vip_care.vip_tier_gold")
    tier.write({"response_hours": 4, "resolution_hours": 16})
    cls.readers = {}
    for lang, tz, login, name, customer in (
        ("zh_CN", "Asia/Shanghai", "clock_cn", "王芳", "上海明辉贸易"),
        ("zh_TW", "Asia/Taipei", "clock_tw", "林志明", "台北精密工業"),
    ):
        user = new_test_user(
            env,
            login=login,
            name=name,
            lang=lang,
            tz=tz,
            groups="base.group_user,partner_vip_care.group_vip_user",
        )
        partner = env["res.partner"].create(
            {
                "name": customer,
                "is_company": True,
                "email": f"{login}@customer.example.com",
                "lang": lang,
                "tz": tz,
                "user_id": user.id,
                "vip_tier_id": tier.id,
            }
        )
        cls.readers[lang] = (user, tz, partner)


def moment(env, value, lang, tz):
    return format_moment(env(context=dict(env.context, lang=lang)), value, tz=tz)


@tagged("post_install", "-at_install", "vip_i18n")
class TestReaderClock(VipComplaintCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_readers(cls)

    def _complaint(self, lang, **vals):
        user, _tz, partner = self.readers[lang]
        with freeze_time(RECEIVED):
            return self.Complaint.create(
                {
                    "subject": "包装破损",
                    "partner_id": partner.id,
                    "user_id": user.id,
                    "email_from": partner.email,
                    **vals,
                }
            )

    def test_moment_in_the_language_format_without_seconds(self):
        value = datetime(2026, 3, 9, 9, 0, 37)
        self.assertEqual(
            moment(self.env, value, "zh_CN", "Asia/Shanghai"), "2026/03/09 17:00"
        )
        self.assertEqual(
            moment(self.env, value, "zh_TW", "Asia/Taipei"), "2026/03/09 17:00"
        )
        self.assertEqual(
            moment(self.env, value, "en_US", "America/New_York"), "03/09/2026 05:00 AM"
        )
        env_cn = self.env(context=dict(self.env.context, lang="zh_CN"))
        self.assertEqual(excel_date_format(env_cn), "yyyy/mm/dd")

    def test_notes_activities_and_mails_for_each_reader(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                user, tz, partner = self.readers[lang]
                complaint = self._complaint(lang)
                response = moment(self.env, complaint.response_deadline, lang, tz)
                resolution = moment(self.env, complaint.resolution_deadline, lang, tz)
                # 09:00:37 + 4 business hours: 13:00:37 is shown 14:00 after lunch,
                # never with seconds
                self.assertEqual(response, "2026/03/09 14:00")
                # the acknowledgement mail, for the customer
                with freeze_time(RECEIVED):
                    complaint._send_acknowledgement()
                ack = complaint.message_ids.filtered(
                    lambda m: m.message_type == "auto_comment"
                )[:1]
                self.assertIn(response, ack.body)
                self.assertFalse(SECONDS.search(html2plaintext(ack.body)))
                # the standard answer, rendered in the customer's language
                template = self.env.ref(
                    "partner_vip_care.mail_template_vip_answer_delivery"
                )
                with freeze_time(RECEIVED + timedelta(minutes=5)):
                    body = template._render_field(
                        "body_html", complaint.ids, compute_lang=True
                    )[complaint.id]
                self.assertIn(response, body)
                self.assertIn(resolution, body)
                self.assertFalse(SECONDS.search(html2plaintext(body)))
                # the at-risk activity of the responsible, in its time zone
                with freeze_time(complaint.response_risk_on + timedelta(minutes=1)):
                    self.Complaint._cron_check_sla()
                activity = self._activities(
                    complaint, "partner_vip_care.mail_activity_type_vip_sla_at_risk"
                )
                self.assertEqual(activity.user_id, user)
                self.assertIn(response, activity.summary)
                self.assertFalse(SECONDS.search(activity.summary))
                # waiting on the customer moves the deadline: the note is the
                # responsible's, whoever acts (here an English user in Brussels)
                with freeze_time(complaint.response_risk_on + timedelta(minutes=2)):
                    complaint.action_wait()
                with freeze_time(RECEIVED + timedelta(days=1, minutes=10)):
                    complaint.action_resume()
                note = complaint.message_ids.filtered(
                    lambda m: "2026/03" in (m.body or "") and m.subtype_id.internal
                )[:1]
                self.assertTrue(note, "the pause note names the deadlines")
                new = moment(self.env, complaint.resolution_deadline, lang, tz)
                self.assertIn(new, note.body)
                self.assertFalse(SECONDS.search(html2plaintext(note.body)))

    def test_past_moments_never_promised_and_warnings_close(self):
        template = self.env.ref("partner_vip_care.mail_template_vip_answer_delivery")
        complaint = self._complaint("zh_CN")
        _user, tz, _partner = self.readers["zh_CN"]
        response = moment(self.env, complaint.response_deadline, "zh_CN", tz)
        resolution = moment(self.env, complaint.resolution_deadline, "zh_CN", tz)

        def answer(at):
            with freeze_time(at):
                return template._render_field(
                    "body_html", complaint.ids, compute_lang=True
                )[complaint.id]

        # the response deadline passed and was breached: only the resolution
        # deadline, still ahead, is promised
        with freeze_time(complaint.response_deadline + timedelta(hours=1)):
            self.Complaint._cron_check_sla()
        self.assertEqual(complaint.response_sla_state, "breached")
        body = answer(complaint.response_deadline + timedelta(hours=1))
        self.assertNotIn(response, body)
        self.assertIn(resolution, body)
        # both passed: no moment at all, the delay is owned
        body = answer(complaint.resolution_deadline + timedelta(hours=1))
        self.assertNotIn(resolution, body)
        self.assertNotIn("2026/03", body)
        # a warning closes once its clock stops in time
        other = self._complaint("zh_CN")
        with freeze_time(other.response_risk_on + timedelta(minutes=1)):
            self.Complaint._cron_check_sla()
        at_risk = "partner_vip_care.mail_activity_type_vip_sla_at_risk"
        self.assertTrue(self._activities(other, at_risk))
        with freeze_time(other.response_risk_on + timedelta(minutes=2)):
            other.action_acknowledge()
        self.assertFalse(self._activities(other, at_risk))
        # and once its clock breaches (the breach activity takes over)
        with freeze_time(complaint.resolution_risk_on + timedelta(minutes=1)):
            self.Complaint._cron_check_sla()
        self.assertTrue(self._activities(complaint, at_risk))
        with freeze_time(complaint.resolution_deadline + timedelta(minutes=1)):
            self.Complaint._cron_check_sla()
        self.assertEqual(complaint.resolution_sla_state, "breached")
        self.assertFalse(self._activities(complaint, at_risk))

    def test_workbook_and_record_in_the_reader_clock(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                user, tz, partner = self.readers[lang]
                visit = self.env["vip.visit"].create(
                    {"partner_id": partner.id, "user_id": user.id, "summary": "拜访"}
                )
                complaint = self._complaint(lang, visit_id=visit.id)
                env = self.env(context=dict(self.env.context, lang=lang, tz=tz))
                builder = VipReviewWorkbook(
                    env,
                    RECEIVED.date(),
                    RECEIVED.date(),
                    self.env.company.with_env(env),
                )
                book = openpyxl.load_workbook(io.BytesIO(builder.build()))
                sheet = book.worksheets[3]  # Complaints
                header = [cell.value for cell in sheet[1]]
                row = next(
                    r
                    for r in sheet.iter_rows(min_row=2)
                    if r[0].value == complaint.name
                )
                cell = row[header.index(env._("Response Deadline"))]
                # the wall time of the reader, typed, in its language's date order
                self.assertLess(
                    abs(cell.value - datetime(2026, 3, 9, 14, 0, 37)),
                    timedelta(seconds=1),
                )
                self.assertEqual(cell.number_format, "yyyy/mm/dd hh:mm")
                # the PDF communication record of the visit lists the complaint
                html = (
                    self.env["ir.actions.report"]
                    .with_user(user)
                    .with_context(lang=lang, tz=tz)
                    ._render_qweb_html(
                        "partner_vip_care.action_report_vip_visit", visit.ids
                    )[0]
                    .decode()
                )
                resolution = moment(self.env, complaint.resolution_deadline, lang, tz)
                self.assertIn(resolution, html)
                self.assertNotIn(resolution + ":37", html)


@tagged("post_install", "-at_install", "vip_portal", "vip_i18n")
class TestReaderClockPortal(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        setup_readers(cls)
        cls.portal_users = {}
        for lang in LANGS:
            _user, tz, partner = cls.readers[lang]
            portal = new_test_user(
                cls.env,
                login=f"clock_portal_{lang}",
                name=f"{partner.name} 采购",
                lang=lang,
                # the zh_TW buyer has no time zone: its company's calendar's
                tz=tz if lang == "zh_CN" else False,
                groups="base.group_portal",
            )
            portal.partner_id.parent_id = partner
            cls.portal_users[lang] = portal

    def test_portal_pages_in_the_customer_clock(self):
        for lang in LANGS:
            with self.subTest(lang=lang):
                user, tz, partner = self.readers[lang]
                portal = self.portal_users[lang]
                with freeze_time(RECEIVED):
                    complaint = self.env["vip.complaint"].create(
                        {
                            "subject": "包装破损",
                            "partner_id": portal.partner_id.id,
                            "user_id": user.id,
                        }
                    )
                # Shanghai and Taipei share UTC+8: both read the same wall time
                expected = moment(self.env, complaint.response_deadline, lang, tz)
                self.authenticate(portal.login, portal.login)
                for url in ("/my/vip/complaints", f"/my/vip/complaints/{complaint.id}"):
                    page = self.url_open(url).text
                    self.assertIn(expected, page, url)
                    self.assertNotIn(expected + ":", page, url)
                    self.assertNotIn("06:00:37", page, "no UTC moment with seconds")
