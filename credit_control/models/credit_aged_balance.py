import base64
import io

import xlsxwriter

from odoo import _, api, fields, models
from odoo.tools import SQL, format_date

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
            "balance",
            "company_id",
            "date",
            "date_maturity",
            "move_id",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "account.move": ["in_dispute"],
        "account.partial.reconcile": ["amount", "debit_move_id", "credit_move_id", "max_date"],
        "res.partner": ["commercial_partner_id", "user_id"],
    }

    def _aged_date(self):
        """The date the balance is computed at: today, or the past date chosen (context)."""
        as_of = self.env.context.get("credit_aged_date")
        return fields.Date.to_date(as_of) if as_of else None

    def _reference_date_sql(self):
        as_of = self._aged_date()
        return SQL("%s::date", as_of) if as_of else SQL("CURRENT_DATE")

    def _bucket_sql(self, low, high=None):
        """Residual of undisputed items late by ``low`` to ``high`` days."""
        late = SQL("%s - COALESCE(line.date_maturity, line.date)", self._reference_date_sql())
        upper = SQL("AND %s <= %s", late, high) if high is not None else SQL()
        return SQL(
            "SUM(CASE WHEN NOT COALESCE(m.in_dispute, FALSE) AND %s >= %s %s THEN line.amount_residual ELSE 0 END)",
            late,
            low,
            upper,
        )

    def _open_items_sql(self):
        """The receivable items open at the reference date, with their residual then. Today:
        the items the credit check counts (one rule, on the partner). At a past date, as
        Odoo's aged receivable: the items dated up to then, less the reconciliations dated
        up to then."""
        as_of = self._aged_date()
        if not as_of:
            return SQL(
                """SELECT line.id, line.company_id, line.partner_id, line.move_id, line.date,
                          line.date_maturity, line.amount_residual
                     FROM account_move_line line
                    WHERE %s""",
                self.env["res.partner"]._credit_open_items_condition(),
            )
        receivable_accounts = self.env["account.account"].sudo().search([("account_type", "=", "asset_receivable")])
        return SQL(
            """SELECT line.id, line.company_id, line.partner_id, line.move_id, line.date, line.date_maturity,
                      line.balance
                      - COALESCE((SELECT SUM(part.amount) FROM account_partial_reconcile part
                                   WHERE part.debit_move_id = line.id AND part.max_date <= %(as_of)s), 0)
                      + COALESCE((SELECT SUM(part.amount) FROM account_partial_reconcile part
                                   WHERE part.credit_move_id = line.id AND part.max_date <= %(as_of)s), 0)
                      AS amount_residual
                 FROM account_move_line line
                WHERE line.account_id IN %(accounts)s
                  AND line.parent_state = 'posted'
                  AND line.date <= %(as_of)s""",
            as_of=as_of,
            accounts=tuple(receivable_accounts.ids) or (0,),
        )

    @property
    def _table_query(self):
        return SQL(
            """
            SELECT MIN(line.id) AS id, line.company_id, p.commercial_partner_id AS partner_id,
                   MAX(cp.user_id) AS salesperson_id,
                   SUM(CASE WHEN NOT COALESCE(m.in_dispute, FALSE)
                             AND COALESCE(line.date_maturity, line.date) >= %(today)s
                            THEN line.amount_residual ELSE 0 END) AS not_due,
                   %(b1)s AS aged_1_30, %(b31)s AS aged_31_60, %(b61)s AS aged_61_90, %(b91)s AS aged_over_90,
                   SUM(CASE WHEN COALESCE(m.in_dispute, FALSE) THEN line.amount_residual ELSE 0 END) AS disputed,
                   SUM(line.amount_residual) AS total
              FROM (%(items)s) line
              JOIN account_move m ON m.id = line.move_id
              JOIN res_partner p ON p.id = line.partner_id
              JOIN res_partner cp ON cp.id = p.commercial_partner_id
             WHERE line.amount_residual != 0
             GROUP BY line.company_id, p.commercial_partner_id
            """,
            today=self._reference_date_sql(),
            b1=self._bucket_sql(1, 30),
            b31=self._bucket_sql(31, 60),
            b61=self._bucket_sql(61, 90),
            b91=self._bucket_sql(91),
            items=self._open_items_sql(),
        )

    def action_open_invoices(self):
        """The invoices, credit notes and payments behind the row, open at its date."""
        self.ensure_one()
        self.env["account.move.line"].flush_model()
        self.env["account.partial.reconcile"].flush_model()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT DISTINCT line.move_id
                  FROM (%(items)s) line
                  JOIN res_partner p ON p.id = line.partner_id
                 WHERE line.amount_residual != 0 AND line.company_id = %(company)s
                   AND p.commercial_partner_id = %(partner)s
                """,
                items=self._open_items_sql(),
                company=self.company_id.id,
                partner=self.partner_id.id,
            )
        )
        as_of = self._aged_date()
        name = _("Open Items of %(customer)s", customer=self.partner_id.display_name)
        if as_of:
            name = _(
                "Open Items of %(customer)s on %(date)s",
                customer=self.partner_id.display_name,
                date=format_date(self.env, as_of),
            )
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": "account.move",
            "views": [(self.env.ref("account.view_invoice_tree").id, "list"), (False, "form")],
            "domain": [("id", "in", [move_id for (move_id,) in rows])],
            "context": {"create": False, "default_move_type": "out_invoice"},
        }

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
        """The selected lines (all of them when none is selected) as an XLSX file. The lines
        are read in one query: read by batches of ids, the view (an aggregate over all the
        open items) ran once per batch of 1,000 customers."""
        columns = ["not_due", "aged_1_30", "aged_31_60", "aged_61_90", "aged_over_90", "disputed", "total"]
        lines = self
        if lines:
            lines.fetch(["partner_id", "company_id", *columns])
        else:
            lines = self.search_fetch([], ["partner_id", "company_id", *columns])
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        sheet = workbook.add_worksheet(_("Aged Balance"))
        bold = workbook.add_format({"bold": True})
        money = workbook.add_format({"num_format": "#,##0.00"})
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
                "name": _("Aged Balance %(date)s.xlsx", date=self._aged_date() or fields.Date.context_today(self)),
                "datas": base64.b64encode(output.getvalue()),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            }
        )
        return {"type": "ir.actions.act_url", "url": f"/web/content/{attachment.id}?download=true", "target": "self"}
