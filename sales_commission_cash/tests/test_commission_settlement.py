from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CommissionCommon


@tagged("post_install", "-at_install")
class TestCommissionSettlement(CommissionCommon):
    def _month(self):
        start = self.today.replace(day=1)
        end = self.env["commission.settlement"]._fields["date_to"].default(self.env["commission.settlement"])
        return start, end

    def test_generate_groups_lines_per_salesperson(self):
        self._pay(self._invoice())
        self._pay(self._invoice(user=self.seller_2))
        settlements = self.env["commission.settlement"]._generate_for_period(*self._month())
        self.assertEqual(settlements.user_id, self.seller | self.seller_2)
        self.assertAlmostEqual(sum(settlements.mapped("amount_total")), 240.0)

    def test_generate_twice_creates_no_duplicate(self):
        self._pay(self._invoice())
        first = self.env["commission.settlement"]._generate_for_period(*self._month())
        second = self.env["commission.settlement"]._generate_for_period(*self._month())
        self.assertEqual(first, second)
        self.assertEqual(len(first.line_ids), 1)

    def test_validate_twice_is_refused(self):
        self._pay(self._invoice())
        settlement = self.env["commission.settlement"]._generate_for_period(*self._month())
        settlement.action_validate()
        with self.assertRaises(UserError):
            settlement.action_validate()

    def test_validated_settlement_cannot_be_edited(self):
        self._pay(self._invoice())
        settlement = self.env["commission.settlement"]._generate_for_period(*self._month())
        settlement.action_validate()
        with self.assertRaises(UserError):
            settlement.date_from = settlement.date_from.replace(day=2)

    def test_clawback_in_locked_period_goes_to_next_period(self):
        invoice = self._invoice()
        payment = self._pay(invoice)
        settlement = self.env["commission.settlement"]._generate_for_period(*self._month())
        settlement.action_validate()
        payment.action_draft()
        clawback = self._lines(invoice).filtered(lambda line: line.kind == "clawback")
        self.assertGreater(clawback.date, settlement.date_to)
        self.assertAlmostEqual(settlement.amount_total, 120.0)

    def test_paid_requires_validated(self):
        self._pay(self._invoice())
        settlement = self.env["commission.settlement"]._generate_for_period(*self._month())
        with self.assertRaises(UserError):
            settlement.action_mark_paid()
        settlement.action_validate()
        settlement.action_mark_paid()
        self.assertEqual(settlement.state, "paid")

    def test_overlapping_settlements_are_refused(self):
        start, end = self._month()
        self.env["commission.settlement"].create({"user_id": self.seller.id, "date_from": start, "date_to": end})
        with self.assertRaises(ValidationError):
            self.env["commission.settlement"].create({"user_id": self.seller.id, "date_from": start, "date_to": end})

    def test_generate_wizard_makes_and_validates_the_period(self):
        self._pay(self._invoice())
        self._pay(self._invoice(user=self.seller_2))
        start, end = self._month()
        wizard = (
            self.env["commission.settlement.generate"]
            .with_user(self.manager)
            .create({"date_from": start, "date_to": end, "validate": True})
        )
        action = wizard.action_generate()
        settlements = self.env["commission.settlement"].search(action["domain"])
        self.assertEqual(settlements.user_id, self.seller | self.seller_2)
        self.assertEqual(set(settlements.mapped("state")), {"validated"})
        # Running it again on a locked period changes nothing.
        again = self.env["commission.settlement"].search(wizard.action_generate()["domain"])
        self.assertFalse(again)
        self.assertEqual(len(settlements.line_ids), 2)

    def test_generate_wizard_defaults_to_last_month(self):
        wizard = self.env["commission.settlement.generate"].create({})
        first_of_month = self.today.replace(day=1)
        self.assertEqual(wizard.date_to, first_of_month - timedelta(days=1))
        self.assertEqual(wizard.date_from, wizard.date_to.replace(day=1))
