"""One gate for every channel: the button over HTTP, RPC import (``load``), the portal
signature; a held order tells the salesperson (one to-do) and the customer (portal page and
email in their language), and nothing of it is logged as a server error."""

import json
import logging

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import CreditControlCommon

SIGNATURE = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7"


@tagged("post_install", "-at_install")
class TestIntakeChannels(CreditControlCommon, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.salesman.password = "cc_sam"
        cls.customer.write({"credit_require_client_ref": True, "lang": "en_US"})
        cls.invoice = cls._create_invoice(900.0, days_overdue=12)
        cls.portal_user = cls.env["res.users"].create(
            {
                "name": "Jeanne Achat",
                "login": "cc_jeanne",
                "password": "cc_jeanne_pw",
                "partner_id": cls.contact.id,
                "groups_id": [Command.set(cls.env.ref("base.group_portal").ids)],
            }
        )
        cls.contact.email = "jeanne@brasserie-du-port.example.com"

    def _json(self, url, params):
        payload = {"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}
        response = self.url_open(url, data=json.dumps(payload), headers={"Content-Type": "application/json"})
        return response.json()

    def _held_quotation(self):
        order = self._create_order(500.0)  # over the limit with the overdue 900, no PO number
        order.write({"require_signature": True, "require_payment": False})
        return order

    def test_blocked_button_is_a_user_situation_not_a_server_error(self):
        """Before: the RedirectWarning of the block was logged as "Exception during request
        handling" at ERROR with its traceback; now at INFO, shown in the credit hold dialog."""
        order = self._held_quotation()
        self.authenticate("cc_sam", "cc_sam")
        with self.assertLogs("odoo.http", logging.INFO) as logs:
            response = self._json(
                "/web/dataset/call_button",
                {"model": "sale.order", "method": "action_confirm", "args": [order.ids], "kwargs": {}},
            )
        self.assertFalse([record for record in logs.records if record.levelno >= logging.WARNING])
        self.assertFalse([record for record in logs.records if record.exc_info])
        error = response["error"]["data"]
        self.assertEqual(error["name"], "odoo.addons.credit_control.exceptions.CreditHoldError")
        self.assertIn("requires its purchase order number", error["message"])
        self.assertIn("over its credit limit", error["message"])
        self.assertEqual(
            error["context"]["credit_action"], self.env.ref("credit_control.credit_release_request_action").id
        )
        self.assertEqual(order.state, "draft")

    def test_import_goes_through_the_gate(self):
        result = (
            self.env["sale.order"]
            .with_user(self.salesman)
            .load(
                [
                    "partner_id/.id",
                    "payment_term_id/.id",
                    "state",
                    "order_line/product_id/.id",
                    "order_line/price_unit",
                ],
                [[str(self.customer.id), str(self.term_30.id), "sale", str(self.product.id), "2000"]],
            )
        )
        self.assertFalse(result["ids"])
        messages = " ".join(message["message"] for message in result["messages"])
        self.assertIn("requires its purchase order number", messages)
        self.assertIn("over its credit limit", messages)

    def test_portal_signature_holds_tells_salesperson_and_customer(self):
        order = self._held_quotation()
        url = f"/my/orders/{order.id}/accept?access_token={order._portal_ensure_token()}"
        with self.assertNoLogs("odoo.http", logging.ERROR):
            response = self._json(url, {"name": "Jeanne Achat", "signature": SIGNATURE})
        self.assertNotIn("error", response)
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.signature)
        self.assertTrue(order.credit_customer_held)
        self.assertEqual(order.credit_intake_failed_rule_ids.mapped("check"), ["client_ref"])
        todo = order.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("credit_control.mail_activity_credit_order_held")
        )
        self.assertEqual(todo.user_id, self.salesman)
        self.assertIn("purchase order number", str(todo.note))
        self.assertIn("over its credit limit", str(todo.note))
        email = order.message_ids.filtered(lambda m: "is waiting" in (m.subject or ""))
        self.assertEqual(len(email), 1)
        self.assertIn(self.customer, email.partner_ids)
        self.assertIn("Your purchase order number.", email.body)
        self.assertIn(f"Payment of your overdue invoices: {self.invoice.name} (12 days late)", email.body)
        self.assertNotIn("1,000", email.body)  # the credit limit is internal
        # The customer tries again (another signature, a payment): still one to-do.
        order.sudo()._validate_order()
        todos = order.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref("credit_control.mail_activity_credit_order_held")
        )
        self.assertEqual(len(todos), 1)

    def test_customer_reads_on_the_portal_what_their_held_order_awaits(self):
        order = self._held_quotation()
        order.sudo()._validate_order()
        self.authenticate("cc_jeanne", "cc_jeanne_pw")
        page = self.url_open(order.get_portal_url()).text
        self.assertIn("Your order is waiting before we can confirm it.", page)
        self.assertIn("Your purchase order number.", page)
        self.assertIn(f"{self.invoice.name} (12 days late)", page)
        self.assertIn("Sam Sales", page)  # whom to contact
        for internal in ("exposure", "credit limit", "1,000.00", "Fiona Finance"):
            self.assertNotIn(internal, page)
        order.sudo().client_order_ref = "PO-4471"
        page = self.url_open(order.get_portal_url()).text
        self.assertNotIn("Your purchase order number.", page)
        self.assertIn("(12 days late)", page)

    def test_customer_is_told_in_their_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["credit_control"], ["fr_FR"], overwrite=True)
        self.customer.lang = "fr_FR"
        order = self._held_quotation()
        order.sudo()._validate_order()
        email = order.message_ids.filtered(lambda m: "attente" in (m.subject or ""))
        self.assertEqual(len(email), 1)
        self.assertIn("nous avons encore besoin", email.body)
        self.assertIn("Votre numéro de bon de commande.", email.body)
        self.assertIn("jours de retard", email.body)

    def test_hold_dialog_in_the_web_client(self):
        order = self._held_quotation()
        self.salesman.tz = "Europe/Paris"
        self.start_tour(f"/odoo/action-sale.action_quotations/{order.id}", "credit_control_hold_dialog", login="cc_sam")
        self.assertEqual(order.state, "draft")
