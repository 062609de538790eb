"""Back to Git and people: commit statuses (GitHub, GitLab), PR/MR comments, failure webhooks.

Tokens come from the environment (Kubernetes Secrets), never from the command line:
``NBGATE_GITHUB_TOKEN`` (else ``GITHUB_TOKEN``), ``NBGATE_GITLAB_TOKEN`` (else ``GITLAB_TOKEN``);
the webhook URL, itself a secret for Slack, from ``NBGATE_WEBHOOK_URL`` (or ``--webhook``).
"""

from nbgate.notify.targets import Notification, notification_for

__all__ = ["Notification", "notification_for"]
