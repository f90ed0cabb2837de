from . import vip_promise_report
from . import vip_suggestion_report
from . import vip_complaint_report
from . import vip_health_report
from . import vip_review_report
from . import vip_visit_report
from . import vip_visit_plan
