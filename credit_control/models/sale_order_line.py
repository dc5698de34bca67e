from odoo import api, models
from odoo.tools import SQL


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

    def init(self):
        """Covering index of the order lines the credit check sums for the order book."""
        result = super().init()
        self.env.cr.execute(
            SQL(
                """
                CREATE INDEX IF NOT EXISTS sale_order_line_credit_order_book_idx
                    ON sale_order_line (order_id) INCLUDE (price_total, product_uom_qty, qty_invoiced)
                 WHERE display_type IS NULL AND product_uom_qty > 0
                """
            )
        )
        return result

    @api.model_create_multi
    def create(self, vals_list):
        lines = super().create(vals_list)
        lines.order_id._credit_recheck_grown_orders()
        return lines

    def write(self, vals):
        result = super().write(vals)
        if {"product_uom_qty", "price_unit", "discount", "tax_id"}.intersection(vals):
            self.order_id._credit_recheck_grown_orders()
        return result
