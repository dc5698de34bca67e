from datetime import timedelta

from lxml import etree

from odoo.tests import Form, tagged
from odoo.tools import format_amount

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestCreditScreens(CreditControlCommon):
    """What the salesperson and finance see on the quotation, the invoice and the decision."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._create_invoice(800.0, days_overdue=15)
        cls.order = cls._create_order(500.0)

    def _arch(self, model, view_type="form"):
        return etree.fromstring(self.env[model].get_view(view_type=view_type)["arch"])

    def _money(self, amount):
        return format_amount(self.env, amount, self.company.currency_id)

    # 1. The request is seen on the quotation at once
    def test_request_release_tells_and_reloads_the_quotation(self):
        with self.assertHold():
            self.order.with_user(self.salesman).action_confirm()
        wizard = (
            self.env["credit.release.request"]
            .with_user(self.salesman)
            .create({"order_id": self.order.id, "reason": "Payment announced for Friday"})
        )
        action = wizard.action_request()
        self.assertEqual(self.order.credit_release_state, "requested")
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn(self.order.name, action["params"]["message"])
        self.assertIn("Fiona Finance", action["params"]["message"])
        # The quotation behind the dialog is reloaded, whoever opened the dialog.
        self.assertEqual(action["params"]["next"], {"type": "ir.actions.client", "tag": "soft_reload"})

    def test_quotation_form_shows_the_request_is_with_finance(self):
        arch = self._arch("sale.order")
        ribbon = arch.xpath("//widget[@name='web_ribbon'][@title='With Finance']")
        self.assertEqual(len(ribbon), 1)
        self.assertEqual(ribbon[0].get("invisible"), "credit_release_state != 'requested'")
        for button in arch.xpath("//button[@name='action_request_credit_release']"):
            self.assertIn("credit_release_state == 'requested'", button.get("invisible"))

    # 2. Odoo's credit banner never contradicts ours
    def _temporary_limit_story(self):
        """Limit 1,000, temporary 2,500 until next month: 800 overdue, quotation of 500."""
        self.company.account_use_credit_limit = True
        self.customer.write(
            {
                "credit_limit_temporary": 2500.0,
                "credit_limit_temporary_until": self.today + timedelta(days=30),
            }
        )

    def _native_banner(self, model):
        """Odoo's own banner in the form the user opens: the div holding partner_credit_warning."""
        banners = self._arch(model).xpath("//field[@name='partner_credit_warning']/..")
        self.assertEqual(len(banners), 1)
        return banners[0]

    def test_native_banner_silent_under_the_temporary_limit(self):
        self._temporary_limit_story()
        order = self.order.with_user(self.salesman)
        # Odoo computes its banner as it does without the suite ("reached its credit limit
        # of 1,000") ...
        self.assertIn(self._money(1000.0), order.partner_credit_warning)
        # ... and the quotation form does not show it: the suite's banner is the only one.
        self.assertEqual(self._native_banner("sale.order").get("invisible"), "True")
        self.assertFalse(order.credit_hold_message)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_only_our_banner_over_the_temporary_limit(self):
        self._temporary_limit_story()
        order = self._create_order(1800.0).with_user(self.salesman)
        self.assertEqual(self._native_banner("sale.order").get("invisible"), "True")
        self.assertIn(self._money(2500.0), order.credit_hold_message)
        self.assertTrue(order.credit_hold_blocking)
        arch = self._arch("sale.order")
        self.assertEqual(len(arch.xpath("//div[contains(@class, 'alert')][.//field[@name='credit_hold_message']]")), 2)

    def test_invoice_banner_reads_the_limit_in_force(self):
        self._temporary_limit_story()
        # The invoice form shows the suite's banner in place of Odoo's.
        self.assertEqual(self._native_banner("account.move").get("invisible"), "True")
        ours = self._arch("account.move").xpath("//div[field[@name='credit_invoice_warning']]")
        self.assertEqual(len(ours), 1)
        self.assertEqual(ours[0].get("invisible"), "not credit_invoice_warning")
        within = self._create_invoice(1500.0, post=False)
        self.assertEqual(within.credit_invoice_warning, "")
        over = self._create_invoice(1800.0, post=False)
        warning = over.credit_invoice_warning
        self.assertIn(self._money(2500.0), warning)
        self.assertNotIn(self._money(1000.0), warning)
        self.assertIn(self._money(100.0), warning)  # 800 + 1,800 - 2,500

    def _banner_queries(self, invoices):
        """Queries of reading the banner of ``invoices`` afresh."""
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        warnings = invoices.mapped("credit_invoice_warning")
        return self.env.cr.sql_log_count - before, warnings

    def test_invoice_banner_of_many_invoices_in_one_read(self):
        """Never in a list, but an export or an RPC read may ask for the banner of many draft
        invoices: the exposures of all their customers are read at once."""
        for view_type in ("list", "kanban"):
            self.assertFalse(self._arch("account.move", view_type).xpath("//field[@name='credit_invoice_warning']"))
        self.company.account_use_credit_limit = True
        customers = self.customer | self.customer.copy({"name": "Second", "credit_limit": 100.0})
        customers |= self.customer.copy({"name": "Third", "credit_limit": 100.0})
        invoices = self.env["account.move"]
        for customer in customers:
            for amount in (1500.0, 2000.0):
                invoices |= self._create_invoice(amount, partner=customer, post=False)
        self._banner_queries(invoices)  # the registry's caches warm, as in a running server
        one, warnings = self._banner_queries(invoices[0])
        self.assertTrue(warnings[0])
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(one):
            warnings = invoices.mapped("credit_invoice_warning")
        self.assertTrue(all(warnings), "each invoice over its customer's limit")
        self.assertIn(self._money(1900.0), warnings[-1])  # third: 2,000 - 100

    def test_invoice_of_an_order_counts_once(self):
        """The order book already holds the order being invoiced: its draft invoice adds nothing."""
        self.company.account_use_credit_limit = True
        self.customer.credit_limit = 1400.0
        self.order.action_confirm()
        invoice = self.order._create_invoices()
        self.assertEqual(invoice.credit_invoice_warning, "")

    def test_invoice_banner_follows_the_policy(self):
        self.company.account_use_credit_limit = True
        self.customer.credit_policy = "none"
        self.assertEqual(self._create_invoice(5000.0, post=False).credit_invoice_warning, "")

    # 3. The decision proposes what lets the order through
    def _decision_form(self, order=None):
        action = self.customer.with_user(self.finance_2).action_open_credit_decision()
        context = dict(action["context"], default_order_id=order.id if order else False)
        return Form(self.env["credit.decision.wizard"].with_user(self.finance_2).with_context(**context))

    def test_decision_proposes_a_limit_that_lets_the_order_through(self):
        form = self._decision_form(self.order)
        self.assertEqual(form.limit_needed, 1300.0)  # 800 open + 500 of this quotation
        self.assertEqual(form.decision, "release")
        form.decision = "limit_temporary"
        self.assertEqual(form.new_limit, 1300.0)
        form.limit_end_date = self.today + timedelta(days=10)
        form.reason = "Festive season"
        wizard = form.save()
        action = wizard.action_apply()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn(self._money(1300.0), action["params"]["message"])
        self.assertIn(f"{self.order.name} can be confirmed", action["params"]["message"])
        self.assertEqual(action["params"]["next"]["tag"], "soft_reload")
        self.order.with_user(self.salesman).action_confirm()
        self.assertEqual(self.order.state, "sale")

    def test_decision_offers_only_what_applies(self):
        form = self._decision_form(self.order)
        self.assertEqual(
            form.decision_options,
            ["release", "limit_temporary", "limit_permanent", "prepayment", "refuse", "cash_in_advance"],
        )
        form = self._decision_form()
        self.assertEqual(form.decision_options, ["limit_temporary", "limit_permanent", "cash_in_advance"])
        self.assertEqual(form.decision, "limit_temporary")
        self.customer.credit_cash_in_advance = True
        form = self._decision_form()
        self.assertEqual(form.decision_options[-1], "cash_in_advance_lifted")
        self.assertNotIn("cash_in_advance", form.decision_options)
        arch = self._arch("credit.decision.wizard")
        field = arch.xpath("//field[@name='decision']")[0]
        self.assertEqual(field.get("widget"), "filterable_selection")
        self.assertIn("decision_options", field.get("options"))

    def test_release_tells_what_was_done(self):
        self.order.with_user(self.salesman)._credit_request_release("Cheque on its way")
        wizard = (
            self.env["credit.decision.wizard"]
            .with_user(self.finance_2)
            .create({"partner_id": self.customer.id, "order_id": self.order.id, "decision": "release", "reason": "ok"})
        )
        message = wizard.action_apply()["params"]["message"]
        self.assertIn(self.order.name, message)
        self.assertIn(self._money(500.0), message)
        self.assertIn("Sam Sales", message)

    def test_decision_history_is_readable(self):
        fields = self.env["credit.decision"].fields_get(["limit_before", "limit_after", "released_amount"])
        self.assertEqual(fields["limit_before"]["string"], "Limit Before")
        self.assertEqual(fields["limit_after"]["string"], "Limit After")
        self.assertEqual(fields["released_amount"]["string"], "Released Up To")
        arch = self._arch("credit.decision", "list")
        for name in ("date", "decision", "exposure", "limit_before", "limit_after"):
            self.assertTrue(arch.xpath(f"//field[@name='{name}']")[0].get("width"), name)
        # Amounts are shown in the company's currency.
        self.assertTrue(arch.xpath("//field[@name='currency_id']"))
