# pylint: disable=print-used
"""Cost of the credit check at confirmation, on a customer with a long history.

Run by ``./dev bench benchmarks/bench_credit_check.py`` (click-odoo gives ``env``). It builds a
customer with 20,000 open invoices and 1,000 open orders, then confirms quotations of that
customer, alternating two policies on the same data:

- ``block`` with a limit high enough to pass: the whole check runs (lock, two aggregate
  queries, evaluation);
- ``none``: the module measures nothing, which is Odoo's plain confirmation plus the
  module's intake rules (all six on, in both runs).

It prints the median and 95th percentile of both, their ratio, and the queries per
confirmation. Goal: the check costs at most 1.2 times the plain confirmation.
BENCH_EXPLAIN=1 also prints the plans of the exposure queries, BENCH_PROFILE=1 a profile.
"""

import os
import statistics
import sys
import time

from odoo import Command, fields, sql_db
from odoo.tools import SQL

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import copy_rows

INVOICES = 20_000
ORDERS = 1_000
CONFIRMATIONS = 40


def build_history(env, customer, product, term):
    today = fields.Date.context_today(customer)
    template = env["account.move"].create(
        {
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_date": today,
            "invoice_line_ids": [Command.create({"name": "History", "price_unit": 10.0, "tax_ids": []})],
        }
    )
    template.action_post()
    env.flush_all()
    # 20,000 invoices like the template, due from 60 days ago to 60 days ahead.
    copy_rows(
        env,
        "account_move",
        template.ids,
        {
            "name": SQL("'BENCH/' || g"),
            "invoice_date_due": SQL("%s::date + (mod(g, 120) - 60)", today),
        },
        SQL(", generate_series(1, %s) g", INVOICES),
    )
    copy_rows(
        env,
        "account_move_line",
        template.line_ids.ids,
        {
            "move_id": SQL("m.id"),
            "move_name": SQL("m.name"),
            "date_maturity": SQL("CASE WHEN t.date_maturity IS NULL THEN NULL ELSE m.invoice_date_due END"),
        },
        SQL("JOIN account_move m ON left(m.name, 6) = 'BENCH/'"),
    )
    orders = env["sale.order"].create(
        [
            {
                "partner_id": customer.id,
                "payment_term_id": term.id,
                "order_line": [Command.create({"product_id": product.id, "price_unit": 100.0})],
            }
            for __ in range(ORDERS)
        ]
    )
    env.flush_all()
    env.cr.execute(SQL("UPDATE sale_order SET state = 'sale' WHERE id IN %s", tuple(orders.ids)))
    # Rows written by SQL bypass the ORM: recompute the balance the ORM keeps on the partner.
    env.invalidate_all()
    customer._compute_credit_open_balances()
    env.flush_all()
    # A production database is vacuumed by autovacuum: so is this one (the database is
    # thrown away after the run).
    env.cr.commit()
    with sql_db.db_connect(env.cr.dbname).cursor() as cr:
        cr._cnx.autocommit = True  # VACUUM runs outside a transaction
        cr.execute(SQL("VACUUM ANALYZE account_move_line, sale_order, sale_order_line, res_partner"))
    env.invalidate_all()


def confirm_once(env, customer, product, term):
    order = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "payment_term_id": term.id,
            "client_order_ref": "BENCH-PO",
            "order_line": [Command.create({"product_id": product.id, "price_unit": 50.0}) for __ in range(3)],
        }
    )
    env.flush_all()
    env.invalidate_all()  # as in a new request
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    order.action_confirm()
    env.flush_all()
    elapsed = time.perf_counter() - start
    assert order.state == "sale"
    return elapsed, env.cr.sql_log_count - queries


def explain_exposure(env, customer):
    """Print the plans of the exposure queries (BENCH_EXPLAIN=1)."""
    executed = []
    execute = env.cr.execute

    def record(query, params=None, log_exceptions=True):
        executed.append(query)
        return execute(query, params, log_exceptions)

    env.cr.execute = record
    try:
        customer._get_credit_exposure(env.company)
    finally:
        env.cr.execute = execute
    for query in executed:
        if "account_move_line line" in str(query) or "FROM sale_order sale" in str(query):
            env.cr.execute(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))
            print("\n".join(row for (row,) in env.cr.fetchall()))


def profile_check(env, customer, product, term):
    """Print where a checked confirmation spends its time (BENCH_PROFILE=1)."""
    import cProfile  # noqa: PLC0415
    import pstats  # noqa: PLC0415

    customer.credit_policy = "block"
    profiler = cProfile.Profile()
    profiler.enable()
    for __ in range(10):
        confirm_once(env, customer, product, term)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats("credit_control|sql_db.py.*execute", 25)


def main(env):
    env = env(context={"tracking_disable": True})
    company = env.company
    company.write({"credit_policy": "block", "credit_overdue_days": 0})
    term = env.ref("account.account_payment_term_30days")
    product = env["product.product"].create({"name": "Bench Crate", "taxes_id": [Command.clear()]})
    customer = env["res.partner"].create(
        {
            "name": "Bench Customer",
            "is_company": True,
            "credit_limit": 1e12,
            "street": "1 quai de la Fosse",
            "zip": "44000",
            "city": "Nantes",
            "country_id": env.ref("base.fr").id,
            "vat": "FR23334175221",
            "email": "bench@example.com",
            "credit_require_client_ref": True,
        }
    )
    # Every intake rule on, in both runs: they read the company's cached rules.
    env["credit.intake.rule"].with_context(active_test=False).search([("company_id", "=", company.id)]).write(
        {"active": True, "mode": "block"}
    )
    start = time.perf_counter()
    build_history(env, customer, product, term)
    print(f"history built in {time.perf_counter() - start:.1f} s")
    exposure = customer._get_credit_exposure(company, detailed=True)[customer.id]
    print(
        f"customer: {INVOICES} open invoices ({exposure['overdue']:.0f} overdue, {exposure['not_due']:.0f} not due), "
        f"{ORDERS} open orders (order book {exposure['order_book']:.0f})"
    )
    if os.environ.get("BENCH_EXPLAIN"):
        explain_exposure(env, customer)
    if os.environ.get("BENCH_PROFILE"):
        profile_check(env, customer, product, term)
    timings = {"block": [], "none": []}
    queries = {"block": [], "none": []}
    for __ in range(3):  # warm-up
        confirm_once(env, customer, product, term)
    for __ in range(CONFIRMATIONS):
        for policy in ("block", "none"):
            customer.credit_policy = policy
            elapsed, count = confirm_once(env, customer, product, term)
            timings[policy].append(elapsed)
            queries[policy].append(count)

    def p95(values):
        return statistics.quantiles(values, n=20)[-1]

    for policy, label in (("none", "plain (policy none)"), ("block", "with credit check")):
        print(
            f"{label:>22}: median {statistics.median(timings[policy]) * 1000:7.1f} ms, "
            f"p95 {p95(timings[policy]) * 1000:7.1f} ms, {statistics.median(queries[policy]):.0f} queries"
        )
    ratio = statistics.median(timings["block"]) / statistics.median(timings["none"])
    print(f"ratio of medians (check / plain): {ratio:.2f} (goal: at most 1.20)")
    env.cr.rollback()


main(env)  # noqa: F821 (click-odoo's global)
