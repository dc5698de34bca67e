import threading
import time

from psycopg2 import errors

from odoo import SUPERUSER_ID, Command, api
from odoo.exceptions import RedirectWarning, UserError
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestCreditConcurrency(TransactionCase):
    """Two confirmations for the same customer in two real transactions at the same moment:
    together they exceed the limit, so only one may pass."""

    def setUp(self):
        super().setUp()
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            customer = env["res.partner"].create(
                {
                    "name": "Concurrent Customer",
                    "is_company": True,
                    "credit_limit": 1000.0,
                    "credit_policy": "block",
                    "street": "1 rue du Port",
                    "zip": "44000",
                    "city": "Nantes",
                    "country_id": env.ref("base.fr").id,
                }
            )
            # A service: with Inventory installed, a delivery's moves would keep the product from being deleted.
            product = env["product.product"].create(
                {"name": "Concurrent Crate", "type": "service", "taxes_id": [Command.clear()]}
            )
            orders = env["sale.order"].create(
                [
                    {
                        "partner_id": customer.id,
                        "payment_term_id": env.ref("account.account_payment_term_30days").id,
                        "order_line": [Command.create({"product_id": product.id, "price_unit": 600.0})],
                    }
                    for __ in range(2)
                ]
            )
            self.ids = {"customer": customer.id, "product": product.id, "orders": orders.ids}
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            orders = env["sale.order"].browse(self.ids["orders"])
            orders.filtered(lambda o: o.state == "sale").with_context(disable_cancel_warning=True).action_cancel()
            orders.unlink()
            env["product.product"].browse(self.ids["product"]).unlink()
            env["res.partner"].browse(self.ids["customer"]).unlink()

    def test_two_transactions_cannot_both_pass(self):
        order_a, order_b = self.ids["orders"]
        outcome = {}

        def confirm_b():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["sale.order"].browse(order_b).read(["state"])  # the snapshot starts before A commits
                outcome["b_started"] = True
                try:
                    # The server retries on serialization failures: so do we.
                    retrying(lambda: env["sale.order"].browse(order_b).action_confirm(), env)
                    outcome["b"] = "confirmed"
                except (UserError, RedirectWarning) as error:
                    outcome["b"] = str(error)
                    cr.rollback()

        with self.registry.cursor() as cr_a:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_a["sale.order"].browse(order_a).action_confirm()
            thread = threading.Thread(target=confirm_b)
            thread.start()
            deadline = time.time() + 10
            while "b_started" not in outcome and time.time() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)  # B is now waiting for A's lock
            cr_a.commit()
        thread.join(60)
        self.assertFalse(thread.is_alive())
        self.assertIn("credit hold", outcome["b"])
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            states = env["sale.order"].browse(self.ids["orders"]).mapped("state")
        self.assertEqual(states, ["sale", "draft"])

    def test_lock_conflict_is_a_serialization_failure(self):
        """Without the server's retry, the second transaction fails instead of passing."""
        order_a, order_b = self.ids["orders"]
        with self.registry.cursor() as cr_a, self.registry.cursor() as cr_b:
            env_a = api.Environment(cr_a, SUPERUSER_ID, {})
            env_b = api.Environment(cr_b, SUPERUSER_ID, {})
            env_b["sale.order"].browse(order_b).read(["state"])
            env_a["sale.order"].browse(order_a).action_confirm()
            cr_a.commit()
            with self.assertRaises(errors.SerializationFailure):
                env_b["sale.order"].browse(order_b).action_confirm()
            cr_b.rollback()
