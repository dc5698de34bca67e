from odoo import api, models


class SaleOrderLine(models.Model):
    _inherit = "sale.order.line"

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

    def _credit_posted_invoiced_total(self):
        """What posted invoices billed of this line, taxes included, credit notes deducted,
        in the order's currency."""
        self.ensure_one()
        total = 0.0
        for invoice_line in self._get_invoice_lines():
            move = invoice_line.move_id
            if move.state == "posted" or move.payment_state == "invoicing_legacy":
                amount = invoice_line.currency_id._convert(
                    invoice_line.price_total, self.currency_id, self.company_id, move.invoice_date or move.date
                )
                total += amount * -move.direction_sign
        return total
