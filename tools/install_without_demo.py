"""Install addons without their demo data on a database that has demo data.

Run by click-odoo (``env`` is given): ``click-odoo -c CONF -d DB tools/install_without_demo.py ADDONS``.
Odoo installs a module with demo data whenever its dependencies have some; an integrator's
database with Odoo's demo data gets the suite as a production one would: without its demo.
"""

import sys

from odoo.modules.registry import Registry
from odoo.tools import SQL

names = sys.argv[1].split(",")
modules = env["ir.module.module"].search([("name", "in", names)])  # noqa: F821 (given by click-odoo)
modules.button_install()
to_install = env["ir.module.module"].search([("state", "=", "to install")])  # noqa: F821
env.cr.execute(SQL("UPDATE ir_module_module SET demo = false WHERE id IN %s", tuple(to_install.ids)))  # noqa: F821
env.cr.commit()  # noqa: F821
Registry.new(env.cr.dbname, update_module=True)  # noqa: F821
