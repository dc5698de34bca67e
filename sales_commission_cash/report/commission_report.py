from odoo import fields, models
from odoo.tools import SQL


class CommissionReport(models.Model):
    """Booked, invoiced, collected, earned and waiting amounts by salesperson, customer and
    date, in company currency and untaxed: one row per confirmed order, per invoice and
    salesperson, and per commission line."""

    _name = "commission.report"
    _description = "Commission Report"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "date"
    _depends = {
        "sale.order": ["company_id", "user_id", "partner_id", "state", "date_order", "amount_untaxed", "currency_rate"],
        "account.move": [
            "company_id",
            "invoice_user_id",
            "commercial_partner_id",
            "state",
            "move_type",
            "invoice_date",
            "invoice_date_due",
            "amount_untaxed_signed",
            "amount_total_signed",
            "amount_residual_signed",
        ],
        "commission.split": ["move_id", "user_id", "share"],
        "commission.plan": ["company_id", "rate", "active", "sequence", "user_ids", "team_ids"],
        "commission.line": ["company_id", "user_id", "partner_id", "move_id", "date", "collected", "amount"],
    }

    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    move_id = fields.Many2one("account.move", string="Invoice", readonly=True)
    order_id = fields.Many2one("sale.order", string="Sales Order", readonly=True)
    date = fields.Date(readonly=True, help="Order date, invoice date or payment date.")
    date_due = fields.Date(string="Due Date", readonly=True)
    booked_amount = fields.Monetary(string="Booked Sales", currency_field="currency_id", readonly=True)
    invoiced_amount = fields.Monetary(string="Invoiced", currency_field="currency_id", readonly=True)
    collected_amount = fields.Monetary(string="Collected", currency_field="currency_id", readonly=True)
    commission_amount = fields.Monetary(string="Commission Earned", currency_field="currency_id", readonly=True)
    waiting_amount = fields.Monetary(
        string="Waiting for Collection",
        currency_field="currency_id",
        readonly=True,
        help="Untaxed amount invoiced and not paid yet.",
    )
    waiting_commission = fields.Monetary(
        string="Commission Waiting",
        currency_field="currency_id",
        readonly=True,
        help="Commission the salesperson earns when the customer pays the rest, at the plan's rate "
        "(before tiers and timing bonus or reduction).",
    )

    @property
    def _table_query(self):
        zero = SQL("0::numeric")
        return SQL(
            """
            SELECT report.*, company.currency_id FROM (
            SELECT o.id * 4 + 2 AS id, o.company_id, o.user_id, p.commercial_partner_id AS partner_id,
                   NULL::int AS move_id, o.id AS order_id, o.date_order::date AS date, NULL::date AS date_due,
                   o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1.0) AS booked_amount,
                   %(zero)s AS invoiced_amount, %(zero)s AS collected_amount, %(zero)s AS commission_amount,
                   %(zero)s AS waiting_amount, %(zero)s AS waiting_commission
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
             WHERE o.state = 'sale'
            UNION ALL
            SELECT COALESCE(sh.split_id * 4 + 3, m.id * 4 + 1), m.company_id, sh.user_id, m.commercial_partner_id,
                   m.id, NULL, m.invoice_date, m.invoice_date_due,
                   %(zero)s, m.amount_untaxed_signed * sh.share, %(zero)s, %(zero)s,
                   waiting.amount, waiting.amount * COALESCE(plan.rate, 0) / 100.0
              FROM account_move m
              JOIN (%(shares)s) sh ON sh.move_id = m.id
              CROSS JOIN LATERAL (
                   SELECT CASE WHEN m.amount_total_signed = 0 THEN 0
                               ELSE m.amount_residual_signed * sh.share
                                    * m.amount_untaxed_signed / m.amount_total_signed
                          END AS amount
              ) waiting
              LEFT JOIN (%(plans)s) seller_plan
                     ON m.amount_residual_signed <> 0
                    AND seller_plan.company_id = m.company_id AND seller_plan.user_id = sh.user_id
              LEFT JOIN commission_plan plan ON plan.id = seller_plan.plan_id
             WHERE %(invoices)s AND sh.user_id IS NOT NULL
            UNION ALL
            SELECT l.id * 4, l.company_id, l.user_id, l.partner_id, l.move_id, NULL, l.date, NULL,
                   %(zero)s, %(zero)s, l.collected, l.amount, %(zero)s, %(zero)s
              FROM commission_line l
            ) report
            JOIN res_company company ON company.id = report.company_id
            """,
            zero=zero,
            shares=self.env["commission.split"]._shares_sql(self._invoices_condition()),
            # The plan of every salesperson in every company, by joins: a subquery per invoice,
            # costed on the plan tables that autovacuum never analyses (a few rows), made each of
            # the export's queries JIT-compiled (seconds, varying with the load).
            plans=self.env["commission.plan"]._plans_sql(
                SQL("SELECT company.id AS company_id, u.id AS user_id FROM res_company company CROSS JOIN res_users u")
            ),
            invoices=self._invoices_condition(),
        )

    def _invoices_condition(self):
        """The invoices of the report; only those of the period when the context gives one
        (``commission_report_period``: the export's dates), so that the salespeople's shares
        are read for these invoices only (a filter on the report's date reaches the
        invoices, not the subquery of the shares)."""
        condition = SQL("m.state = 'posted' AND m.move_type IN ('out_invoice', 'out_refund')")
        period = self.env.context.get("commission_report_period")
        if period:
            date_from, date_to = period
            condition = SQL("%s AND m.invoice_date BETWEEN %s AND %s", condition, date_from, date_to)
        return condition
