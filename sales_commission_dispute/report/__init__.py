from . import commission_report
