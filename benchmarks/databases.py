"""Copies of a benchmark database for the scripts that run servers or other addons on them
(bench_workers.py, bench_oca.py): the database and its filestore, made and dropped together."""

import os
import shutil
import subprocess

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tools import config


def copy_database(source, target):
    subprocess.run(["dropdb", "--if-exists", target], check=True)
    subprocess.run(["createdb", "-T", source, target], check=True)
    filestore = os.path.join(config["data_dir"], "filestore")
    if os.path.isdir(os.path.join(filestore, source)):
        shutil.copytree(os.path.join(filestore, source), os.path.join(filestore, target), dirs_exist_ok=True)


def drop_database(name):
    Registry.delete(name)
    odoo.sql_db.close_db(name)
    subprocess.run(["dropdb", "--if-exists", name], check=True)
    shutil.rmtree(os.path.join(config["data_dir"], "filestore", name), ignore_errors=True)


def with_env(database, function):
    with Registry(database).cursor() as cr:
        return function(api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True}))
