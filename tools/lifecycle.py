"""Upgrade and uninstall tests of the suite (run by ./dev test after the suite's tests).

    python3 tools/lifecycle.py -c ODOO_CONF --template DB ADDON,ADDON,...

1. Copies the template database (the demo database, full of data), completes its data
   (settlements generated and one validated, the dunning run) and records the key figures.
2. Updates every addon of the suite (``-u``) and checks every figure is the same and the
   log has no ERROR.
3. For each addon, on a copy of that database (``createdb -T``): uninstalls it, checks its
   fields, columns, views and crons are gone and the log has no ERROR, then sells and gets
   paid (order confirmed, invoiced, posted, paid) and checks the remaining views compile.

Prints ``lifecycle: N passed, M failed`` (one check per step) and exits 1 on any failure.
The steps run in child processes (``_step``), each with its own log file.
"""

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo import Command, fields, netsvc
from odoo.api import SUPERUSER_ID, Environment
from odoo.exceptions import UserError
from odoo.modules.registry import Registry
from odoo.tools import config

HERE = os.path.dirname(os.path.abspath(__file__))
ERROR_LINE = re.compile(r"^\S+ \S+ \d+ (ERROR|CRITICAL) ")


# ---------------------------------------------------------------- orchestration (parent)


def _run(cmd, **kwargs):
    return subprocess.run(cmd, check=False, **kwargs)


def _copy_db(conf, source, target, data_dir):
    _drop_db(target, data_dir)
    for _attempt in range(5):
        # createdb -T needs the template without connections: retry while one lingers.
        if _run(["createdb", "-T", source, target], stderr=subprocess.DEVNULL).returncode == 0:
            break
        time.sleep(3)
    else:
        raise RuntimeError(f"createdb -T {source} {target} failed")
    store = os.path.join(data_dir, "filestore", source)
    if os.path.isdir(store):
        shutil.copytree(store, os.path.join(data_dir, "filestore", target))


def _drop_db(name, data_dir):
    _run(["dropdb", "--if-exists", name], stderr=subprocess.DEVNULL)
    shutil.rmtree(os.path.join(data_dir, "filestore", name), ignore_errors=True)


def _log_errors(path):
    with open(path, encoding="utf-8", errors="replace") as log:
        return [line.rstrip() for line in log if ERROR_LINE.match(line)]


def _child(conf, db, log, *args):
    """Runs one step in a fresh Odoo process; returns (ok, its output lines)."""
    proc = _run(
        [sys.executable, os.path.abspath(__file__), "-c", conf, "--logfile", log, "_step", db, *args],
        capture_output=True,
        text=True,
    )
    out = (proc.stdout + proc.stderr).strip().splitlines()
    return proc.returncode == 0, out


def main_parent(args):
    config.parse_config(["-c", args.config])
    data_dir = config["data_dir"]
    addons = [name for name in args.addons.split(",") if name]
    db = f"lifecycle_{os.getpid()}"
    logdir = args.logdir or os.path.normpath(os.path.join(data_dir, "..", f"lifecycle-{db}"))
    os.makedirs(logdir, exist_ok=True)
    results = []

    def check(name, ok, details=()):
        results.append((name, ok))
        print(f"{'PASS' if ok else 'FAIL'} {name}", flush=True)
        for line in details if not ok else ():
            print(f"    {line}", flush=True)

    started = time.time()
    try:
        _copy_db(args.config, args.template, db, data_dir)
        if _check_upgrade(args.config, db, addons, logdir, check):
            print(f"    (filled and upgraded in {time.time() - started:.0f}s)", flush=True)
            for addon in addons:
                _check_uninstall(args.config, db, addon, logdir, data_dir=data_dir, check=check)
    finally:
        _drop_db(f"{db}_u", data_dir)
        if not args.keep:
            _drop_db(db, data_dir)
    code = _summary(results, started)
    if code:
        print(f"logs in {logdir}", flush=True)
    elif not args.logdir:
        shutil.rmtree(logdir, ignore_errors=True)
    return code


