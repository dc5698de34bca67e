import base64
import io

import xlsxwriter

from odoo import fields, models


class CommissionExportWizard(models.TransientModel):
    _name = "commission.export.wizard"
    _description = "Commission XLSX Export"

    date_from = fields.Date(required=True, default=lambda self: fields.Date.context_today(self).replace(month=1, day=1))
    date_to = fields.Date(required=True, default=fields.Date.context_today)
    file_data = fields.Binary(readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)

    def _export_rows(self):
        """(salesperson, customer, period, collected, commission) aggregated in SQL, read as
        the current user is allowed to (record rules apply)."""
        return self.env["commission.line"]._read_group(
            [("date", ">=", self.date_from), ("date", "<=", self.date_to)],
            ["user_id", "partner_id", "date:month"],
            ["collected:sum", "amount:sum"],
            order="user_id, partner_id, date:month",
        )

    def _build_xlsx(self, rows):
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": False})
        bold = book.add_format({"bold": True})
        money = book.add_format({"num_format": "#,##0.00"})
        money_bold = book.add_format({"num_format": "#,##0.00", "bold": True})
        by_user = {}
        for user, partner, month, collected, amount in rows:
            by_user.setdefault(user, []).append(
                (partner.display_name or "", month.strftime("%Y-%m"), collected, amount)
            )
        summary = book.add_worksheet(self.env._("Summary"))
        headers = [self.env._("Salesperson"), self.env._("Collected"), self.env._("Commission")]
        summary.write_row(0, 0, headers, bold)
        summary.set_column(0, 0, 30)
        summary.set_column(1, 2, 16)
        for index, (user, user_rows) in enumerate(by_user.items(), start=1):
            summary.write(index, 0, user.name)
            summary.write_number(index, 1, sum(r[2] for r in user_rows), money)
            summary.write_number(index, 2, sum(r[3] for r in user_rows), money)
            self._write_user_sheet(book, user, user_rows, (bold, money, money_bold))
        total_row = len(by_user) + 1
        summary.write(total_row, 0, self.env._("Total"), bold)
        summary.write_number(total_row, 1, sum(r[3] for r in rows), money_bold)
        summary.write_number(total_row, 2, sum(r[4] for r in rows), money_bold)
        book.close()
        return output.getvalue()

    def _write_user_sheet(self, book, user, user_rows, formats):
        bold, money, money_bold = formats
        # Sheet names are limited to 31 characters and must be unique.
        sheet = book.add_worksheet(f"{user.name[:24]} ({user.id})")
        sheet.write_row(
            0, 0, [self.env._("Customer"), self.env._("Month"), self.env._("Collected"), self.env._("Commission")], bold
        )
        sheet.set_column(0, 0, 30)
        sheet.set_column(1, 3, 16)
        for index, (partner, month, collected, amount) in enumerate(user_rows, start=1):
            sheet.write_row(index, 0, [partner, month])
            sheet.write_number(index, 2, collected, money)
            sheet.write_number(index, 3, amount, money)
        total_row = len(user_rows) + 1
        sheet.write(total_row, 0, self.env._("Total"), bold)
        sheet.write_number(total_row, 2, sum(r[2] for r in user_rows), money_bold)
        sheet.write_number(total_row, 3, sum(r[3] for r in user_rows), money_bold)

    def action_export(self):
        self.ensure_one()
        self.write(
            {
                "file_data": base64.b64encode(self._build_xlsx(self._export_rows())),
                "file_name": f"commissions_{self.date_from}_{self.date_to}.xlsx",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/commission.export.wizard/{self.id}/file_data/{self.file_name}?download=true",
            "target": "self",
        }
