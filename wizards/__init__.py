from . import vip_complaint_cancel
