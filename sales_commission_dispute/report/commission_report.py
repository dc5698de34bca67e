from odoo import fields, models
from odoo.tools import SQL


class CommissionReport(models.Model):
    """The settlements' reductions, with their reasons, come off the commission earned."""

    _inherit = "commission.report"
    _depends = {
        "commission.reduction": ["settlement_id", "company_id", "user_id", "date", "move_id", "order_id", "amount"]
    }

    reduction_amount = fields.Monetary(string="Reductions", currency_field="currency_id", readonly=True)
    reduction_id = fields.Many2one("commission.reduction", readonly=True)

    @property
    def _table_query(self):
        # Columns by name, so that the report's own rows keep whatever columns it has.
        columns = [
            name
            for name, field in self._fields.items()
            if field.store and field.column_type and name not in ("reduction_amount", "reduction_id")
        ]
        reduction_values = {
            "id": SQL("-r.id"),
            "company_id": SQL("r.company_id"),
            "currency_id": SQL("c.currency_id"),
            "user_id": SQL("r.user_id"),
            "partner_id": SQL("COALESCE(m.commercial_partner_id, sp.commercial_partner_id)"),
            "move_id": SQL("r.move_id"),
            "order_id": SQL("r.order_id"),
            "date": SQL("r.date"),
            "commission_amount": SQL("r.amount"),
        }
        return SQL(
            """
            SELECT %(base_columns)s, 0::numeric AS reduction_amount, NULL::int AS reduction_id
              FROM (%(base)s) base
            UNION ALL
            SELECT %(reduction_columns)s, r.amount, r.id
              FROM commission_reduction r
              JOIN res_company c ON c.id = r.company_id
              LEFT JOIN account_move m ON m.id = r.move_id
              LEFT JOIN sale_order so ON so.id = r.order_id
              LEFT JOIN res_partner sp ON sp.id = so.partner_id
            """,
            base=super()._table_query,
            base_columns=SQL(", ").join(SQL("base.%s", SQL.identifier(name)) for name in columns),
            reduction_columns=SQL(", ").join(
                SQL("%s AS %s", reduction_values.get(name, SQL("NULL")), SQL.identifier(name)) for name in columns
            ),
        )
