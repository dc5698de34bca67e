from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


@tagged("post_install", "-at_install")
class TestLeadTimeDelivery(AccountTestInvoicingCommon):
    """With Inventory, the lead times count the days from confirmation to the last delivery."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day = fields.Date.context_today(cls.env.user) - timedelta(days=30)
        cls.customer = cls.env["res.partner"].create({"name": "Delivered customer", "is_company": True})
        cls.product = cls.env["product.product"].create(
            {"name": "Delivered crate", "type": "consu", "list_price": 50.0, "taxes_id": [Command.clear()]}
        )

    def _confirmed_order(self, quantity):
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "order_line": [Command.create({"product_id": self.product.id, "product_uom_qty": quantity})],
            }
        )
        order.action_confirm()
        order.date_order = fields.Datetime.to_datetime(self.day)
        return order

    def _deliver(self, picking, quantity, days):
        picking.move_ids.quantity = quantity
        picking.move_ids.picked = True
        picking.with_context(skip_backorder=True, cancel_backorder=False).button_validate()
        picking.date_done = fields.Datetime.to_datetime(self.day + timedelta(days=days))

    def _row(self, order):
        self.env["credit.lead.time.report"].invalidate_model()
        return self.env["credit.lead.time.report"].search([("order_id", "=", order.id)])

    def test_days_to_the_last_delivery(self):
        order = self._confirmed_order(10)
        self._deliver(order.picking_ids, 4, days=3)
        self.assertFalse(self._row(order).date_delivered, "a backorder is still to deliver")
        backorder = order.picking_ids.filtered(lambda picking: picking.state not in ("done", "cancel"))
        self.assertEqual(len(backorder), 1)
        self._deliver(backorder, 6, days=7)
        row = self._row(order)
        self.assertEqual(row.date_delivered, self.day + timedelta(days=7))
        self.assertEqual(row.delivery_days_median, 7)
