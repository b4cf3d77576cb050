from assessment_service.models import metadata
from lipei.messaging import messaging_metadata
from lipei.migrations import run_env

run_env([metadata, messaging_metadata])
