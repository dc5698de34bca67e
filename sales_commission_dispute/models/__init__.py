from . import commission_plan
from . import commission_reduction
from . import commission_settlement
