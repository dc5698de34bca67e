import base64
import io

import xlsxwriter

from odoo import _, api, fields, models
from odoo.tools import SQL

AGED_BUCKETS = ("not_due", "1_30", "31_60", "61_90", "over_90", "disputed", "total")


class CreditAgedBalance(models.Model):
    """Aged balance (balance âgée): the open receivables of each customer by lateness, the
    disputed amounts apart. Read from the journal items: its total is the receivable
    balance of the accounting."""

    _name = "credit.aged.balance"
    _description = "Aged Balance"
    _auto = False
    _order = "total desc"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    salesperson_id = fields.Many2one("res.users", readonly=True)
    not_due = fields.Monetary(readonly=True)
    aged_1_30 = fields.Monetary(string="1-30 Days", readonly=True)
    aged_31_60 = fields.Monetary(string="31-60 Days", readonly=True)
    aged_61_90 = fields.Monetary(string="61-90 Days", readonly=True)
    aged_over_90 = fields.Monetary(string="Over 90 Days", readonly=True)
    disputed = fields.Monetary(readonly=True)
    total = fields.Monetary(string="Receivable Balance", readonly=True)

    _depends = {
        "account.move.line": [
            "account_id",
            "amount_residual",
            "company_id",
            "date",
            "date_maturity",
            "move_id",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "account.move": ["in_dispute"],
        "res.partner": ["commercial_partner_id", "user_id"],
    }

    def _bucket_sql(self, low, high=None):
        """Residual of undisputed items late by ``low`` to ``high`` days."""
        late = SQL("CURRENT_DATE - COALESCE(line.date_maturity, line.date)")
        upper = SQL("AND %s <= %s", late, high) if high is not None else SQL()
        return SQL(
            "SUM(CASE WHEN NOT COALESCE(m.in_dispute, FALSE) AND %s >= %s %s THEN line.amount_residual ELSE 0 END)",
            late,
            low,
            upper,
        )

    @property
    def _table_query(self):
        """The open items are those the credit check counts (one rule, on the partner)."""
        return SQL(
            """
            SELECT MIN(line.id) AS id, line.company_id, p.commercial_partner_id AS partner_id,
                   MAX(cp.user_id) AS salesperson_id,
                   SUM(CASE WHEN NOT COALESCE(m.in_dispute, FALSE)
                             AND COALESCE(line.date_maturity, line.date) >= CURRENT_DATE
                            THEN line.amount_residual ELSE 0 END) AS not_due,
                   %(b1)s AS aged_1_30, %(b31)s AS aged_31_60, %(b61)s AS aged_61_90, %(b91)s AS aged_over_90,
                   SUM(CASE WHEN COALESCE(m.in_dispute, FALSE) THEN line.amount_residual ELSE 0 END) AS disputed,
                   SUM(line.amount_residual) AS total
              FROM account_move_line line
              JOIN account_move m ON m.id = line.move_id
              JOIN res_partner p ON p.id = line.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
             WHERE %(open_items)s
             GROUP BY line.company_id, p.commercial_partner_id
            """,
            b1=self._bucket_sql(1, 30),
            b31=self._bucket_sql(31, 60),
            b61=self._bucket_sql(61, 90),
            b91=self._bucket_sql(91),
            open_items=self.env["res.partner"]._credit_open_items_condition(),
        )

    @api.model
    def _get_partner_buckets(self, partners, company):
        """{partner id: {bucket: amount}} for the partner form, in one query."""
        if not partners.ids:
            return {}
        columns = ["not_due", "aged_1_30", "aged_31_60", "aged_61_90", "aged_over_90", "disputed", "total"]
        rows = self._read_group(
            [("partner_id", "in", partners.ids), ("company_id", "=", company.id)],
            ["partner_id"],
            [f"{column}:sum" for column in columns],
        )
        return {partner.id: dict(zip(AGED_BUCKETS, amounts, strict=True)) for partner, *amounts in rows}

    def action_export_xlsx(self):
        """The selected lines (all of them when none is selected) as an XLSX file."""
        lines = self or self.search([])
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(_("Aged Balance"))
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
        columns = ["not_due", "aged_1_30", "aged_31_60", "aged_61_90", "aged_over_90", "disputed", "total"]
        headers = [_("Customer"), _("Company")] + [self._fields[c].get_description(self.env)["string"] for c in columns]
        sheet.write_row(0, 0, headers, bold)
        sheet.set_column(0, 1, 30)
        for row, line in enumerate(lines, start=1):
            sheet.write(row, 0, line.partner_id.display_name)
            sheet.write(row, 1, line.company_id.name)
            for col, column in enumerate(columns, start=2):
                sheet.write_number(row, col, line[column], money)
        total_row = len(lines) + 1
        sheet.write(total_row, 0, _("Total"), bold)
        for col, column in enumerate(columns, start=2):
            sheet.write_number(total_row, col, sum(lines.mapped(column)), money)
        workbook.close()
        attachment = self.env["ir.attachment"].create(
            {
                "name": _("Aged Balance %(date)s.xlsx", date=fields.Date.context_today(self)),
                "datas": base64.b64encode(output.getvalue()),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}
