from . import commission_plan
from . import commission_plan_tier
from . import commission_split
from . import commission_line
from . import commission_settlement
from . import account_move
from . import account_partial_reconcile
