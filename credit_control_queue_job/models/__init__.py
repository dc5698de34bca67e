from . import credit_dunning_action
from . import commission_settlement
