# pylint: disable=print-used
"""Grading every customer: 2,000 customers with 20,000 invoices over 400 days, most of them
paid, early or late by customer, with promises to pay.

Run by click-odoo (``./dev bench benchmarks/bench_payment_behaviour.py``): ``env`` is a global.
The rows are written by set-based INSERTs, then the payment behaviour job runs on a small
history (100 customers, 1,000 invoices) and on the full one, each time a first run (no row yet)
and a run where grades fall (finance's to-dos). Goal: a few seconds, and the same number of
queries at both sizes.
"""

import os
import sys
import time

from odoo.tools import SQL

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common

SIZES = ((100, 1_000), (2_000, 20_000))  # customers, invoices
FELL = "credit_control.mail_activity_credit_grade_fallen"
CASH = "credit_control.mail_activity_dunning_cash_in_advance"
PAID_EVERY = 10  # 8 of each 10 invoices are paid

cr = env.cr  # noqa: F821
setup = common.accounting(env)  # noqa: F821
company, today, policy = setup["company"], setup["today"], setup["policy"]
curative = policy.stage_ids.filtered(lambda stage: not stage.is_preventive)[:1]


def make_history(label, customers, invoices):
    """``invoices`` invoices of 30 days' terms for ``customers`` new customers, each customer
    paying with a delay of its own (from 5 days early to 55 days late, give or take)."""
    bench = f"BEHAV{label}/"
    partner_ids = common.insert_customers(cr, bench, customers)
    paid = SQL("mod(g, %s) < 8 AND mod(g, 400) > 30", PAID_EVERY)
    common.insert_invoice_headers(
        cr,
        setup,
        bench,
        invoices,
        partner_ids,
        date=SQL("%s::date - mod(g, 400)", today),
        due=SQL("%s::date - mod(g, 400) + 30", today),
        payment_state=SQL("CASE WHEN %s THEN 'paid' ELSE 'not_paid' END", paid),
        residual=SQL("0"),
    )
    common.insert_receivable_and_payments(
        cr,
        setup,
        bench + "%",
        "BEHAV-PAY/",
        paid_on=SQL("LEAST(line.date_maturity - 5 + mod(line.partner_id, 50) + mod(line.id, 10), %s)", today),
        residual_lines=False,
    )
    # A promise to pay on one paid invoice in seven, due 3 days after the due date.
    cr.execute(
        SQL(
            """
            WITH invoices AS (
                SELECT m.id, m.partner_id, m.invoice_date_due, m.amount_total, row_number() OVER (ORDER BY m.id) AS g
                  FROM account_move m WHERE m.name LIKE %(like)s AND m.payment_state = 'paid'
            ), actions AS (
                INSERT INTO credit_dunning_action (partner_id, company_id, policy_id, stage_id, channel, state, date,
                                                   done_date, outcome, promise_date, promise_amount, amount_due,
                                                   note, create_date, write_date)
                SELECT i.partner_id, %(company)s, %(policy)s, %(stage)s, 'phone', 'done', i.invoice_date_due + 1,
                       i.invoice_date_due + 1, 'promise', i.invoice_date_due + 3, i.amount_total, i.amount_total,
                       i.id::text, NOW(), NOW()
                  FROM invoices i WHERE mod(i.g, 7) = 0
                RETURNING id, note
            )
            INSERT INTO credit_dunning_action_move_rel (action_id, move_id)
            SELECT actions.id, actions.note::int FROM actions
            """,
            like=bench + "%",
            company=company.id,
            policy=policy.id,
            stage=curative.id,
        )
    )
    common.analyze(cr, ("account_move", "account_move_line", "account_partial_reconcile", "credit_dunning_action"))


def todo_count():
    return env["mail.activity"].search_count([("res_model", "=", "res.partner")])  # noqa: F821


def measure_job(label):
    Behaviour = env["credit.payment.behaviour"]  # noqa: F821
    env.flush_all()  # noqa: F821
    env.invalidate_all()  # noqa: F821
    todos = todo_count()
    queries = cr.sql_log_count
    start = time.perf_counter()
    Behaviour._compute_payment_behaviour(company)
    env.flush_all()  # noqa: F821
    elapsed = time.perf_counter() - start
    count = cr.sql_log_count - queries
    cr.execute(
        SQL(
            "SELECT grade, COUNT(*) FROM credit_payment_behaviour WHERE company_id = %s GROUP BY grade ORDER BY 1",
            company.id,
        )
    )
    grades = ", ".join(f"{grade or '-'}: {total}" for grade, total in cr.fetchall())
    verdict = "OK" if elapsed < 5 else "TOO SLOW"
    created = todo_count() - todos
    print(
        f"{label}: graded in {elapsed:.3f} s, {count} queries ({verdict}, goal a few seconds); grades {grades}; "
        f"{created} to-dos for finance"
    )
    return count, created


def first_run_state(thresholds):
    """As right after installing on a working database: no row, no grading to-do."""
    cr.execute(SQL("DELETE FROM credit_payment_behaviour WHERE company_id = %s", company.id))
    types = [env.ref(xmlid).id for xmlid in (FELL, CASH)]  # noqa: F821
    cr.execute(SQL("DELETE FROM mail_activity WHERE res_model = 'res.partner' AND activity_type_id = ANY(%s)", types))
    cr.execute(SQL("DELETE FROM mail_followers WHERE res_model = 'res.partner'"))
    env.invalidate_all()  # noqa: F821
    company.write(thresholds)


def lower_thresholds(thresholds):
    """Thresholds C and D 5 days lower: grades fall (a review each, cash in advance at E)."""
    company.write({name: days - 5 for name, days in thresholds.items()})


thresholds = {name: company[name] for name in ("credit_grade_c_max", "credit_grade_d_max")}
counts = {"first run": [], "grades fall": []}
done = (0, 0)
for customers, invoices in SIZES:
    make_history(f"{customers}", customers - done[0], invoices - done[1])
    if not done[0]:  # the caches warm, as on a running server
        first_run_state(thresholds)
        env["credit.payment.behaviour"]._compute_payment_behaviour(company)  # noqa: F821
        lower_thresholds(thresholds)
        env["credit.payment.behaviour"]._compute_payment_behaviour(company)  # noqa: F821
    done = (customers, invoices)
    first_run_state(thresholds)
    counts["first run"].append(measure_job(f"{customers} customers, {invoices} invoices, first run"))
    lower_thresholds(thresholds)
    counts["grades fall"].append(measure_job(f"{customers} customers, {invoices} invoices, grades fall"))
# Odoo's own INSERTs of the to-dos, their followers and the followers' subtypes go by 100 rows.
for run, run_counts in counts.items():
    queries = [count for count, __ in run_counts]
    batches = 3 * max(-(-created // 100) for __, created in run_counts)
    same = "same" if max(queries) - min(queries) <= batches else "DIFFERENT"
    print(f"queries of the job ({run}) at both sizes: {same} apart from the INSERTs by 100 rows ({run_counts})")
cr.rollback()
