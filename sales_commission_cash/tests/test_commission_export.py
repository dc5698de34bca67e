import io

import openpyxl

from odoo.tests import tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionExport(CommissionCommon):
    def _workbook(self, user):
        wizard = (
            self.env["commission.export.wizard"]
            .with_user(user)
            .create({"date_from": self.today.replace(day=1), "date_to": self.today})
        )
        return openpyxl.load_workbook(io.BytesIO(wizard._build_xlsx(wizard._export_rows())))

    def test_export_totals(self):
        self._pay(self._invoice())
        self._pay(self._invoice(untaxed=500.0))
        self._pay(self._invoice(user=self.seller_2))
        book = self._workbook(self.manager)
        self.assertEqual(len(book.sheetnames), 3)
        summary = book["Summary"]
        rows = list(summary.iter_rows(values_only=True))
        self.assertEqual(rows[-1][0], "Total")
        self.assertAlmostEqual(rows[-1][1], 2500.0)
        self.assertAlmostEqual(rows[-1][2], 300.0)
        seller_sheet = book[book.sheetnames[1]]
        seller_rows = list(seller_sheet.iter_rows(values_only=True))
        self.assertEqual(seller_rows[-1][0], "Total")
        self.assertAlmostEqual(sum(r[1] for r in rows[1:-1]), rows[-1][1])
        self.assertAlmostEqual(
            seller_rows[-1][3] + list(book[book.sheetnames[2]].iter_rows(values_only=True))[-1][3], 300.0
        )

    def test_salesperson_exports_only_own_lines(self):
        self._pay(self._invoice())
        self._pay(self._invoice(user=self.seller_2))
        book = self._workbook(self.seller)
        self.assertEqual(len(book.sheetnames), 2)
        self.assertAlmostEqual(list(book["Summary"].iter_rows(values_only=True))[-1][2], 120.0)
