# pylint: disable=print-used
"""Commission lines for 100,000 reconciliations, and the XLSX export of 100,000 lines.

Run by ``./dev bench benchmarks/bench_commission.py`` (click-odoo gives ``env``).
A few real invoices and payments are made by the ORM; 100,000 partial reconciliations
between them are then inserted set-based, and the module's computation
(``_commission_create_lines``) runs on all of them at once, as it does on the partials
of one reconciliation batch. Goals: under 60 s for the lines, under 15 s for the export,
memory bounded (peak traced by tracemalloc).
"""

import time
import tracemalloc

from odoo import Command, fields
from odoo.tools import SQL

N_DOCS = 40
N_PARTIALS = 100_000

env = env  # noqa: F821, PLW0127  (the global of click-odoo)

company = env.company
today = fields.Date.context_today(env.user)
env["commission.plan"].create({"name": "Bench", "rate": 5.0, "early_bonus": 1.0})
customer = env["res.partner"].create({"name": "Bench customer"})
seller = env["res.users"].create({"name": "Bench seller", "login": "bench_seller_commission"})
invoices = env["account.move"].create(
    [
        {
            "move_type": "out_invoice",
            "partner_id": customer.id,
            "invoice_user_id": seller.id,
            "invoice_date": today,
            "invoice_line_ids": [Command.create({"name": "x", "quantity": 1, "price_unit": 1000.0})],
        }
        for _ in range(N_DOCS)
    ]
)
invoices.action_post()
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

env.invalidate_all()
wizard = env["commission.export.wizard"].create({"date_from": today.replace(day=1), "date_to": today})
tracemalloc.start()
start = time.perf_counter()
data = wizard._build_xlsx(wizard._export_rows())
elapsed = time.perf_counter() - start
peak = tracemalloc.get_traced_memory()[1]
tracemalloc.stop()
print(f"XLSX export of {len(lines)} lines: {elapsed:.2f} s (goal < 15 s), {len(data)} bytes, peak {peak / 1e6:.1f} MB")
env.cr.rollback()
