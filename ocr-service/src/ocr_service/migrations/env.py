from lipei.messaging import messaging_metadata
from lipei.migrations import run_env
from ocr_service.models import metadata

run_env([metadata, messaging_metadata])
