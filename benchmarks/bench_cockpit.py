# pylint: disable=print-used
"""Opening the cash cockpit on a big database: 20,000 invoices over 400 days, most of them
paid, with preventive calls, promises and release decisions.

Run by click-odoo (``./dev bench benchmarks/bench_cockpit.py``): ``env`` is a global. The
rows are written by set-based INSERTs (the ORM would take minutes), then the cockpit, its
exposures and its monthly trend are opened as the web client does. Goal: each under 2 s,
with the same number of queries as on an empty database. BENCH_EXPLAIN=1 also prints the
plans of the cockpit and of the trend.
"""

import os
import sys
import time

from odoo.tools import SQL

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common

INVOICES = 20_000
CUSTOMERS = 500
PAID_EVERY = 10  # 7 of each 10 invoices are paid

cr = env.cr  # noqa: F821
setup = common.accounting(env)  # noqa: F821
company, today, policy = setup["company"], setup["today"], setup["policy"]
preventive = policy.stage_ids.filtered("is_preventive")[:1]
curative = policy.stage_ids.filtered(lambda stage: not stage.is_preventive)[:1]


def measure_opening(label):
    """As the web client opens each screen: a search and a read of the fields it shows."""
    results = {}
    for model, spec in (
        ("credit.cockpit", {"dso": {}, "best_dso": {}, "overdue_share": {}, "preventive_share": {}, "hold_count": {}}),
        ("credit.cockpit.exposure", {"partner_id": {"fields": {"display_name": {}}}, "exposure": {}, "usage": {}}),
        ("credit.cockpit.overdue.month", {"month": {}, "overdue_share": {}}),
    ):
        env.flush_all()  # noqa: F821
        env.invalidate_all()  # noqa: F821
        queries = cr.sql_log_count
        start = time.perf_counter()
        rows = env[model].web_search_read([], spec, limit=80)["records"]  # noqa: F821
        elapsed = time.perf_counter() - start
        results[model] = cr.sql_log_count - queries
        verdict = "OK" if elapsed < 2 else "TOO SLOW"
        print(f"{label} {model}: {len(rows)} rows in {elapsed:.3f} s, {results[model]} queries ({verdict}, goal < 2 s)")
    return results


empty = measure_opening("empty database:")
start = time.perf_counter()
partner_ids = common.insert_customers(cr, "Cockpit customer ", CUSTOMERS)
# Invoices of 100 to 999, dated over the last 400 days, due 30 days later; 7 in 10 paid.
paid = SQL("mod(g, %s) < 7", PAID_EVERY)
common.insert_invoice_headers(
    cr,
    setup,
    "COCKPIT/",
    INVOICES,
    partner_ids,
    date=SQL("%s::date - mod(g, 400)", today),
    due=SQL("%s::date - mod(g, 400) + 30", today),
    payment_state=SQL("CASE WHEN %s THEN 'paid' ELSE 'not_paid' END", paid),
    residual=SQL("CASE WHEN %s THEN 0 ELSE amount END", paid),
)
# The receivable line of each invoice; the paid ones get a payment line and their reconciliation.
common.insert_receivable_and_payments(
    cr, setup, "COCKPIT/%", "COCKPIT-PAY/", paid_on=SQL("LEAST(line.date_maturity - 5 + mod(line.id, 20), %s)", today)
)
# A preventive call before the due date on one invoice in three, a promise on one in seven.
cr.execute(
    SQL(
        """
        WITH invoices AS (
            SELECT m.id, m.partner_id, m.invoice_date_due, m.amount_total, row_number() OVER (ORDER BY m.id) AS g
              FROM account_move m WHERE m.name LIKE %(bench)s
        ), actions AS (
            INSERT INTO credit_dunning_action (partner_id, company_id, policy_id, stage_id, channel, state, date,
                                               done_date, outcome, promise_date, promise_amount, amount_due, note,
                                               create_date, write_date)
            SELECT i.partner_id, %(company)s, %(policy)s,
                   CASE WHEN mod(i.g, 3) = 0 THEN %(preventive)s ELSE %(curative)s END,
                   'phone', 'done', i.invoice_date_due - 5, i.invoice_date_due - 5,
                   CASE WHEN mod(i.g, 3) = 0 THEN 'no_issue' ELSE 'promise' END,
                   CASE WHEN mod(i.g, 3) = 0 THEN NULL ELSE i.invoice_date_due + 3 END,
                   i.amount_total, i.amount_total, i.id::text, NOW(), NOW()
              FROM invoices i
             WHERE mod(i.g, 3) = 0 OR mod(i.g, 7) = 0
            RETURNING id, note
        )
        INSERT INTO credit_dunning_action_move_rel (action_id, move_id)
        SELECT actions.id, actions.note::int FROM actions
        """,
        bench="COCKPIT/%",
        company=company.id,
        policy=policy.id,
        preventive=preventive.id,
        curative=curative.id,
    )
)
cr.execute(
    SQL(
        """
        INSERT INTO credit_decision (user_id, partner_id, company_id, decision, reason, date, request_date,
                                     create_date, write_date)
        SELECT 2, (%(partners)s::int[])[1 + mod(g, %(customers)s)], %(company)s, 'release', 'Bench',
               NOW() - make_interval(days => mod(g, 200)), NOW() - make_interval(days => mod(g, 200), hours => 6),
               NOW(), NOW()
          FROM generate_series(1, 2000) g
        """,
        partners=partner_ids,
        customers=CUSTOMERS,
        company=company.id,
    )
)
common.analyze(cr, ("account_move", "account_move_line", "account_partial_reconcile", "credit_dunning_action"))
elapsed = time.perf_counter() - start
print(f"data: {INVOICES} invoices, {CUSTOMERS} customers, payments, actions, decisions in {elapsed:.1f} s")

if os.environ.get("BENCH_EXPLAIN"):
    for model in ("credit.cockpit", "credit.cockpit.overdue.month"):
        cr.execute(SQL("EXPLAIN ANALYZE %s", env[model]._table_query))  # noqa: F821
        print("\n".join(row[0] for row in cr.fetchall()))
full = measure_opening(f"{INVOICES} invoices:")
# The exposure list also reads the names of the customers it shows (none when empty).
constant = ("credit.cockpit", "credit.cockpit.overdue.month")
same = "same" if all(full[model] == empty[model] for model in constant) else "DIFFERENT"
print(f"queries of the cockpit and its trend, empty and full database: {same} ({empty} / {full})")
cr.rollback()
