"""Configuration: defaults, then environment variables, then test overrides."""

from learning import config


def test_the_environment_overrides_defaults_and_test_config_overrides_both(monkeypatch):
    monkeypatch.delenv("INVITATION_DAYS", raising=False)
    assert config.load({"SECRET_KEY": "k"})["INVITATION_MAX_AGE"] == 7 * 86400
    monkeypatch.setenv("INVITATION_DAYS", "3")
    monkeypatch.setenv("SECURE_COOKIES", "1")
    loaded = config.load({"SECRET_KEY": "k"})
    assert loaded["INVITATION_MAX_AGE"] == 3 * 86400 and loaded["SESSION_COOKIE_SECURE"] is True
    assert config.load({"SECRET_KEY": "k", "INVITATION_MAX_AGE": 60})["INVITATION_MAX_AGE"] == 60


def test_without_a_database_url_the_default_is_sqlite_in_the_instance_folder(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    url = config.load({"SECRET_KEY": "k"})["DATABASE_URL"]
    assert url == f"sqlite:///{config.INSTANCE / 'learning.sqlite3'}"


def test_mail_retry_delays_are_seconds_from_a_comma_separated_list(monkeypatch):
    monkeypatch.delenv("MAIL_RETRY_DELAYS", raising=False)
    assert config.load({"SECRET_KEY": "k"})["MAIL_RETRY_DELAYS"] == [60, 300, 1800, 7200]
    monkeypatch.setenv("MAIL_RETRY_DELAYS", "10, 20")
    assert config.load({"SECRET_KEY": "k"})["MAIL_RETRY_DELAYS"] == [10, 20]
