"""The transport allow-list, checked before git ever runs."""

from __future__ import annotations

import pytest

from nbgate.errors import InputError
from nbgate.git.run import GitFailed, Scrubber
from nbgate.git.urls import parse_git_url, redact_url


@pytest.mark.parametrize(
    ("url", "transport", "host"),
    [
        ("https://github.com/org/repo.git", "https", "github.com"),
        ("http://127.0.0.1:8080/r.git", "http", "127.0.0.1"),
        ("ssh://git@github.com/org/repo.git", "ssh", "github.com"),
        ("git@github.com:org/repo.git", "ssh", "github.com"),
        ("github.com:org/repo.git", "ssh", "github.com"),
        ("git://127.0.0.1/r.git", "git", "127.0.0.1"),
        ("file:///srv/git/r.git", "file", None),
        ("/srv/git/r.git", "file", None),
        ("../relative/r.git", "file", None),
        ("HTTPS://example.com/r.git", "https", "example.com"),
    ],
)
def test_allowed(url: str, transport: str, host: str | None) -> None:
    parsed = parse_git_url(url)
    assert (parsed.transport, parsed.host) == (transport, host)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ext::sh -c 'id'", "'ext::' transport"),
        ("fd::7,8", "'fd::' transport"),
        ("transport::https://x/y", "'transport::' transport"),
        ("ftp://h/r.git", "unsupported transport 'ftp://'"),
        ("rsync://h/r.git", "unsupported transport 'rsync://'"),
        ("s3://bucket/r.git", "unsupported transport 's3://'"),
        ("https://u:p@h/r.git", "embeds credentials"),
        ("https://tok@h/r.git", "embeds credentials"),
        ("git://u:p@h/r.git", "embeds credentials"),
        ("u:p@h:r.git", "embeds credentials"),
        ("https:///r.git", "has no host"),
        ("", "is empty"),
        ("-oProxyCommand=x", "starts with '-'"),
        ("https://h/r.git\nfoo", "control characters"),
    ],
)
def test_refused(url: str, message: str) -> None:
    with pytest.raises(InputError) as info:
        parse_git_url(url)
    assert message in str(info.value)


def test_credentials_are_not_echoed() -> None:
    with pytest.raises(InputError) as info:
        parse_git_url("https://alice:s3cr3t-token@example.com/r.git")
    assert "s3cr3t-token" not in str(info.value)
    assert "https://***@example.com/r.git" in str(info.value)


def test_scrubber_removes_secrets_and_url_userinfo() -> None:
    scrub = Scrubber(["tok123", "dG9rMTIz"])
    text = "fatal: unable to access 'https://bob:tok123@h/r.git/': header Basic dG9rMTIz tok123"
    out = scrub(text)
    assert "tok123" not in out and "dG9rMTIz" not in out and "bob" not in out
    assert redact_url("see http://a:b@h/x and ssh://git@h/y") == "see http://***@h/x and ssh://***@h/y"


def test_git_failure_detail_is_one_bounded_line() -> None:
    failed = GitFailed(
        "git clone",
        128,
        "Cloning...\nfatal: unable to connect to h:\nh[0: 1.2.3.4]: errno=Connection refused\n",
    )
    assert failed.last_line() == "fatal: unable to connect to h: h[0: 1.2.3.4]: errno=Connection refused"
    assert len(GitFailed("git x", 1, "fatal: " + "y" * 1000).last_line()) <= 301
