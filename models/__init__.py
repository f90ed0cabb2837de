from . import res_company
from . import res_config_settings
from . import vip_tier
from . import vip_tier_history
from . import res_partner
from . import vip_complaint_category
from . import vip_sla_policy
from . import vip_complaint
