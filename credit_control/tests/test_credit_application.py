from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged
from odoo.tools import format_amount

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestCreditApplication(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.newcomer = cls.env["res.partner"].create(
            {
                "name": "Épicerie Neuve",
                "is_company": True,
                "street": "1 rue Neuve",
                "zip": "44000",
                "city": "Nantes",
                "country_id": cls.env.ref("base.fr").id,
                "user_id": cls.salesman.id,
            }
        )
        cls.insurer = cls.env["res.partner"].create({"name": "Assur Crédit", "is_company": True})
        cls.term_immediate = cls.env.ref("account.account_payment_term_immediate")
        cls.activity_type = cls.env.ref("credit_control.mail_activity_credit_application")

    def _file(self, user=None, partner=None, **values):
        return (
            self.env["credit.application"]
            .with_user(user or self.salesman)
            .create(
                {
                    "partner_id": (partner or self.newcomer).id,
                    "requested_limit": 2000.0,
                    "expected_volume": 24000.0,
                    "payment_term_id": self.term_30.id,
                    "customer_info": "Opened last year, pays its suppliers at 30 days.",
                    **values,
                }
            )
        )

    def _submitted(self, user=None, **values):
        application = self._file(user, **values)
        application.action_submit()
        return application

    # ------------------------------------------------------------------
    # The story
    # ------------------------------------------------------------------
    def test_filed_by_salesperson_decided_by_finance(self):
        application = self._submitted()
        self.assertEqual(application.state, "submitted")
        self.assertEqual(application.user_id, self.salesman)
        todo = application.activity_ids.filtered(lambda a: a.activity_type_id == self.activity_type)
        self.assertEqual(todo.user_id, self.finance, "finance gets the to-do")
        self.assertEqual(self.newcomer.with_user(self.salesman).credit_application_count, 1)

        as_finance = application.with_user(self.finance)
        self.assertTrue(as_finance.can_decide)
        as_finance.write(
            {
                "granted_limit": 1500.0,
                "granted_payment_term_id": self.term_immediate.id,
                "granted_policy": "alert",
                "request_cover": True,
                "cover_insurer_id": self.insurer.id,
                "cover_amount": 1500.0,
                "decision_note": "Start at 1,500, cover asked.",
            }
        )
        as_finance.action_grant()

        self.assertEqual(application.state, "granted")
        partner = self.newcomer.with_company(self.company)
        self.assertEqual(partner.credit_limit, 1500.0)
        self.assertEqual(partner.property_payment_term_id, self.term_immediate)
        self.assertEqual(partner.credit_policy, "alert")
        decision = application.decision_id
        self.assertEqual(
            (decision.decision, decision.user_id, decision.application_id, decision.limit_before, decision.limit_after),
            ("application_granted", self.finance, application, 0.0, 1500.0),
        )
        self.assertIn(decision, partner.credit_decision_ids)
        self.assertEqual(application.decided_by_id, self.finance)
        cover = as_finance.cover_id
        self.assertEqual((cover.state, cover.amount_requested, cover.partner_id), ("requested", 1500.0, self.newcomer))
        # The salesperson is told, and finance's to-do is done.
        self.assertFalse(application.activity_ids)
        told = application.message_ids.filtered(lambda m: self.salesman.partner_id in m.partner_ids)
        self.assertTrue(told and "Credit granted" in told[0].body)
        self.assertEqual(self.newcomer.with_user(self.salesman).credit_application_count, 0)
        # The salesperson reads the decision taken on their application.
        self.assertEqual(
            self.env["credit.decision"].with_user(self.salesman).search([("id", "=", decision.id)]), decision
        )

    def test_refused_keeps_the_limit_and_tells_the_salesperson(self):
        application = self._submitted(partner=self.customer, kind="raise", requested_limit=5000.0)
        as_finance = application.with_user(self.finance)
        with self.assertRaisesRegex(UserError, "reason"):
            as_finance.action_refuse()
        as_finance.decision_note = "Two invoices paid 40 days late this year."
        as_finance.action_refuse()
        self.assertEqual(application.state, "refused")
        self.assertEqual(self.customer.credit_limit, 1000.0)
        self.assertEqual(application.decision_id.decision, "application_refused")
        self.assertEqual(application.decision_id.limit_after, 1000.0)
        told = application.message_ids.filtered(lambda m: self.salesman.partner_id in m.partner_ids)
        self.assertIn("40 days late", told[0].body)

    # ------------------------------------------------------------------
    # What finance sees before granting
    # ------------------------------------------------------------------
    def _money(self, amount):
        return format_amount(self.env, amount, self.company.currency_id)

    def _grant_form(self, application, limit):
        form = Form(application.with_user(self.finance))
        form.granted_limit = limit
        return form

    def test_grant_above_the_insurance_cover_warns_and_is_recorded(self):
        self.env["credit.insurance.cover"].create(
            {
                "partner_id": self.newcomer.id,
                "insurer_id": self.insurer.id,
                "amount_requested": 1000.0,
                "amount_granted": 1000.0,
                "date_start": fields.Date.subtract(self.today, days=10),
                "state": "granted",
            }
        )
        application = self._submitted()
        self.assertFalse(self._grant_form(application, 800.0).grant_warning, "within the cover: nothing to say")
        warning = self._grant_form(application, 1500.0).grant_warning
        self.assertIn("not insured", warning)
        self.assertIn(self._money(500.0), warning)
        # The company limits by cover: the gate would apply the cover, not what is granted.
        self.company.credit_insurance_limit = True
        form = self._grant_form(application, 1500.0)
        self.assertIn(
            f"the credit check applies it to {self.newcomer.name}, not the {self._money(1500.0)}", form.grant_warning
        )
        arch = application.with_user(self.finance).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="grant_warning"', arch)
        form.decision_note = "The insurer should follow."
        form.save()
        application.with_user(self.finance).action_grant()
        reason = application.decision_id.reason
        self.assertIn("The insurer should follow.", reason)
        self.assertIn("Granted despite these warnings:", reason)
        self.assertIn(f"not the {self._money(1500.0)} granted", reason)
        self.assertEqual(application.decision_id.limit_after, 1000.0, "the cover applies, as the warning said")

    def test_grant_warns_when_the_cover_requested_is_below(self):
        self.company.credit_insurance_limit = True
        application = self._submitted()
        form = self._grant_form(application, 2000.0)
        form.request_cover = True
        form.cover_insurer_id = self.insurer
        form.cover_amount = 1200.0
        self.assertIn(f"once the insurer grants the {self._money(1200.0)} requested", form.grant_warning)
        form.cover_amount = 2000.0
        self.assertFalse(form.grant_warning)

    def test_grant_warns_on_grade_e_and_on_a_proposal_far_below(self):
        behaviour = (
            self.env["credit.payment.behaviour"]
            .sudo()
            .create(
                {
                    "partner_id": self.customer.id,
                    "company_id": self.company.id,
                    "grade": "E",
                    "proposal": "cash_in_advance",
                }
            )
        )
        application = self._submitted(partner=self.customer, kind="raise", requested_limit=3000.0)
        self.assertIn("payment grade E", self._grant_form(application, 3000.0).grant_warning)
        behaviour.write({"grade": "B", "proposal": "limit", "proposed_limit": 1000.0, "sales_volume": 12000.0})
        warning = self._grant_form(application, 3000.0).grant_warning
        self.assertIn(f"is {self._money(1000.0)}, far below the {self._money(3000.0)} granted", warning)
        self.assertIn("Grade B", warning, "with the proposal's reason")
        self.assertFalse(self._grant_form(application, 1800.0).grant_warning, "not far from the proposal")
        # Granted without warning: the decision keeps finance's reason only.
        form = self._grant_form(application, 1800.0)
        form.decision_note = "Raised, below twice the proposal."
        form.save()
        application.with_user(self.finance).action_grant()
        self.assertEqual(application.decision_id.reason, "Raised, below twice the proposal.")

    def test_salesperson_does_not_read_the_grant_warning(self):
        application = self._submitted(partner=self.customer, kind="raise")
        with self.assertRaises(AccessError):
            application.with_user(self.salesman).read(["grant_warning"])
        arch = application.with_user(self.salesman).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn('name="grant_warning"', arch)

    # ------------------------------------------------------------------
    # Four eyes
    # ------------------------------------------------------------------
    def test_who_filed_it_does_not_decide_even_in_finance(self):
        application = self._submitted(user=self.finance)
        todo = application.activity_ids.filtered(lambda a: a.activity_type_id == self.activity_type)
        self.assertTrue(todo.user_id.has_group("credit_control.group_credit_controller"))
        self.assertNotIn(todo.user_id, self.finance | self.salesman, "the to-do goes to finance that may decide")
        as_filer = application.with_user(self.finance)
        self.assertFalse(as_filer.can_decide)
        as_filer.granted_limit = 1000.0
        with self.assertRaisesRegex(UserError, "another member of finance must decide on it: .*Frank Finance"):
            as_filer.action_grant()
        as_filer.decision_note = "No."
        with self.assertRaisesRegex(UserError, "another member of finance"):
            as_filer.action_refuse()
        application.with_user(self.finance_2).action_grant()
        self.assertEqual(application.state, "granted")

    def test_customers_salesperson_does_not_decide_even_in_finance(self):
        self.newcomer.user_id = self.finance
        application = self._submitted()
        application.with_user(self.finance_2).granted_limit = 800.0
        with self.assertRaisesRegex(UserError, "another member of finance"):
            application.with_user(self.finance).action_grant()
        application.with_user(self.finance_2).action_grant()
        self.assertEqual(self.newcomer.with_company(self.company).credit_limit, 800.0)

    # ------------------------------------------------------------------
    # Rights
    # ------------------------------------------------------------------
    def test_salesperson_cannot_decide_nor_write_the_decision(self):
        application = self._submitted()
        as_sales = application.with_user(self.salesman)
        with self.assertRaises(AccessError):
            as_sales.action_grant()
        with self.assertRaises(AccessError):
            as_sales.action_refuse()
        # What an RPC client could send instead of the buttons.
        with self.assertRaises(UserError):
            as_sales.write({"state": "granted"})
        with self.assertRaises(AccessError):
            as_sales.write({"granted_limit": 9000.0})
        with self.assertRaises(AccessError):
            as_sales.write({"decided_by_id": self.salesman.id})
        with self.assertRaises(UserError):
            self._file(state="granted")
        with self.assertRaises(AccessError):
            self._file(granted_limit=9000.0)
        with self.assertRaises(UserError):
            as_sales.write({"requested_limit": 9000.0})  # submitted: no longer theirs to change
        with self.assertRaises(UserError):
            as_sales.write({"user_id": self.finance_2.id})
        self.assertEqual((application.state, application.granted_limit), ("submitted", 0.0))
        self.assertEqual(self.newcomer.with_company(self.company).credit_limit, 0.0)
        # Cancelling their own application is theirs.
        as_sales.action_cancel()
        self.assertEqual(application.state, "cancelled")
        self.assertFalse(application.activity_ids)

    def _user(self, login, *groups):
        return (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": login.title(),
                    "login": f"cc_{login}",
                    "groups_id": [Command.set([self.env.ref(group).id for group in groups])],
                    "company_id": self.company.id,
                    "company_ids": [Command.set(self.company.ids)],
                }
            )
        )

    def test_nobody_forges_the_reference_nor_the_submission(self):
        application = self._submitted()
        for user in (self.salesman, self.finance_2):
            for values in ({"name": "APP-FORGED"}, {"submitted_date": "2020-01-01 00:00:00"}):
                with self.subTest(user=user.name, values=values), self.assertRaisesRegex(UserError, "its own"):
                    application.with_user(user).write(values)
        self.assertNotEqual(application.name, "APP-FORGED")
        forged = self._file(name="APP-FORGED", submitted_date="2020-01-01 00:00:00")
        self.assertNotEqual(forged.name, "APP-FORGED")
        self.assertFalse(forged.submitted_date)

    def test_only_finance_decides_whatever_the_role(self):
        """No grant nor refusal by the salesperson, the sales manager, the salesperson of all
        documents or the accountant: not by the buttons, which they do not see, nor by RPC."""
        application = self._submitted()
        application.with_user(self.finance).write({"granted_limit": 1500.0, "decision_note": "Fine."})
        roles = {
            "salesperson": self.salesman,
            "manager": self._user("manager", "sales_team.group_sale_manager"),
            "all documents": self._user("all_docs", "sales_team.group_sale_salesman_all_leads"),
            "accountant": self.billing,
        }
        for role, user in roles.items():
            as_user = application.with_user(user)
            with self.subTest(role=role):
                arch = as_user.get_views([(False, "form")])["views"]["form"]["arch"]
                self.assertNotIn('name="action_grant"', arch)
                self.assertNotIn('name="action_refuse"', arch)
                self.assertFalse(as_user.can_decide)
                for method in ("action_grant", "action_refuse"):
                    with self.assertRaises(AccessError):
                        getattr(as_user, method)()
                for values in ({"granted_limit": 9000.0}, {"granted_policy": "none"}, {"cover_amount": 1.0}):
                    with self.assertRaises(UserError):  # AccessError included
                        as_user.write(values)
        self.assertEqual((application.state, application.granted_limit), ("submitted", 1500.0))
        arch = application.with_user(self.finance).get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="action_grant"', arch)

    def test_salesperson_of_all_documents_reads_all_changes_none(self):
        """As for orders: a salesperson of all documents reads the applications of the others'
        customers, and changes none of them."""
        all_docs = self._user("all_docs", "sales_team.group_sale_salesman_all_leads")
        theirs = self._file()  # the salesperson's customer
        as_all = theirs.with_user(all_docs)
        self.assertEqual(self.env["credit.application"].with_user(all_docs).search([]), theirs)
        self.assertEqual(as_all.requested_limit, 2000.0)
        with self.assertRaises(AccessError):
            as_all.write({"customer_info": "changed"})
        with self.assertRaises(AccessError):
            as_all.action_submit()
        with self.assertRaises(AccessError):
            as_all.action_cancel()
        self.assertEqual(theirs.state, "draft")

    def test_duplicate_is_a_new_draft(self):
        application = self._submitted(partner=self.customer, kind="raise")
        as_finance = application.with_user(self.finance)
        as_finance.decision_note = "Not now."
        as_finance.action_refuse()
        copy = application.with_user(self.salesman).copy()
        self.assertEqual(
            (copy.state, copy.user_id, copy.decision_id, copy.decision_note),
            ("draft", self.salesman, self.env["credit.decision"], False),
        )
        self.assertNotEqual(copy.name, application.name)
        self.assertEqual(copy.requested_limit, application.requested_limit)

    def test_filed_by_is_who_files_it(self):
        application = self._file(user_id=self.finance_2.id)
        self.assertEqual(application.user_id, self.salesman)

    def test_salespeople_read_their_customers_applications_only(self):
        colleague = self.env["res.users"].create(
            {
                "name": "Colette Colleague",
                "login": "cc_colette",
                "groups_id": [Command.set(self.env.ref("sales_team.group_sale_salesman").ids)],
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
            }
        )
        self.customer.user_id = self.salesman
        theirs = self._file(user=colleague, partner=self.customer)  # the salesperson's customer
        mine = self._file()
        as_sales = self.env["credit.application"].with_user(self.salesman)
        self.assertEqual(as_sales.search([]), mine | theirs, "the salesperson reads those of their customer")
        self.assertEqual(self.env["credit.application"].with_user(colleague).search([]), theirs)
        with self.assertRaises(AccessError):
            mine.with_user(colleague).read(["requested_limit"])
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).action_cancel()
        with self.assertRaises(AccessError):
            theirs.with_user(self.salesman).write({"customer_info": "changed"})

    def test_other_company_applications_are_invisible(self):
        other = self.setup_other_company(name="Credit Application Company B")["company"]
        self.finance_2.company_ids |= other
        application = (
            self.env["credit.application"]
            .with_company(other)
            .create({"partner_id": self.newcomer.id, "company_id": other.id, "requested_limit": 700.0})
        )
        for user in (self.salesman, self.finance, self.billing):
            with self.subTest(user=user.name):
                self.assertFalse(self.env["credit.application"].with_user(user).search([("id", "=", application.id)]))
                with self.assertRaises(AccessError):
                    application.with_user(user).read(["requested_limit"])
        # Granted in company B, it sets the limit there only.
        application.action_submit()
        application.with_user(self.finance_2).with_context(allowed_company_ids=[other.id]).write(
            {"granted_limit": 700.0}
        )
        application.with_user(self.finance_2).with_context(allowed_company_ids=[other.id]).action_grant()
        self.assertEqual(self.newcomer.with_company(other).credit_limit, 700.0)
        self.assertEqual(self.newcomer.with_company(self.company).credit_limit, 0.0)

    def test_grade_is_the_one_in_the_application_company(self):
        """Finance working in company A reads an application of company B: its grade is the
        customer's grade in B, as its warnings and history are."""
        other = self.setup_other_company(name="Credit Application Company C")["company"]
        Behaviour = self.env["credit.payment.behaviour"].sudo()
        Behaviour.create({"partner_id": self.customer.id, "company_id": self.company.id, "grade": "A"})
        Behaviour.create({"partner_id": self.customer.id, "company_id": other.id, "grade": "E"})
        application = (
            self.env["credit.application"]
            .with_company(other)
            .create({"partner_id": self.customer.id, "company_id": other.id, "requested_limit": 700.0})
        )
        both = self.env["credit.application"].with_context(allowed_company_ids=[self.company.id, other.id])
        self.assertEqual(both.browse(application.id).grade, "E")
        here = self._submitted(partner=self.customer, kind="raise")
        self.assertEqual(both.browse(here.id).grade, "A")
        self.assertEqual(self.customer.with_company(other).credit_grade, "E")

    def test_customer_company_currency_from_the_mixin(self):
        """The application and the insurance cover declare their customer, company and currency
        once (credit.customer.mixin), with the same labels and rules."""
        mixin = self.env["credit.customer.mixin"]
        self.assertEqual(mixin._fields["partner_id"].string, "Customer")
        for model in ("credit.application", "credit.insurance.cover"):
            records = self.env[model]
            self.assertIsInstance(records, self.env.registry["credit.customer.mixin"])
            for fname in ("partner_id", "company_id", "currency_id"):
                with self.subTest(model=model, field=fname):
                    field, declared = records._fields[fname], mixin._fields[fname]
                    self.assertEqual(
                        (field.string, field.help, field.required, field.index, field.domain, field.related),
                        (
                            declared.string,
                            declared.help,
                            declared.required,
                            declared.index,
                            declared.domain,
                            declared.related,
                        ),
                    )
            self.assertEqual(records.default_get(["company_id"])["company_id"], self.env.company.id)

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_bad_input(self):
        for amount in (0.0, -100.0):
            with self.subTest(amount=amount), self.assertRaisesRegex(ValidationError, "positive amount"):
                self._file(requested_limit=amount)
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self._file(expected_volume=-1.0)
        buyer = self.env["res.partner"].create({"name": "Acheteuse", "parent_id": self.newcomer.id})
        with self.assertRaisesRegex(ValidationError, "rather than its contact"):
            self._file(partner=buyer)
        application = self._submitted()
        with self.assertRaisesRegex(UserError, "not a draft"):
            application.action_submit()
        as_finance = application.with_user(self.finance)
        with self.assertRaisesRegex(UserError, "granted limit"):
            as_finance.action_grant()
        as_finance.write({"granted_limit": 500.0, "request_cover": True})
        with self.assertRaisesRegex(UserError, "insurer"):
            as_finance.action_grant()
        as_finance.request_cover = False
        as_finance.action_grant()
        with self.assertRaisesRegex(UserError, "not waiting for a decision"):
            as_finance.action_refuse()
        with self.assertRaisesRegex(UserError, "cannot be cancelled"):
            application.with_user(self.salesman).action_cancel()

    # ------------------------------------------------------------------
    # What a new customer gets until a decision (company setting)
    # ------------------------------------------------------------------
    def _confirm(self, amount, partner=None):
        order = self._create_order(amount, partner=partner or self.newcomer)
        order.with_user(self.salesman).action_confirm()
        return order

    def test_new_customer_by_default_as_today(self):
        self.assertEqual(self.company.credit_new_customer_mode, "standard")
        self.assertTrue(self.newcomer.credit_new_customer)
        self.assertEqual(self._confirm(5000.0).state, "sale", "no limit: nothing changes")

    def test_new_customer_gets_no_credit(self):
        self.company.credit_new_customer_mode = "no_credit"
        with self.assertHold("over its credit limit"):
            self._confirm(100.0)
        # A customer with a limit of its own is no new customer.
        self.assertEqual(self._confirm(500.0, partner=self.customer).state, "sale")
        # Finance grants the application: the limit granted applies.
        application = self._submitted(requested_limit=1000.0)
        application.with_user(self.finance).write({"granted_limit": 1000.0})
        application.with_user(self.finance).action_grant()
        self.assertFalse(self.newcomer.credit_new_customer)
        self.assertEqual(self._confirm(600.0).state, "sale")
        with self.assertHold("over its credit limit"):
            self._confirm(600.0)

    def test_new_customer_no_more_once_invoiced(self):
        self.company.credit_new_customer_mode = "no_credit"
        self._create_invoice(100.0, days_overdue=-30, partner=self.newcomer)
        self.newcomer.invalidate_recordset(["credit_new_customer"])
        self.assertFalse(self.newcomer.credit_new_customer)
        self.assertEqual(self._confirm(5000.0).state, "sale", "an invoiced customer without a limit: no limit")

    def test_new_customer_gets_a_small_default_limit(self):
        self.company.write({"credit_new_customer_mode": "default_limit", "credit_new_customer_limit": 300.0})
        self.assertEqual(self.newcomer.credit_limit_effective, 300.0)
        self.assertEqual(self._confirm(200.0).state, "sale")
        with self.assertHold("over its credit limit"):
            self._confirm(200.0)
        self.assertEqual(self.customer.credit_limit_effective, 1000.0, "its own limit")

    def test_partner_smart_button_opens_its_applications(self):
        application = self._file()
        action = self.newcomer.with_user(self.salesman).action_open_credit_applications()
        self.assertEqual(self.env["credit.application"].with_user(self.salesman).search(action["domain"]), application)
        self.assertEqual(action["context"]["default_kind"], "new")
        self.assertEqual(self.customer.action_new_credit_application()["context"]["default_kind"], "raise")

    def test_the_form_for_each_role(self):
        """The salesperson files from the form; finance, billing and the salesperson open it."""
        with Form(self.env["credit.application"].with_user(self.salesman)) as form:
            form.partner_id = self.newcomer
            form.requested_limit = 1200.0
            form.customer_info = "Known for years."
        application = form.record
        self.assertEqual((application.user_id, application.state), (self.salesman, "draft"))
        application.action_submit()
        for user in (self.salesman, self.finance, self.billing):
            with self.subTest(user=user.name):
                Form(application.with_user(user))
        with Form(application.with_user(self.finance)) as form:
            form.granted_limit = 1000.0
        self.assertEqual(application.granted_limit, 1000.0)
