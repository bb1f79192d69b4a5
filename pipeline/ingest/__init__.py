"""Getting articles in: file readers and the Kafka producer used by ``newswire ingest``."""
