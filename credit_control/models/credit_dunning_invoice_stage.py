from odoo import fields, models
from odoo.tools import SQL


class CreditDunningInvoiceStage(models.Model):
    """The dunning stage each invoice last reached, and when. A narrow table of its own:
    the dunning run upserts it for every invoice it moves on, without rewriting (and
    locking) the invoices themselves, whose table has many indexes and which payments
    update at the same time. The invoice shows it as its Dunning Stage fields."""

    _name = "credit.dunning.invoice.stage"
    _description = "Dunning Stage of an Invoice"
    _rec_name = "move_id"
    _order = "move_id"
    # Written by the run in SQL, one row per invoice; who moved it and when is in the
    # dunning actions (the history): no audit columns on 100,000s of rows.
    _log_access = False

    move_id = fields.Many2one("account.move", string="Invoice", required=True, ondelete="cascade")
    company_id = fields.Many2one(related="move_id.company_id")
    stage_id = fields.Many2one("credit.dunning.stage", string="Dunning Stage", required=True, ondelete="cascade")
    stage_date = fields.Date(string="Dunning Stage Reached On", required=True)

    _sql_constraints = [
        ("move_uniq", "unique(move_id)", "An invoice has one dunning stage at a time."),
    ]

    def init(self):
        # Room in each page for the run's updates of a row in place (no index covers them).
        self.env.cr.execute(SQL("ALTER TABLE %s SET (fillfactor = 80)", SQL.identifier(self._table)))
