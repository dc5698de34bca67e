import threading
import time
import uuid

import psycopg2
from dateutil.relativedelta import relativedelta

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.exceptions import UserError, ValidationError
from odoo.service.model import retrying
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL


@tagged("post_install", "-at_install")
class TestCommissionFaults(TransactionCase):
    """Real transactions, committed, as two users or two workers make them at the same
    moment, or as a worker killed midway leaves them. Two salespeople under a 10 % plan (no bonus),
    an invoice of 1,000 (no tax) for each, and two payments of 1,000."""

    def setUp(self):
        super().setUp()
        suffix = uuid.uuid4().hex[:8]
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            today = fields.Date.context_today(env.user)
            sellers = env["res.users"].create(
                [{"name": f"Vendeur {name}", "login": f"com_fault_{name}_{suffix}"} for name in ("a", "b")]
            )
            plan = env["commission.plan"].create(
                {"name": f"Faults {suffix}", "rate": 10.0, "sequence": 1, "user_ids": [Command.set(sellers.ids)]}
            )
            customer = env["res.partner"].create({"name": f"Client {suffix}", "is_company": True})
            invoices = env["account.move"].create(
                [
                    {
                        "move_type": "out_invoice",
                        "partner_id": customer.id,
                        "invoice_user_id": seller.id,
                        "invoice_date": today,
                        "invoice_date_due": today + relativedelta(days=30),
                        "invoice_payment_term_id": False,
                        "invoice_line_ids": [
                            Command.create(
                                {"name": "Fûts", "quantity": 1, "price_unit": 1000.0, "tax_ids": [Command.clear()]}
                            )
                        ],
                    }
                    for seller in sellers
                ]
            )
            invoices.action_post()
            payments = env["account.payment"].create(
                [
                    {
                        "payment_type": "inbound",
                        "partner_type": "customer",
                        "partner_id": customer.id,
                        "amount": 1000.0,
                        "date": today,
                    }
                    for _seller in sellers
                ]
            )
            payments.action_post()
            self.ids = {
                "sellers": sellers.ids,
                "plan": plan.id,
                "customer": customer.id,
                "invoices": invoices.ids,
                "payments": payments.ids,
            }
            self.period = (today.replace(day=1), today.replace(day=1) + relativedelta(months=1, days=-1))
        self.addCleanup(self._remove_committed_data)

    def _remove_committed_data(self):
        """Commission lines and settlements are never deleted by the application: the test
        removes its own rows directly."""
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            payments = env["account.payment"].browse(self.ids["payments"])
            invoices = env["account.move"].browse(self.ids["invoices"])
            (payments.move_id | invoices).line_ids.remove_move_reconcile()
            cr.execute(SQL("DELETE FROM commission_line WHERE user_id = ANY(%s)", self.ids["sellers"]))
            cr.execute(SQL("DELETE FROM commission_settlement WHERE user_id = ANY(%s)", self.ids["sellers"]))
            env.invalidate_all()
            payments.action_draft()
            payments.unlink()
            invoices.button_draft()
            invoices.with_context(force_delete=True).unlink()
            env["commission.plan"].browse(self.ids["plan"]).unlink()
            env["res.partner"].browse(self.ids["customer"]).unlink()
            env["res.users"].browse(self.ids["sellers"]).unlink()

    # helpers

    @staticmethod
    def _receivable(records):
        return records.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")

    def _reconcile(self, env, invoice_id, payment_id):
        payment = env["account.payment"].browse(payment_id)
        (self._receivable(payment.move_id) | self._receivable(env["account.move"].browse(invoice_id))).reconcile()

    def _committed(self, function):
        with self.registry.cursor() as cr:
            return function(api.Environment(cr, SUPERUSER_ID, {}))

    def _commission_lines(self):
        return self._committed(
            lambda env: [
                (line.user_id.id, line.kind, line.amount, line.settlement_id.id)
                for line in env["commission.line"].search([("user_id", "in", self.ids["sellers"])], order="id")
            ]
        )

    def _settlements(self):
        return self._committed(
            lambda env: sorted(
                (settlement.user_id.id, settlement.amount_total, len(settlement.line_ids))
                for settlement in env["commission.settlement"].search([("user_id", "in", self.ids["sellers"])])
            )
        )

    def _in_parallel(self, first, second):
        """`first` runs in a transaction that stays open while `second` starts in another
        thread (its snapshot taken before the first one commits), and is committed half a
        second later. Returns what `second` reported, and whether it had finished before
        the first one committed."""
        outcome = {}

        def run_second():
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["res.partner"].browse(self.ids["customer"]).read(["name"])  # the snapshot
                outcome["started"] = True
                try:
                    # The server retries on serialization failures: so do we.
                    outcome["second"] = retrying(lambda: second(env), env)
                except (UserError, ValidationError) as error:
                    outcome["second"] = str(error)
                    cr.rollback()

        with self.registry.cursor() as cr_first:
            first(api.Environment(cr_first, SUPERUSER_ID, {}))
            thread = threading.Thread(target=run_second)
            thread.start()
            deadline = time.time() + 10
            while "started" not in outcome and time.time() < deadline:
                time.sleep(0.05)
            time.sleep(0.5)
            finished_early = "second" in outcome
            cr_first.commit()
        thread.join(60)
        self.assertFalse(thread.is_alive())
        return outcome.get("second"), finished_early

    # two reconciliations of the same invoice at once

    def test_two_payments_of_the_same_invoice_at_once_earn_once(self):
        invoice, _other = self.ids["invoices"]
        first_payment, second_payment = self.ids["payments"]
        seller = self.ids["sellers"][0]
        second, finished_early = self._in_parallel(
            lambda env: self._reconcile(env, invoice, first_payment),
            lambda env: self._reconcile(env, invoice, second_payment),
        )
        self.assertFalse(finished_early, "the second reconciliation must wait for the first one")
        self.assertIn("already reconciled", second)
        self.assertEqual(self._commission_lines(), [(seller, "earned", 100.0, False)])

    def test_the_same_reconciliation_processed_twice_at_once_earns_once(self):
        """A reconciliation made before the plan applied, processed by two workers at once
        (a batch recomputation run twice): the second one waits, retries, earns nothing."""
        invoice, _other = self.ids["invoices"]
        payment, _second = self.ids["payments"]
        seller = self.ids["sellers"][0]

        def reconcile_without_plan(env):
            plan = env["commission.plan"].browse(self.ids["plan"])
            plan.active = False
            self._reconcile(env, invoice, payment)
            plan.active = True
            return env["account.move"].browse(invoice).line_ids.matched_credit_ids.id

        partial_id = self._committed(reconcile_without_plan)
        self.assertEqual(self._commission_lines(), [])

        def process(env):
            return len(env["account.partial.reconcile"].browse(partial_id)._commission_create_lines())

        second, finished_early = self._in_parallel(process, process)
        self.assertFalse(finished_early, "the second worker must wait for the first one")
        self.assertEqual(second, 0)
        self.assertEqual(self._commission_lines(), [(seller, "earned", 100.0, False)])

    # settlements

    def _pay_both(self, env):
        for invoice, payment in zip(self.ids["invoices"], self.ids["payments"], strict=True):
            self._reconcile(env, invoice, payment)

    def test_generation_and_a_manual_settlement_at_once_make_one(self):
        self._committed(self._pay_both)
        seller_a, seller_b = self.ids["sellers"]
        date_from, date_to = self.period
        second, finished_early = self._in_parallel(
            lambda env: env["commission.settlement"]._generate_for_period(date_from, date_to),
            lambda env: env["commission.settlement"].create(
                {"user_id": seller_a, "date_from": date_from, "date_to": date_to}
            ),
        )
        self.assertFalse(finished_early, "the manual settlement must wait for the generation")
        self.assertIn("already has a settlement", second)
        self.assertEqual(self._settlements(), [(seller_a, 100.0, 1), (seller_b, 100.0, 1)])

    def test_generation_killed_midway_leaves_nothing_and_runs_again_once(self):
        """The worker generating the period is killed midway, while it waits for B's line
        that another transaction holds (the settlements made, A's lines attached): nothing
        of it stays, and the next runs make each settlement once."""
        self._committed(self._pay_both)
        seller_a, seller_b = self.ids["sellers"]
        date_from, date_to = self.period
        outcome = {}

        def generate():
            try:
                with self.registry.cursor() as cr:
                    cr.execute(SQL("SELECT pg_backend_pid()"))
                    outcome["pid"] = cr.fetchone()[0]
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    env["commission.settlement"]._generate_for_period(date_from, date_to)
                    env.flush_all()
                    outcome["generated"] = True
            except psycopg2.Error as error:
                outcome["killed"] = type(error).__name__

        with self.registry.cursor() as holder:
            holder.execute(
                SQL("SELECT id FROM commission_line WHERE user_id = %s FOR UPDATE", seller_b)
            )  # another transaction working on B's line
            thread = threading.Thread(target=generate)
            thread.start()
            waiting = self._wait_for_lock(holder, outcome)
            self.assertTrue(waiting, "the generation should be waiting for B's line")
            holder.execute(SQL("SELECT pg_terminate_backend(%s)", outcome["pid"]))
            thread.join(30)
            holder.rollback()
        self.assertFalse(thread.is_alive())
        self.assertIn("killed", outcome)
        self.assertNotIn("generated", outcome)
        self.assertEqual(self._settlements(), [])
        self.assertEqual([settlement for *_line, settlement in self._commission_lines()], [False, False])

        def generate_again(env):
            return env["commission.settlement"]._generate_for_period(date_from, date_to).ids

        first_run = self._committed(generate_again)
        self.assertEqual(self._committed(generate_again), first_run)
        self.assertEqual(self._settlements(), [(seller_a, 100.0, 1), (seller_b, 100.0, 1)])

    @staticmethod
    def _wait_for_lock(cr, outcome):
        deadline = time.time() + 10
        while time.time() < deadline:
            if "pid" in outcome:
                cr.execute(
                    SQL(
                        "SELECT 1 FROM pg_stat_activity WHERE pid = %s AND wait_event_type = 'Lock'",
                        outcome["pid"],
                    )
                )
                if cr.fetchone():
                    return True
            time.sleep(0.05)
        return False

    def test_monthly_job_makes_last_months_settlements_in_batches(self):
        """Called by the scheduler with batches of one salesperson, the monthly job makes
        one settlement per call, commits it and tells what remains; run again, it makes
        nothing more."""
        date_from, _date_to = self.env["commission.settlement"]._last_month()

        def earn_last_month(env):
            env["commission.line"]._insert_lines(
                [
                    {
                        "company_id": env.company.id,
                        "user_id": seller_id,
                        "move_id": self.ids["invoices"][0],
                        "date": date_from,
                        "collection_date": date_from,
                        "kind": "earned",
                        "collected": 100.0,
                        "rate": 10.0,
                        "amount": 10.0,
                    }
                    for seller_id in self.ids["sellers"]
                    for _index in range(2)
                ]
            )

        self._committed(earn_last_month)
        calls = []
        for _call in range(2):
            with self.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                _cron, progress = env.ref("sales_commission_cash.ir_cron_generate_settlements")._add_progress()
                env["commission.settlement"].with_context(ir_cron_progress_id=progress.id)._cron_generate_settlements(
                    batch_size=1
                )
                calls.append((progress.done, progress.remaining))
        self.assertEqual(calls, [(1, 1), (1, 0)])
        self.assertEqual(self._settlements(), sorted((seller_id, 20.0, 2) for seller_id in self.ids["sellers"]))
        self.assertEqual(self._committed(lambda env: env["commission.settlement"]._cron_generate_settlements()), 0)
        self.assertEqual(len(self._settlements()), 2)
