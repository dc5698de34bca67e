# pylint: disable=print-used
"""The suite's dunning plan and settlement generation side by side with the OCA modules'.

``./dev bench-oca DB [--rounds 5] [--oca-addons PATH] [--only dunning|settlements] [--keep]``
on a database made by ``./dev bench-data`` (``DB`` itself is only read: each measurement
is rolled back). Prints one JSON report (``--output FILE`` writes it too).

*Dunning*: OCA's ``account_credit_control`` installs beside the suite's addons (its models
are ``credit.control.*``, ours ``credit.dunning.*``; the report lists any field both define),
so both run in ONE copy of ``DB`` (``DB_oca_dunning``), alternating: our plan
(``credit.dunning.action._run_dunning``) and OCA's ``credit.control.run`` →
``generate_credit_lines`` with a policy of the same curative stages (3, 15, 30 and 45 days
after the due date, on the company's receivable accounts), same company, same day.

*Settlements*: OCA's ``commission.settlement`` has the name of ours, so OCA's ``commission_oca``
and ``account_commission_oca`` go into a second copy (``DB_oca_commission``) with the suite's
commission addon uninstalled: there, each salesperson with invoices becomes an agent of one
payment-based commission of the generator's rate (5 %, settled per year) and every product
line of a posted customer invoice gets its agent line (set-based SQL, its amount checked
against OCA's own computation on a sample), as OCA would have written at invoicing. Our
generation (``commission.settlement._generate_for_period`` over the commission lines' dates,
as in ``./dev bench-suite``) runs on ``DB``, OCA's settlement wizard (``commission.make.settle``,
type *Sales Invoices*, every agent, up to the end of the data's last year) on the copy, one
after the other in the same process, alternating.

The OCA addons come from PyPI (``./dev install`` puts them in ``.local/oca``, outside the
addons path of the tests and the server); ``--oca-addons`` points at another folder holding
them. The copies are dropped at the end unless ``--keep`` (then reused by the next run).
"""

import argparse
import datetime
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import common
from databases import copy_database, drop_database, with_env

import odoo
from odoo import fields
from odoo.tools import SQL, config

HERE = os.path.dirname(os.path.abspath(__file__))
DUNNING_ADDONS = ("account_credit_control",)
COMMISSION_ADDONS = ("commission_oca", "account_commission_oca")
# The suite's stages after the due date (credit_control's default policy), as OCA levels.
OCA_LEVELS = ((3, "email"), (15, "email"), (30, "letter"), (45, "letter"))
RATE = 5.0  # the generator's commission plan


def parse_args():
    parser = argparse.ArgumentParser(prog="./dev bench-oca DB")
    parser.add_argument("database")
    parser.add_argument("-c", "--config", required=True, help="the Odoo configuration file")
    parser.add_argument("--oca-addons", required=True, help="folder holding the OCA addons")
    parser.add_argument("--rounds", type=int, default=5, help="timed runs of each side")
    parser.add_argument("--only", choices=("dunning", "settlements"), help="one comparison only")
    parser.add_argument("--keep", action="store_true", help="keep the copies (and reuse them next time)")
    parser.add_argument("--no-warm-up", action="store_true", help="no untimed first run of each side (full scale)")
    parser.add_argument("--output", help="also write the JSON report to this file")
    return parser.parse_args()


# --- databases ------------------------------------------------------------------------------


def exists(name):
    return bool(odoo.service.db.exp_db_exist(name))


def module_states(env, names):
    modules = env["ir.module.module"].search([("name", "in", list(names))])
    return {module.name: module.state for module in modules}


def install(database, names):
    """The OCA addons installed (the module list updated first: they are new to it)."""

    def run(env):
        env["ir.module.module"].update_list()
        modules = env["ir.module.module"].search([("name", "in", list(names))])
        missing = set(names) - set(modules.mapped("name"))
        if missing:
            raise SystemExit(f"{', '.join(sorted(missing))} not found in the addons path {config['addons_path']}")
        modules.filtered(lambda m: m.state != "installed").button_immediate_install()

    with_env(database, run)
    states = with_env(database, lambda env: module_states(env, names))
    if set(states.values()) != {"installed"}:
        raise SystemExit(f"not installed on {database}: {states}")


