{
    "name": "Credit Control - Inventory",
    "summary": "Order-to-cash lead times with the delivery step, when Inventory is installed",
    "version": "18.0.1.0.0",
    "category": "Sales/Sales",
    "author": "Cash-first credit management",
    "website": "https://github.com/cash-first/credit-management",
    "license": "LGPL-3",
    "depends": ["credit_control", "sale_stock"],
    "data": [],
    "installable": True,
    "auto_install": True,
    "application": False,
}
