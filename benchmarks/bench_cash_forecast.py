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

import os
import time

from odoo import Command, fields
from odoo.tools import SQL

SCALE = float(os.environ.get("BENCH_SCALE", "1"))
INVOICES = int(200_000 * SCALE)
CUSTOMERS = int(10_000 * SCALE)
PAID_EVERY = 5  # 4 of each 5 invoices are paid
SALESPEOPLE = 21  # prime to PAID_EVERY: each salesperson has open invoices

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
curative = policy.stage_ids.filtered(lambda stage: not stage.is_preventive)[:1]
users = (
    env["res.users"]  # noqa: F821
    .with_context(no_reset_password=True)
    .create(
        [
            {
                "name": f"Forecast salesperson {number}",
                "login": f"bench_forecast_{number}",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set(env.ref("sales_team.group_sale_salesman").ids)],  # noqa: F821
            }
            for number in range(SALESPEOPLE)
        ]
    )
)
finance = env.ref("base.user_admin")  # noqa: F821


def measure_opening(label):
    """As the web client opens each view of the forecast, for finance and for a salesperson."""
    results = {}
    for who, user in (("finance", finance), ("salesperson", users[0])):
        forecast = env["credit.cash.forecast"].with_user(user).with_context(allowed_company_ids=company.ids)  # noqa: F821
        for view, open_view in (
            ("graph", lambda f: f.read_group([], ["amount_expected:sum", "amount_due:sum"], ["week"])),
            (
                "pivot",
                lambda f: f.read_group(
                    [], ["amount_expected:sum", "amount_due:sum"], ["salesperson_id", "week"], lazy=False
                ),
            ),
            (
                "list",
                lambda f: f.web_search_read(
                    [("measure", "=", "expected")],
                    {
                        "partner_id": {"fields": {"display_name": {}}},
                        "move_id": {"fields": {"display_name": {}}},
                        "week": {},
                        "date_due": {},
                        "date_expected": {},
                        "amount_expected": {},
                    },
                    limit=80,
                )["records"],
            ),
        ):
            env.flush_all()  # noqa: F821
            env.invalidate_all()  # noqa: F821
            open_view(forecast)  # the registry's caches, warm as on a running server
            env.invalidate_all()  # noqa: F821
            queries = cr.sql_log_count
            start = time.perf_counter()
            rows = open_view(forecast)
            elapsed = time.perf_counter() - start
            results[who, view] = cr.sql_log_count - queries
            verdict = "OK" if elapsed < 1 else "TOO SLOW"
            print(
                f"{label} {who} {view}: {len(rows)} rows in {elapsed:.3f} s, {results[who, view]} queries "
                f"({verdict}, goal < 1 s)"
            )
    return results


empty = measure_opening("empty database:")
start = time.perf_counter()
cr.execute(
    SQL(
        """
        INSERT INTO res_partner (name, complete_name, is_company, active, type, autopost_bills, user_id,
                                 create_date, write_date)
        SELECT 'Forecast customer ' || g, 'Forecast customer ' || g, TRUE, TRUE, 'contact', 'ask',
               (%(users)s::int[])[1 + mod(g, %(salespeople)s)], NOW(), NOW()
          FROM generate_series(1, %(customers)s) g
        RETURNING id
        """,
        users=users.ids,
        salespeople=SALESPEOPLE,
        customers=CUSTOMERS,
    )
)
partner_ids = [row[0] for row in cr.fetchall()]
cr.execute(SQL("UPDATE res_partner SET commercial_partner_id = id WHERE id = ANY(%s)", partner_ids))
# Invoices of 100 to 999, dated over the last 400 days, due 30 days later; one in 50 disputed.
cr.execute(
    SQL(
        """
        INSERT INTO account_move (name, move_type, state, journal_id, company_id, currency_id, date, invoice_date,
                                  invoice_date_due, partner_id, commercial_partner_id, payment_state,
                                  amount_total, amount_residual, amount_total_signed, amount_residual_signed,
                                  in_dispute, auto_post, create_date, write_date)
        SELECT 'FORECAST/' || g, 'out_invoice', 'posted', %(journal)s, %(company)s, %(currency)s,
               %(today)s::date - mod(g, 400), %(today)s::date - mod(g, 400), %(today)s::date - mod(g, 400) + 30,
               p.id, p.id, CASE WHEN mod(g, %(every)s) > 0 THEN 'paid' ELSE 'not_paid' END,
               100 + mod(g, 900), CASE WHEN mod(g, %(every)s) > 0 THEN 0 ELSE 100 + mod(g, 900) END,
               100 + mod(g, 900), CASE WHEN mod(g, %(every)s) > 0 THEN 0 ELSE 100 + mod(g, 900) END,
               mod(g, 50) = 0, 'no', NOW(), NOW()
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
        bench="FORECAST/%",
        account=receivable.id,
    )
)
# The paid ones: a payment line each and its reconciliation, paid from 5 days early to 34 days
# late according to the customer.
cr.execute(
    SQL(
        """
        WITH paid AS (
            SELECT line.id, line.balance, line.partner_id,
                   line.date_maturity - 5 + mod(line.partner_id, 40) AS paid_on
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
                   TRUE, 'FORECAST-PAY/' || paid.id, NOW(), NOW()
              FROM paid
            RETURNING id, name, balance, date
        )
        INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount, debit_amount_currency,
                                               credit_amount_currency, max_date, company_id, debit_currency_id,
                                               credit_currency_id, create_date, write_date)
        SELECT substring(payment.name FROM 14)::int, payment.id, -payment.balance, -payment.balance,
               -payment.balance, payment.date, %(company)s, %(currency)s, %(currency)s, NOW(), NOW()
          FROM payment
        """,
        bench="FORECAST/%",
        bank=bank_journal.id,
        company=company.id,
        currency=company.currency_id.id,
        account=receivable.id,
        today=today,
    )
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
for table in (
    "res_partner",
    "account_move",
    "account_move_line",
    "account_partial_reconcile",
    "credit_dunning_action",
    "credit_dunning_action_move_rel",
):
    cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))
env.invalidate_all()  # noqa: F821
elapsed = time.perf_counter() - start
print(f"data: {INVOICES} invoices, {CUSTOMERS} customers, payments, promises in {elapsed:.1f} s (scale {SCALE})")
start = time.perf_counter()
env["credit.payment.behaviour"]._compute_payment_behaviour(company)  # noqa: F821
cr.execute(SQL("ANALYZE credit_payment_behaviour"))
print(f"payment behaviour job: {time.perf_counter() - start:.1f} s")

if os.environ.get("BENCH_EXPLAIN"):
    forecast = env["credit.cash.forecast"]  # noqa: F821
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
cr.rollback()
