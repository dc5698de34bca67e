from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestIntakeAudit(CreditControlCommon):
    """The customer data audit: customers whose file breaks an active intake rule, per rule,
    since when, salesperson and open orders; and the weekly digest to each salesperson."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Audit = cls.env["credit.intake.audit"]
        Rule = cls.env["credit.intake.rule"].with_context(active_test=False)
        cls.rules = {
            check: Rule.search([("company_id", "=", cls.company.id), ("check", "=", check), ("team_id", "=", False)])
            for check in ("address", "vat", "invoice_email")
        }
        for rule in cls.rules.values():
            rule.write({"active": True, "mode": "alert"})
        cls.salesman_2 = cls.salesman.copy({"name": "Sarah Sales", "login": "cc_sarah", "email": "sarah@example.com"})
        cls.manager = cls.env["res.users"].create(
            {
                "name": "Manon Manager",
                "login": "cc_audit_manon",
                "company_id": cls.company.id,
                "company_ids": [Command.set(cls.company.ids)],
                "groups_id": [Command.set(cls.env.ref("sales_team.group_sale_manager").ids)],
            }
        )
        france = cls.env.ref("base.fr")
        complete = {"street": "1 rue Haute", "zip": "44000", "city": "Nantes", "country_id": france.id}
        Partner = cls.env["res.partner"]
        cls.customer.write({"vat": "FR23334175221", "user_id": cls.salesman.id})
        # No street: breaks the address rule; its quotation is an open order.
        cls.no_street = Partner.create(
            {**complete, "name": "Sans Rue", "street": False, "email": "a@x.example.com", "user_id": cls.salesman.id}
        )
        # A company without a tax ID, sold by the other salesperson.
        cls.no_vat = Partner.create(
            {
                **complete,
                "name": "Sans TVA SA",
                "is_company": True,
                "email": "b@x.example.com",
                "user_id": cls.salesman_2.id,
            }
        )
        # Its invoice contact has no email: the customer's own email does not count then.
        cls.no_email = Partner.create(
            {**complete, "name": "Sans Email", "email": "c@x.example.com", "user_id": cls.salesman.id}
        )
        cls.no_email_invoice = Partner.create({"name": "Compta", "parent_id": cls.no_email.id, "type": "invoice"})
        # Incomplete, but no order nor invoice: not a customer yet.
        cls.prospect = Partner.create({"name": "Prospect", "user_id": cls.salesman.id})
        for partner in (cls.customer, cls.no_street, cls.no_vat, cls.no_email):
            cls._create_order(100.0, partner=partner, user=cls.salesman)
        cls.Audit._refresh()

    def _found(self, audits=None):
        audits = self.Audit.search([]) if audits is None else audits
        return {(audit.partner_id, audit.check) for audit in audits}

    def test_each_rule_lists_the_customers_breaking_it(self):
        self.assertEqual(
            self._found(),
            {(self.no_street, "address"), (self.no_vat, "vat"), (self.no_email, "invoice_email")},
        )
        audit = self.Audit.search([("partner_id", "=", self.no_street.id)])
        self.assertEqual(audit.rule_id, self.rules["address"])
        self.assertEqual(audit.user_id, self.salesman)
        self.assertEqual(audit.date_first, self.today)
        self.assertEqual(audit.open_order_count, 1)
        # Set-based, and the same as the rules' own reading of the customer's file.
        breaking = (
            self.env["credit.intake.rule"]
            .browse([r.id for r in self.rules.values()])
            ._partners_breaking(self.no_street | self.no_vat | self.customer)
        )
        self.assertEqual(
            {(self.env["res.partner"].browse(p), rule.check) for p, rules in breaking.items() for rule in rules},
            {(self.no_street, "address"), (self.no_vat, "vat")},
        )

    def test_inactive_rule_and_countries(self):
        self.rules["address"].active = False
        self.assertNotIn((self.no_street, "address"), self._found())
        self.rules["vat"].country_ids = self.env.ref("base.be")
        self.assertNotIn((self.no_vat, "vat"), self._found())
        self.rules["vat"].country_ids = self.env.ref("base.fr")
        self.assertIn((self.no_vat, "vat"), self._found())

    def test_team_rule_replaces_the_company_rule(self):
        team = self.env["crm.team"].create({"name": "Export", "company_id": self.company.id})
        self.env["credit.intake.rule"].create(
            {
                "check": "vat",
                "team_id": team.id,
                "company_id": self.company.id,
                "country_ids": self.env.ref("base.be").ids,
            }
        )
        team.member_ids = [Command.link(self.salesman_2.id)]
        self.Audit._refresh()
        self.assertNotIn((self.no_vat, "vat"), self._found())
        self.assertIn((self.no_street, "address"), self._found())

    def test_fixed_customer_leaves_the_audit_and_the_date_found_is_kept(self):
        old = self.today - timedelta(days=20)
        self.Audit.search([("partner_id", "=", self.no_vat.id)]).sudo().date_first = old
        self.no_street.street = "3 rue Basse"
        self.no_email_invoice.email = "compta@x.example.com"
        self.assertEqual(self._found(), {(self.no_vat, "vat")})
        self.Audit._cron_refresh()
        self.assertEqual(self.Audit.search([]).date_first, old)
        # A customer becomes incomplete: it enters at once, found today.
        self.customer.zip = False
        audit = self.Audit.search([("partner_id", "=", self.customer.id)])
        self.assertEqual((audit.check, audit.date_first), ("address", self.today))

    def test_open_the_customer_from_a_row(self):
        audit = self.Audit.search([("partner_id", "=", self.no_street.id)])
        action = audit.with_user(self.salesman).action_open_partner()
        self.assertEqual((action["res_model"], action["res_id"]), ("res.partner", self.no_street.id))

    def test_salespeople_see_their_own_customers_managers_and_finance_all(self):
        everything = self.Audit.search([])
        mine = self.Audit.with_user(self.salesman).search([])
        self.assertEqual(self._found(mine), {(self.no_street, "address"), (self.no_email, "invoice_email")})
        self.assertEqual(self.Audit.with_user(self.salesman_2).search([]).partner_id, self.no_vat)
        self.assertEqual(self.Audit.with_user(self.manager).search([]), everything)
        self.assertEqual(self.Audit.with_user(self.finance_2).search([]), everything)
        groups = self.Audit.with_user(self.manager)._read_group([], ["user_id"], ["__count"])
        self.assertEqual(dict(groups), {self.salesman: 2, self.salesman_2: 1})
        with self.assertRaises(AccessError):
            mine[0].with_user(self.salesman).write({"date_first": self.today})
        with self.assertRaises(AccessError):
            mine[0].with_user(self.manager).unlink()
        # Refreshing from the list works for a salesperson, and touches every salesperson's rows.
        self.no_vat.sudo().write({"vat": "FR23334175221"})
        self.Audit.with_user(self.salesman).action_refresh()
        self.assertNotIn(self.no_vat, self.Audit.search([]).partner_id)

    def _digests(self):
        return self.env["mail.mail"].search([("model", "=", "res.users"), ("res_id", "in", self.salesman.ids)])

    def test_weekly_digest_sent_once_a_week(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["credit_control"], ["fr_FR"], overwrite=True)
        self.salesman.lang = "fr_FR"
        sent = self.Audit._cron_send_weekly_digest()
        self.assertEqual(sent, self.salesman | self.salesman_2)
        mail = self._digests()
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.recipient_ids, self.salesman.partner_id)
        self.assertIn("Clients à corriger", mail.subject)
        self.assertIn("Sans Rue", mail.body_html)
        self.assertIn("Constaté depuis", mail.body_html)
        self.assertIn("Sans Email", mail.body_html)
        self.assertNotIn("Sans TVA", mail.body_html)
        # Run again the same week: nothing more.
        self.assertFalse(self.Audit._cron_send_weekly_digest())
        self.assertEqual(len(self._digests()), 1)
        # The next week, again.
        self.salesman.sudo().credit_audit_digest_date = self.today - timedelta(days=7)
        self.assertIn(self.salesman, self.Audit._cron_send_weekly_digest())
        self.assertEqual(len(self._digests()), 2)

    def test_digest_off_on_a_fresh_install(self):
        self.assertFalse(self.env.ref("credit_control.ir_cron_intake_audit_digest").active)
        self.assertTrue(self.env.ref("credit_control.ir_cron_refresh_intake_audit").active)
