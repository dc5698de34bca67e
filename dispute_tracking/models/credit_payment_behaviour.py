from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL


class CreditPaymentBehaviour(models.Model):
    _inherit = "credit.payment.behaviour"

    dispute_count = fields.Integer(
        string="Disputes (12 Months)", readonly=True, help="Disputes opened over the last 12 months."
    )
    disputes_per_invoice = fields.Float(
        digits=(16, 2),
        readonly=True,
        help="Disputes opened over the last 12 months per invoice of the last 12 months.",
    )

    def _update_extra_figures(self, company_ids, today):
        result = super()._update_extra_figures(company_ids, today)
        self.env.cr.execute(
            SQL(
                """
                UPDATE credit_payment_behaviour behaviour
                   SET dispute_count = COALESCE(disputes.total, 0),
                       disputes_per_invoice = COALESCE(disputes.total, 0)::numeric / NULLIF(behaviour.invoiced_count, 0)
                  FROM credit_payment_behaviour row
                  LEFT JOIN (
                    SELECT dispute.partner_id, dispute.company_id, COUNT(*) AS total
                      FROM dispute_dispute dispute
                     WHERE dispute.company_id IN %(companies)s
                       AND dispute.date_open > %(since)s
                     GROUP BY dispute.partner_id, dispute.company_id
                  ) disputes ON disputes.partner_id = row.partner_id AND disputes.company_id = row.company_id
                 WHERE row.id = behaviour.id AND behaviour.company_id IN %(companies)s
                """,
                companies=company_ids,
                since=today - relativedelta(months=12),
            )
        )
        return result
