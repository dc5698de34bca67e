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
import time

from odoo import fields
from odoo.tools import SQL

INVOICES = 20_000
CUSTOMERS = 500
PAID_EVERY = 10  # 7 of each 10 invoices are paid

cr = env.cr  # noqa: F821
company = env.company  # noqa: F821
if not env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1):  # noqa: F821
    env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)  # noqa: F821
today = fields.Date.context_today(company)
sale_journal = env["account.journal"].search([("type", "=", "sale"), ("company_id", "=", company.id)], limit=1)  # noqa: F821
bank_journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)  # noqa: F821
receivable = env["account.account"].search(  # noqa: F821
    [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.ids)], limit=1
)
policy = env["credit.dunning.policy"]._get_company_default(company)  # noqa: F821
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
cr.execute(
    SQL(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type, autopost_bills, create_date, write_date)
        SELECT 'Cockpit customer ' || g, 'Cockpit customer ' || g, TRUE, TRUE, 'contact', 'ask', NOW(), NOW()
          FROM generate_series(1, %s) g
        RETURNING id
        """,
        CUSTOMERS,
    )
)
partner_ids = [row[0] for row in cr.fetchall()]
cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", partner_ids))
# Invoices of 100 to 999, dated over the last 400 days, due 30 days later.
cr.execute(
    SQL(
        """
        INSERT INTO account_move (name, move_type, state, journal_id, company_id, currency_id, date, invoice_date,
                                  invoice_date_due, partner_id, commercial_partner_id, payment_state,
                                  amount_total, amount_residual, amount_total_signed, amount_residual_signed,
                                  auto_post, create_date, write_date)
        SELECT 'COCKPIT/' || g, 'out_invoice', 'posted', %(journal)s, %(company)s, %(currency)s,
               %(today)s::date - mod(g, 400), %(today)s::date - mod(g, 400), %(today)s::date - mod(g, 400) + 30,
               p.id, p.id, CASE WHEN mod(g, %(every)s) < 7 THEN 'paid' ELSE 'not_paid' END,
               100 + mod(g, 900), CASE WHEN mod(g, %(every)s) < 7 THEN 0 ELSE 100 + mod(g, 900) END,
               100 + mod(g, 900), CASE WHEN mod(g, %(every)s) < 7 THEN 0 ELSE 100 + mod(g, 900) END,
               'no', NOW(), NOW()
          FROM generate_series(1, %(invoices)s) g
          JOIN res_partner p ON p.id = (%(partners)s::int[])[1 + mod(g, %(customers)s)]
        """,
        journal=sale_journal.id,
        company=company.id,
        currency=company.currency_id.id,
        today=today,
        every=PAID_EVERY,
        invoices=INVOICES,
        partners=partner_ids,
        customers=CUSTOMERS,
    )
)
# The receivable line of each invoice; the paid ones get a payment line and their reconciliation.
cr.execute(
    SQL(
        """
        INSERT INTO account_move_line (move_id, journal_id, company_id, currency_id, company_currency_id, account_id,
                                       partner_id, display_type, date, date_maturity, parent_state, balance, debit,
                                       credit, amount_currency, amount_residual, amount_residual_currency,
                                       reconciled, create_date, write_date)
        SELECT m.id, m.journal_id, m.company_id, m.currency_id, m.currency_id, %(account)s, m.partner_id,
               'payment_term', m.date, m.invoice_date_due, 'posted', m.amount_total, m.amount_total, 0,
               m.amount_total, m.amount_residual, m.amount_residual, m.payment_state = 'paid', NOW(), NOW()
          FROM account_move m WHERE m.name LIKE %(bench)s
        """,
        bench="COCKPIT/%",
        account=receivable.id,
    )
)
cr.execute(
    SQL(
        """
        WITH paid AS (
            SELECT line.id, line.balance, line.partner_id, line.date_maturity - 5 + mod(line.id, 20) AS paid_on
              FROM account_move_line line JOIN account_move m ON m.id = line.move_id
             WHERE m.name LIKE %(bench)s AND m.payment_state = 'paid'
        ), payment AS (
            INSERT INTO account_move_line (move_id, journal_id, company_id, currency_id, company_currency_id,
                                           account_id, partner_id, display_type, date, date_maturity, parent_state,
                                           balance, debit, credit, amount_currency, amount_residual,
                                           amount_residual_currency, reconciled, name, create_date, write_date)
            SELECT (SELECT MIN(id) FROM account_move WHERE name LIKE %(bench)s), %(bank)s, %(company)s,
                   %(currency)s, %(currency)s, %(account)s, paid.partner_id, 'product', LEAST(paid.paid_on, %(today)s),
                   LEAST(paid.paid_on, %(today)s), 'posted', -paid.balance, 0, paid.balance, -paid.balance, 0, 0,
                   TRUE, 'COCKPIT-PAY/' || paid.id, NOW(), NOW()
              FROM paid
            RETURNING id, name, balance, date
        )
        INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount, debit_amount_currency,
                                               credit_amount_currency, max_date, company_id, debit_currency_id,
                                               credit_currency_id, create_date, write_date)
        SELECT substring(payment.name FROM 13)::int, payment.id, -payment.balance, -payment.balance,
               -payment.balance, payment.date, %(company)s, %(currency)s, %(currency)s, NOW(), NOW()
          FROM payment
        """,
        bench="COCKPIT/%",
        bank=bank_journal.id,
        company=company.id,
        currency=company.currency_id.id,
        account=receivable.id,
        today=today,
    )
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
for table in ("account_move", "account_move_line", "account_partial_reconcile", "credit_dunning_action"):
    cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
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
