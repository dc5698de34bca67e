from datetime import timedelta

from odoo import Command
from odoo.tests import tagged

from .common import CreditControlCommon

FELL = "credit_control.mail_activity_credit_grade_fallen"
CASH = "credit_control.mail_activity_dunning_cash_in_advance"


@tagged("post_install", "-at_install")
class TestPaymentBehaviourScale(CreditControlCommon):
    """The nightly job's first run on a working database, and its cost as customers and falls
    grow: customers paying 20 days late (grade C) and 50 days late (D); tighter thresholds
    then make the first fall to D and the others to E."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.write(cls._thresholds(30, 60))
        cls.graded = cls.env["res.partner"]

    @staticmethod
    def _thresholds(c_max, d_max):
        return {
            "credit_grade_basis": "days_late",
            "credit_grade_a_max": 0,
            "credit_grade_b_max": 10,
            "credit_grade_c_max": c_max,
            "credit_grade_d_max": d_max,
        }

    def _customers(self, count):
        """``count`` customers, each with an invoice of 30 days' terms paid 20 or 50 days late."""
        partners = self.env["res.partner"].create(
            [{"name": f"Client {len(self.graded) + n}", "is_company": True} for n in range(count)]
        )
        for n, partner in enumerate(partners):
            invoice_date = self.today - timedelta(days=120)
            invoice = self.env["account.move"].create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": invoice_date,
                    "invoice_payment_term_id": False,
                    "invoice_date_due": invoice_date + timedelta(days=30),
                    "invoice_line_ids": [
                        Command.create({"name": "Crates", "quantity": 1, "price_unit": 100.0, "tax_ids": []})
                    ],
                }
            )
            invoice.action_post()
            late = 20 if n % 2 == 0 else 50
            self.env["account.payment.register"].with_context(
                active_model="account.move", active_ids=invoice.ids
            ).create({"payment_date": invoice_date + timedelta(days=30 + late)}).action_create_payments()
        self.graded |= partners
        return partners

    def _todos(self, xmlid, partners=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", (partners or self.graded).ids),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    def _notifications(self):
        """The messages and emails about the to-dos (an 'assigned to you' each, without the fix)."""
        return self.env["mail.message"].search_count(
            [("model", "=", "res.partner"), ("res_id", "in", self.graded.ids)]
        ) + self.env["mail.mail"].search_count([("model", "=", "res.partner"), ("res_id", "in", self.graded.ids)])

    def _nightly_queries(self):
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        self.env["credit.payment.behaviour"]._cron_compute_payment_behaviour()
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def _first_run_then_falls(self):
        """As on a working database: no row yet, a first run, then a run where grades fall.
        Returns the queries of both runs."""
        self.env["credit.payment.behaviour"].sudo().search([]).unlink()
        (self._todos(FELL) | self._todos(CASH)).sudo().unlink()
        self.env["mail.followers"].sudo().search(
            [("res_model", "=", "res.partner"), ("res_id", "in", self.graded.ids)]
        ).unlink()
        self.company.write(self._thresholds(30, 60))
        first = self._nightly_queries()
        self.company.write(self._thresholds(15, 40))
        falls = self._nightly_queries()
        return first, falls

    def test_first_run_on_a_working_database(self):
        """A first grade is no fall: no review to-do; grade E proposes cash in advance once, to
        the credit controller, without an email per to-do, except to a customer already on it."""
        good, bad = self._customers(2)
        other, on_cash = self._customers(2)
        on_cash.with_company(self.company).credit_cash_in_advance = True
        self.company.write(self._thresholds(15, 40))
        notifications = self._notifications()
        self.env["credit.payment.behaviour"]._cron_compute_payment_behaviour()
        rows = self.env["credit.payment.behaviour"].search([("partner_id", "in", (good | bad).ids)])
        self.assertEqual(sorted(rows.mapped("grade")), ["D", "E"])
        self.assertFalse(self._todos(FELL), "a grade given for the first time is no fall")
        proposals = self._todos(CASH)
        self.assertEqual(proposals.mapped("res_id"), bad.ids, "none for good payers nor customers on cash in advance")
        self.assertEqual(proposals.user_id, self.finance)
        self.assertEqual(proposals.summary, f"Put {bad.name} on cash in advance?")
        self.assertIn("repeated lateness", proposals.note)
        self.assertEqual(self._notifications(), notifications, "no 'assigned to you' email per to-do")
        self.assertIn(self.finance.partner_id, bad.message_partner_ids, "the controller follows the customer")
        # A later run where grades fall: reviews, and the new E's proposal, still no email.
        self.company.write(self._thresholds(12, 14))
        self.env["credit.payment.behaviour"]._cron_compute_payment_behaviour()
        self.assertEqual(set(self._todos(FELL).mapped("res_id")), {good.id, other.id})
        self.assertIn("fell from D to E", self._todos(FELL, good).summary)
        self.assertEqual(self._todos(CASH, good).user_id, self.finance)
        self.assertEqual(len(self._todos(CASH, bad)), 1, "the open proposal is not repeated")
        self.assertFalse(self._todos(CASH, on_cash))
        self.assertEqual(self._notifications(), notifications)

    def test_job_queries_do_not_grow(self):
        """The nightly job costs as many queries for 6 customers (9 to-dos) as for 2 (3), on its
        first run and on a run where grades fall."""
        self._customers(2)
        self._first_run_then_falls()  # warm the caches
        small = self._first_run_then_falls()
        self.assertEqual(len(self._todos(FELL)), 2)
        self.assertEqual(len(self._todos(CASH)), 1)
        self._customers(4)
        large = self._first_run_then_falls()
        self.assertEqual(len(self._todos(FELL)), 6)
        self.assertEqual(len(self._todos(CASH)), 3)
        self.assertEqual(small, large, f"queries of the first run and the falls, 2 then 6 customers: {small}, {large}")
