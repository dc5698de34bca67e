import io

import openpyxl

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import CommissionCommon

# Columns of the summary sheet: salesperson, booked, invoiced, collected, commission,
# waiting, commission waiting.
INVOICED, COLLECTED, EARNED, WAITING_COMMISSION = 2, 3, 4, 6


@tagged("post_install", "-at_install")
class TestCommissionExport(CommissionCommon):
    def _workbook(self, user):
        wizard = (
            self.env["commission.export.wizard"]
            .with_user(user)
            .create({"date_from": self.today.replace(day=1), "date_to": self.today})
        )
        # data_only: the totals are formulas, read with the values written beside them.
        return openpyxl.load_workbook(io.BytesIO(wizard._build_xlsx()), data_only=True)

    @staticmethod
    def _rows(sheet):
        """Data rows and total row; blank amounts (zero) read as 0."""
        rows = [
            tuple(0.0 if value is None else value for value in row)
            for row in sheet.iter_rows(min_row=4, values_only=True)
        ]
        return rows[:-1], rows[-1]

    def test_export_totals(self):
        self._pay(self._invoice())
        self._pay(self._invoice(untaxed=500.0))
        self._pay(self._invoice(user=self.seller_2), amount=600.0)
        book = self._workbook(self.manager)
        self.assertEqual(len(book.sheetnames), 3)
        rows, total = self._rows(book["Summary"])
        self.assertEqual(total[0], "Total")
        self.assertEqual([row[0] for row in rows], ["Paul Vente", "Sonia Vente"])
        self.assertAlmostEqual(total[INVOICED], 2500.0)
        self.assertAlmostEqual(total[COLLECTED], 2000.0)
        self.assertAlmostEqual(total[EARNED], 240.0)
        # Paul's invoice still owes 500 untaxed, at 10 %.
        self.assertAlmostEqual(total[WAITING_COMMISSION], 50.0)
        for column in range(1, 7):
            self.assertAlmostEqual(sum(row[column] for row in rows), total[column])
        # Each salesperson's sheet totals to their summary line (one more column: month).
        for summary_row in rows:
            user_rows, user_total = self._rows(book[summary_row[0]])
            self.assertTrue(user_rows)
            self.assertEqual(list(user_total[2:]), list(summary_row[1:]))
            self.assertAlmostEqual(sum(row[5] for row in user_rows), user_total[5])

    def test_salesperson_exports_only_own_lines(self):
        self._pay(self._invoice())
        self._pay(self._invoice(user=self.seller_2))
        book = self._workbook(self.seller)
        self.assertEqual(book.sheetnames, ["Summary", "Sonia Vente"])
        self.assertAlmostEqual(self._rows(book["Summary"])[1][EARNED], 120.0)

    def test_sheet_names_follow_excel_rules(self):
        odd = self.env["res.users"].create(
            {
                "name": "Jean-Marie [Export]: Nord/Sud et Outre-Mer",
                "login": "com_odd",
                "groups_id": [Command.set(self.env.ref("sales_team.group_sale_salesman").ids)],
            }
        )
        self._pay(self._invoice(user=odd))
        book = self._workbook(self.manager)
        name = book.sheetnames[1]
        self.assertLessEqual(len(name), 31)
        self.assertFalse(set(name) & set("[]:*?/\\"))

    def test_export_runs_without_jit_and_sets_it_back(self):
        """The report's queries are costed on all the invoices: PostgreSQL JIT-compiled each of
        them (one per salesperson) for longer than it ran. The export turns JIT off for its
        own queries, and sets the transaction's setting back after."""
        self._pay(self._invoice())
        wizard = self.env["commission.export.wizard"].create(
            {"date_from": self.today.replace(day=1), "date_to": self.today}
        )
        setting = SQL("SELECT current_setting('jit')")
        self.env.cr.execute(SQL("SET LOCAL jit = on"))
        with wizard._without_jit():
            self.assertEqual(self.env.execute_query(setting)[0][0], "off")
            self.assertTrue(wizard._build_xlsx_book())
        self.assertEqual(self.env.execute_query(setting)[0][0], "on")
        self.assertTrue(wizard._build_xlsx())
        self.assertEqual(self.env.execute_query(setting)[0][0], "on")
