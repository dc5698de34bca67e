import importlib.util
from pathlib import Path

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from .common import CreditControlCommon, CreditHoldError


@tagged("post_install", "-at_install")
class TestIntakeRules(CreditControlCommon):
    """Intake rules: one test per rule, alert or block, per company and sales team."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["credit.intake.rule"]
        cls.customer.with_user(cls.finance).credit_policy = "none"
        cls.team_b2b = cls.env["crm.team"].create({"name": "B2B", "company_id": cls.company.id})
        cls.sales_manager = cls.env["res.users"].create(
            {
                "name": "Manon Manager",
                "login": "cc_manon",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [Command.set(cls.env.ref("sales_team.group_sale_manager").ids)],
            }
        )

    def _rule(self, check, company=None, team=None):
        return self.Rule.with_context(active_test=False).search(
            [
                ("company_id", "=", (company or self.company).id),
                ("check", "=", check),
                ("team_id", "=", team.id if team else False),
            ]
        )

    def _switch(self, check, mode="block", **values):
        rule = self._rule(check)
        rule.write({"active": True, "mode": mode, **values})
        return rule

    def test_a_new_company_switches_on_what_was_on_before(self):
        """Same defaults as before rules: only a customer's own PO requirement is checked."""
        company = self.env["res.company"].create({"name": "Fresh Company"})
        rules = self.Rule.with_context(active_test=False).search([("company_id", "=", company.id)])
        self.assertEqual(
            sorted(rules.mapped("check")),
            sorted(["payment_term", "address", "delivery_owner", "vat", "invoice_email", "client_ref"]),
        )
        self.assertEqual(rules.filtered("active").mapped("check"), ["client_ref"])
        self.assertFalse(company.credit_require_payment_term or company.credit_require_address)

    def test_settings_switch_the_company_rules(self):
        self.company.credit_require_address = True
        self.assertEqual((self._rule("address").active, self._rule("address").mode), (True, "block"))
        self.company.credit_require_address = False
        self.assertFalse(self._rule("address").active)
        settings = self.env["res.config.settings"].create({"credit_require_vat": True})
        settings.execute()
        self.assertTrue(self._rule("vat").active)

    def test_payment_terms_rule(self):
        order = self._create_order(10.0, payment_term_id=False)
        with self.assertHold("Payment terms are missing: set them on the order"):
            order.action_confirm()
        self._rule("payment_term").active = False
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_address_rule(self):
        self._switch("address")
        shipping = self.env["res.partner"].create(
            {"name": "Quai 2", "parent_id": self.customer.id, "type": "delivery", "street": "Quai 2", "city": "Nantes"}
        )
        order = self._create_order(10.0, partner_shipping_id=shipping.id)
        with self.assertHold("The delivery address is incomplete: Brasserie du Port, Quai 2 has no zip, country"):
            order.action_confirm()
        shipping.write({"zip": "44000", "country_id": self.env.ref("base.fr").id})
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_delivery_address_of_the_customer_rule(self):
        self._switch("delivery_owner")
        stranger = self.env["res.partner"].create({"name": "Somebody Else", "street": "1 rue", "city": "Paris"})
        order = self._create_order(10.0, partner_shipping_id=stranger.id)
        with self.assertHold("The delivery address Somebody Else is not an address of Brasserie du Port"):
            order.action_confirm()
        order.partner_shipping_id = self.contact
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_vat_rule_in_the_countries_that_require_one(self):
        self._switch("vat", country_ids=[Command.set(self.env.ref("base.be").ids)])
        order = self._create_order(10.0)
        order.action_confirm()  # a French customer: not in the rule's countries
        self._rule("vat").country_ids = [Command.set(self.env.ref("base.fr").ids)]
        order_2 = self._create_order(10.0)
        with self.assertHold("The customer's tax ID is missing: enter it on the customer's form"):
            order_2.action_confirm()
        self.customer.vat = "FR23334175221"
        order_2.action_confirm()
        self.assertEqual(order_2.state, "sale")

    def test_invoice_email_rule(self):
        self._switch("invoice_email")
        invoicing = self.env["res.partner"].create(
            {"name": "Accounts", "parent_id": self.customer.id, "type": "invoice", "street": "12 quai"}
        )
        order = self._create_order(10.0, partner_invoice_id=invoicing.id)
        with self.assertHold("Brasserie du Port, Accounts has no email address to send the invoices to"):
            order.action_confirm()
        invoicing.email = "factures@brasserie-du-port.example.com"
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_purchase_order_number_rule(self):
        self.customer.credit_require_client_ref = True
        order = self._create_order(10.0)
        with self.assertHold("requires its purchase order number in the Customer Reference"):
            order.action_confirm()
        self._rule("client_ref").active = False  # a company may switch it off
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_alert_rule_confirms_posts_and_records_the_failure(self):
        rule = self._switch("invoice_email", mode="alert")
        self.customer.email = False
        self.contact.email = False
        order = self._create_order(10.0)
        self.assertIn("no email address", order.credit_hold_message)
        self.assertFalse(order.credit_hold_blocking)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        note = order.message_ids.filtered(lambda m: "alert rules" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("no email address", note.body)
        self.assertIn(self.finance.partner_id, note.notified_partner_ids)
        self.assertEqual(order.credit_intake_failed_rule_ids, rule)
        order.write({"order_line": [Command.create({"product_id": self.product.id, "price_unit": 5.0})]})
        self.assertEqual(len(order.message_ids.filtered(lambda m: "alert rules" in (m.body or ""))), 1)
        clean = self._create_order(10.0, partner_id=self.contact.id)
        self.contact.email = "jeanne@example.com"
        clean.partner_invoice_id = self.contact
        clean.action_confirm()
        self.assertFalse(clean.credit_intake_failed_rule_ids)

    def test_a_team_rule_replaces_the_company_rule(self):
        self._switch("invoice_email")
        self.Rule.create(
            {"company_id": self.company.id, "team_id": self.team_b2b.id, "check": "invoice_email", "mode": "alert"}
        )
        self.customer.email = False
        with self.assertHold("no email address"):
            self._create_order(10.0, team_id=self.env.ref("sales_team.team_sales_department").id).action_confirm()
        order = self._create_order(10.0, team_id=self.team_b2b.id)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.customer.email = "compta@brasserie-du-port.example.com"
        team_only = self.Rule.create(
            {"company_id": self.company.id, "team_id": self.team_b2b.id, "check": "delivery_owner"}
        )
        stranger = self.env["res.partner"].create({"name": "Somebody Else"})
        self._create_order(10.0, partner_shipping_id=stranger.id).action_confirm()  # other teams: no such rule
        with self.assertHold("not an address of"):
            self._create_order(10.0, team_id=self.team_b2b.id, partner_shipping_id=stranger.id).action_confirm()
        team_only.active = False
        self._create_order(10.0, team_id=self.team_b2b.id, partner_shipping_id=stranger.id).action_confirm()

    def test_bad_rules_are_refused_clearly(self):
        with self.assertRaisesRegex(ValidationError, "needs a company"):
            self.Rule.create({"check": "vat", "company_id": False})
        with self.assertRaisesRegex(ValidationError, "already has the rule"):
            self.Rule.create({"check": "vat", "company_id": self.company.id})
        other = self.setup_other_company()["company"]
        with self.assertRaisesRegex(ValidationError, "belongs to"):
            self.Rule.create({"check": "vat", "company_id": other.id, "team_id": self.team_b2b.id})
        with self.assertRaisesRegex(ValidationError, "only restrict the tax ID rule"):
            self._rule("address").country_ids = [Command.set(self.env.ref("base.fr").ids)]

    def test_only_sales_managers_and_finance_change_rules(self):
        rule = self._rule("address")
        for user in (self.salesman, self.billing):
            self.assertEqual(rule.with_user(user).check, "address")  # everyone who confirms reads them
            with self.assertRaises(AccessError):
                rule.with_user(user).active = True
            with self.assertRaises(AccessError):
                self.Rule.with_user(user).create({"check": "vat", "team_id": self.team_b2b.id})
        rule.with_user(self.sales_manager).mode = "alert"
        rule.with_user(self.finance).active = True
        self.assertEqual((rule.mode, rule.active), ("alert", True))

    def test_one_message_lists_everything_at_once(self):
        """Incomplete data and credit reasons together, where to fix each, the overdue
        invoices named with their days late, and the release request in one click."""
        self.customer.with_user(self.finance).credit_policy = "block"
        self._switch("address")
        self._switch("invoice_email", mode="alert")
        self.customer.write({"credit_require_client_ref": True, "street": False, "email": False})
        self.contact.email = False
        invoice = self._create_invoice(900.0, days_overdue=12)
        order = self._create_order(500.0, payment_term_id=False)
        with self.assertRaises(CreditHoldError) as caught:
            order.action_confirm()
        message = str(caught.exception).replace("\u00a0", " ")
        self.assertIn("cannot be confirmed: it is incomplete and on credit hold", message)
        for expected in (
            "Payment terms are missing: set them on the order",
            "The invoice address is incomplete: Brasserie du Port has no street",
            "requires its purchase order number in the Customer Reference: enter it on the order",
            "no email address to send the invoices to: enter it on its contact form. (alert only)",
            "400.00 over its credit limit",
            f"Overdue invoices: {invoice.name}, 12 days late, $ 900.00 due.",
            "Fiona Finance (finance) can release it",
            "A release does not complete the order",
        ):
            self.assertIn(expected, message)
        self.assertIsInstance(caught.exception, UserError)  # what RPC clients get
        self.assertEqual(caught.exception.action, self.env.ref("credit_control.credit_release_request_action").id)
        self.assertEqual(order.state, "draft")

    def test_rules_cost_a_constant_number_of_queries(self):
        """The company's rules are read once, then from the cache; evaluating four orders costs
        what evaluating one does."""
        for check in ("address", "delivery_owner", "vat", "invoice_email"):
            self._switch(check)
        self.customer.write({"vat": "FR23334175221", "credit_require_client_ref": True})
        customers = self.customer
        for name in ("Second", "Third"):
            customers |= self.customer.copy({"name": name, "vat": "FR23334175221", "credit_require_client_ref": True})
        orders = self.env["sale.order"].browse(
            [self._create_order(10.0, partner_id=c.id, client_order_ref="PO").id for c in customers]
        ) | self._create_order(20.0, client_order_ref="PO")
        self.env.registry.clear_cache()
        with self.assertQueryCount(3):  # the rules, their teams and modes, their countries
            self.Rule._get_rules_for(self.company, self.env["crm.team"])
        with self.assertQueryCount(0):
            self.Rule._get_rules_for(self.company, self.team_b2b)

        def count(records):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            records._credit_evaluate(lock=True)
            return self.cr.sql_log_count - before

        self.assertFalse(any(result["intake"] for result in orders._credit_evaluate().values()))
        count(orders)  # warm: the caches of the first evaluation in the transaction
        with_rules = {size: count(orders[:size]) for size in (1, 4)}
        self.Rule.search([]).active = False
        count(orders)  # the cache filled again
        without_rules = {size: count(orders[:size]) for size in (1, 4)}
        self.assertEqual(with_rules[1] - without_rules[1], with_rules[4] - without_rules[4])
        self.assertLessEqual(with_rules[4] - without_rules[4], 2)

    def test_partners_breaking_rules_set_based(self):
        """For audits: which rules each customer's own data breaks."""
        rules = self._switch("address") | self._switch("vat") | self._switch("invoice_email")
        complete = self.customer.copy({"name": "Complete", "vat": "FR23334175221"})
        broken = self.customer.copy({"name": "Broken", "email": False, "city": False})
        result = rules._partners_breaking(complete | broken | self.customer)
        self.assertNotIn(complete.id, result)
        self.assertEqual(result[broken.id], rules)
        self.assertEqual(result[self.customer.id], self._rule("vat"))

    def test_migration_keeps_the_settings_of_existing_databases(self):
        """Upgrading to 18.0.1.3.0: what a company had switched on becomes its active rules."""
        self.Rule.with_context(active_test=False).search([]).unlink()
        self.cr.execute(SQL("ALTER TABLE res_company ADD COLUMN IF NOT EXISTS credit_require_vat BOOLEAN"))
        self.cr.execute(SQL("ALTER TABLE res_company ADD COLUMN IF NOT EXISTS credit_require_address BOOLEAN"))
        self.cr.execute(SQL("UPDATE res_company SET credit_require_vat = (id = %s)", self.company.id))
        path = Path(__file__).parents[1] / "migrations" / "18.0.1.3.0" / "post-migrate.py"
        spec = importlib.util.spec_from_file_location("credit_control_migrate_1_3", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.cr, "18.0.1.2.0")
        self.env.invalidate_all()
        self.assertEqual(
            sorted(self.Rule.search([("company_id", "=", self.company.id)]).mapped("check")), ["client_ref", "vat"]
        )
        self.assertEqual(self._rule("vat").mode, "block")
        self.assertEqual(
            len(self.Rule.with_context(active_test=False).search([("company_id", "=", self.company.id)])), 6
        )
