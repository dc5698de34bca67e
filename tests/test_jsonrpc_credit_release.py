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
        self.assertEqual(error["data"]["name"], "odoo.exceptions.RedirectWarning")
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
