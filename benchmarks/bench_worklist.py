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
import sys
import time

from odoo import Command
from odoo.tools import SQL

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common

INVOICES = int(os.environ.get("BENCH_INVOICES", "200000"))
CUSTOMERS = max(1, INVOICES // 20)

env = env  # noqa: F821, PLW0127  (the global of click-odoo)
setup = common.accounting(env)
company, today, policy, journal = setup["company"], setup["today"], setup["policy"], setup["sale_journal"]
call_stage = policy.stage_ids.filtered(lambda stage: stage.channel == "phone")[:1]
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
partner_ids = common.insert_customers(
    cr,
    "Bench customer ",
    CUSTOMERS,
    {
        "credit_collector_id": SQL(
            "jsonb_build_object(%s::text, (%s::int[])[1 + mod(g, 5)])", company.id, collectors.ids
        )
    },
)
# Due from 10 days ahead to 120 days ago.
due = SQL("%s::date + 10 - mod(g * 7919, 131)", today)
common.insert_invoice_headers(
    cr,
    setup,
    "WLBENCH/",
    INVOICES,
    partner_ids,
    date=SQL("%s - 30", due),
    due=due,
    payment_state=SQL("'not_paid'"),
    residual=SQL("amount"),
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
common.analyze(cr, ("account_move", "res_partner", "credit_dunning_action", "credit_payment_behaviour"))
print(f"data: {CUSTOMERS} customers, {INVOICES} open invoices in {time.perf_counter() - start:.1f} s")
env.invalidate_all()

Worklist = type(env["credit.collector.worklist"])
collector = collectors[0]
user_env = env(user=collector)
opening = common.action_opening(user_env, "credit_control.credit_collector_worklist_action")
print(f"the menu opens the {opening['views'][0]} view on {opening['domain']}")


def open_worklist():
    return common.open_list(user_env, "credit.collector.worklist", opening)


def before(function):
    """``function`` with the domain's filters applied after the sums only (the query before)."""
    own = Worklist._prefilter_context
    Worklist._prefilter_context = lambda self, domain: {}
    try:
        return function()
    finally:
        Worklist._prefilter_context = own


figures = {"before": [], "now": []}
common.measure(env, open_worklist)  # the registry's caches, warm as on a running server
for round_number in range(int(os.environ.get("BENCH_ROUNDS", "3"))):
    for label in ("before", "now") if round_number % 2 == 0 else ("now", "before"):
        run = open_worklist if label == "now" else lambda: before(open_worklist)
        page, measured = common.measure(env, run)
        figures[label].append((measured["seconds"], measured["queries"], page["length"]))
for label, runs in figures.items():
    seconds = sorted(run[0] for run in runs)[len(runs) // 2]
    verdict = "OK" if seconds < 1 else "TOO SLOW"
    print(
        f"worklist opening ({label}: {'filters inside the query' if label == 'now' else 'filters after the sums'}): "
        f"first page of 80 and the count, {runs[0][2]} customers to contact today, median {seconds:.3f} s "
        f"of {len(runs)}, {runs[0][1]} queries ({verdict}, goal < 1 s)"
    )
for label, call in (
    (
        "the page's search (80 lines)",
        lambda: user_env["credit.collector.worklist"].search_fetch(opening["domain"], ["score"], limit=80),
    ),
    ("the count", lambda: user_env["credit.collector.worklist"].search_count(opening["domain"], limit=10001)),
):
    __, measured = common.measure(env, call)
    print(f"  of which {label}: {measured['seconds']:.3f} s, {measured['queries']} queries")

load_opening = common.action_opening(env, "credit_control.credit_collector_worklist_action_load")
load, measured = common.measure(env, lambda: common.open_pivot(env, "credit.collector.worklist", load_opening))
print(
    f"collectors' load (pivot by collector, its {len(load)} reads): {len(load[2])} collectors, "
    f"in {measured['seconds']:.3f} s and {measured['queries']} queries"
)

call = env["credit.dunning.action"].search(
    [("user_id", "=", collector.id), ("state", "=", "planned"), ("channel", "=", "phone")], limit=1
)
__, measured = common.measure(env, lambda: call.with_user(collector).action_next_call())
print(f"next call (ranked): in {measured['seconds']:.3f} s and {measured['queries']} queries")
line = user_env["credit.collector.worklist"].search(opening["domain"], limit=1)
__, measured = common.measure(env, lambda: line.browse(line.id).action_do_next_action())
print(f"a line's Do It button: in {measured['seconds']:.3f} s and {measured['queries']} queries")
if os.environ.get("BENCH_KEEP") != "1":  # kept to study the plans: BENCH_KEEP=1
    env.cr.rollback()
