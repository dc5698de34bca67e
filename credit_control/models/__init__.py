from . import account_payment_term
from . import credit_decision
from . import res_company
from . import res_config_settings
from . import res_partner
from . import sale_order
from . import sale_order_line
from . import payment_transaction
