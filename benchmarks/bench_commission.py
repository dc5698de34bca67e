# pylint: disable=print-used
"""Commission lines for 100,000 reconciliations, and the XLSX export of 100,000 rows.

Run by ``./dev bench benchmarks/bench_commission.py`` (click-odoo gives ``env``).

1. A few real invoices (ten salespeople, one with a 60/40 split) and payments are made by
   the ORM; 100,000 partial reconciliations between them are then inserted set-based, and
   the module's computation (``_commission_create_lines``) runs on all of them at once, as
   it does on the partials of one reconciliation batch. The plan has tiers, so the
   period's collections are read and carried along.
2. 100,000 more commission lines, for 20 salespeople and 5,000 customers, are inserted by
   SQL so that the export has 100,000 distinct rows (salesperson, customer, month); the
   export reads them through the report with the record rules of a manager.

3. Commission at reconciliation, against the same reconciliation without the addon's
   computation, in the same run (rounds alternate, each rolled back to a savepoint): one
   bank entry clearing 1,000 invoices (``BENCH_BULK``), reconciled invoice by invoice (a
   lockbox file matched line by line) and in one call; and 2-line payments
   (``BENCH_PAYMENTS``, 300), each reconciled with its invoice.

Goals: under 60 s for the lines, under 15 s for the export, memory bounded (peak traced
by tracemalloc); commission overhead on reconciliation at most 1.1x.
"""

import os
import sys
import time
import tracemalloc

from odoo import Command, fields
from odoo.tools import SQL

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common

N_DOCS = 40
N_PARTIALS = int(os.environ.get("BENCH_PARTIALS", "100000"))
N_EXPORT_SELLERS = 20
N_EXPORT_CUSTOMERS = 5_000
N_BULK = int(os.environ.get("BENCH_BULK", "1000"))
N_PAYMENTS = int(os.environ.get("BENCH_PAYMENTS", "300"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))

env = env  # noqa: F821, PLW0127  (the global of click-odoo)

company = env.company
today = fields.Date.context_today(env.user)
env["commission.plan"].create(
    {
        "name": "Bench",
        "rate": 5.0,
        "early_bonus": 1.0,
        "tier_ids": [
            Command.create({"amount_from": 10_000.0, "amount_to": 50_000.0, "rate": 7.0}),
            Command.create({"amount_from": 50_000.0, "rate": 9.0}),
        ],
    }
)
customer = env["res.partner"].create({"name": "Bench customer"})
sellers = env["res.users"].create(
    [{"name": f"Bench seller {index}", "login": f"bench_seller_commission_{index}"} for index in range(10)]
)
invoices = env["account.move"].create(
    [
        {
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_user_id": sellers[index % len(sellers)].id,
            "invoice_date": today,
            "invoice_line_ids": [Command.create({"name": "x", "quantity": 1, "price_unit": 1000.0})],
        }
        for index in range(N_DOCS)
    ]
)
invoices.action_post()
invoices[0].commission_split_ids = [
    Command.create({"user_id": sellers[0].id, "share": 60.0}),
    Command.create({"user_id": sellers[1].id, "share": 40.0}),
]
payments = env["account.payment"].create(
    [
        {"payment_type": "inbound", "partner_type": "customer", "partner_id": customer.id, "amount": 10.0}
        for _ in range(N_DOCS)
    ]
)
payments.action_post()
inv_lines = invoices.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
pay_lines = payments.move_id.line_ids.filtered(lambda line: line.account_id.account_type == "asset_receivable")
env.flush_all()
env.cr.execute(
    SQL(
        """
        INSERT INTO account_partial_reconcile (debit_move_id, credit_move_id, amount, debit_amount_currency,
            credit_amount_currency, company_id, max_date, debit_currency_id, credit_currency_id)
        SELECT d.id, c.id, 0.01, 0.01, 0.01, %(company)s, %(today)s, %(currency)s, %(currency)s
          FROM generate_series(1, %(n)s) AS g
          JOIN unnest(%(debits)s::int[]) WITH ORDINALITY AS d(id, i) ON d.i = 1 + mod(g, %(docs)s)
          JOIN unnest(%(credits)s::int[]) WITH ORDINALITY AS c(id, i) ON c.i = 1 + mod(g / %(docs)s, %(docs)s)
        RETURNING id
        """,
        company=company.id,
        today=today,
        currency=company.currency_id.id,
        n=N_PARTIALS,
        docs=N_DOCS,
        debits=inv_lines.ids,
        credits=pay_lines.ids,
    )
)
partials = env["account.partial.reconcile"].browse([row[0] for row in env.cr.fetchall()])
env.invalidate_all()

queries_before = env.cr.sql_log_count
start = time.perf_counter()
lines = partials._commission_create_lines()
env.flush_all()
elapsed = time.perf_counter() - start
print(f"commission lines: {len(lines)} for {len(partials)} reconciliations in {elapsed:.1f} s (goal < 60 s)")
print(f"  queries: {env.cr.sql_log_count - queries_before}")