def uninstall(database, names):
    def run(env):
        modules = env["ir.module.module"].search([("name", "in", list(names)), ("state", "=", "installed")])
        if modules:
            modules.button_immediate_uninstall()

    with_env(database, run)
    states = with_env(database, lambda env: module_states(env, names))
    if "installed" in states.values():
        raise SystemExit(f"not uninstalled on {database}: {states}")


def shared_fields(env, oca_modules):
    """Fields that one of the OCA addons and one of the suite's addons both define."""
    env.cr.execute(
        SQL(
            """
        SELECT f.model, f.name, ARRAY_AGG(DISTINCT d.module ORDER BY d.module)
          FROM ir_model_data d JOIN ir_model_fields f ON f.id = d.res_id
         WHERE d.model = 'ir.model.fields' AND d.module IN %(modules)s
         GROUP BY f.model, f.name
        HAVING BOOL_OR(d.module IN %(oca)s) AND BOOL_OR(d.module IN %(suite)s)
        """,
            modules=tuple(oca_modules) + common.SUITE_MODULES,
            oca=tuple(oca_modules),
            suite=common.SUITE_MODULES,
        )
    )
    return [f"{model}.{name}: {', '.join(modules)}" for model, name, modules in env.cr.fetchall()]


# --- measurement ----------------------------------------------------------------------------


def once(env, function, prepare=None):
    """Figures of one run of ``function(prepared)``, rolled back after."""
    try:
        prepared = prepare() if prepare else None
        result, figures = common.measure(env, lambda: function(prepared))
    finally:
        env.cr.rollback()
    return result, figures


def alternate(args, sides):
    """``sides``: {name: (database, function(env) -> result)}. A warm-up of each (unless
    ``--no-warm-up``), then ``--rounds`` runs of each, the order swapped every round;
    medians, p95, queries, the largest memory growth and the last result of each side."""
    runs = {name: ([], [], [], None) for name in sides}
    names = list(sides)
    for round_index in range(0 if args.no_warm_up else -1, args.rounds):
        order = names if round_index % 2 == 0 else names[::-1]
        for name in order:
            database, function = sides[name]
            result, figures = with_env(database, lambda env, f=function: once(env, lambda _p: f(env)))
            if round_index < 0:
                continue  # warm-up: caches as on a running server
            timings, queries, growth, __ = runs[name]
            timings.append(figures["seconds"])
            queries.append(figures["queries"])
            growth.append(figures["rss_growth_mb"])
            runs[name] = (timings, queries, growth, result)
    report = {
        name: {**common.summary(timings, queries), "rss_growth_mb": max(growth), "result": result}
        for name, (timings, queries, growth, result) in runs.items()
    }
    first, second = names
    ratios = [b / a for a, b in zip(runs[first][0], runs[second][0], strict=True) if a]
    report["ratio_of_medians"] = round(report[second]["median_ms"] / report[first]["median_ms"], 2)
    report["median_ratio"] = round(statistics.median(ratios), 2) if ratios else None
    return report


# --- dunning ----------------------------------------------------------------------------------


def oca_policy(env):
    """OCA's policy of the suite's curative stages, the company's default, on its receivables."""
    company = env.company
    receivables = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", company.ids)]
    )
    template = env.ref("account_credit_control.email_template_credit_control_base")
    policy = env["credit.control.policy"].search([("name", "=", "Bench: the suite's stages")], limit=1)
    if not policy:
        policy = env["credit.control.policy"].create(
            {
                "name": "Bench: the suite's stages",
                "company_id": company.id,
                "account_ids": [(6, 0, receivables.ids)],
                "level_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"{days} days",
                            "level": level,
                            "computation_mode": "net_days",
                            "delay_days": days,
                            "channel": channel,
                            "email_template_id": template.id,
                            "custom_text": "Please pay.",
                            "custom_mail_text": "<p>Please pay.</p>",
                        },
                    )
                    for level, (days, channel) in enumerate(OCA_LEVELS, start=1)
                ],
            }
        )
    company.credit_policy_id = policy
    return policy.id


