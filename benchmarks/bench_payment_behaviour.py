# pylint: disable=print-used
"""Grading every customer: 2,000 customers with 20,000 invoices over 400 days, most of them
paid, early or late by customer, with promises to pay.

Run by click-odoo (``./dev bench benchmarks/bench_payment_behaviour.py``): ``env`` is a global.
The rows are written by set-based INSERTs, then the payment behaviour job runs on a small
history (100 customers, 1,000 invoices) and on the full one. Goal: a few seconds, and the same
number of queries at both sizes.
"""

import time

from odoo import fields
from odoo.tools import SQL

SIZES = ((100, 1_000), (2_000, 20_000))  # customers, invoices
PAID_EVERY = 10  # 8 of each 10 invoices are paid

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


def make_history(label, customers, invoices):
    """``invoices`` invoices of 30 days' terms for ``customers`` new customers, each customer
    paying with a delay of its own (from 5 days early to 55 days late, give or take)."""
    bench = f"BEHAV{label}/"
    cr.execute(
        SQL(
            """
            INSERT INTO res_partner (name, complete_name, is_company, active, type, autopost_bills,
                                     create_date, write_date)
            SELECT %(bench)s || g, %(bench)s || g, TRUE, TRUE, 'contact', 'ask', NOW(), NOW()
              FROM generate_series(1, %(customers)s) g
            RETURNING id
            """,
            bench=bench,
            customers=customers,
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
            SELECT %(bench)s || g, 'out_invoice', 'posted', %(journal)s, %(company)s, %(currency)s,
                   %(today)s::date - mod(g, 400), %(today)s::date - mod(g, 400), %(today)s::date - mod(g, 400) + 30,
                   p.id, p.id, CASE WHEN mod(g, %(every)s) < 8 AND mod(g, 400) > 30 THEN 'paid' ELSE 'not_paid' END,
                   100 + mod(g, 900), 0, 100 + mod(g, 900), 0, 'no', NOW(), NOW()
              FROM generate_series(1, %(invoices)s) g
              JOIN res_partner p ON p.id = (%(partners)s::int[])[1 + mod(g, %(customers)s)]
            """,
            bench=bench,
            journal=sale_journal.id,
            company=company.id,
            currency=company.currency_id.id,
            today=today,
            every=PAID_EVERY,
            invoices=invoices,
            partners=partner_ids,
            customers=customers,
        )
    )
    cr.execute(
        SQL(
            """
            INSERT INTO account_move_line (move_id, journal_id, company_id, currency_id, company_currency_id,
                                           account_id, partner_id, display_type, date, date_maturity, parent_state,
                                           balance, debit, credit, amount_currency, amount_residual,
                                           amount_residual_currency, reconciled, create_date, write_date)
            SELECT m.id, m.journal_id, m.company_id, m.currency_id, m.currency_id, %(account)s, m.partner_id,
                   'payment_term', m.date, m.invoice_date_due, 'posted', m.amount_total, m.amount_total, 0,
                   m.amount_total, 0, 0, m.payment_state = 'paid', NOW(), NOW()
              FROM account_move m WHERE m.name LIKE %(like)s
            """,
            like=bench + "%",
            account=receivable.id,
        )
    )
    cr.execute(
        SQL(
            """
            WITH paid AS (
                SELECT line.id, line.balance, line.partner_id,
                       LEAST(line.date_maturity - 5 + mod(line.partner_id, 50) + mod(line.id, 10), %(today)s) AS paid_on
                  FROM account_move_line line JOIN account_move m ON m.id = line.move_id
                 WHERE m.name LIKE %(like)s AND m.payment_state = 'paid'
            ), payment AS (
                INSERT INTO account_move_line (move_id, journal_id, company_id, currency_id, company_currency_id,
                                               account_id, partner_id, display_type, date, date_maturity,
                                               parent_state, balance, debit, credit, amount_currency,
                                               amount_residual, amount_residual_currency, reconciled, name,
                                               create_date, write_date)
                SELECT (SELECT MIN(id) FROM account_move WHERE name LIKE %(like)s), %(bank)s, %(company)s,
                       %(currency)s, %(currency)s, %(account)s, paid.partner_id, 'product', paid.paid_on,
                       paid.paid_on, 'posted', -paid.balance, 0, paid.balance, -paid.balance, 0, 0, TRUE,
                       'BEHAV-PAY/' || paid.id, NOW(), NOW()
                  FROM paid
                RETURNING id, name, balance, date
            )
            INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount, debit_amount_currency,
                                                   credit_amount_currency, max_date, company_id, debit_currency_id,
                                                   credit_currency_id, create_date, write_date)
            SELECT substring(payment.name FROM 11)::int, payment.id, -payment.balance, -payment.balance,
                   -payment.balance, payment.date, %(company)s, %(currency)s, %(currency)s, NOW(), NOW()
              FROM payment
            """,
            like=bench + "%",
            bank=bank_journal.id,
            company=company.id,
            currency=company.currency_id.id,
            account=receivable.id,
            today=today,
        )
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
    for table in ("account_move", "account_move_line", "account_partial_reconcile", "credit_dunning_action"):
        cr.execute(SQL("ANALYZE %s", SQL.identifier(table)))


def measure_job(label):
    Behaviour = env["credit.payment.behaviour"]  # noqa: F821
    env.flush_all()  # noqa: F821
    env.invalidate_all()  # noqa: F821
    queries = cr.sql_log_count
    start = time.perf_counter()
    Behaviour._compute_payment_behaviour(company)
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
    print(f"{label}: graded in {elapsed:.3f} s, {count} queries ({verdict}, goal a few seconds); grades {grades}")
    return count


counts = []
done = (0, 0)
for customers, invoices in SIZES:
    make_history(f"{customers}", customers - done[0], invoices - done[1])
    done = (customers, invoices)
    # A first run for these customers: no grade falls, no to-do (mail.activity) is created.
    cr.execute(SQL("DELETE FROM credit_payment_behaviour WHERE company_id = %s", company.id))
    counts.append(measure_job(f"{customers} customers, {invoices} invoices"))
print(f"queries of the job at both sizes: {'same' if len(set(counts)) == 1 else 'DIFFERENT'} ({counts})")
cr.rollback()
