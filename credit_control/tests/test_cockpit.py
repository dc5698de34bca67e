from datetime import timedelta

from odoo import Command, fields
from odoo.tests import Form, tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestCashCockpit(CreditControlCommon):
    """Each figure of the cash cockpit on invoices, payments, actions and decisions of known
    dates and amounts (the period is the last 90 days, today included).

    Invoices of the customer (limit 1,000):
    A 1,000 invoiced 100 days ago (before the period), due 70 days ago, unpaid: overdue;
    B 2,000 invoiced 50 days ago, due 20 days ago, 500 paid 10 days ago: 1,500 overdue;
    C 3,000 invoiced 10 days ago, due in 20 days: not yet due;
    R a credit note of 500, 5 days ago, due today: -500 not yet due;
    D 400 invoiced 95 days ago, due yesterday, paid 2 days ago: nothing open.
    Receivables 5,000 (2,500 overdue, 2,500 not yet due); sales of the period B + C - R = 4,500."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Cockpit = cls.env["credit.cockpit"]
        today = cls.today
        cls.inv_a = cls._invoice(1000.0, today - timedelta(days=100), today - timedelta(days=70))
        cls.inv_b = cls._invoice(2000.0, today - timedelta(days=50), today - timedelta(days=20))
        cls.inv_c = cls._invoice(3000.0, today - timedelta(days=10), today + timedelta(days=20))
        cls.refund = cls._invoice(500.0, today - timedelta(days=5), today, move_type="out_refund")
        cls.inv_d = cls._invoice(400.0, today - timedelta(days=95), today - timedelta(days=1))
        cls._pay(cls.inv_b, 500.0, today - timedelta(days=10))
        cls._pay(cls.inv_d, 400.0, today - timedelta(days=2))
        # A draft invoice and another company's invoice count nowhere.
        cls._invoice(9000.0, today - timedelta(days=3), today - timedelta(days=1), post=False)
        cls.company_b = cls.setup_other_company(name="Cockpit Company B")["company"]
        cls.env.user.company_ids |= cls.company_b
        cls.inv_b_company = cls._invoice(
            700.0, today - timedelta(days=3), today - timedelta(days=1), company=cls.company_b
        )

    @classmethod
    def _invoice(cls, amount, invoice_date, due, move_type="out_invoice", *, partner=None, company=None, post=True):
        move = (
            cls.env["account.move"]
            .with_company(company or cls.company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": (partner or cls.customer).id,
                    "invoice_date": invoice_date,
                    "invoice_payment_term_id": False,
                    "invoice_date_due": due,
                    "invoice_line_ids": [
                        Command.create({"name": "Crates", "quantity": 1, "price_unit": amount, "tax_ids": []})
                    ],
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _pay(cls, invoice, amount, date):
        cls.env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": amount, "payment_date": date}
        )._create_payments()

    def _action(self, move, stage, done_date, **values):
        policy = self.env["credit.dunning.policy"]._get_company_default(self.company)
        return self.env["credit.dunning.action"].create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "policy_id": policy.id,
                "stage_id": stage.id,
                "channel": stage.channel,
                "date": done_date,
                "state": "done",
                "done_date": fields.Datetime.to_datetime(done_date),
                "move_ids": [Command.set(move.ids)],
                "amount_due": move.amount_residual,
                **values,
            }
        )

    def _stages(self):
        policy = self.env["credit.dunning.policy"]._get_company_default(self.company)
        preventive = policy.stage_ids.filtered("is_preventive")[:1]
        curative = policy.stage_ids.filtered(lambda stage: not stage.is_preventive)[:1]
        self.assertTrue(preventive and curative)
        return preventive, curative

    def _cockpit(self, company=None):
        self.env.flush_all()
        company = company or self.company
        return self.Cockpit.with_context(allowed_company_ids=company.ids).search([("company_id", "=", company.id)])

    def test_dso_best_dso_and_overdue_share(self):
        cockpit = self._cockpit()
        self.assertEqual(cockpit.period_days, 90)
        self.assertAlmostEqual(cockpit.receivable, 5000.0)
        self.assertAlmostEqual(cockpit.overdue, 2500.0)
        # The unapplied credit note lowers the receivables, not what falls due.
        self.assertAlmostEqual(cockpit.not_due, 3000.0)
        self.assertAlmostEqual(cockpit.sales, 4500.0)
        # 5,000 / 4,500 x 90, and that DSO x the 3,000 not yet due of the 5,500 owed
        self.assertAlmostEqual(cockpit.dso, 100.0)
        self.assertAlmostEqual(cockpit.best_dso, 100.0 * 3000.0 / 5500.0)
        # 2,500 overdue of the 5,500 customers owe
        self.assertAlmostEqual(cockpit.overdue_share, 2500.0 / 5500.0 * 100.0)
        # Each figure opens the invoices it counts.
        receivables = self.env["account.move"].search(cockpit.action_open_receivables()["domain"])
        self.assertEqual(receivables, self.inv_a | self.inv_b | self.inv_c | self.refund)
        overdue = self.env["account.move"].search(cockpit.action_open_overdue()["domain"])
        self.assertEqual(overdue, self.inv_a | self.inv_b)
        not_due = self.env["account.move"].search(cockpit.action_open_not_due()["domain"])
        self.assertEqual(not_due, self.inv_c)
        sales = self.env["account.move"].search(cockpit.action_open_sales()["domain"])
        self.assertEqual(sales, self.inv_b | self.inv_c | self.refund)

    def test_figures_per_company(self):
        both = self.Cockpit.with_context(allowed_company_ids=(self.company | self.company_b).ids).search([])
        self.assertEqual(both.company_id, self.company | self.company_b)
        cockpit_b = self._cockpit(self.company_b)
        self.assertAlmostEqual(cockpit_b.receivable, 700.0)
        self.assertAlmostEqual(cockpit_b.overdue_share, 100.0)
        self.assertAlmostEqual(cockpit_b.dso, 700.0 / 700.0 * 90)
        only_a = self.Cockpit.with_context(allowed_company_ids=self.company.ids).search([])
        self.assertEqual(only_a.company_id, self.company)

    def test_overdue_trend_by_month(self):
        self.env.flush_all()
        months = self.env["credit.cockpit.overdue.month"].search([("company_id", "=", self.company.id)])
        self.assertEqual(len(months), 12)
        self.assertEqual(months[-1].month, self.today.replace(day=1))
        self.assertEqual(months[-1].date, self.today)
        self.assertAlmostEqual(months[-1].receivable, 5000.0)
        self.assertAlmostEqual(months[-1].overdue, 2500.0)
        self.assertAlmostEqual(months[-1].overdue_share, 50.0)
        # Each month end: (amount, date, due, [(paid on, amount)]) of the items open then.
        items = [
            (1000.0, self.today - timedelta(days=100), self.today - timedelta(days=70), []),
            (2000.0, self.today - timedelta(days=50), self.today - timedelta(days=20), [(10, 500.0)]),
            (3000.0, self.today - timedelta(days=10), self.today + timedelta(days=20), []),
            (-500.0, self.today - timedelta(days=5), self.today, []),
            (400.0, self.today - timedelta(days=95), self.today - timedelta(days=1), [(2, 400.0)]),
        ]
        for month in months:
            day = month.date
            open_items = [
                (amount - sum(paid for ago, paid in payments if self.today - timedelta(days=ago) <= day), due)
                for amount, date, due, payments in items
                if date <= day
            ]
            receivable = sum(amount for amount, _due in open_items)
            overdue = sum(amount for amount, due in open_items if due < day)
            self.assertAlmostEqual(month.receivable, receivable, msg=str(day))
            self.assertAlmostEqual(month.overdue or 0.0, overdue, msg=str(day))
            self.assertAlmostEqual(month.overdue_share, 100.0 * overdue / receivable if receivable > 0 else 0.0)
        action = self._cockpit().action_open_overdue_trend()
        self.assertEqual(action["res_model"], "credit.cockpit.overdue.month")

    def test_overdue_trend_weighted_across_companies(self):
        """Both companies selected: the month's share is that of the summed amounts (3,200
        overdue of 5,700 open), not the average of 50 % and 100 %."""
        self.env.flush_all()
        month = self.today.replace(day=1)
        trend = self.env["credit.cockpit.overdue.month"].with_context(
            allowed_company_ids=(self.company | self.company_b).ids
        )
        rows = trend.search([("month", "=", month)])
        self.assertEqual(sorted(rows.mapped("overdue_share")), [50.0, 100.0])
        [(share, overdue, receivable)] = trend._read_group(
            [("month", "=", month)], [], ["overdue_share:avg", "overdue:sum", "receivable:sum"]
        )
        self.assertAlmostEqual(overdue, 3200.0)
        self.assertAlmostEqual(receivable, 5700.0)
        self.assertAlmostEqual(share, 100.0 * 3200.0 / 5700.0)
        # as the graph and pivot views ask for it, by month
        [group] = trend.read_group([("month", "=", month)], ["overdue_share"], ["month:month"])
        self.assertAlmostEqual(group["overdue_share"], 100.0 * 3200.0 / 5700.0)

    def test_top_exposures_against_limits(self):
        other = self.env["res.partner"].create(
            {
                "name": "Cave Saint-Pierre",
                "is_company": True,
                "credit_limit_temporary": 2000.0,
                "credit_limit_temporary_until": self.today + timedelta(days=10),
            }
        )
        order = self._create_order(300.0, partner=other)
        order.action_confirm()
        self.env.flush_all()
        action = self._cockpit().action_open_exposures()
        exposures = self.env[action["res_model"]].search(action["domain"])
        self.assertEqual(exposures.partner_id, self.customer | other)
        top, second = exposures
        self.assertEqual(top.partner_id, self.customer)
        self.assertAlmostEqual(top.receivable, 5000.0)
        self.assertAlmostEqual(top.overdue, 2500.0)
        self.assertAlmostEqual(top.exposure, 5000.0)
        self.assertAlmostEqual(top.credit_limit, 1000.0)
        self.assertAlmostEqual(top.usage, 500.0)
        self.assertTrue(top.over_limit)
        self.assertEqual(second.partner_id, other)
        self.assertAlmostEqual(second.order_book, 300.0)
        self.assertAlmostEqual(second.exposure, 300.0)
        self.assertAlmostEqual(second.credit_limit, 2000.0)  # the temporary limit, while it lasts
        self.assertAlmostEqual(second.usage, 15.0)
        self.assertFalse(second.over_limit)
        # The exposure is the one the credit check counts.
        partner = self.customer.with_company(self.company)
        self.assertAlmostEqual(top.exposure, partner.credit_exposure)

    def test_preventive_share(self):
        """Fallen due in the period: A, B and D. B was called before its due date, A only
        after it; C is not due yet: 1 of 3."""
        preventive, curative = self._stages()
        self._action(self.inv_b, preventive, self.today - timedelta(days=25))
        self._action(self.inv_a, preventive, self.today - timedelta(days=65))
        self._action(self.inv_d, curative, self.today - timedelta(days=3))
        self._action(self.inv_c, preventive, self.today - timedelta(days=1))
        cockpit = self._cockpit()
        self.assertEqual(cockpit.due_count, 3)
        self.assertEqual(cockpit.preventive_count, 1)
        self.assertAlmostEqual(cockpit.preventive_share, 100.0 / 3)
        fallen_due = self.env["account.move"].search(cockpit.action_open_fallen_due()["domain"])
        self.assertEqual(fallen_due, self.inv_a | self.inv_b | self.inv_d)

    def test_promises_kept(self):
        """B's promise of 500 for 8 days ago was paid 10 days ago, after the call: kept. A's
        promise of 1,000 for 30 days ago: nothing paid. A promise for in 3 days is not due."""
        _preventive, curative = self._stages()
        kept = self._action(
            self.inv_b,
            curative,
            self.today - timedelta(days=15),
            outcome="promise",
            promise_date=self.today - timedelta(days=8),
            promise_amount=500.0,
        )
        broken = self._action(
            self.inv_a,
            curative,
            self.today - timedelta(days=40),
            outcome="promise",
            promise_date=self.today - timedelta(days=30),
            promise_amount=1000.0,
        )
        self._action(self.inv_c, curative, self.today, outcome="promise", promise_date=self.today + timedelta(days=3))
        cockpit = self._cockpit()
        self.assertEqual(cockpit.promise_count, 2)
        self.assertEqual(cockpit.promise_kept_count, 1)
        self.assertAlmostEqual(cockpit.promise_kept_share, 50.0)
        promises = self.env["credit.dunning.action"].search(cockpit.action_open_promises()["domain"])
        self.assertEqual(promises, kept | broken)

    def test_holds_and_decision_lead_time(self):
        """Two release requests: one decided 48 hours after it was made, one waiting for 24
        hours. A decision on no request and one before the period count nowhere."""
        decided = self._create_order(700.0)
        waiting = self._create_order(300.0)
        for order in decided | waiting:
            with self.assertHold():
                order.with_user(self.salesman).action_confirm()
            order.with_user(self.salesman)._credit_request_release("Good customer, season order")
        now = fields.Datetime.now()
        decided.sudo().credit_release_requested_date = now - timedelta(hours=48)
        waiting.sudo().credit_release_requested_date = now - timedelta(hours=24)
        wizard = Form(
            self.env["credit.decision.wizard"]
            .with_user(self.finance_2)
            .with_context(default_partner_id=self.customer.id, default_order_id=decided.id)
        )
        wizard.decision = "release"
        wizard.reason = "Paid on time for years"
        wizard.save().action_apply()
        decision = self.env["credit.decision"].search([("order_id", "=", decided.id)])
        self.assertEqual(decision.request_date, now - timedelta(hours=48))
        self.env["credit.decision"].create(
            {"partner_id": self.customer.id, "decision": "limit_permanent", "reason": "Review"}
        )
        self.env["credit.decision"].create(
            {
                "partner_id": self.customer.id,
                "decision": "release",
                "reason": "Long ago",
                "date": now - timedelta(days=120),
                "request_date": now - timedelta(days=125),
            }
        )
        cockpit = self._cockpit()
        self.assertEqual(cockpit.hold_count, 1)
        self.assertAlmostEqual(cockpit.hold_amount, 300.0)
        self.assertAlmostEqual(cockpit.hold_oldest_days, 1.0, delta=0.01)
        self.assertEqual(cockpit.decision_count, 1)
        self.assertAlmostEqual(cockpit.decision_lead_hours, 48.0, delta=0.1)
        holds = self.env["sale.order"].search(cockpit.action_open_holds()["domain"])
        self.assertEqual(holds, waiting)
        decisions = self.env["credit.decision"].search(cockpit.action_open_decisions()["domain"])
        self.assertEqual(decisions, decision)

    def test_applications_waiting_for_finance(self):
        """Two applications submitted (one two days ago), a draft and a granted one: the
        cockpit counts the two waiting, and its tile opens them."""
        Application = self.env["credit.application"].with_user(self.salesman)

        def file(amount, company=None):
            values = {"partner_id": self.customer.id, "kind": "raise", "requested_limit": amount}
            if company:
                return Application.sudo().with_company(company).create({**values, "company_id": company.id})
            return Application.create(values)

        old, recent, decided = file(2000.0), file(500.0), file(800.0)
        (old | recent | decided).action_submit()
        old.sudo().submitted_date = fields.Datetime.now() - timedelta(days=2)
        decided.with_user(self.finance).granted_limit = 800.0
        decided.with_user(self.finance).action_grant()
        file(300.0)  # a draft
        file(900.0, company=self.company_b).action_submit()
        cockpit = self._cockpit()
        self.assertEqual(cockpit.application_count, 2)
        self.assertAlmostEqual(cockpit.application_amount, 2500.0)
        self.assertAlmostEqual(cockpit.application_oldest_days, 2.0, delta=0.01)
        self.assertEqual(self._cockpit(self.company_b).application_count, 1)
        arch = cockpit.get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn("action_open_applications", arch)
        action = cockpit.with_user(self.finance).action_open_applications()
        self.assertEqual(action["res_model"], "credit.application")
        waiting = self.env["credit.application"].with_user(self.finance).search(action["domain"])
        self.assertEqual(waiting, old | recent)

    def test_sales_manager_opens_the_orders_decided(self):
        """A sales manager reads the decisions of the orders they sell only: the lead time
        tile opens the orders decided, all of them, not an empty list of decisions."""
        manager = (
            self.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Mona Manager",
                    "login": "cc_mona",
                    "company_id": self.company.id,
                    "company_ids": [Command.set(self.company.ids)],
                    "groups_id": [Command.set(self.env.ref("sales_team.group_sale_manager").ids)],
                }
            )
        )
        order = self._create_order(700.0)
        now = fields.Datetime.now()
        self.env["credit.decision"].create(
            {
                "partner_id": self.customer.id,
                "order_id": order.id,
                "decision": "release",
                "reason": "Good customer",
                "request_date": now - timedelta(hours=5),
            }
        )
        cockpit = self._cockpit().with_user(manager)
        self.assertEqual(cockpit.decision_count, 1)
        arch = cockpit.get_views([(False, "kanban")])["views"]["kanban"]["arch"]
        self.assertIn("action_open_decisions", arch)
        action = cockpit.action_open_decisions()
        self.assertEqual(action["res_model"], "sale.order")
        self.assertEqual(self.env["sale.order"].with_user(manager).search(action["domain"]), order)
        # finance still opens the decisions themselves
        action = self._cockpit().with_user(self.finance).action_open_decisions()
        self.assertEqual(action["res_model"], "credit.decision")
        self.assertEqual(len(self.env["credit.decision"].with_user(self.finance).search(action["domain"])), 1)

    def test_opening_costs_constant_queries(self):
        """The cockpit opens with the same queries, whatever the number of invoices."""
        view = self.Cockpit.get_views([(False, "kanban")])["views"]["kanban"]
        self.assertIn("action_open_receivables", view["arch"])
        spec = {name: {} for name in ("dso", "best_dso", "overdue_share", "receivable", "hold_count")}
        spec["company_id"] = {"fields": {"display_name": {}}}
        cockpit = self.Cockpit.with_context(allowed_company_ids=self.company.ids)
        cockpit.web_search_read([], spec)  # the caches of the registry are warm in a running server
        self.env.flush_all()
        self.env.invalidate_all()
        # the search, the figures, the company's name, the receivable accounts
        with self.assertQueryCount(4):
            cockpit.web_search_read([], spec)
        for _i in range(5):
            self._invoice(100.0, self.today - timedelta(days=5), self.today - timedelta(days=1))
        self.env.flush_all()
        self.env.invalidate_all()
        with self.assertQueryCount(4):
            result = cockpit.web_search_read([], spec)
        self.assertAlmostEqual(result["records"][0]["receivable"], 5500.0)
