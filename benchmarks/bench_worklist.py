# pylint: disable=print-used
"""The collector's worklist over 10,000 customers and 200,000 open invoices (``BENCH_INVOICES``
for fewer; customers: a twentieth of it).

Run by click-odoo (``env`` is its global): ``./dev bench benchmarks/bench_worklist.py``.
The invoices are inserted by set-based SQL (headers only: the worklist reads the invoice
headers), due from 10 days ahead to 120 days ago; every customer gets a grade, a third of them
a call planned today and one in twenty a promise that fell due. Times the worklist's first
page (the collector's day, as the web client opens it), the collectors' load grouped by
collector, and the call form's Next; prints the queries of each. Goal: under a second."""

import os
import time

from odoo import Command, fields
from odoo.tools import SQL

INVOICES = int(os.environ.get("BENCH_INVOICES", "200000"))
CUSTOMERS = max(1, INVOICES // 20)

env = env  # noqa: F821, PLW0127  (the global of click-odoo)
company = env.company
if not env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1):
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
today = fields.Date.context_today(env.user)
policy = env["credit.dunning.policy"]._get_company_default(company)
call_stage = policy.stage_ids.filtered(lambda stage: stage.channel == "phone")[:1]
journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)
if not journal or not call_stage:
    raise SystemExit("No sales journal or no call stage: install a chart of accounts first.")
collectors = env["res.users"].create(
    [
        {
            "name": f"Bench collector {index}",
            "login": f"bench_collector_{index}",
            "groups_id": [Command.set(env.ref("account.group_account_invoice").ids)],
        }
        for index in range(5)
    ]
)