def _check_upgrade(conf, db, addons, logdir, check):
    before = os.path.join(logdir, "before.json")
    log = os.path.join(logdir, "fill.log")
    ok, out = _child(conf, db, log, "fill", before)
    errors = _log_errors(log)
    check("the data set is made and its figures recorded", ok and not errors, out[-30:] + errors[:20])
    if not ok:
        return False
    log = os.path.join(logdir, "upgrade.log")
    cmd = [sys.executable, "-m", "odoo", "-c", conf, "-d", db, "-u", ",".join(addons)]
    proc = _run(
        [*cmd, "--stop-after-init", "--no-http", "--logfile", log],
        cwd="/",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    errors = _log_errors(log)
    check(f"-u {','.join(addons)}: no ERROR in its log", proc.returncode == 0 and not errors, errors[:20])
    after = os.path.join(logdir, "after.json")
    ok, out = _child(conf, db, os.path.join(logdir, "figures.log"), "figures", after)
    if ok:
        out = _compare(before, after)
        ok = not out
    check("every figure is the same after the upgrade", ok, out[:40])
    return True


def _check_uninstall(conf, db, addon, logdir, *, data_dir, check):
    started = time.time()
    copy = f"{db}_u"
    _copy_db(conf, db, copy, data_dir)
    log = os.path.join(logdir, f"uninstall-{addon}.log")
    ok, out = _child(conf, copy, log, "uninstall", addon)
    errors = _log_errors(log)
    check(
        f"uninstall {addon} ({time.time() - started:.0f}s): nothing left, sales and invoicing work",
        ok and not errors,
        out[-30:] + errors[:20],
    )
    _drop_db(copy, data_dir)


def _summary(results, started):
    failed = sum(1 for _name, ok in results if not ok)
    print(f"lifecycle: {len(results) - failed} passed, {failed} failed in {time.time() - started:.0f}s", flush=True)
    return 1 if failed else 0


def _compare(before_path, after_path):
    with open(before_path, encoding="utf-8") as f:
        before = json.load(f)
    with open(after_path, encoding="utf-8") as f:
        after = json.load(f)
    diffs = []
    for key in sorted(set(before) | set(after)):
        if before.get(key) != after.get(key):
            diffs.append(f"{key}: {before.get(key)!r} before, {after.get(key)!r} after")
    return diffs


# ---------------------------------------------------------------- steps (child process)


def _env(db):
    registry = Registry(db)
    cr = registry.cursor()
    env = Environment(cr, SUPERUSER_ID, {})
    companies = env["res.company"].search([])
    return env(context={"allowed_company_ids": companies.ids, "tracking_disable": True})


def _installed(env, name):
    return bool(env["ir.module.module"].search_count([("name", "=", name), ("state", "=", "installed")]))


def _make_data(env):
    """A company's credit life in small: customers with limits and payment terms, orders
    confirmed, held, released and refused, invoices overdue and not, paid in part or in
    full (commission lines), disputed, dunned."""
    company = env.ref("base.main_company")
    env = env(context=dict(env.context, allowed_company_ids=company.ids))
    salesperson = (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            {
                "name": "Lifecycle Salesperson",
                "login": "lifecycle_sales",
                "email": "lifecycle.sales@example.com",
                "company_id": company.id,
                "company_ids": [Command.set(company.ids)],
                "groups_id": [Command.set(env.ref("sales_team.group_sale_salesman").ids)],
            }
        )
    )
    if "commission.plan" in env:
        env["commission.plan"].create(
            {"name": "Lifecycle Plan", "rate": 5.0, "user_ids": [Command.set(salesperson.ids)]}
        )
    held, invoices = _make_orders(env, salesperson)
    if "credit_release_state" in held._fields:
        _decide(env, held)
    _pay(env, invoices)
    if "dispute.dispute" in env:
        reason = env["dispute.reason"].search([], limit=1)
        for invoice in invoices.filtered(lambda move: move.payment_state == "not_paid")[:2]:
            env["dispute.dispute"].create({"move_id": invoice.id, "amount": 100.0, "reason_id": reason.id})
    if not held or not invoices:
        raise SystemExit(f"the data set is too thin: {len(held)} orders held, {len(invoices)} invoices")


