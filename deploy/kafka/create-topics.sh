#!/bin/sh
# Creates the topics of the Kafka contract (docs/asyncapi.yaml) and their dead-letter topics.
# Idempotent: run it again after adding an insurer or raising partitions.
# Partitions bound how many consumers of one group work in parallel: keep them >= the most
# replicas any consumer group scales to (ocr-service reads lipei.claims.v1).
set -eu
BOOTSTRAP="${KAFKA_BOOTSTRAP_SERVERS:-kafka:9092}"
REPLICATION="${TOPIC_REPLICATION_FACTOR:-1}"
INSURERS="${LIPEI_INSURER_CODES:-demo-insurer}"
TOPICS_BIN="${KAFKA_TOPICS_BIN:-/opt/kafka/bin/kafka-topics.sh}"

create() { # topic partitions
  "$TOPICS_BIN" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$1" --partitions "$2" --replication-factor "$REPLICATION"
  "$TOPICS_BIN" --bootstrap-server "$BOOTSTRAP" --create --if-not-exists \
    --topic "$1.dlq" --partitions 1 --replication-factor "$REPLICATION"
}

create lipei.claims.v1 6
create lipei.documents.v1 6
create lipei.decisions.v1 3
create lipei.claim-status.v1 3
create lipei.notifications.v1 3
create lipei.alerts.v1 1
create lipei.conversations.v1 3
create lipei.disputes.v1 3
create lipei.assessments.v1 3
for code in $INSURERS; do
  create "lipei.insurer.$code.v1" 3
done
"$TOPICS_BIN" --bootstrap-server "$BOOTSTRAP" --list
