from . import vip_promise_wizard
from . import vip_meeting_invite_wizard
from . import vip_suggestion_decision_wizard
from . import vip_suggestion_merge_wizard
from . import vip_complaint_cancel
from . import vip_complaint_sla_correction
from . import vip_export_wizard
