# pylint: disable=print-used
"""Dunning run over 100,000 open invoices of 10,000 customers (``BENCH_INVOICES`` for fewer).

Run by click-odoo (``env`` is its global): ``./dev bench benchmarks/bench_dunning.py``.
The invoices are inserted by set-based SQL (headers only: the run reads the invoice
headers, never their lines); their due dates spread from 10 days ahead to 60 days ago, so
that every stage of the default policy is reached. Times the planning run (stages decided,
actions created, invoices linked), then a second, idempotent run, then the dispatch of a
sample of actions (emails queued, letters rendered, call to-dos). Also reads the coming
steps (the *Coming Up* list) and one invoice's next step.

Sending, before and after in the same run: ``BENCH_REMINDERS`` (2,000) planned actions of
every channel are dispatched one at a time as the module did before (``send_mail``,
``message_post``, ``activity_schedule`` per action, kept below as the reference), then
set-based (``_dispatch``: each template renders all its actions, one to-do create), each
rolled back to a savepoint, the tracking messages of the commit included. Letters are HTML
in that comparison (``BENCH_PDF=1`` keeps PDFs: one wkhtmltopdf call per letter before,
one per batch now); a second comparison renders ``BENCH_LETTERS`` (40) PDF letters."""

import os
import sys
import time
from datetime import timedelta

from odoo import fields
from odoo.tools import SQL

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common

# A smaller volume with BENCH_INVOICES (customers: a tenth of it).
INVOICES = int(os.environ.get("BENCH_INVOICES", "100000"))
CUSTOMERS = max(1, INVOICES // 10)
REMINDERS = int(os.environ.get("BENCH_REMINDERS", "2000"))
LETTERS = int(os.environ.get("BENCH_LETTERS", "40"))
PDF = os.environ.get("BENCH_PDF") == "1"

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
partner_ids = common.insert_customers(cr, "Bench customer ", CUSTOMERS)
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
    INSERT INTO credit_dunning_invoice_stage (move_id, stage_id, stage_date)
    SELECT m.id, st.id, %(today)s::date - 1
      FROM account_move m
      JOIN LATERAL (SELECT s.id FROM credit_dunning_stage s
                     WHERE s.policy_id = %(policy)s AND m.invoice_date_due + s.offset_days <= %(today)s
                     ORDER BY s.offset_days DESC OFFSET 1 LIMIT 1) st ON TRUE
     WHERE m.company_id = %(company)s AND m.name LIKE %(bench)s
    ON CONFLICT (move_id) DO UPDATE SET stage_id = EXCLUDED.stage_id, stage_date = EXCLUDED.stage_date
    """,
        today=today,
        policy=policy.id,
        company=company.id,
        bench="BENCH/%",
    )
)
common.analyze(cr, ("account_move", "res_partner", "credit_dunning_invoice_stage"))
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


def dispatch_one_by_one(actions):
    """The former dispatch, one action at a time: the reference of the comparison."""
    for action in actions:
        if not action._lock_for_dispatch():
            continue
        stage = action.stage_id
        if action.channel == "email":
            stage.mail_template_id.send_mail(action.id, force_send=False)
            action._mark_done("sent")
        elif action.channel == "letter":
            content, kind = action._render_letter()
            action.letter_attachment_id = env["ir.attachment"].create(
                {
                    "name": f"{stage.name} - {action.partner_id.name}.{'pdf' if kind == 'pdf' else 'html'}",
                    "raw": content,
                    "res_model": action._name,
                    "res_id": action.id,
                }
            )
            action.message_post(
                body=env._("Letter to print and send: %(stage)s.", stage=stage.name),
                attachment_ids=action.letter_attachment_id.ids,
            )
            action._mark_done("sent")
        else:
            action.activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=action.date,
                summary=f"Call {action.partner_id.name}",
                note=stage.call_script,
                user_id=(action.user_id or env.user).id,
            )
        if stage.notify_salesperson and action.salesperson_id:
            action.activity_schedule(
                "mail.mail_activity_data_todo", summary="Collection", user_id=action.salesperson_id.id
            )
        if stage.propose_cash_in_advance:
            Action.search_count([("partner_id", "=", action.partner_id.id), ("state", "!=", "cancelled")])
        if stage.is_litigation:
            action.activity_schedule("mail.mail_activity_data_todo", summary="Litigation", user_id=env.uid)
        action.dispatched = True


def set_based(actions):
    for start in range(0, len(actions), 200):
        actions[start : start + 200]._dispatch()


def timed_dispatch(method, actions):
    """Seconds and queries of dispatching `actions`, the commit's tracking included, rolled back."""
    with cr.savepoint() as savepoint:
        env.invalidate_all()
        queries_before = cr.sql_log_count
        begin = time.perf_counter()
        method(Action.browse(actions.ids))
        env.flush_all()
        cr.precommit.run()
        elapsed = time.perf_counter() - begin
        queries = cr.sql_log_count - queries_before
        savepoint.rollback()
    env.invalidate_all()
    return elapsed, queries


def compare_dispatch(label, actions):
    before, before_queries = timed_dispatch(dispatch_one_by_one, actions)
    after, after_queries = timed_dispatch(set_based, actions)
    count = len(actions)
    print(
        f"{label}: {count} actions, one by one {before:.2f} s ({before * 1000 / count:.1f} ms, "
        f"{before_queries / count:.1f} queries each), set-based {after:.2f} s ({after * 1000 / count:.1f} ms, "
        f"{after_queries / count:.2f} queries each, {after_queries} in all), {before / after:.1f}x faster "
        f"(goal >= 5x: {'OK' if before / after >= 5 else 'UNDER'})"
    )


planned = Action.search([("state", "=", "planned"), ("dispatched", "=", False)], order="id")
by_channel = {
    channel: planned.filtered(lambda a, c=channel: a.channel == c) for channel in ("email", "letter", "phone")
}
print("planned actions by channel: " + ", ".join(f"{c} {len(a)}" for c, a in by_channel.items()))
# Every channel in the proportions of the run.
sample = planned[:: max(1, len(planned) // REMINDERS)][:REMINDERS]
report_model = type(env["ir.actions.report"])
original_state = report_model.get_wkhtmltopdf_state
if not PDF:
    # Letters as a server without wkhtmltopdf makes them, for both ways alike.
    report_model.get_wkhtmltopdf_state = lambda self: "install"
try:
    compare_dispatch(f"dispatch{' (letters in PDF)' if PDF else ' (letters in HTML)'}", sample)
finally:
    report_model.get_wkhtmltopdf_state = original_state
if original_state(env["ir.actions.report"]) in ("install", "broken"):
    print("PDF letters: wkhtmltopdf missing, not compared")
else:
    compare_dispatch("PDF letters", by_channel["letter"][:LETTERS])
cr.rollback()
