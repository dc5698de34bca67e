from odoo import SUPERUSER_ID, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL


class CommissionSplit(models.Model):
    _name = "commission.split"
    _description = "Commission Split"
    _order = "move_id, share desc, id"

    move_id = fields.Many2one("account.move", string="Invoice", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="move_id.company_id", store=True)
    user_id = fields.Many2one("res.users", string="Salesperson", required=True)
    share = fields.Float(string="Share (%)", required=True, digits=(16, 2), default=100.0)

    _sql_constraints = [
        ("user_unique", "UNIQUE(move_id, user_id)", "A salesperson appears only once in an invoice's split."),
    ]

    @api.depends("user_id", "share")
    def _compute_display_name(self):
        for split in self:
            split.display_name = f"{split.user_id.name} {split.share:g} %"

    @api.constrains("share")
    def _check_share(self):
        if any(not 0.0 < split.share <= 100.0 for split in self):
            raise ValidationError(self.env._("A salesperson's share must be more than 0 and at most 100 %."))

    @api.constrains("share", "move_id")
    def _check_invoice_total(self):
        """The shares of all the invoice's split lines total 100 %, however they are
        written (split wizard, import, direct create or write)."""
        self.move_id._check_commission_split_total()

    def unlink(self):
        moves = self.move_id
        result = super().unlink()
        moves.exists()._check_commission_split_total()
        return result

    @api.model
    def _shares_sql(self, moves_condition):
        """Rows (move_id, user_id, share, split_id) of the invoices matching `moves_condition` (on
        alias m): the split when there is one, else the invoice's salesperson, else the
        salesperson of its sales order, for the whole amount; OdooBot, the system user
        that owns documents made by scripts, is nobody's salesperson. The commission lines and
        the report both take the salespeople from here. The sales order's salesperson is read
        in a branch of its own, for the invoices without one: PostgreSQL costs a subquery for
        every row it could run on, and that cost made it JIT-compile the report's queries."""
        return SQL(
            """
            SELECT s.move_id, s.user_id, s.share / 100.0 AS share, s.id AS split_id
              FROM commission_split s
              JOIN account_move m ON m.id = s.move_id
             WHERE %(condition)s
            UNION ALL
            SELECT m.id, NULLIF(m.invoice_user_id, %(odoobot)s), 1.0, NULL
              FROM account_move m
             WHERE %(condition)s AND m.invoice_user_id IS NOT NULL
               AND NOT EXISTS (SELECT 1 FROM commission_split s WHERE s.move_id = m.id)
            UNION ALL
            SELECT m.id, NULLIF((
                       SELECT o.user_id
                         FROM account_move_line l
                         JOIN sale_order_line_invoice_rel r ON r.invoice_line_id = l.id
                         JOIN sale_order_line sol ON sol.id = r.order_line_id
                         JOIN sale_order o ON o.id = sol.order_id
                        WHERE l.move_id = m.id AND o.user_id IS NOT NULL
                        ORDER BY o.id
                        LIMIT 1), %(odoobot)s), 1.0, NULL
              FROM account_move m
             WHERE %(condition)s AND m.invoice_user_id IS NULL
               AND NOT EXISTS (SELECT 1 FROM commission_split s WHERE s.move_id = m.id)
            """,
            condition=moves_condition,
            odoobot=SUPERUSER_ID,
        )

    @api.model
    def _shares_of(self, moves):
        """{move_id: [(user_id, share)]} in one query."""
        if not moves:
            return {}
        self.env.flush_all()
        shares = {}
        rows = self.env.execute_query(self._shares_sql(SQL("m.id = ANY(%s)", list(moves.ids))))
        for move_id, user_id, share, _split_id in rows:
            if user_id:
                shares.setdefault(move_id, []).append((user_id, float(share)))
        return shares
