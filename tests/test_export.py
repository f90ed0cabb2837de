import io
from datetime import date, datetime, timedelta

import openpyxl
from freezegun import freeze_time

from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import VipCareCommon

SHEETS = [
    "Summary",
    "VIP Roster",
    "Promise Ledger",
    "Complaints",
    "Suggestions",
    "Visits",
    "Satisfaction",
    "Word of Mouth",
    "Account Plans",
]


@tagged("post_install", "-at_install", "vip_export")
class TestExport(VipCareCommon):
    """The review workbook (read back with openpyxl), the communication record PDF
    and the monthly digest to the managers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.gold = env.ref("partner_vip_care.vip_tier_gold")
        cls.silver = env.ref("partner_vip_care.vip_tier_silver")
        cls.today = date.today()
        cls.customer = env["res.partner"].create(
            {"name": "长城贸易有限公司", "is_company": True, "user_id": cls.user_vip.id}
        )
        cls.customer.vip_tier_id = cls.gold
        cls.other = env["res.partner"].create(
            {"name": "Other Trading", "is_company": True, "user_id": cls.user_vip_2.id}
        )
        cls.other.vip_tier_id = cls.silver
        cls.buyer = env["res.partner"].create(
            {"name": "王芳", "parent_id": cls.customer.id, "function": "采购经理"}
        )
        cls.visit = env["vip.visit"].create(
            {
                "partner_id": cls.customer.id,
                "contact_id": cls.buyer.id,
                "user_id": cls.user_vip.id,
                "date": cls.today,
                "summary": "季度回顾",
                "customer_feedback": "<p>周五交货经常延迟。</p>",
                "next_steps": "<p>调整物流安排。</p>",
            }
        )
        cls.other_visit = env["vip.visit"].create(
            {
                "partner_id": cls.other.id,
                "user_id": cls.user_vip_2.id,
                "date": cls.today,
                "summary": "Other review",
            }
        )
        promise_vals = {
            "description": "免费送货一次",
            "value": 100.0,
            "deadline": cls.today + timedelta(days=10),
        }
        cls.promise = env["vip.promise"].create(
            dict(
                promise_vals,
                partner_id=cls.customer.id,
                user_id=cls.user_vip.id,
                visit_id=cls.visit.id,
            )
        )
        cls.promise.action_submit()
        cls.other_promise = env["vip.promise"].create(
            dict(promise_vals, partner_id=cls.other.id, user_id=cls.user_vip_2.id)
        )
        cls.other_promise.action_submit()
        cls.complaint = env["vip.complaint"].create(
            {
                "subject": "交货延迟",
                "partner_id": cls.customer.id,
                "user_id": cls.user_vip.id,
                "visit_id": cls.visit.id,
            }
        )
        cls.complaint.action_acknowledge()
        cls.suggestion = env["vip.suggestion"].create(
            {
                "name": "双语发票",
                "partner_id": cls.customer.id,
                "user_id": cls.user_vip.id,
                "visit_id": cls.visit.id,
            }
        )

    def _export(self, user, lang=None, **vals):
        wizard = (
            self.env["vip.export.wizard"]
            .with_user(user)
            .with_context(lang=lang or user.lang)
            .create(
                dict(
                    {
                        "date_from": self.today - timedelta(days=31),
                        "date_to": self.today,
                    },
                    **vals,
                )
            )
        )
        action = wizard.action_export()
        self.assertEqual(action["type"], "ir.actions.act_url")
        attachment_id = int(action["url"].split("/")[3].split("?")[0])
        attachment = self.env["ir.attachment"].browse(attachment_id)
        self.assertTrue(attachment.name.endswith(".xlsx"))
        return openpyxl.load_workbook(io.BytesIO(attachment.raw))

    @staticmethod
    def _rows(sheet):
        return [list(row) for row in sheet.iter_rows(values_only=True)]

    def _column(self, sheet, label):
        header = self._rows(sheet)[0]
        index = header.index(label)
        return [row[index] for row in self._rows(sheet)[1:]]

    def test_workbook_sheets_headers_and_types(self):
        book = self._export(self.user_manager)
        self.assertEqual(book.sheetnames, SHEETS)
        for name in SHEETS:
            sheet = book[name]
            self.assertEqual(sheet.freeze_panes, "A2", name)
            self.assertTrue(sheet.auto_filter.ref, name)
        roster = book["VIP Roster"]
        self.assertEqual(
            self._rows(roster)[0][:3], ["Customer", "Tier", "Pareto Class"]
        )
        self.assertCountEqual(
            self._column(roster, "Customer"), ["长城贸易有限公司", "Other Trading"]
        )
        ledger = book["Promise Ledger"]
        self.assertEqual(len(self._rows(ledger)) - 1, 2)
        values = self._column(ledger, "Value")
        self.assertEqual(values, [100.0, 100.0])
        deadline = self._column(ledger, "Deadline")[0]
        self.assertIsInstance(deadline, datetime, "a typed date cell")
        self.assertEqual(deadline.date(), self.today + timedelta(days=10))
        header = self._rows(ledger)[0]
        cell = ledger.cell(row=2, column=header.index("Value") + 1)
        self.assertIn(self.env.company.currency_id.symbol, cell.number_format)
        complaints = book["Complaints"]
        self.assertEqual(self._column(complaints, "Subject"), ["交货延迟"])
        self.assertIsInstance(self._column(complaints, "Received on")[0], datetime)
        self.assertEqual(self._column(complaints, "Response SLA"), ["Met"])
        hours = self._column(complaints, "Hours to Respond (business)")[0]
        self.assertIsInstance(hours, (int, float))
        visits = book["Visits"]
        self.assertEqual(len(self._rows(visits)) - 1, 2)
        row = self._rows(visits)[1:]
        mine = next(r for r in row if r[6] == "季度回顾")
        self.assertEqual(mine[-3:], [1, 1, 1], "complaint, promise, suggestion raised")
        self.assertEqual(self._column(book["Suggestions"], "Title"), ["双语发票"])
        summary = book["Summary"]
        tiers = self._column(summary, "Tier")
        self.assertEqual(tiers[-1], "Total")
        self.assertIn("Gold", tiers)
        gold = self._rows(summary)[1 + tiers.index("Gold")]
        header = self._rows(summary)[0]
        self.assertEqual(gold[header.index("Customers")], 1)
        self.assertEqual(gold[header.index("Responses on Time")], 1.0)
        percent = summary.cell(
            row=2 + tiers.index("Gold"), column=header.index("Responses on Time") + 1
        )
        self.assertIn("%", percent.number_format)
        self.assertEqual(gold[header.index("Visit Coverage")], 1.0)
        self.assertEqual(self._rows(book["Satisfaction"])[0][0], "Campaign")

    def test_user_sees_only_own_rows(self):
        book = self._export(self.user_vip, user_ids=False)
        self.assertEqual(
            self._column(book["Promise Ledger"], "Reference"), [self.promise.name]
        )
        self.assertEqual(self._column(book["Visits"], "Summary"), ["季度回顾"])
        self.assertEqual(self._column(book["Complaints"], "Subject"), ["交货延迟"])
        # the default filter of a salesperson: their own customers
        wizard = self.env["vip.export.wizard"].with_user(self.user_vip).new({})
        self.assertEqual(wizard.user_ids._origin, self.user_vip)

    def test_summary_counts_what_the_reader_may_read(self):
        """The Summary reads the review view (one definition of the figures) on
        the rows of the documents the reader may read: a salesperson's figures
        leave out a colleague's customers, a manager's count everyone's."""
        for user, mine in ((self.user_vip, 1), (self.user_manager, 2)):
            summary = self._export(user, user_ids=False)["Summary"]
            total = dict(
                zip(self._rows(summary)[0], self._rows(summary)[-1], strict=True)
            )
            self.assertEqual(total["Tier"], "Total")
            self.assertEqual(total["Customers"], 2, user.login)
            self.assertEqual(total["Open Promises"], mine, user.login)
            self.assertEqual(total["Visits"], mine, user.login)
            self.assertEqual(total["Complaints"], 1, user.login)
        selected = self.env["vip.export.wizard"].with_user(self.user_manager)
        wizard = selected.with_context(
            active_model="vip.promise", active_ids=self.other_promise.ids
        ).create({})
        book = openpyxl.load_workbook(
            io.BytesIO(wizard._vip_workbook().build()), read_only=True
        )
        rows = self._rows(book["Summary"])
        self.assertEqual(dict(zip(rows[0], rows[-1], strict=True))["Open Promises"], 1)

    def test_empty_selection_gives_empty_workbook(self):
        book = self._export(
            self.user_manager,
            date_from=date(2001, 1, 1),
            date_to=date(2001, 1, 31),
            tier_ids=[(6, 0, self.env.ref("partner_vip_care.vip_tier_platinum").ids)],
        )
        self.assertEqual(book.sheetnames, SHEETS)
        for name in SHEETS[1:]:
            self.assertEqual(len(self._rows(book[name])), 1, f"{name}: headers only")
        self.assertEqual(self._column(book["Summary"], "Tier"), ["Platinum", "Total"])

    def test_export_selected_rows(self):
        wizard = (
            self.env["vip.export.wizard"]
            .with_user(self.user_manager)
            .with_context(active_model="vip.promise", active_ids=self.other_promise.ids)
            .create({})
        )
        self.assertEqual(wizard.promise_ids, self.other_promise)
        attachment = self.env["ir.attachment"].browse(
            int(wizard.action_export()["url"].split("/")[3].split("?")[0])
        )
        book = openpyxl.load_workbook(io.BytesIO(attachment.raw))
        self.assertEqual(
            self._column(book["Promise Ledger"], "Reference"), [self.other_promise.name]
        )

    def test_translated_sheet_names(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["partner_vip_care"], ["zh_CN"])
        book = self._export(self.user_manager, lang="zh_CN")
        self.assertEqual(book.sheetnames[1:3], ["VIP 客户名册", "承诺台账"])
        self.assertEqual(self._rows(book["VIP 客户名册"])[0][0], "客户")

    def test_query_count_does_not_grow(self):
        from ..tools.vip_review_workbook import VipReviewWorkbook

        def build():
            env = self.env(user=self.user_manager)
            self.env.invalidate_all()
            builder = VipReviewWorkbook(
                env, self.today - timedelta(days=31), self.today, env.company
            )
            count = self.env.cr.sql_log_count
            builder.build()
            return self.env.cr.sql_log_count - count

        def grow(size):
            customers = self.env["res.partner"].create(
                [
                    {"name": f"Bulk {i}", "is_company": True, "user_id": user.id}
                    for i in range(size)
                    for user in (self.user_vip, self.user_vip_2)
                ]
            )
            customers.vip_tier_id = self.gold
            self.env["vip.visit"].create(
                [
                    {"partner_id": c.id, "user_id": c.user_id.id, "summary": "Bulk"}
                    for c in customers
                ]
            )
            complaints = self.env["vip.complaint"].create(
                [{"subject": "Bulk", "partner_id": c.id} for c in customers]
            )
            complaints.action_acknowledge()

        grow(5)
        build()
        small = build()
        grow(40)
        self.assertEqual(build(), small, "queries must not grow with rows")

    def test_communication_record_pdf(self):
        report = self.env.ref("partner_vip_care.action_report_vip_visit")
        # Debian's wkhtmltopdf (unpatched Qt) warns that it ignores header options
        with mute_logger("odoo.addons.base.models.ir_actions_report"):
            pdf, kind = (
                self.env["ir.actions.report"]
                .with_user(self.user_vip)
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(report, self.visit.ids)
            )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"), "wkhtmltopdf must be installed")
        html, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.user_vip)
            ._render_qweb_html(report, self.visit.ids)
        )
        html = html.decode()
        for text in (
            "长城贸易有限公司",
            "王芳",
            "季度回顾",
            "周五交货经常延迟",
            "调整物流安排",
        ):
            self.assertIn(text, html)
        for record in (self.complaint, self.promise):
            self.assertIn(record.name, html)
        self.assertIn("双语发票", html)

    def test_monthly_digest(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        self.env["ir.module.module"]._load_module_terms(["partner_vip_care"], ["zh_CN"])
        manager_cn = new_test_user(
            self.env,
            login="vip_manager_cn",
            name="李经理",
            lang="zh_CN",
            groups="base.group_user,partner_vip_care.group_vip_manager",
        )
        with freeze_time(self.today.replace(day=1) + timedelta(days=40)):
            digests = self.env["vip.monthly.digest"]
            digests._cron_vip_monthly_digest()
            sent = digests.search(
                [("user_id", "in", (self.user_manager | manager_cn).ids)]
            )
            self.assertEqual(len(sent), 2)
            for digest in sent:
                mail = digest.mail_id
                self.assertEqual(mail.recipient_ids, digest.user_id.partner_id)
                self.assertEqual(len(mail.attachment_ids), 1)
                book = openpyxl.load_workbook(io.BytesIO(mail.attachment_ids.raw))
                self.assertEqual(len(book.sheetnames), len(SHEETS))
                gold = self.gold.with_context(lang=digest.user_id.lang).name
                self.assertIn(gold, mail.body_html)
            english = sent.filtered(lambda d: d.user_id == self.user_manager).mail_id
            self.assertIn("Monthly VIP review", english.subject)
            chinese = sent.filtered(lambda d: d.user_id == manager_cn).mail_id
            self.assertIn("VIP 月度回顾", chinese.subject)
            self.assertIn("按时响应率", chinese.body_html)
            book = openpyxl.load_workbook(io.BytesIO(chinese.attachment_ids.raw))
            self.assertIn("承诺台账", book.sheetnames)
            # a second run the same month sends nothing more
            count = self.env["mail.mail"].search_count([])
            self.env["vip.monthly.digest"]._cron_vip_monthly_digest()
            self.assertEqual(self.env["mail.mail"].search_count([]), count)

    def test_monthly_digest_scheduler(self):
        cron = self.env.ref("partner_vip_care.ir_cron_vip_monthly_digest")
        with self.enter_registry_test_mode():
            cron.method_direct_trigger()
        month = self.env["vip.monthly.digest"]._vip_month(datetime.now())[0]
        self.assertTrue(
            self.env["vip.monthly.digest"].search(
                [("user_id", "=", self.user_manager.id), ("month", "=", month)]
            )
        )

    def test_dashboard(self):
        report = self.env["vip.review.report"].with_user(self.user_manager)
        groups = report._read_group(
            [("tier_id", "=", self.gold.id)],
            ["kind"],
            ["visit_count:sum", "complaint_count:sum", "response_compliance:avg"],
        )
        figures = {kind: rest for kind, *rest in groups}
        self.assertEqual(figures["visit"][0], 1)
        self.assertEqual(figures["complaint"][1], 1)
        self.assertEqual(figures["complaint"][2], 100.0)