export_sellers = env["res.users"].create(
    [{"name": f"Export seller {index}", "login": f"bench_export_seller_{index}"} for index in range(N_EXPORT_SELLERS)]
)
export_customers = env["res.partner"].create(
    [{"name": f"Export customer {index:05d}", "is_company": True} for index in range(N_EXPORT_CUSTOMERS)]
)
env.flush_all()
env.cr.execute(
    SQL(
        """
        INSERT INTO commission_line (company_id, user_id, move_id, partner_id, date, kind, collected, rate, amount)
        SELECT %(company)s, s.id, %(move)s, c.id, %(today)s, 'earned', 100.0, 5.0, 5.0
          FROM unnest(%(sellers)s::int[]) AS s(id)
         CROSS JOIN unnest(%(customers)s::int[]) AS c(id)
        """,
        company=company.id,
        move=invoices[0].id,
        today=today,
        sellers=export_sellers.ids,
        customers=export_customers.ids,
    )
)
env.invalidate_all()
# Statistics as autovacuum keeps them on a live database, after the bulk inserts.
env.cr.execute(SQL("ANALYZE commission_line, res_partner, account_move"))

manager = env.ref("base.user_admin")
wizard = (
    env["commission.export.wizard"].with_user(manager).create({"date_from": today.replace(day=1), "date_to": today})
)
queries_before = env.cr.sql_log_count
start = time.perf_counter()
data = wizard._build_xlsx()
elapsed = time.perf_counter() - start
export_queries = env.cr.sql_log_count - queries_before
# A second run, traced, for the peak memory (tracing makes it slower: not timed).
env.invalidate_all()
tracemalloc.start()
wizard._build_xlsx()
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
rows = env["commission.report"]._read_group(
    [("date", ">=", wizard.date_from), ("date", "<=", wizard.date_to)], ["user_id", "partner_id", "date:month"]
)
print(
    f"XLSX export of {len(rows)} rows ({len(lines) + N_EXPORT_SELLERS * N_EXPORT_CUSTOMERS} commission lines): "
    f"{elapsed:.2f} s (goal < 15 s), {len(data) / 1e6:.1f} MB file, {export_queries} queries, "
    f"peak Python memory {peak / 1e6:.1f} MB"
)


receivable = common.receivable_lines


def compare(label, pairs, one_call=False):
    figures = common.compare_reconcile(env, pairs, ROUNDS, one_call)
    print(
        f"{label}: with the addon {figures['with_addon_s']:.2f} s, without {figures['without_s']:.2f} s, "
        f"ratio {figures['ratio']:.2f} (median of {ROUNDS} alternating rounds; goal <= 1.10: "
        f"{'OK' if figures['ok'] else 'OVER'}), queries {figures['queries_with']} / {figures['queries_without']}"
    )


bulk_customer = env["res.partner"].create({"name": "Bench lockbox customer"})
bulk_invoices = env["account.move"].create(
    [
        {
            "move_type": "out_invoice",
            "partner_id": bulk_customer.id,
            "invoice_user_id": sellers[index % len(sellers)].id,
            "invoice_date": today,
            "invoice_line_ids": [Command.create({"name": "x", "quantity": 1, "price_unit": 100.0, "tax_ids": []})],
        }
        for index in range(N_BULK + N_PAYMENTS)
    ]
)
bulk_invoices.action_post()
bank_journal = env["account.journal"].search([("type", "=", "bank"), ("company_id", "=", company.id)], limit=1)
receivable_account = receivable(bulk_invoices[:1]).account_id
lockbox = env["account.move"].create(
    {
        "move_type": "entry",
        "journal_id": bank_journal.id,
        "date": today,
        "line_ids": [
            Command.create(
                {
                    "name": "Lockbox",
                    "account_id": receivable_account.id,
                    "partner_id": bulk_customer.id,
                    "balance": -100.0,
                }
            )
            for _index in range(N_BULK)
        ]
        + [
            Command.create(
                {"name": "Lockbox", "account_id": bank_journal.default_account_id.id, "balance": 100.0 * N_BULK}
            )
        ],
    }
)
lockbox.action_post()
lockbox_pairs = list(zip(receivable(bulk_invoices[:N_BULK]), receivable(lockbox), strict=True))
small_payments = env["account.payment"].create(
    [
        {"payment_type": "inbound", "partner_type": "customer", "partner_id": bulk_customer.id, "amount": 100.0}
        for _index in range(N_PAYMENTS)
    ]
)
small_payments.action_post()
payment_pairs = list(zip(receivable(bulk_invoices[N_BULK:]), receivable(small_payments.move_id), strict=True))
env.flush_all()
compare(f"one bank entry clearing {N_BULK} invoices, reconciled one by one", lockbox_pairs)
compare(f"one bank entry clearing {N_BULK} invoices, in one reconciliation", lockbox_pairs, one_call=True)
compare(f"{N_PAYMENTS} 2-line payments, each reconciled with its invoice", payment_pairs)
env.cr.rollback()