cr = env.cr
start = time.perf_counter()
cr.execute(
    SQL(
        """
    INSERT INTO res_partner (name, complete_name, is_company, active, type, autopost_bills, credit_collector_id,
                             create_date, write_date)
    SELECT 'Bench customer ' || g, 'Bench customer ' || g, TRUE, TRUE, 'contact', 'ask',
           jsonb_build_object(%(company)s::text, (%(collectors)s::int[])[1 + mod(g, 5)]), NOW(), NOW()
      FROM generate_series(1, %(customers)s) g
    RETURNING id
    """,
        company=company.id,
        collectors=collectors.ids,
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
    SELECT 'WLBENCH/' || g, 'out_invoice', 'posted', %(journal)s, %(company)s, %(currency)s,
           due - 30, due - 30, due, p.id, p.id, 'not_paid',
           100 + mod(g, 900), 100 + mod(g, 900), 100 + mod(g, 900), 100 + mod(g, 900),
           'no', NOW(), NOW()
      FROM generate_series(1, %(invoices)s) g
      JOIN LATERAL (SELECT %(today)s::date + 10 - mod(g * 7919, 131) AS due) d ON TRUE
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
cr.execute(
    SQL(
        """
    INSERT INTO credit_payment_behaviour (partner_id, company_id, grade, create_date, write_date)
    SELECT p, %(company)s, (ARRAY['A', 'B', 'C', 'D', 'E'])[1 + mod(p, 5)], NOW(), NOW()
      FROM unnest(%(partners)s::int[]) p
    ON CONFLICT DO NOTHING
    """,
        company=company.id,
        partners=partner_ids,
    )
)
# A call planned today for a third of the customers; a promise fallen due for one in twenty.
cr.execute(
    SQL(
        """
    INSERT INTO credit_dunning_action (partner_id, company_id, policy_id, stage_id, channel, date, user_id,
                                       state, dispatched, amount_due, outcome, promise_date, promise_amount,
                                       done_date, create_date, write_date)
    SELECT p, %(company)s, %(policy)s, %(stage)s, 'phone', %(today)s,
           (%(collectors)s::int[])[1 + mod(p, 5)],
           CASE WHEN mod(p, 20) = 0 THEN 'done' ELSE 'planned' END, TRUE, 0,
           CASE WHEN mod(p, 20) = 0 THEN 'promise' END,
           CASE WHEN mod(p, 20) = 0 THEN %(today)s::date - mod(p, 3) END,
           CASE WHEN mod(p, 20) = 0 THEN 500 END,
           CASE WHEN mod(p, 20) = 0 THEN NOW() - INTERVAL '5 days' END, NOW(), NOW()
      FROM unnest(%(partners)s::int[]) p
     WHERE mod(p, 3) = 0 OR mod(p, 20) = 0
    """,
        company=company.id,
        policy=policy.id,
        stage=call_stage.id,
        today=today,
        collectors=collectors.ids,
        partners=partner_ids,
    )
)
cr.execute(
    SQL(
        """
    INSERT INTO credit_dunning_action_move_rel (action_id, move_id)
    SELECT DISTINCT ON (a.id) a.id, m.id
      FROM credit_dunning_action a JOIN account_move m ON m.commercial_partner_id = a.partner_id
     WHERE m.name LIKE 'WLBENCH/%%'
     ORDER BY a.id, m.id
    """
    )
)
for table in ("account_move", "res_partner", "credit_dunning_action", "credit_payment_behaviour"):
    cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
print(f"data: {CUSTOMERS} customers, {INVOICES} open invoices in {time.perf_counter() - start:.1f} s")
env.invalidate_all()

collector = collectors[0]
Worklist = env["credit.collector.worklist"].with_user(collector)
spec = {
    "partner_id": {"fields": {"display_name": {}}},
    "user_id": {"fields": {"display_name": {}}},
    "grade": {},
    "score": {},
    "amount_overdue": {},
    "days_late": {},
    "call_count": {},
    "promise_due_amount": {},
    "promise_broken_amount": {},
    "next_action": {},
}
for label in ("cold", "warm"):
    env.invalidate_all()
    queries_before = cr.sql_log_count
    begin = time.perf_counter()
    page = Worklist.web_search_read(
        [("to_do_today", "=", True), ("user_id", "=", collector.id)], spec, limit=80, count_limit=10001
    )
    elapsed = time.perf_counter() - begin
    verdict = "OK" if elapsed < 1 else "TOO SLOW"
    print(
        f"worklist, first page of 80 ({label}): {page['length']} customers to contact today, in {elapsed:.2f} s "
        f"and {cr.sql_log_count - queries_before} queries ({verdict}, goal < 1 s)"
    )

domain = [("to_do_today", "=", True), ("user_id", "=", collector.id)]
for label, call in (
    ("the page's search (80 lines)", lambda: Worklist.search_fetch(domain, list(spec), limit=80)),
    ("the count", lambda: Worklist.search_count(domain)),
):
    env.invalidate_all()
    queries_before = cr.sql_log_count
    begin = time.perf_counter()
    call()
    print(f"  of which {label}: {time.perf_counter() - begin:.2f} s, {cr.sql_log_count - queries_before} queries")

queries_before = cr.sql_log_count
begin = time.perf_counter()
load = env["credit.collector.worklist"]._read_group([], ["user_id"], ["__count", "amount_due:sum", "call_count:sum"])
elapsed = time.perf_counter() - begin
print(
    f"collectors' load: {len(load)} collectors, {sum(row[1] for row in load)} customers, in {elapsed:.2f} s "
    f"and {cr.sql_log_count - queries_before} queries"
)

call = env["credit.dunning.action"].search(
    [("user_id", "=", collector.id), ("state", "=", "planned"), ("channel", "=", "phone")], limit=1
)
queries_before = cr.sql_log_count
begin = time.perf_counter()
call.with_user(collector).action_next_call()
elapsed = time.perf_counter() - begin
print(f"next call (ranked): in {elapsed:.2f} s and {cr.sql_log_count - queries_before} queries")
if os.environ.get("BENCH_KEEP") != "1":  # kept to study the plans: BENCH_KEEP=1
    env.cr.rollback()
