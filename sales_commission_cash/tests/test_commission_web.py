"""The manager's journey over HTTP, as the web client makes it: open the commission
report, read it grouped by salesperson, export it and download the XLSX."""

import io

import openpyxl

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionWeb(CommissionCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.web_manager = new_test_user(
            cls.env, "com_web_manager", password="com_web_manager", groups="sales_team.group_sale_manager"
        )
        cls.web_manager.company_ids = [Command.set(cls.company.ids)]
        cls.web_manager.company_id = cls.company
        cls._pay(cls._invoice())
        cls._pay(cls._invoice(user=cls.seller_2), amount=600.0)

    def _call_kw(self, model, method, args, kwargs=None):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": kwargs or {}},
        )

    def test_manager_reads_and_downloads_the_report(self):
        self.authenticate("com_web_manager", "com_web_manager")
        action = self.make_jsonrpc_request(
            "/web/action/load", {"action_id": "sales_commission_cash.commission_report_action"}
        )
        self.assertEqual(action["res_model"], "commission.report")
        groups = self._call_kw(
            "commission.report",
            "read_group",
            [[], ["collected_amount:sum", "commission_amount:sum", "waiting_commission:sum"], ["user_id"]],
            {"lazy": False},
        )
        by_user = {group["user_id"][1]: group for group in groups}
        self.assertAlmostEqual(by_user["Sonia Vente"]["commission_amount"], 120.0)
        self.assertAlmostEqual(by_user["Paul Vente"]["commission_amount"], 60.0)
        self.assertAlmostEqual(by_user["Paul Vente"]["waiting_commission"], 50.0)

        wizard_id = self._call_kw(
            "commission.export.wizard",
            "create",
            [{"date_from": str(self.today.replace(day=1)), "date_to": str(self.today)}],
        )
        download = self._call_kw("commission.export.wizard", "action_export", [[wizard_id]])
        response = self.url_open(download["url"])
        self.assertEqual(response.status_code, 200)
        book = openpyxl.load_workbook(io.BytesIO(response.content), data_only=True)
        total = list(book["Summary"].iter_rows(values_only=True))[-1]
        self.assertEqual(total[0], "Total")
        self.assertAlmostEqual(total[4], 180.0)

    def test_salesperson_reads_only_own_figures(self):
        self.seller.password = "com_sonia_pw"
        self.authenticate("com_sonia", "com_sonia_pw")
        groups = self._call_kw(
            "commission.report", "read_group", [[], ["commission_amount:sum"], ["user_id"]], {"lazy": False}
        )
        self.assertEqual([group["user_id"][1] for group in groups], ["Sonia Vente"])
