"""Kafka SASL/SSL settings reach aiokafka and Faust; secrets stay out of reprs; loopback by default."""

from agents.app import _credentials
from pipeline.settings import Settings


def test_defaults_bind_to_loopback_and_plaintext():
    s = Settings(_env_file=None)
    assert s.web_host == "127.0.0.1" and s.broker_host == "127.0.0.1"
    assert s.kafka_client_options() == {"security_protocol": "PLAINTEXT"}
    assert _credentials(s) is None and s.ingest_token is None


def test_sasl_ssl_options_pass_through(monkeypatch):
    monkeypatch.setenv("NEWSWIRE_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("NEWSWIRE_SASL_MECHANISM", "SCRAM-SHA-512")
    monkeypatch.setenv("NEWSWIRE_SASL_USERNAME", "desk")
    monkeypatch.setenv("NEWSWIRE_SASL_PASSWORD", "hunter2")
    s = Settings()
    opts = s.kafka_client_options()
    assert opts["security_protocol"] == "SASL_SSL" and opts["sasl_mechanism"] == "SCRAM-SHA-512"
    assert opts["sasl_plain_username"] == "desk" and opts["sasl_plain_password"] == "hunter2"
    assert opts["ssl_context"] is not None
    creds = _credentials(s)
    assert creds.username == "desk" and creds.password == "hunter2" and creds.ssl_context is not None
    assert "hunter2" not in repr(s) and "hunter2" not in str(s.model_dump())


def test_ssl_without_sasl(monkeypatch):
    monkeypatch.setenv("NEWSWIRE_SECURITY_PROTOCOL", "SSL")
    s = Settings()
    assert "sasl_mechanism" not in s.kafka_client_options()
    assert type(_credentials(s)).__name__ == "SSLCredentials"
