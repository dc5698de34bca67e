def migrate(cr, version):
    """The aged balance is now a query of its model, no longer a database view."""
    cr.execute("DROP VIEW IF EXISTS credit_aged_balance")
