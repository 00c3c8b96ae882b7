"""One settings object; and never a cookie key that lets someone forge a login."""

from pathlib import Path

import pytest

from core.config import ConfigError, cookie_key, load_settings

SECRET = "cfg-Lk4Jh8Gf2Ds6Aq0Wz3Xc7Vb1Nm5Er9Ty"


def test_outside_demo_mode_a_missing_key_stops_the_app(tmp_path: Path) -> None:
    settings = load_settings({}, tmp_path / "none.toml")
    with pytest.raises(ConfigError) as error:
        cookie_key(settings)
    assert error.value.message_key == "config.cookie_key_missing"


@pytest.mark.parametrize(
    ("key", "problem"),
    [
        ("random_signature_key", "config.cookie_key_public"),
        ("replace-me-with-a-long-random-secret", "config.cookie_key_public"),
        ("te-kort", "config.cookie_key_short"),
        ("x" * 40, "config.cookie_key_weak"),  # one character, repeated
        (" " * 40, "config.cookie_key_weak"),
        ("replace-me-with-a-long-random-secret ", "config.cookie_key_public"),
        ("Vx8qLm3RtZp0WcY7 nHbK2sJd5GfA9uEo1234", "config.cookie_key_weak"),  # a space
    ],
)
def test_public_or_short_keys_are_refused(key: str, problem: str) -> None:
    settings = load_settings({"AFRONDING_COOKIE_KEY": key})
    with pytest.raises(ConfigError) as error:
        cookie_key(settings)
    assert error.value.message_key == problem


def test_the_example_secrets_file_is_refused_as_it_is() -> None:
    example = Path(__file__).parents[2] / ".streamlit" / "secrets.toml.example"
    with pytest.raises(ConfigError):
        cookie_key(load_settings({}, example))


def test_the_environment_overrides_the_secrets_file(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    in_file = "file-Pq7Ow3Ie9Ur1Yt5Re8Wq2Ea6Sd0Fg4Hj"
    secrets.write_text(f'cookie_key = "{in_file}"\n')
    assert cookie_key(load_settings({}, secrets)) == in_file
    assert cookie_key(load_settings({"AFRONDING_COOKIE_KEY": SECRET}, secrets)) == SECRET


def test_the_demo_makes_its_own_private_key_and_keeps_it(tmp_path: Path) -> None:
    settings = load_settings({"AFRONDING_DEMO": "1"}, tmp_path / "none.toml")
    first = cookie_key(settings, tmp_path / "demo-key")
    assert len(first) >= 32
    assert cookie_key(settings, tmp_path / "demo-key") == first
    assert (tmp_path / "demo-key").stat().st_mode & 0o077 == 0


def test_demo_and_real_data_live_in_different_files() -> None:
    demo = load_settings({"AFRONDING_DEMO": "1"})
    real = load_settings({})
    assert demo.database_url.endswith("data/demo.db")
    assert real.database_url.endswith("data/afronding.db")
    assert load_settings({"DATABASE_URL": "postgresql+psycopg://x@h/db"}).database_url.startswith(
        "postgresql"
    )


def test_the_mail_server_comes_from_the_same_settings_as_the_rest(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[smtp]\nhost = "mail.example.org"\nfrom = "praktijk@example.org"\n')
    assert load_settings({}, tmp_path / "none.toml").smtp is None  # then: the coach's mail program
    from_file = load_settings({}, secrets).smtp
    assert from_file is not None
    assert (from_file.host, from_file.port, from_file.starttls) == ("mail.example.org", 587, True)
    env = {"AFRONDING_SMTP_PORT": "2525", "AFRONDING_SMTP_STARTTLS": "false"}
    overridden = load_settings(env, secrets).smtp
    assert overridden is not None
    assert (overridden.port, overridden.starttls, overridden.sender) == (
        2525,
        False,
        "praktijk@example.org",
    )
