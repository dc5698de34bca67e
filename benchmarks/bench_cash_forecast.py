# pylint: disable=print-used
"""Opening the cash-in forecast on a big database: 10,000 customers with 200,000 invoices over
400 days, 4 of each 5 paid (early or late by customer, so that the payment behaviour job finds
each customer's usual delay), promises to pay on some open invoices, disputes on others.

Run by click-odoo (``./dev bench benchmarks/bench_cash_forecast.py``): ``env`` is a global. The
rows are written by set-based INSERTs (the ORM would take hours), the payment behaviour job
runs, then the forecast is opened as the web client does: the graph (grouped by week), the
pivot (by salesperson and week) and the list, by finance and by a salesperson. Goal: each under
1 s, with the same number of queries as on an empty database. BENCH_SCALE=0.1 divides the
sizes (a busy machine); BENCH_EXPLAIN=1 also prints the plan of the graph's query.
"""

import functools
import os
import sys
import time

from odoo import Command
from odoo.tools import SQL

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
INVOICES = int(200_000 * SCALE)
CUSTOMERS = int(10_000 * SCALE)
PAID_EVERY = 5  # 4 of each 5 invoices are paid
SALESPEOPLE = 21  # prime to PAID_EVERY: each salesperson has open invoices
MODEL = "credit.cash.forecast"

env = env  # noqa: F821, PLW0127  (the global of click-odoo)
cr = env.cr
setup = common.accounting(env)
company, today, policy = setup["company"], setup["today"], setup["policy"]
curative = policy.stage_ids.filtered(lambda stage: not stage.is_preventive)[:1]
users = (
    env["res.users"]
    .with_context(no_reset_password=True)
    .create(
        [
            {
                "name": f"Forecast salesperson {number}",
                "login": f"bench_forecast_{number}",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set(env.ref("sales_team.group_sale_salesman").ids)],
            }
            for number in range(SALESPEOPLE)
        ]
    )
)
finance = env.ref("base.user_admin")


def measure_opening(label):
    """As the web client opens the forecast's menu (the graph) and then its pivot and list,
    for finance and for a salesperson."""
    results = {}
    for who, user in (("finance", finance), ("salesperson", users[0])):
        user_env = env(user=user, context={"allowed_company_ids": company.ids})
        opening = common.action_opening(user_env, "credit_control.credit_cash_forecast_action")
        for view, open_view in (
            ("graph", common.open_graph),
            ("pivot", common.open_pivot),
            ("list", common.open_list),
        ):
            run = functools.partial(open_view, user_env, MODEL, opening)

            common.measure(env, run)  # the registry's caches, warm as on a running server
            result, figures = common.measure(env, run)
            results[who, view] = figures["queries"]
            rows = len(result["groups"]) if view == "graph" else len(result) if view == "pivot" else result["length"]
            verdict = "OK" if figures["seconds"] < 1 else "TOO SLOW"
            print(
                f"{label} {who} {view}: {rows} {'rows' if view == 'list' else 'groups' if view == 'graph' else 'reads'}"
                f" in {figures['seconds']:.3f} s, {figures['queries']} queries ({verdict}, goal < 1 s)"
            )
    return results


empty = measure_opening("empty database:")
start = time.perf_counter()
partner_ids = common.insert_customers(
    cr,
    "Forecast customer ",
    CUSTOMERS,
    {"user_id": SQL("(%s::int[])[1 + mod(g, %s)]", users.ids, SALESPEOPLE)},
)
# Invoices of 100 to 999, dated over the last 400 days, due 30 days later; one in 50 disputed.
paid = SQL("mod(g, %s) > 0", PAID_EVERY)
date = SQL("%s::date - mod(g, 400)", today)
common.insert_invoice_headers(
    cr,
    setup,
    "FORECAST/",
    INVOICES,
    partner_ids,
    date=date,
    due=SQL("%s + 30", date),
    payment_state=SQL("CASE WHEN %s THEN 'paid' ELSE 'not_paid' END", paid),
    residual=SQL("CASE WHEN %s THEN 0 ELSE amount END", paid),
    columns={"in_dispute": SQL("mod(g, 50) = 0")},
)
# The paid ones: a payment line each and its reconciliation, paid from 5 days early to 34 days
# late according to the customer.
common.insert_receivable_and_payments(
    cr,
    setup,
    "FORECAST/%",
    "FORECAST-PAY/",
    paid_on=SQL("LEAST(line.date_maturity - 5 + mod(line.partner_id, 40), %s)", today),
)
# A promise to pay, in the coming weeks, on one open invoice in four.
cr.execute(
    SQL(
        """
        WITH invoices AS (
            SELECT m.id, m.partner_id, m.amount_total, row_number() OVER (ORDER BY m.id) AS g
              FROM account_move m WHERE m.name LIKE %(bench)s AND m.payment_state = 'not_paid'
        ), actions AS (
            INSERT INTO credit_dunning_action (partner_id, company_id, policy_id, stage_id, channel, state, date,
                                               done_date, outcome, promise_date, promise_amount, amount_due, note,
                                               create_date, write_date)
            SELECT i.partner_id, %(company)s, %(policy)s, %(stage)s, 'phone', 'done', %(today)s, NOW(), 'promise',
                   %(today)s::date + mod(i.g, 60)::int, i.amount_total, i.amount_total, i.id::text, NOW(), NOW()
              FROM invoices i
             WHERE mod(i.g, 4) = 0
            RETURNING id, note
        )
        INSERT INTO credit_dunning_action_move_rel (action_id, move_id)
        SELECT actions.id, actions.note::int FROM actions
        """,
        bench="FORECAST/%",
        company=company.id,
        policy=policy.id,
        stage=curative.id,
        today=today,
    )
)
common.analyze(
    cr,
    (
        "res_partner",
        "account_move",
        "account_move_line",
        "account_partial_reconcile",
        "credit_dunning_action",
        "credit_dunning_action_move_rel",
    ),
)
env.invalidate_all()
elapsed = time.perf_counter() - start
print(f"data: {INVOICES} invoices, {CUSTOMERS} customers, payments, promises in {elapsed:.1f} s (scale {SCALE})")
start = time.perf_counter()
env["credit.payment.behaviour"]._compute_payment_behaviour(company)
cr.execute(SQL("ANALYZE credit_payment_behaviour"))
print(f"payment behaviour job: {time.perf_counter() - start:.1f} s")

if os.environ.get("BENCH_EXPLAIN"):
    forecast = env["credit.cash.forecast"]
    cr.execute(
        SQL(
            "EXPLAIN ANALYZE SELECT week, SUM(amount_expected), SUM(amount_due) FROM (%s) f GROUP BY week",
            forecast._table_query,
        )
    )
    print("\n".join(row[0] for row in cr.fetchall()))
full = measure_opening(f"{INVOICES} invoices:")
# The pivot and the list also read the names of the salespeople and customers they show (one
# query per model, none when empty): only the graph is compared with the empty database.
same = "same" if all(full[who, "graph"] == empty[who, "graph"] for who in ("finance", "salesperson")) else "DIFFERENT"
print(f"queries of the graph, empty and full database: {same} ({empty} / {full})")
if os.environ.get("BENCH_KEEP") != "1":  # kept to study the plans: BENCH_KEEP=1
    cr.rollback()
