from . import vip_suggestion_report
