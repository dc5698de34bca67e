from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, ValidationError

from .dunning_common import DunningCommon


class WorklistCommon(DunningCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Worklist = cls.env["credit.collector.worklist"]
        cls.policy.collector_id = False
        cls.company.dunning_collector_id = cls.billing
        cls.auditor = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Ada Auditor",
                    "login": "cc_ada",
                    "company_id": cls.company.id,
                    "company_ids": [Command.set(cls.company.ids)],
                    "groups_id": [Command.set(cls.env.ref("account.group_account_readonly").ids)],
                }
            )
        )

    @classmethod
    def make_customer(cls, name, grade=None):
        partner = cls.env["res.partner"].create({"name": name, "is_company": True})
        if grade:
            cls.env["credit.payment.behaviour"].sudo().create(
                {"partner_id": partner.id, "company_id": cls.company.id, "grade": grade}
            )
        return partner

    @classmethod
    def plan(cls, partner, invoices, stage=None, date=None, user=None):
        """A planned contact of ``stage`` (the preventive call) on ``invoices``, for today."""
        stage = stage or cls.env.ref("credit_control.credit_dunning_stage_preventive_call")
        return cls.env["credit.dunning.action"].create(
            {
                "partner_id": partner.id,
                "company_id": cls.company.id,
                "policy_id": stage.policy_id.id,
                "stage_id": stage.id,
                "channel": stage.channel,
                "date": date or cls.today,
                "user_id": (user or cls.billing).id,
                "move_ids": [Command.set(invoices.ids)],
                "amount_due": sum(invoices.mapped("amount_residual")),
            }
        )

    @classmethod
    def promise(cls, partner, invoices, promise_date, amount, days_ago=3):
        """A call recorded ``days_ago`` days ago, where the customer promised ``amount``."""
        action = cls.plan(partner, invoices, date=cls.today - timedelta(days=days_ago))
        action.write(
            {
                "state": "done",
                "outcome": "promise",
                "promise_date": promise_date,
                "promise_amount": amount,
                "done_date": action.create_date - timedelta(days=days_ago),
            }
        )
        return action

    def lines(self, user=None, **domain):
        # Computed at each read, as each request of the web client reads it afresh.
        self.Worklist.invalidate_model()
        worklist = self.Worklist.with_user(user or self.billing)
        return worklist.search([(key, "=", value) for key, value in domain.items()])


