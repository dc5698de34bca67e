from . import dispute_department
from . import dispute_reason
from . import dispute_dispute
from . import account_move
from . import credit_dunning_action
from . import credit_cockpit
from . import dispute_corrective_action
from . import credit_payment_behaviour
