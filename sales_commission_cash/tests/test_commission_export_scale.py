import io
from datetime import timedelta

import openpyxl

from odoo import Command
from odoo.tests import tagged

from .common import CommissionCommon

# Columns of the summary sheet after the salesperson (the salesperson's sheets have one
# more, the month): booked, invoiced, collected, earned, waiting, commission waiting.


@tagged("post_install", "-at_install")
class TestCommissionExportScale(CommissionCommon):
    def _export(self, user=None, date_from=None):
        wizard = (
            self.env["commission.export.wizard"]
            .with_user(user or self.manager)
            .create({"date_from": date_from or self.today, "date_to": self.today})
        )
        return wizard._build_xlsx()

    @staticmethod
    def _rows(book, name):
        """Data rows and total row; blank amounts (zero) read as 0."""
        rows = [
            tuple(0.0 if value is None else value for value in row)
            for row in book[name].iter_rows(min_row=4, values_only=True)
        ]
        return rows[:-1], rows[-1]

    def _assert_rows(self, actual, expected):
        self.assertEqual(len(actual), len(expected), actual)
        for actual_row, expected_row in zip(actual, expected, strict=True):
            self.assertEqual(len(actual_row), len(expected_row))
            for value, expected_value in zip(actual_row, expected_row, strict=True):
                if isinstance(expected_value, float):
                    self.assertAlmostEqual(value, expected_value, msg=actual_row)
                else:
                    self.assertEqual(value, expected_value, actual_row)

    def _salespeople(self, start, stop):
        salesman_group = self.env.ref("sales_team.group_sale_salesman")
        return self.env["res.users"].create(
            [
                {
                    "name": f"Vendeur {index:02d}",
                    "login": f"com_scale_{index}",
                    "company_id": self.company.id,
                    "company_ids": [Command.set(self.company.ids)],
                    "groups_id": [Command.set(salesman_group.ids)],
                }
                for index in range(start, stop)
            ]
        )

    def _export_queries(self):
        """Queries of one export, its record caches empty (names read again), after one
        export that fills the registry's caches (access rules; new users clear them)."""
        self._export()
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        book = openpyxl.load_workbook(io.BytesIO(self._export()), data_only=True)
        return self.env.cr.sql_log_count - before, len(book.sheetnames)

    def test_export_queries_do_not_grow_with_salespeople(self):
        """One query reads the figures of all the salespeople: a query per salesperson
        scanned all the invoices each time (51 s for 20 salespeople at 200,000 invoices)."""
        for seller in self._salespeople(0, 2):
            self._pay(self._invoice(user=seller))
        queries, sheets = self._export_queries()
        self.assertEqual(sheets, 1 + 2)
        for seller in self._salespeople(2, 8):
            self._pay(self._invoice(user=seller))
        self.assertEqual(self._export_queries(), (queries, 1 + 8))

    def test_export_figures_on_a_known_mix(self):
        """Orders, invoices, a refund, a split invoice paid in part, an invoice of the day
        before the period paid in it, two customers: each figure where it belongs."""
        cave = self.env["res.partner"].create({"name": "Cave Lyonnaise", "is_company": True})
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.seller_2.id,
                "payment_term_id": self.pay_terms_a.id,
                "order_line": [
                    Command.create({"product_id": self.product_a.id, "product_uom_qty": 3, "price_unit": 1000.0})
                ],
            }
        )
        order.action_confirm()
        # Sonia: 1,000 paid on time (12 %), 500 open, a refund of 200 open, 400 open at the cave.
        self._pay(self._invoice(1000.0))
        self._invoice(500.0)
        self._invoice(200.0, move_type="out_refund")
        self._invoice(400.0, partner=cave)
        # Paul's 2,000, a quarter of it Sonia's, half paid; his 300 of yesterday paid today.
        shared = self._invoice(2000.0, user=self.seller_2)
        shared.commission_split_ids = [
            Command.create({"user_id": self.seller.id, "share": 25.0}),
            Command.create({"user_id": self.seller_2.id, "share": 75.0}),
        ]
        self._pay(shared, amount=1200.0)
        self._pay(self._invoice(300.0, user=self.seller_2, date=self.today - timedelta(days=1)))

        book = openpyxl.load_workbook(io.BytesIO(self._export()), data_only=True)
        self.assertEqual(book.sheetnames, ["Summary", "Paul Vente", "Sonia Vente"])
        month = self.today.strftime("%Y-%m")
        paul = ("Brasserie du Port", month, 3000.0, 1500.0, 1050.0, 126.0, 750.0, 75.0)
        sonia = [
            ("Brasserie du Port", month, 0.0, 1800.0, 1250.0, 150.0, 550.0, 55.0),
            ("Cave Lyonnaise", month, 0.0, 400.0, 0.0, 0.0, 400.0, 40.0),
        ]
        rows, total = self._rows(book, "Paul Vente")
        self._assert_rows(rows, [paul])
        self._assert_rows([total], [("Total", 0.0, *paul[2:])])
        rows, total = self._rows(book, "Sonia Vente")
        self._assert_rows(rows, sonia)
        sonia_total = tuple(sum(row[column] for row in sonia) for column in range(2, 8))
        self._assert_rows([total], [("Total", 0.0, *sonia_total)])
        rows, total = self._rows(book, "Summary")
        self._assert_rows(rows, [("Paul Vente", *paul[2:]), ("Sonia Vente", *sonia_total)])
        self._assert_rows([total], [("Total", *(paul[column] + sonia_total[column - 2] for column in range(2, 8)))])
        # A salesperson's export: their own sheet, the same figures.
        book = openpyxl.load_workbook(io.BytesIO(self._export(self.seller)), data_only=True)
        self.assertEqual(book.sheetnames, ["Summary", "Sonia Vente"])
        self._assert_rows(self._rows(book, "Sonia Vente")[0], sonia)
