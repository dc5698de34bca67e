from datetime import timedelta

from odoo import api, fields, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

from .credit_cockpit import TREND_MONTHS, CreditCockpit


class CreditCockpitOverdueMonth(models.Model):
    """Overdue share at the end of each of the last months (today for the current one):
    what was overdue then over what was open then, each item at its residual of that day
    (its amount less the reconciliations dated up to that day)."""

    _name = "credit.cockpit.overdue.month"
    _description = "Cash Cockpit: Overdue Share by Month"
    _auto = False
    _order = "company_id, month"
    _rec_name = "month"
    _depends = CreditCockpit._depends

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(readonly=True)
    date = fields.Date(string="As of", readonly=True)
    receivable = fields.Monetary(string="Open Receivables", readonly=True)
    overdue = fields.Monetary(readonly=True)
    overdue_share = fields.Float(string="Overdue (%)", digits=(16, 1), readonly=True, aggregator="avg")

    @api.model
    def _read_group_select(self, aggregate_spec, query):
        """Grouped (several companies, or months), the share is that of the summed amounts,
        not the average of the shares."""
        if aggregate_spec != "__count" and parse_read_group_spec(aggregate_spec)[0] == "overdue_share":
            return SQL(
                "COALESCE(100.0 * SUM(%s) / NULLIF(SUM(%s), 0), 0)",
                self._field_to_sql(self._table, "overdue", query),
                self._field_to_sql(self._table, "receivable", query),
            )
        return super()._read_group_select(aggregate_spec, query)

    @property
    def _table_query(self):
        today = fields.Date.context_today(self)
        first_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        for _i in range(TREND_MONTHS - 2):
            first_month = (first_month - timedelta(days=1)).replace(day=1)
        receivable = self.env["account.account"].sudo().search([("account_type", "=", "asset_receivable")])
        # The open receivables of a day are the balance of the items dated up to it (the
        # reconciliations net out); its overdue part, that of the items due before it, less the
        # reconciliations dated up to it on their debit side, plus those on their credit side.
        return SQL(
            """
            WITH months AS (
                SELECT month::date AS month,
                       LEAST((month + INTERVAL '1 month' - INTERVAL '1 day')::date, %(today)s::date) AS day
                  FROM generate_series(0, %(last)s) g
                  CROSS JOIN LATERAL (SELECT %(first)s::date + g * INTERVAL '1 month' AS month) m
            ), items AS (
                SELECT line.id, line.company_id, line.balance, line.date,
                       COALESCE(line.date_maturity, line.date) AS due
                  FROM account_move_line line
                 WHERE line.account_id IN %(accounts)s AND line.parent_state = 'posted' AND line.date <= %(today)s
            ), totals AS (
                SELECT months.month, items.company_id, SUM(items.balance) AS receivable,
                       SUM(items.balance) FILTER (WHERE items.due < months.day) AS overdue
                  FROM months JOIN items ON items.date <= months.day
              GROUP BY 1, 2
            ), settled AS (
                SELECT months.month, debit.company_id,
                       SUM(part.amount) FILTER (WHERE debit.due < months.day)
                       - COALESCE(SUM(part.amount) FILTER (WHERE credit.due < months.day), 0) AS overdue
                  FROM months
                  JOIN account_partial_reconcile part ON part.max_date <= months.day
                  JOIN items debit ON debit.id = part.debit_move_id
                  JOIN items credit ON credit.id = part.credit_move_id
              GROUP BY 1, 2
            ), figures AS (
                SELECT company.id AS company_id, months.month, months.day,
                       COALESCE(totals.receivable, 0) AS receivable,
                       COALESCE(totals.overdue, 0) - COALESCE(settled.overdue, 0) AS overdue
                  FROM months
            CROSS JOIN res_company company
             LEFT JOIN totals ON totals.month = months.month AND totals.company_id = company.id
             LEFT JOIN settled ON settled.month = months.month AND settled.company_id = company.id
            )
            SELECT ROW_NUMBER() OVER (ORDER BY company_id, month) AS id, company_id, month, day AS date,
                   receivable, overdue,
                   CASE WHEN receivable > 0 THEN 100.0 * overdue / receivable ELSE 0 END AS overdue_share
              FROM figures
            """,
            today=today,
            first=first_month,
            last=TREND_MONTHS - 1,  # an integer series, that the planner counts right
            accounts=tuple(receivable.ids) or (0,),
        )
