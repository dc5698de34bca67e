import base64
import contextlib
import io
import itertools
import math
import operator
import re

import xlsxwriter

from odoo import fields, models
from odoo.tools import SQL

MEASURES = (
    "booked_amount",
    "invoiced_amount",
    "collected_amount",
    "commission_amount",
    "waiting_amount",
    "waiting_commission",
)


class CommissionExportWizard(models.TransientModel):
    _name = "commission.export.wizard"
    _description = "Commission XLSX Export"

    date_from = fields.Date(required=True, default=lambda self: fields.Date.context_today(self).replace(month=1, day=1))
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    file_data = fields.Binary(readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    def _report_groups(self, groupby, extra_domain=()):
        """Sums of the report's measures, aggregated in SQL, as the current user may read
        them (record rules apply: a salesperson exports their own figures)."""
        report = self.env["commission.report"].with_context(commission_report_period=(self.date_from, self.date_to))
        return report._read_group(
            [("date", ">=", self.date_from), ("date", "<=", self.date_to), *extra_domain],
            groupby,
            [f"{measure}:sum" for measure in MEASURES],
            order=", ".join(groupby),
        )

    def _measure_headers(self):
        report = self.env["commission.report"]
        return [report._fields[measure].get_description(self.env)["string"] for measure in MEASURES]

    def _build_xlsx(self):
        """Summary sheet, then one sheet per salesperson by customer and month, from ONE
        query for all the salespeople (a query per salesperson scanned all the invoices
        each time: 51 s for 20 salespeople at 200,000 invoices). xlsxwriter's constant_memory
        mode flushes each row as it is written. Without JIT compilation: PostgreSQL compiled
        the report's query for longer than it ran (all invoices in the plan's cost).
        Set for this transaction only, and set back after."""
        with self._without_jit():
            return self._build_xlsx_book()

    @contextlib.contextmanager
    def _without_jit(self):
        """JIT off in this transaction, then set back (after an error, the rollback of the
        transaction or savepoint sets it back)."""
        previous = self.env.execute_query(SQL("SELECT current_setting('jit'), set_config('jit', 'off', true)"))[0][0]
        yield
        self.env.execute_query(SQL("SELECT set_config('jit', %s, true)", previous))

    def _build_xlsx_book(self):
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"constant_memory": True})
        formats = {
            "title": book.add_format({"bold": True, "font_size": 14}),
            "header": book.add_format({"bold": True, "bg_color": "#DDEBF7", "bottom": 1, "text_wrap": True}),
            "money": book.add_format({"num_format": "#,##0.00"}),
            "total_label": book.add_format({"bold": True, "top": 1}),
            "total": book.add_format({"bold": True, "top": 1, "num_format": "#,##0.00"}),
        }
        summary = book.add_worksheet(self.env._("Summary"))
        self._write_header(summary, [self.env._("Salesperson")], formats, width=30)
        totals = [0.0] * len(MEASURES)
        row = 3
        used_names = set()
        groups = self._report_groups(["user_id", "partner_id", "date:month"])
        for user, user_groups in itertools.groupby(groups, key=operator.itemgetter(0)):
            sums = self._write_user_sheet(book, user, self._sheet_name(user, used_names), formats, user_groups)
            summary.write(row, 0, user.name or self.env._("No salesperson"))
            self._write_amounts(summary, row, 1, sums, formats["money"])
            totals = [math.fsum(pair) for pair in zip(totals, sums, strict=True)]
            row += 1
        self._write_totals(summary, row, 1, totals, formats)
        book.close()
        return output.getvalue()

    def _write_header(self, sheet, first_columns, formats, width):
        title = self.env._("Commissions from %(start)s to %(end)s", start=self.date_from, end=self.date_to)
        sheet.write(0, 0, title, formats["title"])
        sheet.write_row(2, 0, first_columns + self._measure_headers(), formats["header"])
        sheet.set_column(0, 0, width)
        sheet.set_column(len(first_columns), len(first_columns) + len(MEASURES) - 1, 16)
        sheet.freeze_panes(3, len(first_columns))

    def _write_amounts(self, sheet, row, column, amounts, money):
        """Zero amounts stay blank, so that the figures stand out (and the file is smaller)."""
        for offset, amount in enumerate(amounts):
            if amount:
                sheet.write_number(row, column + offset, amount, money)

    def _write_totals(self, sheet, row, column, totals, formats):
        """Totals as SUM formulas, with their value so that readers without a calculation
        engine see it too."""
        sheet.write(row, 0, self.env._("Total"), formats["total_label"])
        for offset, total in enumerate(totals):
            letter = xlsxwriter.utility.xl_col_to_name(column + offset)
            sheet.write_formula(row, column + offset, f"=SUM({letter}4:{letter}{row})", formats["total"], total)

    @staticmethod
    def _sheet_name(user, used_names):
        """Unique, at most 31 characters, none of []:*?/\\ (Excel's rules)."""
        base = re.sub(r"[\[\]:*?/\\]", " ", user.name or "-")[:24].strip() or "-"
        name = base if base.lower() not in used_names else f"{base} ({user.id})"
        used_names.add(name.lower())
        return name

    def _write_user_sheet(self, book, user, name, formats, groups):
        """The salesperson's rows (user, customer, month, *sums), as read; returns their totals."""
        sheet = book.add_worksheet(name)
        self._write_header(sheet, [self.env._("Customer"), self.env._("Month")], formats, width=36)
        columns = [[] for _measure in MEASURES]
        row = 3
        for _user, partner, month, *sums in groups:
            # As text: no type sniffing per cell, and a name starting with "=" stays a name.
            sheet.write_string(row, 0, partner.complete_name or "")
            sheet.write_string(row, 1, month.strftime("%Y-%m"))
            self._write_amounts(sheet, row, 2, sums, formats["money"])
            for column, value in zip(columns, sums, strict=True):
                column.append(value)
            row += 1
        totals = [math.fsum(column) for column in columns]
        self._write_totals(sheet, row, 2, totals, formats)
        sheet.autofilter(2, 0, max(row - 1, 2), 1 + len(MEASURES))
        return totals

    def action_export(self):
        self.ensure_one()
        self.write(
            {
                "file_data": base64.b64encode(self._build_xlsx()),
                "file_name": f"commissions_{self.date_from}_{self.date_to}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/commission.export.wizard/{self.id}/file_data/{self.file_name}?download=true",
            "target": "self",
        }
