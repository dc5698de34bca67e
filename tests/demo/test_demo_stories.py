"""The demo database tells the stories of the README: run by ./dev test on a database made as
./dev serve makes it (tools/test.sh), never on the suite's test database, which has no demo."""

import os
from datetime import timedelta

from odoo import fields
from odoo.tests import TransactionCase, tagged

# The groups that make a role; each demo user has exactly the ones of its role among them.
ROLE_GROUPS = (
    "base.group_user",
    "base.group_portal",
    "base.group_erp_manager",
    "base.group_system",
    "sales_team.group_sale_salesman",
    "sales_team.group_sale_salesman_all_leads",
    "sales_team.group_sale_manager",
    "account.group_account_invoice",
    "account.group_account_readonly",
    "account.group_account_user",
    "account.group_account_manager",
    "credit_control.group_credit_controller",
    "dispute_tracking.group_dispute_user",
    "dispute_tracking.group_dispute_manager",
)
SALESPERSON = {"base.group_user", "sales_team.group_sale_salesman"}
SALES_MANAGER = SALESPERSON | {"sales_team.group_sale_salesman_all_leads", "sales_team.group_sale_manager"}
DEPARTMENT = {"base.group_user", "dispute_tracking.group_dispute_user"}
# login: the role's groups, implied ones included (README, "Demo users").
DEMO_USERS = {
    "demo": SALESPERSON | {"dispute_tracking.group_dispute_user"},
    "salesperson": SALESPERSON,
    "sales_manager": SALES_MANAGER,
    "finance": {
        "base.group_user",
        "account.group_account_invoice",
        "credit_control.group_credit_controller",
        "dispute_tracking.group_dispute_user",
        "dispute_tracking.group_dispute_manager",
    },
    "accountant": {"base.group_user", "account.group_account_invoice"},
    "auditor": {"base.group_user", "account.group_account_readonly"},
    "logistics": DEPARTMENT,
    "quality": DEPARTMENT,
    "manager": SALES_MANAGER | {"account.group_account_readonly"},
    "portal": {"base.group_portal"},
}