def dunning(args, report):
    database = f"{args.database}_oca_dunning"
    setup_begin = time.perf_counter()
    if not exists(database):
        copy_database(args.database, database)
    install(database, DUNNING_ADDONS)
    policy_id = with_env(database, oca_policy)
    clashes = with_env(database, lambda env: shared_fields(env, DUNNING_ADDONS))
    today = with_env(database, lambda env: fields.Date.context_today(env["credit.dunning.action"]))

    def ours(env):
        Action = env["credit.dunning.action"]
        Action._run_dunning(env.company, today=today)
        env.flush_all()
        env.cr.execute(
            SQL(
                "SELECT COUNT(DISTINCT a.id), COUNT(r.move_id) FROM credit_dunning_action a"
                " LEFT JOIN credit_dunning_action_move_rel r ON r.action_id = a.id WHERE a.state = 'planned'"
            )
        )
        planned, invoices = env.cr.fetchone()
        return {"planned_actions": planned, "invoice_links": invoices}

    def oca(env):
        run = env["credit.control.run"].create({"date": today, "policy_ids": [(6, 0, [policy_id])]})
        run.generate_credit_lines()
        return {"credit_control_lines": len(run.line_ids), "manual_lines": len(run.manual_ids)}

    def overdue(env):
        env.cr.execute(
            SQL(
                """
            SELECT COUNT(*), COUNT(DISTINCT l.partner_id) FROM account_move_line l
              JOIN account_account a ON a.id = l.account_id
             WHERE a.account_type = 'asset_receivable' AND l.parent_state = 'posted' AND NOT l.reconciled
               AND l.partner_id IS NOT NULL AND l.date_maturity + 3 <= %s
            """,
                today,
            )
        )
        return dict(zip(("receivable_lines_3_days_overdue", "customers"), env.cr.fetchone(), strict=True))

    setup_s = round(time.perf_counter() - setup_begin, 1)
    figures = alternate(args, {"suite_plan": (database, ours), "oca_generate_credit_lines": (database, oca)})
    report["dunning"] = {
        "database": database,
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "setup_s": setup_s,
        "same_database": True,
        "fields_defined_by_both": clashes,
        "date": str(today),
        "data": with_env(database, overdue),
        "oca_over_suite": figures.pop("ratio_of_medians"),
        "oca_over_suite_median_of_round_ratios": figures.pop("median_ratio"),
        **figures,
    }
    if not args.keep:
        drop_database(database)


# --- settlements --------------------------------------------------------------------------


def oca_agents(env):
    """Salespeople as agents and the agent line of each product line of a posted customer
    invoice (what OCA writes at invoicing), set-based; their amounts checked on a sample."""
    env.cr.execute(SQL("SELECT COUNT(*) FROM account_invoice_line_agent"))
    if env.cr.fetchone()[0]:
        return  # a kept copy: already done
    commission = env["commission"].create(
        {"name": "Bench 5 % on payment", "fix_qty": RATE, "invoice_state": "paid", "settlement_type": "sale_invoice"}
    )
    env.cr.execute(
        SQL(
            """
        SELECT DISTINCT u.partner_id FROM account_move m JOIN res_users u ON u.id = m.invoice_user_id
         WHERE m.move_type = 'out_invoice' AND m.state = 'posted'
        """
        )
    )
    agents = env["res.partner"].browse([row[0] for row in env.cr.fetchall()])
    agents.write({"agent": True, "agent_type": "agent", "commission_id": commission.id, "settlement": "annual"})
    env.flush_all()
    env.cr.execute(
        SQL(
            """
        INSERT INTO account_invoice_line_agent (object_id, agent_id, commission_id, amount, invoice_id,
                                                invoice_date, settled, company_id, create_uid, create_date,
                                                write_uid, write_date)
        SELECT l.id, u.partner_id, %(commission)s, ROUND(l.price_subtotal * %(rate)s / 100, 2), m.id,
               m.invoice_date, FALSE, l.company_id, %(uid)s, NOW(), %(uid)s, NOW()
          FROM account_move_line l
          JOIN account_move m ON m.id = l.move_id
          JOIN res_users u ON u.id = m.invoice_user_id
         WHERE m.move_type = 'out_invoice' AND m.state = 'posted' AND l.display_type = 'product'
        """,
            commission=commission.id,
            rate=RATE,
            uid=env.uid,
        )
    )
    sample = env["account.invoice.line.agent"].search([], limit=100, order="id")
    written = {line.id: line.amount for line in sample}
    sample._compute_amount()
    differences = [line.id for line in sample if line.currency_id.compare_amounts(line.amount, written[line.id])]
    if differences:
        raise SystemExit(f"agent lines {differences} differ from OCA's own amounts")
    env.invalidate_all()


