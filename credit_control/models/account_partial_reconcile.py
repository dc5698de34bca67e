from odoo import api, models
from odoo.tools import SQL

# Where the lines whose customers' payment behaviour is to be recomputed wait for the commit.
BEHAVIOUR_LINES_KEY = "credit_payment_behaviour_line_ids"


class AccountPartialReconcile(models.Model):
    _inherit = "account.partial.reconcile"

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._credit_behaviour_to_recompute()
        return partials

    def unlink(self):
        self._credit_behaviour_to_recompute()
        return super().unlink()

    def _credit_behaviour_to_recompute(self):
        """The customers whose invoices these partials pay (or unpay) get their payment behaviour
        recomputed once, for all of them, before the commit: no query here (the debit lines are
        in the cache), a constant number then."""
        precommit = self.env.cr.precommit
        if BEHAVIOUR_LINES_KEY not in precommit.data:
            precommit.data[BEHAVIOUR_LINES_KEY] = set()
            precommit.add(self._credit_recompute_behaviour)
        precommit.data[BEHAVIOUR_LINES_KEY].update(self.debit_move_id.ids)

    @api.model
    def _credit_recompute_behaviour(self):
        line_ids = self.env.cr.precommit.data.pop(BEHAVIOUR_LINES_KEY, set())
        if not line_ids:
            return
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT DISTINCT move.commercial_partner_id, move.company_id
                     FROM account_move_line line
                     JOIN account_move move ON move.id = line.move_id
                    WHERE line.id IN %s AND move.move_type = 'out_invoice'
                      AND move.commercial_partner_id IS NOT NULL""",
                tuple(line_ids),
            )
        )
        pairs = self.env.cr.fetchall()
        if not pairs:
            return
        behaviour = self.env["credit.payment.behaviour"].sudo()
        behaviour._compute_payment_behaviour(
            self.env["res.company"].browse({company_id for _partner, company_id in pairs}),
            self.env["res.partner"].browse({partner_id for partner_id, _company in pairs}),
        )
        self.env.flush_all()
