"""Cross-addon scenario over JSON-RPC, as an integrator's program would call the server:
an order over the limit of a blocking customer is refused, then goes through once finance
has released it."""

import json

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestJsonRpcCreditRelease(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.credit_policy = "block"
        cls.salesman = new_test_user(
            cls.env, "rpc_sam", password="rpc_sam", groups="sales_team.group_sale_salesman", email="s@example.com"
        )
        cls.finance = new_test_user(
            cls.env,
            "rpc_fiona",
            password="rpc_fiona",
            groups="credit_control.group_credit_controller",
            email="f@example.com",
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "RPC Customer",
                "is_company": True,
                "credit_limit": 1000.0,
                "street": "5 rue de la Paix",
                "zip": "75002",
                "city": "Paris",
                "country_id": cls.env.ref("base.fr").id,
            }
        )
        cls.product = cls.env["product.product"].create(
            {"name": "RPC Crate", "taxes_id": [Command.clear()], "list_price": 100.0}
        )
        cls.term = cls.env.ref("account.account_payment_term_30days")

    def _call(self, user, model, method, *args, **kwargs):
        """One JSON-RPC call with the user's login and password; returns (result, error)."""
        payload = {
            "jsonrpc": "2.0",
            "method": "call",
            "params": {
                "service": "object",
                "method": "execute_kw",
                "args": [self.env.cr.dbname, user.id, user.login, model, method, list(args), kwargs],
            },
        }
        response = self.url_open(
            "/jsonrpc", data=json.dumps(payload), headers={"Content-Type": "application/json"}
        ).json()
        return response.get("result"), response.get("error")

    def test_refused_then_released_then_confirmed(self):
        order_id, error = self._call(
            self.salesman,
            "sale.order",
            "create",
            {
                "partner_id": self.customer.id,
                "payment_term_id": self.term.id,
                "order_line": [[0, 0, {"product_id": self.product.id, "price_unit": 1500.0}]],
            },
        )
        self.assertFalse(error)
        __, error = self._call(self.salesman, "sale.order", "action_confirm", [order_id])
        self.assertIn("over its credit limit", error["data"]["message"])
        self.assertEqual(error["data"]["name"], "odoo.addons.credit_control.exceptions.CreditHoldError")
        # No way around it over RPC: neither writing the state nor the release fields.
        __, error = self._call(self.salesman, "sale.order", "write", [order_id], {"state": "sale"})
        self.assertIn("credit hold", error["data"]["message"])
        __, error = self._call(self.salesman, "sale.order", "write", [order_id], {"credit_release_state": "released"})
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        # The salesperson asks, finance releases.
        request_id, error = self._call(
            self.salesman, "credit.release.request", "create", {"order_id": order_id, "reason": "Payment announced"}
        )
        self.assertFalse(error)
        self._call(self.salesman, "credit.release.request", "action_request", [request_id])
        __, error = self._call(
            self.salesman,
            "credit.decision.wizard",
            "create",
            {"partner_id": self.customer.id, "order_id": order_id, "decision": "release", "reason": "me"},
        )
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        wizard_id, error = self._call(
            self.finance,
            "credit.decision.wizard",
            "create",
            {"partner_id": self.customer.id, "order_id": order_id, "decision": "release", "reason": "Cheque received"},
        )
        self.assertFalse(error)
        __, error = self._call(self.finance, "credit.decision.wizard", "action_apply", [wizard_id])
        self.assertFalse(error)
        __, error = self._call(self.salesman, "sale.order", "action_confirm", [order_id])
        self.assertFalse(error)
        [order] = self._call(self.salesman, "sale.order", "read", [order_id], fields=["state", "credit_release_state"])[
            0
        ]
        self.assertEqual((order["state"], order["credit_release_state"]), ("sale", "released"))

    def test_release_and_protection_hold_over_rpc(self):
        """What finance released holds for that customer only, and a salesperson allowed to
        edit contacts cannot take a limited customer out of its limit."""
        self.salesman.groups_id |= self.env.ref("base.group_partner_manager")
        blocked = self.env["res.partner"].create(
            {"name": "RPC Blocked", "is_company": True, "credit_limit": 100.0, "property_payment_term_id": self.term.id}
        )
        order = self.env["sale.order"].create(
            {
                "partner_id": self.customer.id,
                "user_id": self.salesman.id,
                "payment_term_id": self.term.id,
                "order_line": [Command.create({"product_id": self.product.id, "price_unit": 1500.0})],
            }
        )
        order._credit_request_release("Payment announced")
        self.env["credit.decision.wizard"].with_user(self.finance).create(
            {"partner_id": self.customer.id, "order_id": order.id, "decision": "release", "reason": "Cheque received"}
        ).action_apply()
        __, error = self._call(self.salesman, "sale.order", "write", [order.id], {"partner_id": blocked.id})
        self.assertFalse(error)
        __, error = self._call(self.salesman, "sale.order", "action_confirm", [order.id])
        self.assertIn("RPC Blocked", error["data"]["message"])
        order.invalidate_recordset()
        self.assertEqual((order.state, order.credit_release_state), ("draft", False))
        own_id, error = self._call(self.salesman, "res.partner", "create", {"name": "Own Ltd", "is_company": True})
        self.assertFalse(error)
        __, error = self._call(
            self.salesman, "res.partner", "write", [self.customer.id], {"is_company": False, "parent_id": own_id}
        )
        self.assertEqual(error["data"]["name"], "odoo.exceptions.AccessError")
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.commercial_partner_id, self.customer)
        self.assertEqual(self.customer.credit_limit, 1000.0)