@tagged("post_install", "-at_install")
class TestDemoStories(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.is_demo = bool(cls.env.ref("credit_control.partner_demo_block", raise_if_not_found=False))
        if not cls.is_demo:
            return
        cls.today = fields.Date.context_today(cls.env.user)
        cls.users = {login: cls.env["res.users"].search([("login", "=", login)]) for login in (*DEMO_USERS, "admin")}
        cls.odoobot = cls.env.ref("base.user_root")
        cls.Action = cls.env["credit.dunning.action"]

    def setUp(self):
        super().setUp()
        if not self.is_demo:
            # tools/test.sh runs these on the demo database only, and fails if they skip there.
            if os.environ.get("CREDIT_DEMO_TESTS"):
                self.fail("the demo tests run on a database without the demo data")
            self.skipTest("not a demo database: ./dev test runs these on the demo database")

    def ref(self, xmlid):
        return self.env.ref(xmlid)

    def as_user(self, login, model):
        return self.env[model].with_user(self.users[login])

    # ------------------------------------------------------------------
    # The apps and the users
    # ------------------------------------------------------------------
    def test_the_demo_opens_with_sales_and_invoicing(self):
        modules = self.env["ir.module.module"].search([("name", "in", ("sale_management", "account"))])
        self.assertEqual(set(modules.mapped("state")), {"installed"})
        self.assertTrue(self.ref("sale.sale_menu_root").active, "the Sales app's menu")

    def test_every_apps_demo_data_loaded_beside_the_suite(self):
        # Odoo installs a module without its demo when loading it fails (ir.demo_failure):
        # the suite's gate must not refuse the demo orders of the apps loaded after it.
        failures = self.env["ir.demo_failure"].search([])
        self.assertFalse(failures.module_id.mapped("name"), "modules installed without their demo data")
        self.assertEqual(self.ref("sale_stock.sale_order_19").state, "sale", "sale_stock's demo order confirmed")

    def test_each_demo_user_has_the_groups_of_its_role_only(self):
        for login, expected in DEMO_USERS.items():
            user = self.users[login]
            with self.subTest(login=login):
                self.assertTrue(user, f"demo user {login}")
                actual = {xmlid for xmlid in ROLE_GROUPS if user.has_group(xmlid)}
                self.assertEqual(actual, expected)

    def test_demo_users_log_in_with_their_login_as_password(self):
        for login in DEMO_USERS:
            with self.subTest(login=login):
                user = self.users[login]
                user.with_user(user)._check_credentials({"type": "password", "password": login}, {"interactive": True})

    def test_odoobot_is_nobodys_salesperson_requester_or_collector(self):
        bot = self.odoobot.id
        checks = {
            "sale.order": ["user_id", "credit_release_requested_by"],
            "account.move": ["invoice_user_id"],
            "credit.dunning.action": ["user_id", "salesperson_id"],
            "credit.dunning.policy": ["collector_id"],
            "dispute.dispute": ["user_id", "salesperson_id"],
            "dispute.department": ["manager_id", "responsible_id"],
            "commission.line": ["user_id"],
            "credit.decision": ["user_id"],
        }
        for model, names in checks.items():
            for name in names:
                with self.subTest(field=f"{model}.{name}"):
                    self.assertFalse(self.env[model].search_count([(name, "=", bot)]))
        # Reminders the run sent are the system's; every contact a person recorded is theirs.
        recorded = self.Action.search([("done_user_id", "=", bot), ("outcome", "!=", "sent")])
        self.assertFalse(recorded)
        company = self.ref("base.main_company")
        self.assertNotIn(bot, (company.credit_controller_id | company.dunning_collector_id).ids)
        partners = self.env["res.partner"].search([("user_id", "=", bot)])
        self.assertFalse(partners, "no customer has OdooBot as salesperson")

    # ------------------------------------------------------------------
    # Credit stories
    # ------------------------------------------------------------------
    def test_a_customer_over_its_limit_waits_for_finance(self):
        order = self.ref("credit_control.sale_order_demo_block_held")
        self.assertRecordValues(
            order, [{"state": "draft", "credit_release_state": "requested", "user_id": self.users["demo"].id}]
        )
        self.assertEqual(order.credit_release_requested_by, self.users["demo"])
        partner = order.partner_id.with_user(self.users["finance"])
        self.assertGreater(partner.credit_exposure, partner.credit_limit_effective)
        self.assertIn(order, partner.credit_release_order_ids, "finance sees the order waiting on the customer")
        todo = self.env["mail.activity"].search(
            [("res_model", "=", "res.partner"), ("res_id", "=", partner.id), ("user_id", "=", self.users["finance"].id)]
        )
        self.assertTrue(todo, "finance has the release request in its to-dos")
        mine = self.as_user("demo", "sale.order").search([("credit_release_state", "=", "requested")])
        self.assertIn(order, mine, "the salesperson sees the request pending")

    def test_a_customer_on_alert(self):
        partner = self.ref("credit_control.partner_demo_alert").with_user(self.users["finance"])
        self.assertEqual(partner.credit_effective_policy, "alert")
        self.assertGreater(partner.credit_exposure, partner.credit_limit_effective)
        self.assertEqual(self.ref("credit_control.sale_order_demo_alert").state, "sale", "the order went through")

    def test_a_bad_payer_on_cash_in_advance(self):
        partner = self.ref("credit_control.partner_demo_cash_in_advance")
        self.assertTrue(partner.credit_cash_in_advance)
        self.assertTrue(
            partner.credit_journal_item_ids.filtered(
                lambda line: line.date_maturity and line.date_maturity < self.today
            )
        )

    def test_a_temporary_limit_for_the_festive_season(self):
        partner = self.ref("credit_control.partner_demo_festive").with_user(self.users["finance"])
        self.assertEqual(partner.credit_limit_effective, 10000.0)
        self.assertLess(partner.credit_limit, partner.credit_limit_effective)
        self.assertGreater(partner.credit_limit_temporary_until, self.today)
        decision = self.ref("credit_control.credit_decision_demo_festive")
        self.assertEqual((decision.decision, decision.user_id), ("limit_temporary", self.users["finance"]))
        self.assertEqual(self.ref("credit_control.sale_order_demo_festive").state, "sale")

    def test_an_insurance_cover_about_to_expire(self):
        cover = self.ref("credit_control.credit_insurance_cover_demo_alert").with_user(self.users["finance"])
        self.assertTrue(cover.is_in_force)
        self.assertLessEqual(cover.date_end, self.today + timedelta(days=cover.company_id.credit_insurance_expiry_days))
        todo = cover.activity_ids.filtered(
            lambda act: act.activity_type_id == self.ref("credit_control.mail_activity_credit_insurance_expiry")
        )
        self.assertEqual(todo.user_id, self.users["finance"], "finance has the to-do before the cover ends")
        self.assertEqual(cover.partner_id.credit_insurance_cover_id, cover)

    # ------------------------------------------------------------------
    # The collector's agenda
    # ------------------------------------------------------------------
    def my_agenda(self, login):
        return self.as_user(login, "credit.dunning.action").search(
            [("state", "=", "planned"), ("user_id", "=", self.users[login].id)]
        )

    def test_the_collectors_agenda_is_full_and_the_administrators_empty(self):
        agenda = self.my_agenda("accountant")
        today_calls = agenda.filtered(lambda a: a.is_preventive and a.channel == "phone" and a.date == self.today)
        self.assertGreaterEqual(len(today_calls), 2, "preventive calls due today")
        late = agenda.filtered(lambda a: not a.is_preventive and a.date < self.today)
        self.assertTrue(late, "a curative reminder call, late")
        calls = late.activity_ids.filtered(lambda act: act.activity_type_id == self.ref("mail.mail_activity_data_call"))
        self.assertEqual(calls.user_id, self.users["accountant"], "the call to-dos are the collector's")
        self.assertFalse(self.my_agenda("admin"), "nothing for the administrator")
        self.assertEqual(self.ref("credit_control.partner_demo_block").credit_collector_id, self.users["accountant"])

    def test_curative_reminders_were_sent(self):
        sent = self.Action.search([("is_preventive", "=", False), ("state", "=", "done"), ("outcome", "=", "sent")])
        self.assertTrue(sent, "reminders of late invoices went out")

    def test_a_promise_to_pay_due_tomorrow(self):
        promise = self.ref("credit_control.credit_dunning_action_demo_promise")
        # Dated by the demo's XML (DateTime.today(): the server's day, Odoo runs in UTC) when it
        # was loaded, which is not the user's day in the hours around midnight.
        tomorrow = promise.create_date.date() + timedelta(days=1)
        self.assertEqual(promise.promise_date, tomorrow)
        self.assertEqual(promise.done_user_id, self.users["accountant"])
        self.assertEqual(promise.move_ids.dunning_hold_until, tomorrow)

    def test_the_call_form_of_the_key_account(self):
        call = self.my_agenda("accountant").filtered(
            lambda a: a.partner_id == self.ref("credit_control.partner_demo_key_account")
        )
        self.assertEqual(len(call), 1)
        self.assertEqual(call.contact_id, self.ref("credit_control.partner_demo_key_account_billing"))
        self.assertTrue(call.contact_phone)
        self.assertEqual(call.partner_credit_exposure_overdue, 3400.0)
        self.assertEqual(call.history_action_ids, self.ref("credit_control.credit_dunning_action_demo_key_done"))
        next_call = call._get_next_call()
        self.assertTrue(next_call, "Next Call goes on to today's calls")
        self.assertEqual(next_call.user_id, self.users["accountant"])

    # ------------------------------------------------------------------
    # Disputes
    # ------------------------------------------------------------------
    def test_disputes_routed_to_their_departments(self):
        sales = self.ref("dispute_tracking.dispute_department_sales")
        logistics = self.ref("dispute_tracking.dispute_department_logistics")
        discount = self.ref("dispute_tracking.demo_dispute_portal")
        self.assertRecordValues(
            discount, [{"department_id": sales.id, "is_open": True, "user_id": self.users["demo"].id}]
        )
        late = self.ref("dispute_tracking.demo_dispute_2")
        self.assertRecordValues(late, [{"department_id": logistics.id, "is_open": True, "is_late": True}])
        resolved = self.ref("dispute_tracking.demo_dispute_credit_note")
        self.assertEqual((resolved.stage, resolved.resolution), ("resolved", "credit_note"))
        self.assertEqual(resolved.refund_id.state, "posted")

    def test_department_users_see_their_departments_disputes(self):
        for login, xmlid in (
            ("demo", "dispute_tracking.dispute_department_sales"),
            ("logistics", "dispute_tracking.dispute_department_logistics"),
            ("quality", "dispute_tracking.dispute_department_quality"),
        ):
            with self.subTest(login=login):
                department = self.ref(xmlid)
                visible = self.as_user(login, "dispute.dispute").search([])
                routed = self.env["dispute.dispute"].search([("department_id", "=", department.id)])
                self.assertTrue(routed)
                self.assertLessEqual(routed, visible, "the disputes of the department")
                others = (visible - routed).filtered(lambda d, user=self.users[login]: d.salesperson_id != user)
                self.assertFalse(others, "and, for a salesperson, those of their own invoices only")

    def test_the_portal_customer_has_orders_invoices_and_a_dispute(self):
        portal = self.users["portal"]
        invoices = self.as_user("portal", "account.move").search([("move_type", "=", "out_invoice")])
        self.assertEqual(len(invoices), 2)
        orders = self.as_user("portal", "sale.order").search([])
        self.assertEqual(set(orders.mapped("state")), {"sale", "sent"})
        disputes = invoices.sudo().dispute_ids
        self.assertEqual(disputes, self.ref("dispute_tracking.demo_dispute_portal"))
        self.assertEqual(disputes.partner_id, portal.partner_id.commercial_partner_id)

    # ------------------------------------------------------------------
    # Commissions
    # ------------------------------------------------------------------
    def test_two_salespeople_with_commissions_collected_and_waiting(self):
        for login in ("demo", "salesperson"):
            with self.subTest(login=login):
                report = self.as_user(login, "commission.report").search([])
                self.assertEqual(report.user_id, self.users[login], "each salesperson reads their own")
                self.assertGreater(sum(report.mapped("commission_amount")), 0, "commission collected")
                self.assertGreater(sum(report.mapped("waiting_commission")), 0, "commission waiting")
        managed = self.as_user("manager", "commission.report").search([])
        self.assertLessEqual(self.users["demo"] | self.users["salesperson"], managed.user_id)

    # ------------------------------------------------------------------
    # Customer data audit
    # ------------------------------------------------------------------
    def test_the_audit_shows_incomplete_customers(self):
        audit = self.as_user("sales_manager", "credit.intake.audit").search([])
        found = {(row.partner_id, row.check) for row in audit}
        for xmlid, check in (
            ("partner_demo_audit_no_address", "address"),
            ("partner_demo_audit_no_email", "invoice_email"),
            ("partner_demo_audit_incomplete", "address"),
            ("partner_demo_audit_incomplete", "invoice_email"),
        ):
            self.assertIn((self.ref(f"credit_control.{xmlid}"), check), found)
        mine = self.as_user("demo", "credit.intake.audit").search([])
        self.assertEqual(mine.user_id, self.users["demo"], "Marc sees his own customers to fix")
        self.assertNotIn(self.ref("credit_control.partner_demo_audit_incomplete"), mine.partner_id)

    # ------------------------------------------------------------------
    # The collector's worklist
    # ------------------------------------------------------------------
    def test_the_collectors_day_is_ranked(self):
        day = self.as_user("accountant", "credit.collector.worklist").search(
            [("to_do_today", "=", True), ("user_id", "=", self.users["accountant"].id)]
        )
        scores = day.mapped("score")
        self.assertEqual(scores, sorted(scores, reverse=True), "the most expected cash first")
        broken = self.ref("credit_control.partner_demo_worklist_broken")
        call = self.ref("credit_control.partner_demo_worklist_call")
        self.assertLess(day.partner_id.ids.index(broken.id), day.partner_id.ids.index(call.id))
        line = day.filtered(lambda row: row.partner_id == broken)
        self.assertEqual((line.promise_broken_amount, line.next_action), (2600.0, "call"))
        self.assertEqual(day.filtered(lambda row: row.partner_id == call).next_action, "call")

    # ------------------------------------------------------------------
    # Cash-in forecast
    # ------------------------------------------------------------------
    def test_the_cash_in_forecast_has_figures(self):
        weeks = self.as_user("finance", "credit.cash.forecast").read_group(
            [], ["amount_expected:sum", "amount_due:sum"], ["week"]
        )
        expected = sum(week["amount_expected"] for week in weeks)
        self.assertGreater(expected, 0, "open invoices expected to be paid")
        self.assertAlmostEqual(expected, sum(week["amount_due"] for week in weeks))
        self.assertGreater(next(w for w in weeks if w["week"] == "w01")["amount_expected"], 0, "cash this week")
        promise = self.ref("credit_control.credit_dunning_action_demo_promise")
        row = self.as_user("finance", "credit.cash.forecast").search(
            [("move_id", "=", self.ref("credit_control.invoice_demo_promise").id), ("measure", "=", "expected")]
        )
        self.assertEqual(row.date_expected, promise.promise_date, "the promised date")
        mine = self.as_user("demo", "credit.cash.forecast").search([])
        self.assertTrue(mine, "Marc sees his customers' forecast")
        self.assertEqual(mine.partner_id.user_id, self.users["demo"], "and theirs only")

    # ------------------------------------------------------------------
    # Payment behaviour
    # ------------------------------------------------------------------
    def test_customers_have_grades_and_a_late_payer_is_proposed_cash_in_advance(self):
        behaviour = self.as_user("finance", "credit.payment.behaviour")
        grades = {
            xmlid: behaviour.search([("partner_id", "=", self.ref(f"credit_control.{xmlid}").id)]).grade
            for xmlid in ("partner_demo_grade_good", "partner_demo_grade_slow", "partner_demo_grade_late")
        }
        self.assertEqual(
            grades, {"partner_demo_grade_good": "A", "partner_demo_grade_slow": "C", "partner_demo_grade_late": "E"}
        )
        good = self.ref("credit_control.partner_demo_grade_good").with_user(self.users["finance"])
        self.assertEqual(good.credit_proposal, "limit")
        self.assertGreater(good.credit_proposed_limit, 0)
        self.assertEqual(len(good.credit_payment_month_ids), 3, "three months with a payment on the chart")
        late = self.ref("credit_control.partner_demo_grade_late")
        proposal = self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "=", late.id),
                ("activity_type_id", "=", self.ref("credit_control.mail_activity_dunning_cash_in_advance").id),
            ]
        )
        self.assertEqual(len(proposal), 1, "finance is proposed cash in advance for the late payer")
        self.assertEqual(
            self.ref("credit_control.partner_demo_grade_slow").with_user(self.users["demo"]).credit_grade,
            "C",
            "the salesperson sees the grade",
        )

    # ------------------------------------------------------------------
    # Credit application (account opening)
    # ------------------------------------------------------------------
    def test_an_application_waits_for_finance_and_one_was_granted(self):
        waiting = self.ref("credit_control.credit_application_demo_waiting")
        self.assertEqual((waiting.state, waiting.user_id), ("submitted", self.users["demo"]))
        todo = waiting.activity_ids.filtered(
            lambda act: act.activity_type_id == self.ref("credit_control.mail_activity_credit_application")
        )
        self.assertEqual(todo.user_id, self.users["finance"], "finance has the to-do")
        self.assertTrue(waiting.with_user(self.users["finance"]).can_decide)
        self.assertFalse(waiting.with_user(self.users["demo"]).can_decide)
        mine = self.as_user("demo", "credit.application").search([])
        self.assertIn(waiting, mine, "Marc follows his application")
        self.assertEqual(waiting.partner_id.with_user(self.users["demo"]).credit_application_count, 1)
        granted = self.ref("credit_control.credit_application_demo_granted")
        self.assertEqual(granted.state, "granted")
        self.assertLess(granted.decision_date.date(), self.today - timedelta(days=200))
        decision = granted.decision_id
        self.assertEqual((decision.decision, decision.user_id), ("application_granted", self.users["finance"]))
        self.assertEqual(decision.limit_after, granted.partner_id.credit_limit)
