# pylint: disable=print-used
"""Cost of the credit check at confirmation, side by side with plain Odoo, on a customer whose
history grows from 0 to 20,000 open invoices.

Run by ``./dev bench benchmarks/bench_credit_check.py`` (click-odoo gives ``env``, the suite's
database); ``BENCH_PLAIN_DB`` names a database with Odoo's sale_management and account only
(tools/bench.sh makes it), on which the same customer, history and quotations are built. At
each size (``BENCH_SIZES``, default 0,2000,20000 open invoices, with one open order per 20
invoices), quotations are confirmed alternately on both databases, the suite's customer on
the ``block`` policy with a limit high enough to pass (the whole check runs) and every intake
rule on. It prints, per size, the median and 95th percentile of each, their ratio, and the
queries per confirmation of each. Goal: at most 1.1 times plain Odoo, 1 query more (the gate's
read, which locks the customer), flat in the history.
BENCH_EXPLAIN=1 also prints the plan of the gate's read, BENCH_PROFILE=1 a profile.
"""

import os
import statistics
import sys
import time

from odoo import SUPERUSER_ID, Command, api, fields
from odoo.modules.registry import Registry
from odoo.tools import SQL

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from common import copy_rows, vacuum_analyze

SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "0,2000,20000").split(",")]
CONFIRMATIONS = int(os.environ.get("BENCH_CONFIRMATIONS", "30"))


def is_suite(env):
    return "credit_open_balances" in env["res.partner"]._fields


def build_history(env, customer, product, *, term, invoices, orders, batch):
    """Add ``invoices`` open invoices (due from 60 days ago to 60 days ahead) and ``orders``
    open orders to the customer's history."""
    if not invoices:
        return
    today = fields.Date.context_today(customer)
    prefix = f"BENCH{batch}/"
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
    copy_rows(
        env,
        "account_move",
        template.ids,
        {
            "name": SQL("%s || g", prefix),
            "invoice_date_due": SQL("%s::date + (mod(g, 120) - 60)", today),
        },
        SQL(", generate_series(1, %s) g", invoices - 1),
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
        SQL("JOIN account_move m ON starts_with(m.name, %s)", prefix),
    )
    sale_orders = env["sale.order"].create(
        [
            {
                "partner_id": customer.id,
                "payment_term_id": term.id,
                "order_line": [Command.create({"product_id": product.id, "price_unit": 100.0})],
            }
            for __ in range(orders)
        ]
    )
    env.flush_all()
    if sale_orders:
        env.cr.execute(SQL("UPDATE sale_order SET state = 'sale' WHERE id IN %s", tuple(sale_orders.ids)))
    env.invalidate_all()
    if is_suite(env):  # rows written by SQL bypass the ORM: the balance it keeps on the partner
        customer._compute_credit_open_balances()
        env.flush_all()
    env.cr.commit()
    vacuum_analyze(env.cr.dbname, ("account_move", "account_move_line", "sale_order", "sale_order_line", "res_partner"))
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
    env.cr.commit()  # each confirmation in a transaction of its own, as a request
    env.invalidate_all()  # as in a new request
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    order.action_confirm()
    env.flush_all()
    elapsed = time.perf_counter() - start
    assert order.state == "sale"
    count = env.cr.sql_log_count - queries
    env.cr.commit()
    return elapsed, count


def profile_check(env, customer, product, term):
    """Print where a checked confirmation spends its time (BENCH_PROFILE=1)."""
    import cProfile  # noqa: PLC0415
    import pstats  # noqa: PLC0415

    profiler = cProfile.Profile()
    profiler.enable()
    for __ in range(10):
        confirm_once(env, customer, product, term)
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats("credit_control|sql_db.py.*execute", 25)


def setup(env):
    """The customer, product and payment term of the run, on either database."""
    env = env(context={"tracking_disable": True})
    suite = is_suite(env)
    term = env.ref("account.account_payment_term_30days")
    product = env["product.product"].create({"name": "Bench Crate", "taxes_id": [Command.clear()]})
    values = {
        "name": "Bench Customer",
        "is_company": True,
        "credit_limit": 1e12,
        "street": "1 quai de la Fosse",
        "zip": "44000",
        "city": "Nantes",
        "country_id": env.ref("base.fr").id,
        "vat": "FR23334175221",
        "email": "bench@example.com",
    }
    if suite:
        env.company.write({"credit_policy": "block", "credit_overdue_days": 0})
        values.update(credit_require_client_ref=True, credit_policy="block")
        # Every intake rule on: they read the company's cached rules.
        env["credit.intake.rule"].with_context(active_test=False).search([("company_id", "=", env.company.id)]).write(
            {"active": True, "mode": "block"}
        )
    customer = env["res.partner"].create(values)
    env.cr.commit()
    return env, customer, product, term


def p95(values):
    return statistics.quantiles(values, n=20)[-1] if len(values) > 1 else values[0]


def main(env):
    plain_db = os.environ.get("BENCH_PLAIN_DB")
    runs = {"suite": setup(env)}
    plain_cr = None
    if plain_db:
        plain_cr = Registry(plain_db).cursor()
        runs["plain"] = setup(api.Environment(plain_cr, SUPERUSER_ID, {}))
    else:
        print("BENCH_PLAIN_DB not set: the suite's figures only")
    try:
        previous = 0
        for batch, size in enumerate(SIZES):
            start = time.perf_counter()
            for run_env, customer, product, term in runs.values():
                build_history(
                    run_env,
                    customer,
                    product,
                    term=term,
                    invoices=size - previous,
                    orders=(size - previous) // 20,
                    batch=batch,
                )
            previous = size
            print(f"history of {size} open invoices built in {time.perf_counter() - start:.1f} s")
            if os.environ.get("BENCH_PROFILE"):
                profile_check(*runs["suite"])
            timings = {name: [] for name in runs}
            queries = {name: [] for name in runs}
            for run in runs.values():
                confirm_once(*run)  # warm-up
            for __ in range(CONFIRMATIONS):
                for name, run in runs.items():
                    elapsed, count = confirm_once(*run)
                    timings[name].append(elapsed)
                    queries[name].append(count)
            line = [f"{size:>6} open invoices:"]
            for name in runs:
                line.append(
                    f"{name} median {statistics.median(timings[name]) * 1000:6.1f} ms, p95 "
                    f"{p95(timings[name]) * 1000:6.1f} ms, {statistics.median(queries[name]):.0f} queries"
                )
            if "plain" in runs:
                line.append(
                    f"ratio median {statistics.median(timings['suite']) / statistics.median(timings['plain']):.2f}, "
                    f"p95 {p95(timings['suite']) / p95(timings['plain']):.2f}, queries "
                    f"+{statistics.median(queries['suite']) - statistics.median(queries['plain']):.0f}"
                )
            print(" | ".join(line))
        print("goal: ratio at most 1.10, 1 query more than plain Odoo, flat in the history")
    finally:
        if plain_cr is not None:
            plain_cr.rollback()
            plain_cr.close()


main(env)  # noqa: F821 (click-odoo's global)
