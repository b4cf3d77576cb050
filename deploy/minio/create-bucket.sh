#!/bin/sh
# Creates the private bucket that intake-service writes documents to and ocr-service reads.
set -eu
mc alias set lipei "${S3_ENDPOINT_URL:-http://minio:9000}" "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY"
mc mb --ignore-existing "lipei/${BUCKET:-lipei-documents}"
mc anonymous set none "lipei/${BUCKET:-lipei-documents}"
