# pylint: disable=print-used
"""Dunning run over 100,000 open invoices of 10,000 customers (``BENCH_INVOICES`` for fewer).

Run by click-odoo (``env`` is its global): ``./dev bench benchmarks/bench_dunning.py``.
The invoices are inserted by set-based SQL (headers only: the run reads the invoice
headers, never their lines); their due dates spread from 10 days ahead to 60 days ago, so
that every stage of the default policy is reached. Times the planning run (stages decided,
actions created, invoices linked), then a second, idempotent run, then the dispatch of a
sample of actions (emails queued, letters rendered, call to-dos). Also reads the coming
steps (the *Coming Up* list) and one invoice's next step."""

import os
import time
from datetime import timedelta

from odoo import fields
from odoo.tools import SQL

# A smaller volume with BENCH_INVOICES (customers: a tenth of it).
INVOICES = int(os.environ.get("BENCH_INVOICES", "100000"))
CUSTOMERS = max(1, INVOICES // 10)
DISPATCH_SAMPLE = 200

env = env  # noqa: F821, PLW0127  (the global of click-odoo)
company = env.company
Action = env["credit.dunning.action"]
today = fields.Date.context_today(Action)
policy = env.ref("credit_control.credit_dunning_policy_default")
policy.company_id = company
journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
if not journal:
    raise SystemExit("No sales journal: install a chart of accounts first.")

cr = env.cr
start = time.perf_counter()
cr.execute(
    SQL(
        """
    INSERT INTO res_partner (name, complete_name, is_company, active, type, company_id, autopost_bills,
                             create_date, write_date)
    SELECT 'Bench customer ' || g, 'Bench customer ' || g, TRUE, TRUE, 'contact', NULL, 'ask',
           NOW(), NOW()
      FROM generate_series(1, %(customers)s) g
    RETURNING id
    """,
        customers=CUSTOMERS,
    )
)
partner_ids = [row[0] for row in cr.fetchall()]
cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", partner_ids))
cr.execute(
    SQL(
        """
    INSERT INTO account_move (name, move_type, state, journal_id, company_id, currency_id, date, invoice_date,
                              invoice_date_due, partner_id, commercial_partner_id, payment_state,
                              amount_total, amount_residual, amount_total_signed, amount_residual_signed,
                              auto_post, create_date, write_date)
    SELECT 'BENCH/' || g, 'out_invoice', 'posted', %(journal)s, %(company)s, %(currency)s,
           due - 30, due - 30, due, p.id, p.id,
           CASE WHEN mod(g, 10) = 0 THEN 'partial' ELSE 'not_paid' END,
           100 + mod(g, 900), 100 + mod(g, 900) - CASE WHEN mod(g, 10) = 0 THEN 50 ELSE 0 END,
           100 + mod(g, 900), 100 + mod(g, 900) - CASE WHEN mod(g, 10) = 0 THEN 50 ELSE 0 END,
           'no', NOW(), NOW()
      FROM generate_series(1, %(invoices)s) g
      JOIN LATERAL (SELECT %(today)s::date + 10 - mod(g * 7919, 71) AS due) d ON TRUE
      JOIN res_partner p ON p.id = (%(partners)s::int[])[1 + mod(g, %(customers)s)]
    """,
        journal=journal.id,
        company=company.id,
        currency=company.currency_id.id,
        invoices=INVOICES,
        today=today,
        partners=partner_ids,
        customers=CUSTOMERS,
    )
)
# Each invoice already had the stages before the last one its due date reaches (the run
# never skips a stage): the run moves it to that last one, so that every stage is planned.
cr.execute(
    SQL(
        """
    UPDATE account_move m
       SET dunning_stage_date = %(today)s::date - 1,
           dunning_stage_id = (SELECT s.id FROM credit_dunning_stage s
                                WHERE s.policy_id = %(policy)s AND m.invoice_date_due + s.offset_days <= %(today)s
                                ORDER BY s.offset_days DESC OFFSET 1 LIMIT 1)
     WHERE m.company_id = %(company)s AND m.name LIKE %(bench)s
    """,
        today=today,
        policy=policy.id,
        company=company.id,
        bench="BENCH/%",
    )
)
cr.execute(SQL("ANALYZE account_move"))
cr.execute(SQL("ANALYZE res_partner"))
print(f"data: {CUSTOMERS} customers, {INVOICES} open invoices in {time.perf_counter() - start:.1f} s")


def timed_run():
    queries_before = cr.sql_log_count
    begin = time.perf_counter()
    Action._run_dunning(company, today=today)
    return time.perf_counter() - begin, cr.sql_log_count - queries_before


elapsed, queries = timed_run()
cr.execute(SQL("SELECT COUNT(*), COUNT(DISTINCT partner_id) FROM credit_dunning_action"))
actions, customers = cr.fetchone()
cr.execute(SQL("SELECT COUNT(*) FROM credit_dunning_action_move_rel"))
linked = cr.fetchone()[0]
verdict = "OK" if elapsed < 60 else "TOO SLOW"
print(
    f"dunning run: {INVOICES} invoices, {CUSTOMERS} customers -> {actions} actions for {customers} customers, "
    f"{linked} invoices linked, in {elapsed:.2f} s and {queries} queries ({verdict}, goal < 60 s)"
)
elapsed, queries = timed_run()
cr.execute(SQL("SELECT COUNT(*) FROM credit_dunning_action"))
print(f"second run (idempotent): {elapsed:.2f} s, {queries} queries, {cr.fetchone()[0] - actions} new actions")

Forecast = env["credit.dunning.forecast"]
queries_before = cr.sql_log_count
begin = time.perf_counter()
coming = Forecast.search([("date", "<=", today + timedelta(days=7))], limit=80)
total = Forecast.search_count([("date", "<=", today + timedelta(days=7))])
elapsed = time.perf_counter() - begin
print(
    f"coming up (next 7 days, first page of 80 and the count): {total} steps in {elapsed:.2f} s, "
    f"{cr.sql_log_count - queries_before} queries"
)
invoice = coming[:1].move_id
queries_before = cr.sql_log_count
begin = time.perf_counter()
invoice.invalidate_recordset()
step = (invoice.dunning_next_stage_id.name, invoice.dunning_next_date)
print(
    f"next step on one invoice's form: {step} in {(time.perf_counter() - begin) * 1000:.1f} ms, "
    f"{cr.sql_log_count - queries_before} queries"
)

begin = time.perf_counter()
Action._dispatch_actions(companies=company, limit=DISPATCH_SAMPLE)
elapsed = time.perf_counter() - begin
print(f"dispatch: {DISPATCH_SAMPLE} actions (emails queued, letters, call to-dos) in {elapsed:.2f} s")
cr.rollback()
