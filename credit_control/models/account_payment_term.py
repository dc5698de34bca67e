from odoo import models


class AccountPaymentTerm(models.Model):
    _inherit = "account.payment.term"

    def _is_immediate(self):
        """True when the whole amount is due on the invoice date: the only terms a customer
        on cash in advance may buy with."""
        self.ensure_one()
        return all(line.nb_days == 0 and line.delay_type == "days_after" for line in self.line_ids)