def _make_orders(env, salesperson):
    """Per customer, an order within its limit (invoiced, dated back) and one over it."""
    today = fields.Date.today()
    term = env.ref("account.account_payment_term_30days")
    product = env["product.product"].create(
        {"name": "Lifecycle Crate", "list_price": 100.0, "invoice_policy": "order", "type": "service", "taxes_id": []}
    )
    held = env["sale.order"]
    invoices = env["account.move"]
    for index, limit in enumerate((1000.0, 2500.0, 600.0, 4000.0, 800.0, 3000.0, 1500.0, 500.0)):
        customer = env["res.partner"].create(
            {
                "name": f"Lifecycle Customer {index}",
                "is_company": True,
                "email": f"customer{index}@example.com",
                "street": f"{index} Market Street",
                "city": "Brussels",
                "zip": "1000",
                "country_id": env.ref("base.be").id,
                "credit_limit": limit,
                "property_payment_term_id": term.id,
                **({"credit_policy": "block"} if "credit_policy" in env["res.partner"]._fields else {}),
            }
        )
        for quantity in (4 + index % 3, 40 + index):
            order = env["sale.order"].create(
                {
                    "partner_id": customer.id,
                    "user_id": salesperson.id,
                    "payment_term_id": term.id,
                    "client_order_ref": f"PO-{index}-{quantity}",
                    "order_line": [Command.create({"product_id": product.id, "product_uom_qty": quantity})],
                }
            )
            try:
                with env.cr.savepoint():
                    order.action_confirm()
            except UserError:
                held |= order
                continue
            if quantity < 40:
                invoice = order._create_invoices()
                invoice.invoice_date = today - timedelta(days=15 * index)
                invoice.action_post()
                invoices |= invoice
    return held, invoices


def _decide(env, held):
    """Finance releases one held order in three, refuses one, leaves one waiting."""
    for index, order in enumerate(held):
        order._credit_request_release("Season order, a good customer")
        if index % 3 == 2:
            continue
        env["credit.decision.wizard"].create(
            {
                "partner_id": order.partner_id.id,
                "order_id": order.id,
                "decision": "release" if index % 3 == 0 else "refuse",
                "reason": "Lifecycle decision",
            }
        ).action_apply()


def _pay(env, invoices):
    """One invoice in three paid in full, one in half, one left open."""
    today = fields.Date.today()
    for index, invoice in enumerate(invoices):
        if index % 3 == 2:
            continue
        amount = invoice.amount_total if index % 3 == 0 else invoice.amount_total / 2
        env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
            {"amount": amount, "payment_date": today - timedelta(days=index)}
        ).action_create_payments()


def _dun(env):
    """The dunning run of the last weeks, day by day: reminders and letters sent, the calls
    answered, each invoice at its stage."""
    actions = env["credit.dunning.action"]
    companies = env["res.company"].search([])
    for days_ago in (45, 30, 20, 10, 0):
        actions._run_dunning(companies, today=fields.Date.today() - timedelta(days=days_ago))
        actions._dispatch_actions(companies=companies)
        for call in actions.search([("state", "=", "planned"), ("channel", "=", "phone")]):
            call.outcome = "no_issue"
            call.action_record_outcome()


def step_fill(db, path):
    """Makes the data set, completes it with what a period's end makes, records the figures."""
    env = _env(db)
    with env.cr:
        _make_data(env)
        if _installed(env, "sales_commission_cash"):
            start = fields.Date.today().replace(day=1)
            settlements = env["commission.settlement"]
            for months in (2, 1, 0):
                date_from = start - relativedelta(months=months)
                settlements |= settlements._generate_for_period(date_from, date_from + relativedelta(months=1, days=-1))
            settlements[:1].filtered(lambda s: s.state == "draft").action_validate()
        if _installed(env, "credit_control"):
            _dun(env)
        env.flush_all()
        figures = _figures(env)
        env.cr.commit()
    _require_data(figures)
    _write(path, figures)


def _require_data(figures):
    """A figure missing from the data set would make its check pass for nothing."""
    needed = (
        "exposure",
        "receivable",
        "aged",
        "dunning_actions",
        "dunning_stage",
        "disputes",
        "decisions",
        "commission_lines",
        "settlements",
        "release_state",
    )
    missing = [key for key in needed if not any(name.startswith(key + ":") for name in figures)]
    if missing:
        raise SystemExit(f"the data set has no {', '.join(missing)}: the upgrade check would prove nothing")


def step_figures(db, path):
    env = _env(db)
    with env.cr:
        _write(path, _figures(env))


def _write(path, figures):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(figures, f, indent=1, sort_keys=True, default=str)


def _group(env, model, groupby, aggregates, domain=(), *, prefix=None):
    figures = {}
    if model not in env:
        return figures
    for row in env[model].sudo()._read_group(list(domain), groupby, aggregates):
        key = ",".join(str(getattr(value, "id", value)) for value in row[: len(groupby)])
        values = [round(v, 2) if isinstance(v, float) else getattr(v, "ids", v) for v in row[len(groupby) :]]
        figures[f"{prefix or model}:{key}"] = values
    return figures


