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
        disputes = SQL(
            """SELECT COUNT(*) FROM dispute_dispute dispute
                WHERE dispute.partner_id = behaviour.partner_id
                  AND dispute.company_id = behaviour.company_id
                  AND dispute.date_open > %s""",
            today - relativedelta(months=12),
        )
        per_invoice = SQL("(%s)::numeric / NULLIF(behaviour.invoiced_count, 0)", disputes)
        # One table, no self-join: in the run that first fills the table, its statistics are
        # those of an empty one, and a join on it loops over every row for each row. Only the
        # rows whose figures change.
        self.env.cr.execute(
            SQL(
                """
                UPDATE credit_payment_behaviour behaviour
                   SET dispute_count = (%(disputes)s), disputes_per_invoice = %(per_invoice)s
                 WHERE behaviour.company_id IN %(companies)s AND %(scope)s
                   AND (behaviour.dispute_count IS DISTINCT FROM (%(disputes)s)
                        OR behaviour.disputes_per_invoice IS DISTINCT FROM %(per_invoice)s)
                """,
                disputes=disputes,
                per_invoice=per_invoice,
                companies=company_ids,
                scope=scope("behaviour", "partner_id"),
            )
        )
        return result
