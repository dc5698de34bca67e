{
    "name": "Credit Control - eCommerce",
    "summary": "The credit gate for e-commerce orders: a held order stays unconfirmed with its payment, "
    "and the customer reads what it awaits on the confirmation page",
    "version": "18.0.1.0.0",
    "category": "Website/Website",
    "author": "Cash-first credit management",
    "website": "https://github.com/cash-first/credit-management",
    "license": "LGPL-3",
    "depends": ["credit_control", "website_sale"],
    "data": ["views/website_sale_templates.xml"],
    "auto_install": True,
    "installable": True,
}