def settlements(args, report):
    database = f"{args.database}_oca_commission"
    setup_begin = time.perf_counter()
    if not exists(database):
        copy_database(args.database, database)
    uninstall(database, ("sales_commission_cash",))
    install(database, COMMISSION_ADDONS)
    with_env(database, oca_agents)
    setup_s = round(time.perf_counter() - setup_begin, 1)

    def period(env):
        env.cr.execute(SQL("SELECT MIN(date), MAX(date), COUNT(*) FROM commission_line"))
        return env.cr.fetchone()

    date_from, date_to, commission_lines = with_env(args.database, period)

    def ours(env):
        settlements = env["commission.settlement"]._generate_for_period(date_from, date_to)
        return {"settlements": len(settlements), "lines": len(settlements.line_ids)}

    def oca_data(env):
        env.cr.execute(SQL("SELECT MAX(invoice_date), COUNT(*) FROM account_invoice_line_agent"))
        last, count = env.cr.fetchone()
        return datetime.date(last.year + 1, 1, 1), count

    oca_date_to, agent_lines = with_env(database, oca_data)

    def oca(env):
        wizard = env["commission.make.settle"].create({"date_to": oca_date_to, "settlement_type": "sale_invoice"})
        action = wizard.action_settle() or {}
        made = env["commission.settlement"].browse(action.get("domain", [[0, 0, []]])[0][2])
        return {"settlements": len(made), "lines": len(made.line_ids)}

    figures = alternate(args, {"suite_generation": (args.database, ours), "oca_action_settle": (database, oca)})
    report["settlements"] = {
        "database": database,
        "load_average": [round(load, 2) for load in os.getloadavg()],
        "setup_s": setup_s,
        "same_database": False,
        "uninstalled_on_copy": "sales_commission_cash and the addons depending on it",
        "suite_period": [str(date_from), str(date_to)],
        "suite_commission_lines": commission_lines,
        "oca_date_to": str(oca_date_to),
        "oca_agent_lines": agent_lines,
        "oca_over_suite": figures.pop("ratio_of_medians"),
        "oca_over_suite_median_of_round_ratios": figures.pop("median_ratio"),
        **figures,
    }
    if not args.keep:
        drop_database(database)


def main():
    args = parse_args()
    oca_addons = os.path.abspath(args.oca_addons)
    config.parse_config(["-c", args.config])
    missing = [m for m in DUNNING_ADDONS + COMMISSION_ADDONS if not os.path.isdir(os.path.join(oca_addons, m))]
    if missing:
        raise SystemExit(f"{', '.join(missing)} not in {oca_addons}: run ./dev install, or give --oca-addons")
    config["addons_path"] = f"{config['addons_path']},{oca_addons}"
    report = {
        "database": args.database,
        "cpus": os.cpu_count(),
        "load_average_start": [round(load, 2) for load in os.getloadavg()],
        "rounds": args.rounds,
        "oca_addons": oca_addons,
    }
    begin = time.perf_counter()
    for name, comparison in (("dunning", dunning), ("settlements", settlements)):
        if args.only in (None, name):
            start = time.perf_counter()
            comparison(args, report)
            print(f"{name}: {time.perf_counter() - start:.1f} s", file=sys.stderr)
    report["load_average_end"] = [round(load, 2) for load in os.getloadavg()]
    report["total_s"] = round(time.perf_counter() - begin, 1)
    text = json.dumps(report, indent=2, default=str)
    print(text)
    if args.output:
        with open(args.output, "w") as output:
            output.write(text + "\n")


if __name__ == "__main__":
    main()
