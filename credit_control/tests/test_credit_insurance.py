from contextlib import contextmanager
from datetime import timedelta

from odoo import Command
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CreditControlCommon


@tagged("post_install", "-at_install")
class TestCreditInsurance(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.insurer = cls.env["res.partner"].create({"name": "Assurcrédit", "is_company": True})
        cls.company.credit_insurance_expiry_days = 30

    def _cover(self, granted=2000.0, user=None, **values):
        return (
            self.env["credit.insurance.cover"]
            .with_user(user or self.finance)
            .create(
                {
                    "partner_id": self.customer.id,
                    "insurer_id": self.insurer.id,
                    "policy_number": "POL-1",
                    "amount_requested": granted,
                    "amount_granted": granted,
                    "date_start": self.today - timedelta(days=30),
                    "date_end": self.today + timedelta(days=300),
                    "state": "granted",
                    **values,
                }
            )
        )

    @contextmanager
    def assertRefused(self, pattern):
        with self.assertRaisesRegex(ValidationError, pattern), self.env.cr.savepoint():
            yield

    def _activities(self, cover, xmlid):
        return cover.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(xmlid))

    # ------------------------------------------------------------------
    # The cover's rules
    # ------------------------------------------------------------------
    def test_cover_ending_before_it_starts_is_refused(self):
        with self.assertRefused("before it starts"):
            self._cover(date_end=self.today - timedelta(days=31))

    def test_share_outside_0_100_is_refused(self):
        for share in (-1.0, 100.5):
            with self.assertRefused("between 0 and 100"):
                self._cover(share=share)
        self.assertEqual(self._cover(share=100.0).share, 100.0)

    def test_granted_cover_needs_an_amount(self):
        with self.assertRefused("needs the amount the insurer granted"):
            self._cover(granted=0.0)
        requested = self._cover(granted=0.0, state="requested", amount_requested=3000.0)
        with self.assertRefused("needs the amount the insurer granted"):
            requested.action_grant()
        with self.assertRefused("cannot be negative"):
            self._cover(state="requested", amount_requested=-5.0)

    def test_cover_is_for_the_commercial_entity(self):
        with self.assertRefused("choose Brasserie du Port"):
            self._cover(partner_id=self.contact.id)

    def test_grant_reduced_when_insurer_grants_less(self):
        cover = self._cover(granted=1500.0, state="requested", amount_requested=2000.0)
        cover.action_grant()
        self.assertEqual(cover.state, "reduced")
        self.assertTrue(cover.is_in_force)
        cover.action_cancel()
        self.assertFalse(cover.is_in_force)

    def test_one_cover_in_force_per_customer_and_company(self):
        cover = self._cover()
        with self.assertRefused("already has a cover in force"):
            self._cover(date_start=self.today + timedelta(days=100), date_end=False)
        # A renewal requested while the cover runs, and one granted once it has ended, are fine.
        renewal = self._cover(state="requested", date_start=self.today + timedelta(days=200))
        self._cover(date_start=cover.date_end + timedelta(days=1), date_end=False)
        with self.assertRefused("already has a cover in force"):
            renewal.action_grant()
        # Another company insures on its own.
        company_2 = self.setup_other_company()["company"]
        self.env["credit.insurance.cover"].sudo().create(
            {
                "partner_id": self.customer.id,
                "insurer_id": self.insurer.id,
                "company_id": company_2.id,
                "amount_granted": 800.0,
                "date_start": self.today,
                "state": "granted",
            }
        )
        # A cancelled cover leaves room for another.
        cover.action_cancel()
        self._cover(date_end=cover.date_end - timedelta(days=1))

    # ------------------------------------------------------------------
    # The customer's credit tab
    # ------------------------------------------------------------------
    def test_partner_shows_cover_in_force_and_exposure_above_it(self):
        cover = self._cover(granted=1200.0)
        self._create_invoice(1500.0)
        customer = self.customer.with_user(self.billing)
        self.assertEqual(customer.credit_insurance_cover_id, cover)
        self.assertEqual(customer.credit_insurance_amount, 1200.0)
        self.assertEqual(customer.credit_exposure_above_cover, 300.0)
        self.assertEqual(self.contact.with_user(self.billing).credit_exposure_above_cover, 300.0)
        cover.date_end = self.today - timedelta(days=1)
        customer.invalidate_recordset()
        self.assertFalse(customer.credit_insurance_cover_id)
        self.assertEqual(customer.credit_exposure_above_cover, 0.0)

    # ------------------------------------------------------------------
    # The gate
    # ------------------------------------------------------------------
    def test_gate_uses_the_cover_only_with_the_company_option(self):
        self._cover(granted=2000.0)
        order = self._create_order(1500.0)
        self.assertFalse(self.company.credit_insurance_limit)  # off by default
        with self.assertHold("over its credit limit"):
            order.action_confirm()
        self.company.credit_insurance_limit = True
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.customer.with_user(self.billing).credit_limit_effective, 2000.0)

    def test_gate_holds_above_a_cover_lower_than_the_limit(self):
        self.company.credit_insurance_limit = True
        self._cover(granted=500.0)
        order = self._create_order(700.0)
        with self.assertHold("for a limit of"):
            order.action_confirm()
        self.assertEqual(order.credit_limit_effective, 500.0)

    def test_no_cover_in_force_keeps_the_limit(self):
        self.company.credit_insurance_limit = True
        self._cover(granted=5000.0, state="requested")
        self._cover(granted=5000.0, date_start=self.today + timedelta(days=400), date_end=False)
        with self.assertHold():
            self._create_order(1500.0).action_confirm()
        self._create_order(900.0).action_confirm()

    def test_temporary_limit_still_applies_over_the_cover(self):
        self.company.credit_insurance_limit = True
        self._cover(granted=500.0)
        self.customer.with_user(self.finance).write(
            {"credit_limit_temporary": 3000.0, "credit_limit_temporary_until": self.today + timedelta(days=5)}
        )
        order = self._create_order(2500.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_limit_for_good_refused_while_the_cover_is_the_limit(self):
        self.company.credit_insurance_limit = True
        self._cover(granted=500.0)
        wizard = (
            self.env["credit.decision.wizard"]
            .with_user(self.finance)
            .create({"partner_id": self.customer.id, "decision": "limit_permanent", "new_limit": 5000.0, "reason": "x"})
        )
        with self.assertRaisesRegex(UserError, "ask the insurer for a higher cover"):
            wizard.action_apply()
        self.assertEqual(self.customer.credit_limit, 1000.0)

    def _count_evaluation_queries(self, orders):
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        orders._credit_evaluate()
        return self.env.cr.sql_log_count - before

    def test_gate_reads_the_covers_with_one_query(self):
        """Confirmation reads the covers of all the customers with the rest of what it decides
        on (res.partner._credit_gate_read): no query more with the option on, whatever the
        number of customers."""
        customers = self.customer | self.customer.copy({"name": "Cave Saint-Nicolas"})
        customers |= self.customer.copy({"name": "Bistrot de la Gare"})
        orders = self.env["sale.order"]
        for customer in customers:
            self._cover(partner_id=customer.id)
            orders |= self._create_order(10.0, partner=customer)
        orders._credit_evaluate()  # warm the caches of the rules and currencies
        self._count_evaluation_queries(orders)  # the first count reads what later ones find cached
        off_one, off_three = self._count_evaluation_queries(orders[0]), self._count_evaluation_queries(orders)
        self.company.credit_insurance_limit = True
        on_one, on_three = self._count_evaluation_queries(orders[0]), self._count_evaluation_queries(orders)
        self.assertEqual(on_one, off_one)
        self.assertEqual(on_three, off_three)
        self.assertEqual(on_three, on_one)
        # And the confirmation itself lets through, within the cover, what the limit holds.
        orders.action_confirm()
        self.assertEqual(set(orders.mapped("state")), {"sale"})
        self._create_order(1500.0, partner=customers[1]).action_confirm()

    # ------------------------------------------------------------------
    # Finance's to-dos
    # ------------------------------------------------------------------
    def test_expiry_todo_once_before_the_cover_ends(self):
        cover = self._cover(date_end=self.today + timedelta(days=40))
        expiry = "credit_control.mail_activity_credit_insurance_expiry"
        self.env["credit.insurance.cover"]._cron_insurance_todos()
        self.assertFalse(self._activities(cover, expiry))
        self.company.credit_insurance_expiry_days = 45
        self.env["credit.insurance.cover"]._cron_insurance_todos()
        todo = self._activities(cover, expiry)
        self.assertEqual(len(todo), 1)
        self.assertEqual(todo.user_id, self.finance)
        self.assertEqual(todo.date_deadline, cover.date_end)
        todo.action_feedback("Renewal asked")
        self.env["credit.insurance.cover"]._cron_insurance_todos()
        self.assertFalse(self._activities(cover, expiry), "no second to-do for the same end date")
        # Extended by the insurer: a to-do again before the new end date.
        cover.date_end = self.today + timedelta(days=20)
        self.env["credit.insurance.cover"]._cron_insurance_todos()
        self.assertEqual(len(self._activities(cover, expiry)), 1)

    def test_exposure_above_cover_todo_once_while_above(self):
        self.customer.with_user(self.finance).credit_limit = 5000.0
        cover = self._cover(granted=1000.0)
        exceeded = "credit_control.mail_activity_credit_insurance_exceeded"
        self._create_invoice(900.0)
        self.env["credit.insurance.cover"]._cron_insurance_todos()
        self.assertFalse(self._activities(cover, exceeded))
        self._create_order(300.0, user=self.finance).action_confirm()  # in the order book
        self.env["credit.insurance.cover"]._cron_insurance_todos()
        todo = self._activities(cover, exceeded)
        self.assertEqual(len(todo), 1)
        self.assertIn("200.00 more than", todo.note.replace("\u00a0", " "))
        todo.action_feedback("Higher cover asked")
        self.env["credit.insurance.cover"]._cron_insurance_todos()
        self.assertFalse(self._activities(cover, exceeded), "no second to-do while it stays above")
        # Back under the cover, then above again: a new to-do.
        self._create_invoice(500.0, move_type="out_refund")
        self.env["credit.insurance.cover"]._cron_insurance_todos()
        self.assertFalse(cover.exposure_above_todo_sent)
        self._create_invoice(600.0)
        self.env["credit.insurance.cover"]._cron_insurance_todos()
        self.assertEqual(len(self._activities(cover, exceeded)), 1)

    # ------------------------------------------------------------------
    # Who can do what
    # ------------------------------------------------------------------
    def test_only_finance_records_covers(self):
        cover = self._cover()
        for user in (self.salesman, self.billing):
            with self.assertRaises(UserError):  # AccessError is a UserError
                self._cover(user=user, date_start=self.today + timedelta(days=400), date_end=False)
            with self.assertRaises(UserError):
                cover.with_user(user).amount_granted = 9000.0
        self.assertEqual(cover.with_user(self.billing).amount_granted, 2000.0)
        sales_manager = self.salesman.copy(
            {
                "login": "cc_insurance_manager",
                "groups_id": [Command.link(self.env.ref("sales_team.group_sale_manager").id)],
            }
        )
        self.assertEqual(cover.with_user(sales_manager).amount_granted, 2000.0)
