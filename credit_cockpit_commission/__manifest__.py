{
    "name": "Cash Cockpit: Commissions",
    "summary": "The commission waiting for collection in the cash cockpit",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "Cash-first credit management",
    "website": "https://github.com/cash-first/credit-management",
    "license": "LGPL-3",
    "depends": ["credit_control", "sales_commission_cash"],
    "data": ["views/credit_cockpit_views.xml"],
    "installable": True,
    "auto_install": True,
    "application": False,
}