def _figures(env):
    figures = {}
    for company in env["res.company"].search([]):
        cenv = env(context=dict(env.context, allowed_company_ids=[company.id]))
        if "credit_exposure" in cenv["res.partner"]._fields:
            partners = cenv["res.partner"].search(
                ["|", ("customer_rank", ">", 0), ("credit_limit", ">", 0), ("parent_id", "=", False)]
            )
            names = [
                "credit_limit_effective",
                "credit_exposure_overdue",
                "credit_exposure_not_due",
                "credit_exposure_order_book",
                "credit_exposure",
                "credit_aged_total",
            ]
            for partner in partners:
                values = [round(partner[name], 2) for name in names]
                if any(values):
                    figures[f"exposure:{company.id},{partner.id}"] = values
    figures.update(
        _group(
            env,
            "account.move.line",
            ["company_id", "partner_id"],
            ["amount_residual:sum", "balance:sum"],
            [
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
            ],
            prefix="receivable",
        )
    )
    figures.update(
        _group(
            env,
            "credit.aged.balance",
            ["company_id"],
            [
                "not_due:sum",
                "aged_1_30:sum",
                "aged_31_60:sum",
                "aged_61_90:sum",
                "aged_over_90:sum",
                "disputed:sum",
                "total:sum",
                "__count",
            ],
            prefix="aged",
        )
    )
    figures.update(
        _group(env, "credit.dunning.action", ["company_id", "stage_id", "state"], ["__count"], prefix="dunning_actions")
    )
    # The invoices' dunning stages (kept in a table of their own, the company is the invoice's).
    figures.update(
        _group(
            env,
            "credit.dunning.invoice.stage",
            ["company_id", "stage_id"],
            ["__count", "stage_date:max"],
            prefix="dunning_stage",
        )
    )
    figures.update(
        _group(
            env,
            "credit.decision",
            ["company_id", "decision"],
            ["__count", "released_amount:sum", "limit_after:sum"],
            prefix="decisions",
        )
    )
    figures.update(
        _group(
            env,
            "sale.order",
            ["company_id", "credit_release_state", "state"],
            ["__count", "amount_total:sum"],
            prefix="release_state",
        )
        if "credit_release_state" in env["sale.order"]._fields
        else {}
    )
    figures.update(
        _group(env, "dispute.dispute", ["company_id", "stage"], ["__count", "amount:sum"], prefix="disputes")
        if "dispute.dispute" in env
        else {}
    )
    figures.update(
        _group(
            env,
            "commission.line",
            ["company_id", "user_id", "kind"],
            ["__count", "collected:sum", "amount:sum"],
            prefix="commission_lines",
        )
    )
    figures.update(
        _group(
            env,
            "commission.settlement",
            ["company_id", "user_id", "state", "date_from:day"],
            ["__count", "amount_total:sum"],
            prefix="settlements",
        )
    )
    return figures


def step_uninstall(db, addon):
    env = _env(db)
    with env.cr:
        module = env["ir.module.module"].search([("name", "=", addon), ("state", "=", "installed")])
        if not module:
            raise SystemExit(f"{addon} is not installed on the template database")
        removed = (module | module.downstream_dependencies()).mapped("name")
        expected_gone = _owned_records(env, removed)
        print(
            f"removes {', '.join(sorted(removed))}: {sum(len(v) for v in expected_gone['records'].values())} "
            f"records, {len(expected_gone['columns'])} columns"
        )
        module.button_immediate_uninstall()
    env = _env(db)
    problems = []
    with env.cr:
        left = env["ir.module.module"].search([("name", "in", removed), ("state", "!=", "uninstalled")])
        problems += [f"{m.name} is {m.state}" for m in left]
        for model, ids in expected_gone["records"].items():
            if model in env:
                still = env[model].sudo().with_context(active_test=False).browse(ids).exists()
                problems += [f"{model} {rec.id} ({rec.display_name}) left" for rec in still[:10]]
        for table, column in expected_gone["columns"]:
            env.cr.execute(
                "SELECT 1 FROM information_schema.columns WHERE table_name = %s AND column_name = %s",
                (table, column),
            )
            if env.cr.fetchone():
                problems.append(f"column {table}.{column} left")
        # The functions of the database an addon makes are named after it (credit_control_gate_read).
        env.cr.execute(
            "SELECT proname FROM pg_proc WHERE EXISTS"
            " (SELECT 1 FROM unnest(%s::text[]) addon WHERE starts_with(proname, addon || '_'))",
            (removed,),
        )
        problems += [f"function {name} left" for (name,) in env.cr.fetchall()]
        data = env["ir.model.data"].search_count([("module", "in", removed)])
        if data:
            problems.append(f"{data} ir.model.data records of {', '.join(removed)} left")
        problems += _views_compile(env)
        problems += _sell_and_get_paid(env)
        env.cr.rollback()
    if problems:
        raise SystemExit("\n".join(problems))


