from odoo import models
from odoo.tools import SQL


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def init(self):
        """Covering index of the open items by partner: the credit check sums a customer's
        open receivables at every confirmation, from the index alone."""
        result = super().init()
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS account_move_line_credit_exposure_idx
                    ON account_move_line (partner_id, account_id)
                    INCLUDE (company_id, date_maturity, amount_residual)
                 WHERE (reconciled IS NULL OR reconciled = false OR reconciled IS NOT true)
                   AND parent_state = 'posted'
                """
            )
        )
        return result
