from odoo import fields, models
from odoo.tools import SQL

from .res_partner import credit_order_book_condition


class CreditCockpitExposure(models.Model):
    """Each customer's exposure against its limit in force, largest first: open receivables
    (as the credit check counts them) plus the order book (confirmed orders not yet invoiced,
    taxes included, at today's rate)."""

    _name = "credit.cockpit.exposure"
    _description = "Cash Cockpit: Exposure"
    _auto = False
    _order = "exposure desc, id"
    _rec_name = "partner_id"
    _depends = {
        "account.move.line": [
            "account_id",
            "amount_residual",
            "company_id",
            "parent_state",
            "partner_id",
            "reconciled",
        ],
        "sale.order": ["company_id", "state", "partner_invoice_id", "currency_id", "credit_amount_to_invoice"],
        "res.partner": [
            "commercial_partner_id",
            "credit_limit",
            "credit_limit_temporary",
            "credit_limit_temporary_until",
        ],
    }

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    receivable = fields.Monetary(string="Open Receivables", readonly=True)
    overdue = fields.Monetary(readonly=True)
    order_book = fields.Monetary(readonly=True)
    exposure = fields.Monetary(readonly=True)
    credit_limit = fields.Monetary(string="Limit in Force", readonly=True, help="0: no limit.")
    usage = fields.Float(string="Limit Used (%)", digits=(16, 1), readonly=True, aggregator="max")
    over_limit = fields.Boolean(readonly=True)

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        limit_field = self.env["ir.model.fields"]._get("res.partner", "credit_limit")
        return SQL(
            """
            WITH rec AS (
                SELECT line.company_id, p.commercial_partner_id AS partner_id, SUM(line.amount_residual) AS receivable,
                       SUM(line.amount_residual) FILTER (WHERE COALESCE(line.date_maturity, line.date) < %(today)s)
                           AS overdue
                  FROM account_move_line line
                  JOIN res_partner p ON p.id = line.partner_id
                 WHERE %(open_items)s
              GROUP BY 1, 2
            ), book AS (
                SELECT sale.company_id, p.commercial_partner_id AS partner_id,
                       SUM(sale.credit_amount_to_invoice * COALESCE(to_rate.rate, 1.0) / COALESCE(from_rate.rate, 1.0))
                           AS order_book
                  FROM sale_order sale
                  JOIN res_partner p ON p.id = sale.partner_invoice_id
                  JOIN res_company company ON company.id = sale.company_id
                  LEFT JOIN LATERAL (%(from_rate)s) from_rate ON TRUE
                  LEFT JOIN LATERAL (%(to_rate)s) to_rate ON TRUE
                 WHERE %(order_book)s
              GROUP BY 1, 2
            ), exposure AS (
                SELECT COALESCE(rec.company_id, book.company_id) AS company_id,
                       COALESCE(rec.partner_id, book.partner_id) AS partner_id,
                       COALESCE(rec.receivable, 0) AS receivable, COALESCE(rec.overdue, 0) AS overdue,
                       COALESCE(book.order_book, 0) AS order_book,
                       COALESCE(rec.receivable, 0) + COALESCE(book.order_book, 0) AS exposure
                  FROM rec FULL JOIN book ON book.company_id = rec.company_id AND book.partner_id = rec.partner_id
            ), limits AS (
                SELECT exposure.*,
                       CASE WHEN (partner.credit_limit_temporary_until ->> exposure.company_id::text)::date >= %(today)s
                            THEN COALESCE((partner.credit_limit_temporary ->> exposure.company_id::text)::numeric, 0)
                            ELSE COALESCE((partner.credit_limit ->> exposure.company_id::text)::numeric,
                                          (SELECT d.json_value::numeric FROM ir_default d
                                            WHERE d.field_id = %(limit_field)s AND d.user_id IS NULL
                                              AND d.condition IS NULL
                                              AND (d.company_id = exposure.company_id OR d.company_id IS NULL)
                                         ORDER BY d.company_id NULLS LAST LIMIT 1), 0)
                       END AS credit_limit
                  FROM exposure
                  JOIN res_partner partner ON partner.id = exposure.partner_id
            )
            SELECT ROW_NUMBER() OVER (ORDER BY company_id, partner_id) AS id, limits.*,
                   CASE WHEN credit_limit > 0 THEN 100.0 * exposure / credit_limit ELSE 0 END AS usage,
                   credit_limit > 0 AND exposure > credit_limit AS over_limit
              FROM limits
             WHERE exposure <> 0
            """,
            today=today,
            open_items=self.env["res.partner"]._credit_open_items_condition(),
            order_book=credit_order_book_condition("sale"),
            from_rate=self._rate_sql(SQL("sale.currency_id"), today),
            to_rate=self._rate_sql(SQL("company.currency_id"), today),
            limit_field=limit_field.id,
        )

    def _rate_sql(self, currency, today):
        """Today's rate of ``currency`` in the order's company, as res.currency._get_rates reads it."""
        return SQL(
            """SELECT rate.rate FROM res_currency_rate rate
                WHERE rate.currency_id = %(currency)s AND rate.name <= %(today)s
                  AND (rate.company_id = sale.company_id OR rate.company_id IS NULL)
             ORDER BY rate.company_id NULLS LAST, rate.name DESC LIMIT 1""",
            currency=currency,
            today=today,
        )

    def action_open_partner(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "res.partner",
            "res_id": self.partner_id.id,
            "views": [(False, "form")],
            "context": {"allowed_company_ids": self.company_id.ids},
        }
