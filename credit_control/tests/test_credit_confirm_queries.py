"""Confirmation at plain Odoo's cost: the gate adds one read, which locks the customers' rows
with it, nothing more.

Two measures, neither patching anything:

- the gate itself (``_credit_evaluate(lock=True)``, what ``write`` runs when an order is
  confirmed) is counted with ``assertQueryCount`` on orders loaded as Odoo's confirmation
  loads them first;
- a whole ``action_confirm`` is traced with Odoo's own query hooks (``query_hooks`` of the
  thread, as Odoo's profiler uses them): each query belongs to the addon whose code is the
  nearest on the stack. The suite's query must be exactly the read (the lock in it), and the
  order must be written by one UPDATE (not split in two by a flush of the gate).

The count of plain Odoo's confirmation on a database without the suite is measured side by
side by benchmarks/bench_credit_check.py (README, "The confirmation gate").
"""

import os
import re
import threading
import traceback
from contextlib import contextmanager

from odoo.tests import tagged
from odoo.tools import SQL

import odoo.addons
from odoo.addons.credit_control.models.res_partner import (
    CREDIT_GATE_ORDER_BOOK_FIELDS,
    CREDIT_GATE_READ_FUNCTION,
    CREDIT_GATE_READ_INPUTS,
)

from .common import CreditControlCommon

# The repository of the suite's addons (this file is in credit_control/tests).
SUITE_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + os.sep
ADDONS_ROOTS = tuple(os.path.abspath(path) + os.sep for path in odoo.addons.__path__)


def _owner(stack):
    """The addon code nearest to the query: 'suite', 'odoo', or None (Odoo's core, tests)."""
    for frame in reversed(stack):
        if frame.filename.startswith("<"):  # generated code (decorators), no file
            continue
        filename = os.path.abspath(frame.filename)
        if f"{os.sep}tests{os.sep}" in filename:
            continue
        if filename.startswith(SUITE_ROOT):
            return "suite"
        if filename.startswith(ADDONS_ROOTS):
            return "odoo"
    return None


