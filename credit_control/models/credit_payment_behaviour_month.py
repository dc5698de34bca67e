from odoo import api, fields, models
from odoo.tools import SQL, format_date


class CreditPaymentBehaviourMonth(models.Model):
    """The payment behaviour's figures month by month over the last 12 months (the month of
    payment), read live from the reconciled invoices: the chart of the customer's credit tab."""

    _name = "credit.payment.behaviour.month"
    _description = "Payment Behaviour by Month"
    _auto = False
    _order = "month desc, partner_id"
    _rec_name = "month"

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(readonly=True, help="The month the invoices were paid in.")
    invoice_count = fields.Integer(string="Paid Invoices", readonly=True)
    amount_paid = fields.Monetary(readonly=True)
    terms = fields.Float(string="Terms (Days)", digits=(16, 1), readonly=True, aggregator="avg")
    days_late = fields.Float(
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Average days between due date and payment of the month's payments, weighted by amount.",
    )
    payment_index = fields.Float(
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Average days from invoice to payment of the month's payments, weighted by amount.",
    )
    late_share = fields.Float(string="Paid Late %", digits=(16, 1), readonly=True, aggregator="avg")

    @property
    def _table_query(self):
        behaviour = self.env["credit.payment.behaviour"]
        paid = behaviour._get_paid_lines_query(
            SQL("TRUE"), SQL("date_trunc('month', CURRENT_DATE) - interval '11 months'")
        )
        return SQL(
            """
            SELECT ROW_NUMBER() OVER (ORDER BY paid.partner_id, paid.company_id, 3) AS id,
                   paid.partner_id, paid.company_id, date_trunc('month', paid.paid_on)::date AS month,
                   COUNT(*) AS invoice_count, SUM(paid.amount) AS amount_paid,
                   %(terms)s AS terms, %(late)s AS days_late, %(index)s AS payment_index,
                   100.0 * COALESCE(SUM(paid.amount) FILTER (WHERE paid.late > 0), 0)
                         / NULLIF(SUM(paid.amount), 0) AS late_share
              FROM (%(paid)s) paid
             GROUP BY paid.partner_id, paid.company_id, date_trunc('month', paid.paid_on)
            """,
            paid=paid,
            terms=behaviour._weighted("paid.terms", SQL("TRUE")),
            late=behaviour._weighted("paid.late", SQL("TRUE")),
            index=behaviour._weighted("paid.terms + paid.late", SQL("TRUE")),
        )

    @api.model
    def _get_chart_values(self, partners):
        """{commercial partner id: the dashboard_graph widget's bars of days late, the last 12
        months}, for all ``partners`` with one query."""
        today = fields.Date.context_today(self)
        months = [fields.Date.start_of(fields.Date.subtract(today, months=n), "month") for n in range(11, -1, -1)]
        rows = self.search_fetch(
            [("partner_id", "in", partners.ids), ("company_id", "=", self.env.company.id)],
            ["partner_id", "month", "days_late"],
        )
        late = {(row.partner_id.id, row.month): row.days_late for row in rows}
        labels = [format_date(self.env, month, date_format="MMM yy") for month in months]
        result = {}
        for partner in partners:
            values = []
            for month, label in zip(months, labels, strict=True):
                days = late.get((partner.id, month))
                values.append(
                    {
                        "label": label,
                        "value": round(days, 1) if days is not None else 0.0,
                        # The widget's colours: late months, months on time, months without payment.
                        "type": "none" if days is None else ("past" if days > 0 else "future"),
                    }
                )
            result[partner.id] = values
        return result
