from . import portal
from . import portal_complaint
from . import portal_meeting
from . import portal_promise
from . import portal_suggestion
from . import survey_interview
from . import portal_results
from . import portal_survey_link
