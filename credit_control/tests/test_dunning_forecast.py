from datetime import timedelta

from odoo.tests import tagged

from .dunning_common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningForecast(DunningCommon):
    """The coming dunning steps: what the run will do next, invoice by invoice, and when."""

    def _coming(self, user=None, days=7):
        forecast = self.env["credit.dunning.forecast"]
        forecast.invalidate_model()  # a report: each request of the web client reads it afresh
        if user:
            forecast = forecast.with_user(user)
        return forecast.search([("date", "<=", self.today + timedelta(days=days))])

    def test_lists_the_calls_and_reminders_of_the_coming_days(self):
        soon = self._create_invoice(500.0, days_overdue=-10)
        later = self._create_invoice(700.0, days_overdue=-40)
        late = self._create_invoice(300.0, days_overdue=5, partner=self.customer_2)
        coming = self._coming()
        self.assertIn(soon, coming.move_id)
        self.assertNotIn(later, coming.move_id)
        call = coming.filtered(lambda step: step.move_id == soon)
        self.assertEqual(call.stage_id, self.stage_call)
        self.assertTrue(call.is_preventive)
        self.assertEqual(call.date, soon.invoice_date_due - timedelta(days=7))
        self.assertAlmostEqual(call.amount_residual, 500.0)
        # Five days late and never contacted: the first stage is still to do, and overdue.
        missed = coming.filtered(lambda step: step.move_id == late)
        self.assertEqual(missed.stage_id, self.stage_call)
        self.assertLess(missed.date, self.today)

    def test_amount_due_in_the_invoice_currency(self):
        """An invoice in a foreign currency: its residual labelled with that currency, and the
        company's amount beside it for the totals."""
        euro = self.setup_other_currency("EUR")  # 2 EUR for 1 of the company's currency
        invoice = self._create_invoice(200.0, days_overdue=-5, post=False)
        invoice.currency_id = euro
        invoice.action_post()
        step = self._coming().filtered(lambda s: s.move_id == invoice)
        self.assertAlmostEqual(step.amount_residual, 200.0)
        currency_field = step._fields["amount_residual"].get_currency_field(step)
        self.assertEqual(step[currency_field], euro)
        self.assertAlmostEqual(step.amount_residual_company, 100.0)
        self.assertEqual(
            step[step._fields["amount_residual_company"].get_currency_field(step)], self.company.currency_id
        )

    def test_follows_the_run_the_promise_and_the_dispute(self):
        invoice = self._create_invoice(500.0, days_overdue=-5)
        self.run_dunning()
        step = self._coming(days=30).filtered(lambda s: s.move_id == invoice)
        self.assertEqual(step.stage_id, self.stage_friendly)
        self.assertEqual(step.date, invoice.invoice_date_due + timedelta(days=3))
        invoice.dunning_hold_until = invoice.invoice_date_due + timedelta(days=20)
        step = self._coming(days=60).filtered(lambda s: s.move_id == invoice)
        self.assertEqual(step.date, invoice.dunning_hold_until + timedelta(days=1), "the run waits until then")
        invoice.in_dispute = True
        self.assertNotIn(invoice, self._coming(days=60).move_id)

    def test_salesperson_sees_own_customers_only(self):
        self._create_invoice(500.0, days_overdue=-10)
        self._create_invoice(300.0, days_overdue=-10, partner=self.customer_2)
        self.assertEqual(self._coming(user=self.salesman).partner_id, self.customer)
        self.assertEqual(len(self._coming().partner_id), 2)

    def test_user_of_two_companies_reads_both(self):
        """Each company's steps are a query of their own, joined in one list."""
        invoice = self._create_invoice(500.0, days_overdue=-10)
        other = self.setup_other_company(name="Forecast Company B")["company"]
        other_invoice = self._create_invoice(400.0, days_overdue=-10, company=other)
        self.env.user.company_ids |= other
        forecast = self.env["credit.dunning.forecast"].with_context(allowed_company_ids=(self.company | other).ids)
        self.assertLessEqual(invoice | other_invoice, forecast.search([]).move_id)
