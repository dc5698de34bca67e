from . import dispute_report
