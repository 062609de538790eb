"""``nbgate notify REPORT``: commit status, PR/MR comment and failure webhook for a finished run.

REPORT is ``report.json`` or the output directory holding it. Where things go is read from the
CI's environment when not given (GitHub Actions: ``GITHUB_REPOSITORY``, ``GITHUB_SHA``, the PR
number in ``GITHUB_REF``, ``GITHUB_API_URL``; GitLab CI: ``CI_PROJECT_ID``, ``CI_COMMIT_SHA``,
``CI_MERGE_REQUEST_IID``, ``CI_API_V4_URL``); the commit defaults to the one the report validated.
Tokens only from the environment (see ``nbgate.notify``).
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import click

from nbgate.errors import InputError

__all__ = ["command"]


def _token(*names: str) -> str:
    for name in names:
        if os.environ.get(name):
            return os.environ[name]
    raise InputError(f"no token: set {' or '.join(names)} in the environment (from a Secret, never a flag)")


def _pr_from_ref(ref: str | None) -> int | None:
    match = re.fullmatch(r"refs/pull/(\d+)/(?:merge|head)", ref or "")
    return int(match.group(1)) if match else None


def _load(report: Path) -> object:
    from nbgate.results import RunResult

    path = report / "report.json" if report.is_dir() else report
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return RunResult.model_validate(data)
    except OSError as exc:
        raise InputError(
            f"cannot read report {path}: {exc.strerror}: give report.json or its directory"
        ) from None
    except ValueError as exc:
        raise InputError(f"{path} is not an nbgate report.json: {' '.join(str(exc).split())[:160]}") from None


@click.command("notify")
@click.argument("report", type=click.Path(path_type=Path))
@click.option(
    "--github-status", is_flag=True, help="Set a GitHub commit status (token: NBGATE_GITHUB_TOKEN)."
)
@click.option(
    "--gitlab-status", is_flag=True, help="Set a GitLab commit status (token: NBGATE_GITLAB_TOKEN)."
)
@click.option(
    "--pr-comment", is_flag=True, help="Post the Markdown summary on the PR (GitHub) or MR (GitLab)."
)
@click.option(
    "--webhook",
    envvar="NBGATE_WEBHOOK_URL",
    metavar="URL",
    help="Slack-style webhook, called on failure (prefer the NBGATE_WEBHOOK_URL env var).",
)
@click.option("--webhook-always", is_flag=True, help="Call the webhook on success too.")
@click.option("--repo", help="GitHub owner/name (default: GITHUB_REPOSITORY).")
@click.option("--project", help="GitLab project id or path (default: CI_PROJECT_ID).")
@click.option("--commit", help="Commit SHA (default: the report's commit, else GITHUB_SHA / CI_COMMIT_SHA).")
@click.option("--pr", type=int, help="PR number / MR iid (default: from GITHUB_REF or CI_MERGE_REQUEST_IID).")
@click.option("--context", default="nbgate", show_default=True, help="Status context (name).")
@click.option("--target-url", help="Link from the status and messages (e.g. the HTML report).")
@click.option(
    "--github-api-url", envvar="GITHUB_API_URL", default="https://api.github.com", show_default=True
)
@click.option(
    "--gitlab-api-url", envvar="CI_API_V4_URL", default="https://gitlab.com/api/v4", show_default=True
)
def command(
    report: Path,
    github_status: bool,
    gitlab_status: bool,
    pr_comment: bool,
    webhook: str | None,
    webhook_always: bool,
    repo: str | None,
    project: str | None,
    commit: str | None,
    pr: int | None,
    context: str,
    target_url: str | None,
    github_api_url: str,
    gitlab_api_url: str,
) -> int:
    """Tell Git and people how a run went: commit status, PR/MR comment, webhook on failure.

    \b
      nbgate notify out/ --github-status --pr-comment --target-url "$REPORT_URL"
      NBGATE_WEBHOOK_URL=https://hooks.slack.com/... nbgate notify out/report.json
    """
    from nbgate.notify.targets import notification_for
    from nbgate.results import RunResult

    run = _load(report)
    assert isinstance(run, RunResult)
    note = notification_for(run, target_url=target_url)
    env = os.environ
    if not (github_status or gitlab_status or pr_comment or webhook):
        raise InputError(
            "nothing to do: give --github-status, --gitlab-status, --pr-comment or --webhook URL"
        )
    sha = commit or note.commit or env.get("GITHUB_SHA") or env.get("CI_COMMIT_SHA")
    on_github = github_status or bool(repo or env.get("GITHUB_REPOSITORY"))
    on_gitlab = gitlab_status or bool(project or env.get("CI_PROJECT_ID"))
    comment_on = None
    if pr_comment:
        comment_on = "github" if on_github and not gitlab_status else "gitlab" if on_gitlab else None
        if comment_on is None:
            raise InputError(
                "where to comment is unknown: pass --repo OWNER/NAME (GitHub) or --project ID (GitLab)"
            )
    done: list[str] = []

    if github_status or comment_on == "github":
        from nbgate.notify import github as gh

        owner_repo = repo or env.get("GITHUB_REPOSITORY")
        if not owner_repo or "/" not in owner_repo:
            raise InputError("GitHub repository unknown: pass --repo OWNER/NAME (or run in GitHub Actions)")
        token = _token("NBGATE_GITHUB_TOKEN", "GITHUB_TOKEN")
        if github_status:
            if not sha:
                raise InputError("commit unknown: pass --commit SHA (the report has none)")
            gh.set_commit_status(github_api_url, owner_repo, sha, token, note, context=context)
            done.append(f"GitHub status {note.verdict.value} on {sha[:12]}")
        if comment_on == "github":
            number = pr or _pr_from_ref(env.get("GITHUB_REF"))
            if number is None:
                raise InputError("pull request unknown: pass --pr N (or run on a pull_request event)")
            gh.post_pr_comment(github_api_url, owner_repo, number, token, note)
            done.append(f"comment on PR #{number}")
    if gitlab_status or comment_on == "gitlab":
        from nbgate.notify import gitlab as gl

        proj = project or env.get("CI_PROJECT_ID")
        if not proj:
            raise InputError("GitLab project unknown: pass --project ID|group/name (or run in GitLab CI)")
        token = _token("NBGATE_GITLAB_TOKEN", "GITLAB_TOKEN")
        if gitlab_status:
            if not sha:
                raise InputError("commit unknown: pass --commit SHA (the report has none)")
            gl.set_commit_status(gitlab_api_url, proj, sha, token, note, context=context)
            done.append(f"GitLab status {note.verdict.value} on {sha[:12]}")
        if comment_on == "gitlab":
            iid = pr or (
                int(env["CI_MERGE_REQUEST_IID"]) if env.get("CI_MERGE_REQUEST_IID", "").isdigit() else None
            )
            if iid is None:
                raise InputError("merge request unknown: pass --pr IID (or run in a merge request pipeline)")
            gl.post_mr_note(gitlab_api_url, proj, iid, token, note)
            done.append(f"note on MR !{iid}")
    if webhook and (note.failed or webhook_always):
        from nbgate.notify.webhook import post_webhook

        post_webhook(webhook, note)
        done.append("webhook")
    for line in done:
        click.echo(f"nbgate: notified: {line}", err=True)
    if not done:
        click.echo("nbgate: nothing sent (the run passed; the webhook is for failures)", err=True)
    return 0
