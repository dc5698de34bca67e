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

    def _update_extra_figures(self, company_ids, today, scope):
        result = super()._update_extra_figures(company_ids, today, scope)
        self.env.cr.execute(
            SQL(
                # One table, no self-join: in the run that first fills the table, its statistics
                # are those of an empty one, and a join on it loops over every row for each row.
                """
                UPDATE credit_payment_behaviour behaviour
                   SET (dispute_count, disputes_per_invoice) = (
                       SELECT COUNT(*), COUNT(*)::numeric / NULLIF(behaviour.invoiced_count, 0)
                         FROM dispute_dispute dispute
                        WHERE dispute.partner_id = behaviour.partner_id
                          AND dispute.company_id = behaviour.company_id
                          AND dispute.date_open > %(since)s
                   )
                 WHERE behaviour.company_id IN %(companies)s AND %(scope)s
                """,
                companies=company_ids,
                scope=scope("behaviour", "partner_id"),
                since=today - relativedelta(months=12),
            )
        )
        return result
