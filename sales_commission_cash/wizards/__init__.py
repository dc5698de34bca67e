from . import commission_export_wizard
from . import commission_split_wizard
from . import commission_settlement_generate