def _owned_records(env, modules):
    """The records and columns only these modules declare (a field also declared by a module
    that stays, as `credit_limit` by account, stays)."""
    data = env["ir.model.data"].sudo().search([("module", "!=", "__export__")])
    owners = {}
    for xmlid in data.filtered(
        lambda d: (
            d.model
            in (
                "ir.model.fields",
                "ir.ui.view",
                "ir.cron",
                "ir.model",
                "ir.ui.menu",
                "ir.actions.act_window",
                "ir.rule",
            )
        )
    ):
        owners.setdefault((xmlid.model, xmlid.res_id), set()).add(xmlid.module)
    records, columns = {}, []
    for (model, res_id), mods in owners.items():
        if mods <= set(modules):
            records.setdefault(model, []).append(res_id)
    for field in env["ir.model.fields"].browse(records.get("ir.model.fields", [])).exists():
        if field.store and field.ttype not in ("one2many", "many2many") and field.model in env:
            if env[field.model]._auto and not env[field.model]._abstract:
                columns.append((env[field.model]._table, field.name))
    return {"records": records, "columns": columns}


def _views_compile(env):
    """The forms and lists of the sales and invoicing models still build."""
    problems = []
    for model in ("sale.order", "account.move", "res.partner", "account.payment", "product.template"):
        try:
            env[model].get_views([(False, "form"), (False, "list"), (False, "search")])
        except Exception as error:  # reported as the check's failure
            problems.append(f"the views of {model} do not build: {error}")
    return problems


def _sell_and_get_paid(env):
    """Quotation, confirmation, invoice, post, payment: as a user of the main company."""
    env = env(user=env.ref("base.user_admin").id, context={"allowed_company_ids": [env.ref("base.main_company").id]})
    partner = env["res.partner"].create(
        {
            "name": "Lifecycle Customer",
            "email": "lifecycle@example.com",
            "street": "1 Main Street",
            "city": "Brussels",
            "zip": "1000",
            "country_id": env.ref("base.be").id,
        }
    )
    product = env["product.product"].create(
        {"name": "Lifecycle Product", "list_price": 100.0, "invoice_policy": "order", "type": "service"}
    )
    order = env["sale.order"].create(
        {
            "partner_id": partner.id,
            "client_order_ref": "LIFECYCLE",
            "order_line": [(0, 0, {"product_id": product.id, "product_uom_qty": 2})],
        }
    )
    order.action_confirm()
    if order.state != "sale":
        return [f"the order is {order.state} after its confirmation"]
    invoice = order._create_invoices()
    invoice.action_post()
    env["account.payment.register"].with_context(active_model="account.move", active_ids=invoice.ids).create(
        {}
    ).action_create_payments()
    if invoice.payment_state not in ("paid", "in_payment"):
        return [f"the invoice is {invoice.payment_state} after its payment"]
    return []


def main_child(args):
    config.parse_config(["-c", args.config, "--logfile", args.logfile, "--no-http"])
    netsvc.init_logger()
    steps = {"fill": step_fill, "figures": step_figures, "uninstall": step_uninstall}
    steps[args.step](args.db, *args.rest)
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--logfile")
    sub = parser.add_subparsers(dest="cmd")
    run = sub.add_parser("run")
    run.add_argument("--template", required=True, help="database full of data (the demo database)")
    run.add_argument("--logdir")
    run.add_argument("--keep", action="store_true", help="keep the upgraded database")
    run.add_argument("addons")
    step = sub.add_parser("_step")
    step.add_argument("db")
    step.add_argument("step")
    step.add_argument("rest", nargs="*")
    args = parser.parse_args()
    args.config = os.path.abspath(args.config)
    os.chdir("/")  # Odoo's addons, not the repository's folders, are imported by name
    sys.exit(main_child(args) if args.cmd == "_step" else main_parent(args))


if __name__ == "__main__":
    main()
