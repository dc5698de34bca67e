from . import test_dispute_routing
from . import test_dispute_escalation
from . import test_dispute_dunning_pause
from . import test_dispute_credit_note
from . import test_dispute_portal
from . import test_dispute_security
from . import test_dispute_errors
from . import test_dispute_statistics
