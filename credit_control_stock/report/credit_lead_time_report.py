from odoo import api, models
from odoo.tools import SQL


class CreditLeadTimeReport(models.Model):
    _inherit = "credit.lead.time.report"
    _depends = {"stock.picking": ["sale_id", "state", "date_done", "picking_type_id"]}

    @api.model
    def _delivered_date_sql(self):
        """The day the last delivery to the customer was done, once none is left to do."""
        return SQL(
            """(SELECT CASE WHEN bool_and(pk.state IN ('done', 'cancel')) THEN MAX(pk.date_done)::date END
                  FROM stock_picking pk
                  JOIN stock_picking_type pt ON pt.id = pk.picking_type_id
                 WHERE pk.sale_id = o.id AND pt.code = 'outgoing')"""
        )