class TestWorklistRanking(WorklistCommon):
    """README, "The collector's worklist": amount x lateness weight x grade weight, plus the
    promises due today or broken."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 1,000 ten days late, grade E: 1,000 x 1.0 x 2.0 = 2,000.
        cls.bad = cls.make_customer("Bad Payer", "E")
        cls.plan(cls.bad, cls._create_invoice(1000.0, days_overdue=10, partner=cls.bad))
        # 3,000 ten days late, grade A: 3,000 x 1.0 x 0.5 = 1,500.
        cls.good = cls.make_customer("Good Payer", "A")
        cls.plan(cls.good, cls._create_invoice(3000.0, days_overdue=10, partner=cls.good))
        # 600 a hundred days late, no grade: 600 x 3.0 x 1.0 = 1,800.
        cls.old = cls.make_customer("Old Debt")
        cls.plan(cls.old, cls._create_invoice(600.0, days_overdue=100, partner=cls.old))
        # 400 five days late, promised for today: 400 x 1.0 + 400 = 800, with no call planned.
        cls.promised = cls.make_customer("Promised Today", "C")
        invoice = cls._create_invoice(400.0, days_overdue=5, partner=cls.promised)
        cls.promise(cls.promised, invoice, cls.today, 400.0)
        # 1,000 due in 5 days, its preventive call today: 1,000 x 0.25 = 250.
        cls.preventive = cls.make_customer("Not Yet Due", "C")
        cls.plan(cls.preventive, cls._create_invoice(1000.0, days_overdue=-5, partner=cls.preventive))
        # 5,000 late but nothing to do today: in the load, not in the day's list.
        cls.waiting = cls.make_customer("Between Reminders", "E")
        cls._create_invoice(5000.0, days_overdue=20, partner=cls.waiting)

    def test_the_day_is_ranked_by_expected_cash(self):
        day = self.lines(to_do_today=True)
        self.assertEqual(day.partner_id, self.bad | self.old | self.good | self.promised | self.preventive)
        self.assertEqual(
            [(line.partner_id, line.score) for line in day],
            [
                (self.bad, 2000.0),
                (self.old, 1800.0),
                (self.good, 1500.0),
                (self.promised, 800.0),
                (self.preventive, 250.0),
            ],
        )
        self.assertRecordValues(
            day[:2],
            [
                {"amount_overdue": 1000.0, "days_late": 10, "grade": "E", "call_count": 1, "user_id": self.billing.id},
                {
                    "amount_overdue": 600.0,
                    "days_late": 100,
                    "grade": False,
                    "call_count": 1,
                    "user_id": self.billing.id,
                },
            ],
        )
        promised = day.filtered(lambda line: line.partner_id == self.promised)
        self.assertEqual((promised.promise_due_amount, promised.next_action), (400.0, "call"))
        waiting = self.lines(partner_id=self.waiting.id)
        self.assertEqual((waiting.to_do_today, waiting.score, waiting.amount_due), (False, 10000.0, 5000.0))

    def test_a_broken_promise_counts_double_until_a_contact(self):
        action = self.env["credit.dunning.action"].search(
            [("partner_id", "=", self.promised.id), ("outcome", "=", "promise")]
        )
        action.promise_date = self.today - timedelta(days=1)
        line = self.lines(partner_id=self.promised.id)
        self.assertEqual((line.promise_broken_amount, line.score), (400.0, 400.0 + 800.0))
        self.assertTrue(line.to_do_today)
        # The collector calls again: the promise is handled, the customer leaves today's list.
        call = self.plan(self.promised, action.move_ids)
        call.with_user(self.billing).write({"outcome": "no_issue"})
        call.with_user(self.billing).action_record_outcome()
        line = self.lines(partner_id=self.promised.id)
        self.assertEqual((line.promise_broken_amount, line.score, line.to_do_today), (0.0, 400.0, False))

    def test_a_paid_customer_leaves_the_list(self):
        invoice = self.env["account.move"].search([("partner_id", "=", self.bad.id)])
        self.pay(invoice, 1000.0)
        line = self.lines(partner_id=self.bad.id)
        self.assertEqual((line.score, line.amount_overdue), (0.0, 0.0), "its call is still planned, worth nothing")

    def test_collectors_see_each_others_worklist(self):
        self.bad.with_user(self.billing).credit_collector_id = self.finance
        mine = self.lines(to_do_today=True, user_id=self.billing.id)
        self.assertNotIn(self.bad, mine.partner_id)
        self.assertIn(self.bad, self.lines(user_id=self.finance.id).partner_id, "another collector's line is read")

    def test_the_load_of_each_collector(self):
        self.old.with_user(self.finance).credit_collector_id = self.finance
        groups = self.Worklist.with_user(self.finance)._read_group(
            [], ["user_id"], ["__count", "amount_due:sum", "call_count:sum"]
        )
        load = {user: (count, due, calls) for user, count, due, calls in groups}
        self.assertEqual(load[self.finance], (1, 600.0, 1))
        self.assertEqual(load[self.billing], (5, 1000.0 + 3000.0 + 400.0 + 1000.0 + 5000.0, 3))

    def test_opening_the_worklist_costs_the_same_queries_at_any_size(self):
        worklist = self.Worklist.with_user(self.billing)
        spec = {
            "partner_id": {"fields": {"display_name": {}}},
            "user_id": {"fields": {"display_name": {}}},
            "grade": {},
            "score": {},
            "amount_overdue": {},
            "next_action": {},
            "call_count": {},
        }
        domain = [("to_do_today", "=", True), ("user_id", "=", self.billing.id)]
        worklist.web_search_read(domain, spec)
        self.env.invalidate_all()
        with self.assertQueryCount(6):
            self.assertEqual(worklist.web_search_read(domain, spec)["length"], 5)
        for index in range(10):
            partner = self.make_customer(f"More {index}", "B")
            self.plan(partner, self._create_invoice(100.0 + index, days_overdue=index, partner=partner))
        self.env.invalidate_all()
        worklist.web_search_read(domain, spec)
        self.env.invalidate_all()
        with self.assertQueryCount(6):
            self.assertEqual(worklist.web_search_read(domain, spec)["length"], 15)


class TestWorklistNextAction(WorklistCommon):
    def test_next_best_action_follows_stages_and_contacts(self):
        call_customer = self.make_customer("To Call")
        invoice = self._create_invoice(500.0, days_overdue=-5, partner=call_customer)
        call = self.plan(call_customer, invoice)
        letter_customer = self.make_customer("To Write To")
        letter = self.plan(
            letter_customer, self._create_invoice(500.0, days_overdue=31, partner=letter_customer), self.stage_notice
        )
        email_customer = self.make_customer("To Email")
        self.plan(
            email_customer, self._create_invoice(500.0, days_overdue=4, partner=email_customer), self.stage_friendly
        )
        litigation_customer = self.make_customer("To Litigation")
        claimed = self._create_invoice(500.0, days_overdue=50, partner=litigation_customer)
        self.reached(claimed, self.stage_litigation)
        self.plan(litigation_customer, claimed)
        actions = {line.partner_id: line.next_action for line in self.lines(to_do_today=True)}
        self.assertEqual(
            actions,
            {
                call_customer: "call",
                letter_customer: "letter",
                email_customer: "email",
                litigation_customer: "escalation",
            },
        )
        line = self.lines(partner_id=call_customer.id)
        self.assertEqual(line.action_do_next_action()["res_id"], call.id, "the button opens the call to make")
        line = self.lines(partner_id=letter_customer.id)
        self.assertEqual(line.action_do_next_action()["res_id"], letter.id)

    def test_next_call_follows_the_ranking(self):
        small, large, medium = (self.make_customer(name) for name in ("Small", "Large", "Medium"))
        calls = self.Action
        for partner, amount in ((small, 100.0), (large, 5000.0), (medium, 1000.0)):
            calls |= self.plan(partner, self._create_invoice(amount, days_overdue=10, partner=partner))
        first = calls.filtered(lambda c: c.partner_id == large).with_user(self.billing)
        first.write({"outcome": "no_issue"})
        first.action_record_outcome()
        seen = []
        action = first.action_next_call()
        while action.get("res_model"):
            current = self.Action.browse(action["res_id"]).with_user(self.billing)
            seen.append(current.partner_id)
            current.write({"outcome": "no_issue"})
            current.action_record_outcome()
            action = current.action_next_call()
        self.assertEqual(seen, [medium, small], "the most expected cash first, not the agenda's order")


class TestWorklistAssignmentAndAccess(WorklistCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.first = cls.make_customer("First")
        cls.second = cls.make_customer("Second")
        for partner in (cls.first, cls.second):
            cls.plan(partner, cls._create_invoice(700.0, days_overdue=12, partner=partner))
        cls.customer.user_id = cls.salesman
        cls.employee = (
            cls.env["res.users"]
            .with_context(no_reset_password=True)
            .create(
                {
                    "name": "Eve Employee",
                    "login": "cc_eve",
                    "company_id": cls.company.id,
                    "company_ids": [Command.set(cls.company.ids)],
                    "groups_id": [Command.set(cls.env.ref("base.group_user").ids)],
                }
            )
        )

    def test_finance_assigns_many_customers_at_once(self):
        Assign = self.env["credit.collector.assign"].with_user(self.finance)
        wizard = Assign.with_context(active_model="res.partner", active_ids=(self.first | self.second).ids).create(
            {"collector_id": self.finance.id}
        )
        self.assertEqual(wizard.partner_ids, self.first | self.second)
        wizard.action_assign()
        self.assertEqual((self.first | self.second).mapped("credit_collector_id"), self.finance)
        self.assertEqual(self.lines(user_id=self.finance.id).partner_id, self.first | self.second)
        calls = self.Action.search([("partner_id", "in", (self.first | self.second).ids), ("state", "=", "planned")])
        self.assertEqual(calls.user_id, self.finance, "their open calls follow")

    def test_assignment_from_the_worklist(self):
        lines = self.lines(user=self.finance, to_do_today=True)
        action = lines.with_user(self.finance).action_assign_collector()
        wizard = (
            self.env["credit.collector.assign"]
            .with_user(self.finance)
            .with_context(**action["context"])
            .create({"collector_id": self.finance_2.id})
        )
        wizard.action_assign()
        self.assertEqual(self.lines(user=self.finance, to_do_today=True).user_id, self.finance_2)

    def test_only_finance_assigns_and_only_to_an_accountant(self):
        for user in (self.billing, self.salesman):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["credit.collector.assign"].with_user(user).create(
                    {"collector_id": self.billing.id, "partner_ids": [Command.set(self.first.ids)]}
                ).action_assign()
        with self.assertRaisesRegex(AccessError, "Only finance"):
            self.lines(to_do_today=True).action_assign_collector()
        with self.assertRaisesRegex(ValidationError, "choose an accountant"):
            self.env["credit.collector.assign"].with_user(self.finance).create(
                {"collector_id": self.salesman.id, "partner_ids": [Command.set(self.first.ids)]}
            )

    def test_who_reads_the_worklist(self):
        for user in (self.billing, self.finance, self.auditor):
            with self.subTest(user=user.login):
                self.assertEqual(self.lines(user=user, to_do_today=True).partner_id, self.first | self.second)
        for user in (self.salesman, self.employee):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.lines(user=user)

    def test_each_company_its_own_lines(self):
        other = self.setup_other_company(name="Worklist Company B")["company"]
        self.billing.company_ids |= other
        self._create_invoice(900.0, days_overdue=10, partner=self.first, company=other)
        self.Action.create(
            {
                "partner_id": self.first.id,
                "company_id": other.id,
                "policy_id": self.env["credit.dunning.policy"]._get_company_default(other).id,
                "stage_id": self.env["credit.dunning.policy"]._get_company_default(other).stage_ids[:1].id,
                "channel": "phone",
                "date": self.today,
            }
        )
        worklist = self.Worklist.with_user(self.billing)
        only_mine = worklist.with_context(allowed_company_ids=self.company.ids).search(
            [("partner_id", "=", self.first.id)]
        )
        self.assertEqual((only_mine.company_id, only_mine.amount_due), (self.company, 700.0))
        both = self.Worklist.with_user(self.billing).with_context(allowed_company_ids=[self.company.id, other.id])
        lines = both.search([("partner_id", "=", self.first.id)])
        self.assertEqual(lines.company_id, self.company | other)
        self.assertEqual(lines.filtered(lambda line: line.company_id == other).amount_due, 900.0)
        self.billing.company_ids -= other
        self.Worklist.invalidate_model()
        self.assertEqual(worklist.search([("partner_id", "=", self.first.id)]).company_id, self.company)
