from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestCashForecast(CreditControlCommon):
    """Known histories: a customer who pays 10 days late, one who promised a date, one with a
    disputed invoice, one without history; each open invoice dated from the Monday of the
    current week, so that its week does not depend on the day the test runs."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Forecast = cls.env["credit.cash.forecast"]
        cls.monday = cls.today - timedelta(days=cls.today.weekday())
        partners = cls.env["res.partner"].with_context(tracking_disable=True)
        cls.late = cls.customer
        cls.late.user_id = cls.salesman
        cls.promiser = partners.create({"name": "Cave Saint-Pierre", "is_company": True})
        cls.disputer = partners.create({"name": "Épicerie Contestée", "is_company": True})
        cls.newcomer = partners.create({"name": "Nouveau Client", "is_company": True})
        # History: two invoices paid 10 days after their due date.
        cls._history_invoice(cls.late, 2000.0, invoiced_ago=100, paid_ago=60)
        cls._history_invoice(cls.late, 1000.0, invoiced_ago=70, paid_ago=30)
        cls.env["credit.payment.behaviour"]._compute_payment_behaviour(cls.company)
        # Open invoices.
        cls.late_open = cls._due_invoice(cls.late, 1000.0, cls.monday + timedelta(days=14))
        cls.late_overdue = cls._due_invoice(cls.late, 300.0, cls.today - timedelta(days=30))
        cls.promised = cls._due_invoice(cls.promiser, 500.0, cls.monday + timedelta(days=16))
        cls.promise_date = cls.monday + timedelta(days=36)
        cls.promiser_far = cls._due_invoice(cls.promiser, 700.0, cls.monday + timedelta(days=140))
        cls.disputed = cls._due_invoice(cls.disputer, 400.0, cls.monday + timedelta(days=7))
        cls.disputed.in_dispute = True
        cls.partial = cls._due_invoice(cls.newcomer, 1000.0, cls.monday + timedelta(days=7))
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=cls.partial.ids
        ).create({"amount": 250.0}).action_create_payments()
        cls.last_week = cls._due_invoice(cls.newcomer, 200.0, cls.monday + timedelta(days=90))
        # Not cash to come: a credit note and a payment not matched yet.
        cls._due_invoice(cls.newcomer, 50.0, cls.today, move_type="out_refund")
        payment = cls.env["account.payment"].create(
            {"payment_type": "inbound", "partner_type": "customer", "partner_id": cls.newcomer.id, "amount": 80.0}
        )
        payment.action_post()
        # The promise, as the collector records it on a call.
        policy = cls.env["credit.dunning.policy"]._get_company_default(cls.company)
        stage = policy.stage_ids.filtered(lambda s: not s.is_preventive)[:1]
        cls.call = cls.env["credit.dunning.action"].create(
            {
                "partner_id": cls.promiser.id,
                "company_id": cls.company.id,
                "policy_id": policy.id,
                "stage_id": stage.id,
                "channel": "phone",
                "date": cls.today,
                "move_ids": [Command.set(cls.promised.ids)],
                "amount_due": 500.0,
            }
        )
        cls.call.with_user(cls.billing).write(
            {"outcome": "promise", "promise_date": cls.promise_date, "promise_amount": 500.0}
        )
        cls.call.with_user(cls.billing).action_record_outcome()
        cls.partners = cls.late | cls.promiser | cls.disputer | cls.newcomer

    @classmethod
    def _history_invoice(cls, partner, amount, invoiced_ago, paid_ago):
        """Invoiced ``invoiced_ago`` days ago, due 30 days later, paid ``paid_ago`` days ago."""
        invoice_date = cls.today - timedelta(days=invoiced_ago)
        invoice = cls._due_invoice(partner, amount, invoice_date + timedelta(days=30), invoice_date=invoice_date)
        cls.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"payment_date": cls.today - timedelta(days=paid_ago)}
        ).action_create_payments()
        return invoice

    @classmethod
    def _due_invoice(cls, partner, amount, due, *, invoice_date=None, move_type="out_invoice", company=None):
        move = (
            cls.env["account.move"]
            .with_company(company or cls.company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": invoice_date or min(due, cls.today),
                    "invoice_payment_term_id": False,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create({"name": "Crates", "quantity": 1, "price_unit": amount, "tax_ids": []})
                    ],
                }
            )
        )
        move.action_post()
        return move

    def rows(self, user=None, measure="expected", **domain):
        self.env.invalidate_all()  # the report's rows, read anew as by each request
        forecast = self.Forecast.with_user(user) if user else self.Forecast
        search = [("measure", "=", measure), ("partner_id", "in", self.partners.ids)]
        search += [(key, "=", value) for key, value in domain.items()]
        return forecast.search(search)

    def weekly(self, user=None):
        """{week: (expected, by due date)} as the graph reads it, the empty weeks included."""
        forecast = self.Forecast.with_user(user) if user else self.Forecast
        groups = forecast.read_group(
            [("partner_id", "in", self.partners.ids)], ["amount_expected:sum", "amount_due:sum"], ["week"]
        )
        return {group["week"]: (group["amount_expected"], group["amount_due"]) for group in groups}

    # ------------------------------------------------------------------
    # Expected dates
    # ------------------------------------------------------------------
    def test_usual_delay_from_the_payment_behaviour(self):
        behaviour = self.env["credit.payment.behaviour"].search([("partner_id", "=", self.late.id)])
        self.assertAlmostEqual(behaviour.days_late_12, 10.0)
        self.assertRecordValues(
            self.rows(move_id=self.late_open.id),
            [
                {
                    "usual_delay": 10,
                    "date_due": self.monday + timedelta(days=14),
                    "date_expected": self.monday + timedelta(days=24),
                    "week": "w04",
                    "week_start": self.monday + timedelta(days=21),
                    "amount_expected": 1000.0,
                    "amount_due": 0.0,
                    "salesperson_id": self.salesman.id,
                }
            ],
        )
        self.assertRecordValues(
            self.rows(measure="due", move_id=self.late_open.id),
            [{"week": "w03", "amount_expected": 0.0, "amount_due": 1000.0}],
        )

    def test_overdue_expected_in_the_past_counts_this_week(self):
        self.assertRecordValues(
            self.rows(move_id=self.late_overdue.id),
            [
                {
                    "date_expected": self.today - timedelta(days=20),
                    "week": "w01",
                    "week_start": self.monday,
                    "amount_expected": 300.0,
                }
            ],
        )

    def test_promise_date_replaces_the_due_date(self):
        self.assertRecordValues(
            self.rows(move_id=self.promised.id),
            [{"promise_date": self.promise_date, "date_expected": self.promise_date, "week": "w06"}],
        )
        # The promise covers the invoices of its call only.
        self.assertRecordValues(
            self.rows(move_id=self.promiser_far.id),
            [{"promise_date": False, "usual_delay": 0, "week": "later", "amount_expected": 700.0}],
        )

    def test_broken_promise_no_longer_dates_the_invoice(self):
        self.call.sudo().promise_date = self.today - timedelta(days=1)
        self.assertRecordValues(
            self.rows(move_id=self.promised.id),
            [{"promise_date": False, "date_expected": self.monday + timedelta(days=16), "week": "w03"}],
        )

    def test_disputed_invoice_is_held(self):
        self.assertRecordValues(
            self.rows(move_id=self.disputed.id),
            [{"in_dispute": True, "date_expected": False, "week": "held", "amount_expected": 400.0}],
        )
        self.assertRecordValues(self.rows(measure="due", move_id=self.disputed.id), [{"week": "w02"}])
        self.disputed.in_dispute = False
        self.assertRecordValues(self.rows(move_id=self.disputed.id), [{"week": "w02"}])

    def test_without_history_the_due_date_and_the_residual(self):
        self.assertRecordValues(
            self.rows(partner_id=self.newcomer.id).sorted("date_due"),
            [
                {"move_id": self.partial.id, "usual_delay": 0, "week": "w02", "amount_expected": 750.0},
                {"move_id": self.last_week.id, "usual_delay": 0, "week": "w13", "amount_expected": 200.0},
            ],
        )

    def test_weekly_sums_against_the_due_dates(self):
        weekly = self.weekly()
        self.assertEqual(list(weekly), [f"w{number:02d}" for number in range(1, 14)] + ["later", "held"])
        expected = {
            "w01": (300.0, 300.0),
            "w02": (750.0, 1150.0),
            "w03": (0.0, 1500.0),
            "w04": (1000.0, 0.0),
            "w06": (500.0, 0.0),
            "w13": (200.0, 200.0),
            "later": (700.0, 700.0),
            "held": (400.0, 0.0),
        }
        self.assertEqual(weekly, {week: expected.get(week, (0.0, 0.0)) for week in weekly})
        self.assertEqual(sum(e for e, _d in weekly.values()), sum(d for _e, d in weekly.values()))

    def test_week_labels_start_on_monday(self):
        labels = dict(self.Forecast._fields["week"]._description_selection(self.env))
        self.assertEqual(len(labels), 15)
        self.assertIn(str(self.monday.day), labels["w01"])
        self.assertIn(str((self.monday + timedelta(weeks=12)).day), labels["w13"])

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_salesperson_reads_own_customers_only(self):
        rows = self.rows(user=self.salesman)
        self.assertEqual(rows.partner_id, self.late)
        self.assertEqual(self.weekly(user=self.salesman)["w04"], (1000.0, 0.0))
        self.assertEqual(self.weekly(user=self.salesman)["held"], (0.0, 0.0))

    def test_accountant_finance_auditor_and_sales_manager_read_all(self):
        auditor = self.env["res.users"].create(
            {
                "name": "Ada Auditor",
                "login": "cc_forecast_auditor",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "groups_id": [Command.set(self.env.ref("account.group_account_readonly").ids)],
            }
        )
        manager = self.env["res.users"].create(
            {
                "name": "Manon Manager",
                "login": "cc_forecast_manager",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "groups_id": [Command.set(self.env.ref("sales_team.group_sale_salesman_all_leads").ids)],
            }
        )
        for user in (self.billing, self.finance, self.finance_2, auditor, manager):
            with self.subTest(user=user.login):
                self.assertEqual(self.rows(user=user).partner_id, self.partners)
                self.assertEqual(self.weekly(user=user)["held"], (400.0, 0.0))

    def test_no_access_without_sales_or_accounting(self):
        internal = self.env["res.users"].create(
            {
                "name": "Ivan Internal",
                "login": "cc_forecast_internal",
                "company_id": self.company.id,
                "company_ids": [Command.set(self.company.ids)],
                "groups_id": [Command.set(self.env.ref("base.group_user").ids)],
            }
        )
        portal = self.env["res.users"].create(
            {
                "name": "Paula Portal",
                "login": "cc_forecast_portal",
                "groups_id": [Command.set(self.env.ref("base.group_portal").ids)],
            }
        )
        for user in (internal, portal):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.Forecast.with_user(user).search([])

    def test_other_company_hidden(self):
        company_2 = self.setup_other_company(name="Forecast Company B")["company"]
        other = self._due_invoice(self.newcomer, 900.0, self.monday + timedelta(days=7), company=company_2)
        finance = self.Forecast.with_user(self.finance).with_context(allowed_company_ids=self.company.ids)
        expected = [("move_id", "=", other.id), ("measure", "=", "expected")]
        self.assertFalse(finance.search(expected), "finance works in one company")
        self.finance.company_ids = [Command.link(company_2.id)]
        self.assertFalse(finance.search(expected), "a company not selected stays apart")
        both = finance.with_context(allowed_company_ids=[self.company.id, company_2.id])
        self.assertEqual(both.search(expected).week, "w02")

    # ------------------------------------------------------------------
    # Speed
    # ------------------------------------------------------------------
    def _read_weekly(self):
        self.env.flush_all()
        self.env.invalidate_all()  # as a new request: only the registry's caches are warm
        self.Forecast.with_user(self.finance).read_group([], ["amount_expected:sum", "amount_due:sum"], ["week"])

    def test_weekly_read_costs_constant_queries(self):
        self._read_weekly()
        # The user and its company (today in its time zone, the weeks' labels), the grouped query.
        with self.assertQueryCount(5):
            self._read_weekly()
        for number in range(30):
            customer = self.env["res.partner"].create({"name": f"Customer {number}", "user_id": self.salesman.id})
            self._due_invoice(customer, 100.0 + number, self.monday + timedelta(days=3 * number))
        self.env["credit.payment.behaviour"]._compute_payment_behaviour(self.company)
        self._read_weekly()
        with self.assertQueryCount(5):
            self._read_weekly()
