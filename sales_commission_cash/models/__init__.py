from . import commission_plan
from . import commission_line
from . import commission_settlement
from . import account_partial_reconcile
