from . import commission_export_wizard
