import importlib.util
import os
from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from .dunning_common import DunningCommon


@tagged("post_install", "-at_install")
class TestDunningInvoiceStage(DunningCommon):
    """The invoices' dunning stages live in credit.dunning.invoice.stage: the run neither
    rewrites nor locks the invoices, and the invoices' fields read, search and write as
    stored fields did."""

    def _row_version(self, invoice):
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT ctid::text FROM account_move WHERE id = %s", invoice.id))
        return self.env.cr.fetchone()[0]

    def test_run_does_not_rewrite_invoices(self):
        invoice = self.reached(self._create_invoice(300.0, days_overdue=16), self.stage_friendly)
        version = self._row_version(invoice)
        self.run_dunning()
        self.assertEqual(self._row_version(invoice), version, "the run wrote no new version of the invoice's row")
        self.assertFalse(column_exists(self.env.cr, "account_move", "dunning_stage_id"))
        stage = self.env["credit.dunning.invoice.stage"].search([("move_id", "=", invoice.id)])
        self.assertRecordValues(stage, [{"stage_id": self.stage_firm.id, "stage_date": self.today}])
        self.assertEqual(invoice.dunning_stage_id, self.stage_firm)
        self.assertEqual(invoice.dunning_stage_date, self.today)
        # The next day, the same row moves on (one row per invoice).
        self.run_dunning(days_later=15)
        self.assertEqual(len(invoice.dunning_invoice_stage_ids), 1)
        self.assertEqual(invoice.dunning_stage_id, self.stage_notice)

    def test_search_and_group_as_stored_fields(self):
        Move = self.env["account.move"]
        friendly = self.reached(self._create_invoice(100.0, days_overdue=4), self.stage_friendly, days_ago=2)
        firm = self.reached(self._create_invoice(100.0, days_overdue=20), self.stage_firm, days_ago=5)
        none = self._create_invoice(100.0, days_overdue=1)
        mine = [("id", "in", (friendly | firm | none).ids)]
        self.assertEqual(Move.search([*mine, ("dunning_stage_id", "=", self.stage_friendly.id)]), friendly)
        self.assertEqual(Move.search([*mine, ("dunning_stage_id", "=", False)]), none)
        self.assertEqual(Move.search([*mine, ("dunning_stage_id", "!=", False)]), friendly | firm)
        self.assertEqual(Move.search([*mine, ("dunning_stage_id", "!=", self.stage_friendly.id)]), firm | none)
        self.assertEqual(Move.search([*mine, ("dunning_stage_id", "not in", self.stage_firm.ids)]), friendly | none)
        self.assertEqual(Move.search([*mine, ("dunning_stage_id.name", "ilike", self.stage_firm.name)]), firm)
        self.assertEqual(
            Move.search([*mine, ("dunning_stage_date", "<", self.today - timedelta(days=3))]), firm, "5 days ago"
        )
        self.assertEqual(Move.search([*mine, ("dunning_stage_date", "=", False)]), none)

    def test_write_and_clear_by_hand(self):
        invoice = self._create_invoice(100.0, days_overdue=4)
        invoice.write({"dunning_stage_id": self.stage_call.id, "dunning_stage_date": self.today - timedelta(days=3)})
        self.env.invalidate_all()
        self.assertEqual(invoice.dunning_stage_id, self.stage_call)
        self.assertEqual(invoice.dunning_stage_date, self.today - timedelta(days=3))
        invoice.dunning_stage_id = self.stage_friendly
        self.env.invalidate_all()
        self.assertEqual(invoice.dunning_invoice_stage_ids.stage_id, self.stage_friendly)
        invoice.dunning_stage_id = False
        self.env.invalidate_all()
        self.assertFalse(invoice.dunning_invoice_stage_ids)
        self.assertFalse(invoice.dunning_stage_date)

    def test_stages_of_many_invoices_in_one_query(self):
        invoices = self._create_invoice(100.0, days_overdue=4)
        for _i in range(4):
            invoices |= self._create_invoice(100.0, days_overdue=4)
        self.reached(invoices, self.stage_call)
        self.env.invalidate_all()
        invoices = invoices.browse(invoices.ids)
        with self.assertQueryCount(1):
            self.assertEqual(invoices.dunning_stage_id, self.stage_call)
            self.assertEqual(set(invoices.mapped("dunning_stage_date")), {self.today - timedelta(days=1)})

    def test_deleted_invoice_takes_its_stage_along(self):
        invoice = self.reached(self._create_invoice(100.0, days_overdue=4, post=False), self.stage_call)
        record = invoice.dunning_invoice_stage_ids
        self.assertTrue(record)
        invoice.unlink()
        self.assertFalse(record.exists())

    def test_rights(self):
        invoice = self.reached(self._create_invoice(100.0, days_overdue=4), self.stage_call)
        invoice.invoice_user_id = self.salesman
        self.env.invalidate_all()
        Stage = self.env["credit.dunning.invoice.stage"]
        # Whoever reads the invoice reads its stage.
        for user in (self.salesman, self.billing, self.finance):
            self.assertEqual(invoice.with_user(user).dunning_stage_id, self.stage_call, user.name)
            self.assertEqual(Stage.with_user(user).search([("move_id", "=", invoice.id)]).stage_id, self.stage_call)
        # Only finance (and the run) sets it.
        for user in (self.salesman, self.billing):
            with self.assertRaises(AccessError, msg=user.name):
                invoice.with_user(user).write({"dunning_stage_id": self.stage_litigation.id})
            with self.assertRaises(AccessError, msg=user.name):
                Stage.with_user(user).create(
                    {"move_id": invoice.id, "stage_id": self.stage_firm.id, "stage_date": self.today}
                )
        invoice.with_user(self.finance_2).write({"dunning_stage_id": self.stage_firm.id})
        self.assertEqual(invoice.dunning_invoice_stage_ids.stage_id, self.stage_firm)
        # A salesman does not read the stages of others' invoices.
        invoice.invoice_user_id = self.env.user
        self.assertFalse(Stage.with_user(self.salesman).search([("move_id", "=", invoice.id)]))

    def test_other_company_stages_hidden(self):
        invoice = self.reached(self._create_invoice(100.0, days_overdue=4), self.stage_call)
        company_2 = self.setup_other_company()["company"]
        user = self.make_salesman("cc_stage_other", company=company_2)
        user.groups_id |= self.env.ref("account.group_account_invoice")
        self.assertFalse(
            self.env["credit.dunning.invoice.stage"].with_user(user).search([("move_id", "=", invoice.id)])
        )

    def test_migration_moves_the_columns_into_the_table(self):
        """18.0.1.4.0: the values of account_move's former columns land in the table, the
        columns are dropped (one statement each)."""
        with_stage = self.reached(self._create_invoice(100.0, days_overdue=4), self.stage_call, days_ago=3)
        without = self._create_invoice(100.0, days_overdue=4)
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(SQL("DELETE FROM credit_dunning_invoice_stage WHERE move_id IN %s", (with_stage | without)._ids))
        cr.execute(SQL("ALTER TABLE account_move ADD COLUMN dunning_stage_id int, ADD COLUMN dunning_stage_date date"))
        cr.execute(
            SQL(
                "UPDATE account_move SET dunning_stage_id = %s, dunning_stage_date = %s WHERE id = %s",
                self.stage_friendly.id,
                self.today - timedelta(days=8),
                with_stage.id,
            )
        )
        path = os.path.join(os.path.dirname(__file__), "..", "migrations", "18.0.1.4.0", "post-migrate.py")
        spec = importlib.util.spec_from_file_location("credit_control_migrate_18_0_1_4_0", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(cr, "18.0.1.3.0")
        self.assertFalse(column_exists(cr, "account_move", "dunning_stage_id"))
        self.assertFalse(column_exists(cr, "account_move", "dunning_stage_date"))
        self.env.invalidate_all()
        self.assertEqual(with_stage.dunning_stage_id, self.stage_friendly)
        self.assertEqual(with_stage.dunning_stage_date, self.today - timedelta(days=8))
        self.assertFalse(without.dunning_invoice_stage_ids)
