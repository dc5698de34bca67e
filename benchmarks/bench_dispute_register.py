# pylint: disable=print-used
"""Dispute register at volume: statistics, dunning flag sync, escalation, opening in batch.

Run by click-odoo (``./dev bench benchmarks/bench_dispute_register.py``): ``env`` is a global.
Invoices are made by the ORM (few), disputes by one set-based INSERT (many).
"""

import os
import sys
import time

from odoo import Command, fields
from odoo.tools import SQL

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common

N_INVOICES = 200
N_DISPUTES = 50_000
N_OVERDUE_OPEN = 300


def measure(label, function):
    result, figures = common.measure(env, function)  # noqa: F821
    print(f"{label}: {figures['seconds']:.3f} s, {figures['queries']} queries")
    return result


def make_invoices():
    partners = env["res.partner"].create(  # noqa: F821
        [{"name": f"Bench customer {i}", "is_company": True} for i in range(20)]
    )
    today = fields.Date.today()
    moves = env["account.move"].create(  # noqa: F821
        [
            {
                "move_type": "out_invoice",
                "partner_id": partners[i % len(partners)].id,
                "invoice_date": today,
                "invoice_line_ids": [Command.create({"name": "Goods", "quantity": 1, "price_unit": 10_000.0})],
            }
            for i in range(N_INVOICES)
        ]
    )
    moves.action_post()
    return moves


def make_disputes(moves):
    """N_DISPUTES disputes spread over the invoices, reasons and two years; all closed but
    the last N_OVERDUE_OPEN, which are open and past their deadline."""
    reasons = env["dispute.reason"].search([])  # noqa: F821
    env.cr.execute(  # noqa: F821
        SQL(
            """
            INSERT INTO dispute_dispute (name, move_id, partner_id, salesperson_id, company_id, currency_id,
                                         amount, amount_company, reason_id, department_id, date_open,
                                         date_deadline, stage, is_open, resolution, date_closed,
                                         resolution_days, create_uid, write_uid, create_date, write_date)
            SELECT 'BENCH/' || g, m.id, m.commercial_partner_id, m.invoice_user_id, m.company_id, m.currency_id,
                   10 + mod(g, 500), 10 + mod(g, 500), r.id, r.department_id,
                   now() - make_interval(days => 10 + mod(g, 700)),
                   (now() - make_interval(days => 10 + mod(g, 700)))::date + r.deadline_days,
                   CASE WHEN g > %(closed)s THEN 'in_progress' ELSE 'resolved' END,
                   g > %(closed)s,
                   CASE WHEN g > %(closed)s THEN NULL ELSE 'corrected' END,
                   CASE WHEN g > %(closed)s THEN NULL ELSE now() - make_interval(days => mod(g, 10)) END,
                   0, 1, 1, now(), now()
              FROM generate_series(1, %(n)s) g
              JOIN account_move m ON m.id = (%(moves)s::int[])[1 + mod(g, %(n_moves)s)]
              JOIN dispute_reason r ON r.id = (%(reasons)s::int[])[1 + mod(g, %(n_reasons)s)]
            """,
            n=N_DISPUTES,
            closed=N_DISPUTES - N_OVERDUE_OPEN,
            moves=moves.ids,
            n_moves=len(moves),
            reasons=reasons.ids,
            n_reasons=len(reasons),
        )
    )
    env["dispute.dispute"].invalidate_model()  # noqa: F821


def main():
    common.ensure_chart(env)  # noqa: F821
    start = time.perf_counter()
    moves = make_invoices()
    make_disputes(moves)
    print(f"data: {N_INVOICES} invoices, {N_DISPUTES} disputes in {time.perf_counter() - start:.1f} s")
    Report = env["dispute.report"]  # noqa: F821
    measures = [
        "dispute_count:sum",
        "amount:sum",
        "resolution_days:avg",
        "late_rate:avg",
        "amount_days:sum",
        "cash_blocked:sum",
    ]
    for groupby in ("reason_id", "department_id", "salesperson_id", "partner_id"):
        groups = measure(f"statistics by {groupby}", lambda g=groupby: Report._read_group([], [g], measures))
        print(f"  {len(groups)} groups")
    Dispute = env["dispute.dispute"]  # noqa: F821
    measure(f"dunning flag sync on {len(moves)} invoices", lambda: Dispute._sync_invoice_dispute_flag(moves))
    print(f"  flagged: {len(moves.filtered('in_dispute'))}")
    measure(f"dispute count on {len(moves)} invoices", lambda: moves.mapped("dispute_count"))
    escalated = measure("escalation cron", Dispute._cron_escalate_overdue_disputes)
    print(f"  escalated: {len(escalated)} (a message and activities each: per dispute by nature)")
    measure("escalation cron, second run", Dispute._cron_escalate_overdue_disputes)
    fresh = make_invoices()[:100]
    measure("open 100 disputes from dunning", fresh._open_dispute_from_dunning)
    env.cr.rollback()  # noqa: F821


main()