@tagged("post_install", "-at_install")
class TestCreditConfirmQueries(CreditControlCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.credit_limit = 1_000_000.0
        cls.others = cls.customer.copy({"name": "Cave Saint-Nicolas"}) | cls.customer.copy(
            {"name": "Bistrot de la Gare"}
        )
        cls.others.credit_limit = 1_000_000.0

    def _history(self, customers):
        for customer in customers:
            self._create_invoice(800.0, days_overdue=15, partner=customer)
            self._create_invoice(300.0, days_overdue=-20, partner=customer)
            self._create_order(200.0, partner=customer).action_confirm()

    def _quotations(self, customers, count):
        orders = self.env["sale.order"]
        for index in range(count):
            orders |= self._create_order(50.0 + index, partner=customers[index % len(customers)])
        # The rules and currencies cached, as after a first confirmation in the worker.
        orders._credit_evaluate()
        self.env.flush_all()
        return orders

    @contextmanager
    def _traced(self):
        """Every query of the block, with the addon it belongs to."""
        queries = []

        def hook(cr, query, params, start, delay):
            queries.append((_owner(traceback.extract_stack()[:-1]), " ".join(str(query).split())))

        thread = threading.current_thread()
        previous = getattr(thread, "query_hooks", ())
        thread.query_hooks = (*previous, hook)
        try:
            yield queries
        finally:
            thread.query_hooks = previous

    def _scenarios(self):
        customers = self.customer | self.others
        return [
            ("one order, no history, block", self.customer, 1, "block", False),
            ("one order, no history, alert", self.customer, 1, "alert", False),
            ("one order, history, block", self.customer, 1, "block", True),
            ("one order, history, alert", self.customer, 1, "alert", True),
            ("five orders of one customer", self.customer, 5, "block", True),
            ("six orders of three customers", customers, 6, "block", True),
            ("six orders of three customers, alert", customers, 6, "alert", True),
        ]

    def _prepare(self, customers, count, policy, history):
        customers.credit_policy = policy
        if history:
            self._history(customers)
        return self._quotations(customers, count)

    def test_gate_issues_one_read_that_locks(self):
        for label, customers, count, policy, history in self._scenarios():
            with self.subTest(label), self.env.cr.savepoint(flush=False) as savepoint:
                orders = self._prepare(customers, count, policy, history)
                self.env.invalidate_all()
                orders.mapped("name")  # the orders, as Odoo's confirmation reads them first
                with self.assertQueryCount(1):  # the read, the lock in it
                    evaluation = orders._credit_evaluate(lock=True)
                self.assertFalse(any(result["blocking"] or result["reasons"] for result in evaluation.values()))
                savepoint.rollback()

    def test_gate_reads_the_insurance_cover_and_cash_in_advance_with_the_rest(self):
        self.company.credit_insurance_limit = True
        self.env["credit.insurance.cover"].create(
            {
                "partner_id": self.customer.id,
                "insurer_id": self.others[0].id,
                "amount_requested": 500_000.0,
                "amount_granted": 500_000.0,
                "date_start": self.today,
                "state": "granted",
            }
        )
        self.others.credit_cash_in_advance = True
        orders = self._quotations(self.customer | self.others, 3)
        orders[1:].payment_term_id = self.env.ref("account.account_payment_term_immediate")
        self.env.flush_all()
        self.env.invalidate_all()
        orders.mapped("name")
        with self.assertQueryCount(1):
            evaluation = orders._credit_evaluate(lock=True)
        self.assertEqual(evaluation[orders[0].id]["limit"], 500_000.0)  # the cover, read with the rest
        self.assertFalse(any(result["blocking"] for result in evaluation.values()))
        # Cash in advance on 30 days is held, from the same read.
        orders[1].payment_term_id = self.term_30
        self.assertTrue(orders[1]._credit_evaluate()[orders[1].id]["releasable"])

    def test_whole_confirmation_adds_only_the_read_and_its_lock(self):
        for label, customers, count, policy, history in self._scenarios():
            with self.subTest(label), self.env.cr.savepoint(flush=False) as savepoint:
                orders = self._prepare(customers, count, policy, history)
                self.env.invalidate_all()  # as in a new request
                with self._traced() as queries:
                    orders.action_confirm()
                    self.env.flush_all()
                self.assertEqual(set(orders.mapped("state")), {"sale"})
                ours = [query for owner, query in queries if owner == "suite"]
                self.assertEqual(len(ours), 1, "\n".join(ours))
                self.assertTrue(ours[0].startswith("SELECT * FROM credit_control_gate_read("), ours[0])
                # The orders are written once: their state and what the gate records together
                # (Odoo groups the UPDATE by the columns written, as without the suite).
                updates = [query for __, query in queries if query.startswith('UPDATE "sale_order" SET')]
                self.assertTrue(updates)
                for update in updates:
                    self.assertIn('"state" = ', update)
                    self.assertIn('"credit_checked_amount" = ', update)
                savepoint.rollback()

    def test_no_payment_transaction_read_without_transactions(self):
        """The read says which orders have payment transactions: the others read none."""
        orders = self._quotations(self.customer, 2)
        self.env.invalidate_all()
        with self._traced() as queries:
            orders.action_confirm()
            self.env.flush_all()
        self.assertFalse(
            [query for __, query in queries if "sale_order_transaction_rel" in query and "EXISTS" not in query]
        )

    def test_a_held_order_still_says_everything(self):
        """The read holds what the messages need: a blocked order gives its figures."""
        self._history(self.customer)
        self.customer.credit_limit = 1000.0
        order = self._create_order(500.0)
        with self.assertHold("over its credit limit"):
            order.action_confirm()
        self.assertEqual(order.state, "draft")

    def test_gate_reads_today_without_a_time_zone(self):
        """The portal and the jobs run with ``tz`` False in their context: today is then the
        user's, else UTC's, as fields.Date.context_today gives it."""
        order = self._create_order(100.0)
        for tz in (False, None, "Europe/Paris"):
            with self.subTest(tz=tz):
                evaluation = order.with_context(tz=tz)._credit_evaluate()
                self.assertFalse(evaluation[order.id]["blocking"])
        order.with_context(tz=False).action_confirm()
        self.assertEqual(order.state, "sale")

    def test_today_without_a_time_zone_is_two_lookups(self):
        """Without a time zone in the context, the gate reads the user's: in the plan the
        function keeps (a generic one), by two lookups on primary keys, not by a join, which
        merged the users with the contacts in id order up to the user's own (a portal user's
        contact is among the last)."""
        lookup = """(SELECT partner.tz FROM res_partner partner
                      WHERE partner.id = (SELECT usr.partner_id FROM res_users usr WHERE usr.id = p_uid))"""
        self.assertIn(lookup, CREDIT_GATE_READ_FUNCTION.code)  # the gate's own lookup
        cr = self.env.cr
        cr.execute(SQL("SET LOCAL plan_cache_mode = force_generic_plan"))
        cr.execute(SQL("PREPARE credit_gate_user_tz(integer) AS SELECT %s", SQL(lookup.replace("p_uid", "$1"))))
        cr.execute(SQL("EXPLAIN EXECUTE credit_gate_user_tz(%s)", self.env.uid))
        plan = "\n".join(row[0] for row in cr.fetchall())
        cr.execute(SQL("DEALLOCATE credit_gate_user_tz"))
        cr.execute(SQL("SET LOCAL plan_cache_mode = auto"))
        self.assertNotIn("Join", plan)
        self.assertNotIn("Nested Loop", plan)
        self.assertIn("InitPlan", plan)

    def test_gate_reads_what_is_changed_and_not_yet_written(self):
        """What the gate's read reads is written first when it is pending in the transaction:
        the customer's limit, another order just confirmed, the company's policy; the orders
        evaluated keep their own changes pending (Odoo writes a confirmation in one UPDATE)."""
        other = self._create_order(400.0)
        order = self._create_order(100.0)
        self.env.flush_all()
        evaluate = order._credit_evaluate
        self.customer.sudo().credit_limit = 50.0  # pending
        self.assertTrue(evaluate()[order.id]["releasable"])
        self.customer.sudo().credit_limit = 450.0
        self.assertFalse(evaluate()[order.id]["reasons"])
        other.action_confirm()
        book = [other._fields[fname] for fname in ("state", "credit_amount_to_invoice")]
        self.assertTrue(
            any(other in self.env.cache.get_dirty_records(other, field) for field in book)
            or any(other in self.env.records_to_compute(field) for field in book),
            "the other order's confirmation is still pending",
        )
        self.assertTrue(evaluate()[order.id]["releasable"])  # 400 booked + 100 over 450
        self.customer.sudo().credit_policy = False
        self.company.credit_policy = "alert"  # pending: the company's policy applies
        result = evaluate()[order.id]
        self.assertTrue(result["alert"])
        self.assertFalse(result["releasable"])
        order.client_order_ref = "PO-PENDING"
        order._credit_evaluate(lock=True)
        self.assertIn(order, self.env.cache.get_dirty_records(order, order._fields["client_order_ref"]))

    def test_gate_flushes_every_column_its_read_reads(self):
        """Every column the gate's function reads is in CREDIT_GATE_READ_INPUTS (or is an order
        book column), so that a pending change of it is written before the read: the list is
        kept by hand next to the SQL, this test keeps them in step. A new alias in the SQL
        must be named here."""
        tables = {
            **dict.fromkeys(("debtor", "invoice", "partner", "contact"), "res.partner"),
            "company": "res.company",
            "currency": "res.currency",
            "usr": "res.users",
            "sale": "sale.order",
            "term_line": "account.payment.term.line",
            "move": "account.move",
            "application": "credit.application",
            "cover": "credit.insurance.cover",
        }
        derived = {"o", "c", "local", "balance", "book", "by_currency"}  # the query's own rows
        code = re.sub(r"--[^\n]*", "", CREDIT_GATE_READ_FUNCTION.code)  # comments name models
        read = set(re.findall(r"\b([a-z_]+)\.([a-z_]+)\b", code))
        self.assertFalse({alias for alias, __ in read} - set(tables) - derived - {"rel"}, "an alias to name")
        missing = set()
        for alias, read_column in read:
            if alias in derived or read_column == "id" or (alias, read_column) == ("debtor", "write_date"):
                continue  # the query's own rows, keys, the lock's own write
            model, column = tables.get(alias), read_column
            if alias == "rel":  # the orders' payment transactions (a many2many)
                model, column = "payment.transaction", "sale_order_ids"
            if column not in CREDIT_GATE_READ_INPUTS.get(model, ()) and not (
                model == "sale.order" and column in CREDIT_GATE_ORDER_BOOK_FIELDS
            ):
                missing.add((model, column))
        self.assertFalse(missing, "read by the gate, not flushed before it reads")

    def test_gate_computes_another_order_amount_left_to_invoice_first(self):
        """Another confirmed order whose amount left to invoice is still to compute in the
        transaction counts with its new amount, not with the one in the database."""
        other = self._create_order(400.0)
        other.action_confirm()
        order = self._create_order(100.0)
        self.customer.sudo().credit_limit = 450.0
        self.env.flush_all()
        self.assertTrue(order._credit_evaluate()[order.id]["releasable"])  # 400 booked + 100
        line = other.order_line[0]
        self.env.cr.execute(SQL("UPDATE sale_order_line SET price_total = price_total / 4 WHERE id = %s", line.id))
        self.env.invalidate_all()
        self.env.add_to_compute(other._fields["credit_amount_to_invoice"], other)
        self.assertFalse(order._credit_evaluate()[order.id]["reasons"])  # a quarter booked + 100

    def test_checked_amount_of_each_order_confirmed_together(self):
        """One total: written with the state; several: each order its own."""
        same = self._quotations(self.customer, 1) | self._quotations(self.customer, 1)
        different = self._quotations(self.customer, 3)
        same.action_confirm()
        different.action_confirm()
        for order in same | different:
            self.assertEqual(order.credit_checked_amount, order.amount_total)

    def test_new_customer_check_reads_an_index(self):
        """With credit for new customers on, the gate asks whether the customer has a posted
        invoice in the company: an index of the posted customer invoices answers it, not a
        scan of every journal entry (the planner is told to avoid scans to see it can)."""
        condition = """
                    SELECT 1 FROM account_move move
                     WHERE move.commercial_partner_id = debtor.id
                       AND move.company_id = p_company
                       AND move.move_type IN ('out_invoice', 'out_refund')
                       AND move.state = 'posted')"""
        self.assertIn(condition, CREDIT_GATE_READ_FUNCTION.code)  # the gate's own condition
        query = condition.replace("debtor.id", "%s").replace("p_company", "%s").rstrip(")")
        self.env.cr.execute(SQL("SET LOCAL enable_seqscan = off"))
        self.env.cr.execute(SQL("EXPLAIN %s", SQL(query, self.customer.id, self.company.id)))
        plan = "\n".join(row[0] for row in self.env.cr.fetchall())
        self.env.cr.execute(SQL("SET LOCAL enable_seqscan = on"))
        self.assertIn("account_move_credit_invoiced_customer_idx", plan)

    def test_new_customer_gate_with_the_index(self):
        """The gate still tells a new customer from an invoiced one."""
        self.company.write({"credit_new_customer_mode": "default_limit", "credit_new_customer_limit": 300.0})
        newcomer = self.customer.copy({"name": "Nouveau Client", "credit_limit": 0.0})
        invoiced = self.customer.copy({"name": "Client Facturé", "credit_limit": 0.0})
        self._create_invoice(100.0, days_overdue=-20, partner=invoiced)
        orders = self._create_order(100.0, partner=newcomer) | self._create_order(100.0, partner=invoiced)
        evaluation = orders._credit_evaluate()
        self.assertEqual(evaluation[orders[0].id]["limit"], 300.0)
        self.assertEqual(evaluation[orders[1].id]["limit"], 0.0)

    def test_gate_reads_in_a_read_only_transaction(self):
        """The web client reads a form in a read-only transaction (Odoo's readonly routes):
        the banner of a draft order over its limit computes there, and only confirming locks."""
        self.customer.credit_limit = 100.0
        order = self._create_order(500.0)
        order.invalidate_recordset()
        with self.env.cr.savepoint():
            self.env.cr.execute(SQL("SET TRANSACTION READ ONLY"))
            self.assertTrue(order.credit_hold_message)
            self.assertEqual(order.credit_exposure, 500.0)
