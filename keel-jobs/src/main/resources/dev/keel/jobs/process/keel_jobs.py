"""Task values for Keel job tasks (Keel's counterpart of dbutils.jobs.taskValues).

Keel puts this module on PYTHONPATH of every spark_python_task and python_wheel_task process:

    import keel_jobs
    keel_jobs.set_task_value("model_uri", "models:/main.ml.churn/3")
    uri = keel_jobs.get_task_value("train", "model_uri", default=None)

It talks to the Keel server the task runs for (KEEL_HOST, KEEL_TOKEN, KEEL_TASK_RUN_ID, all set by
Keel) with the standard library only.
"""

import json
import os
import urllib.error
import urllib.parse
import urllib.request

__all__ = ["set_task_value", "get_task_value", "KeelTaskValueError"]

_PATH = "/api/2.0/keel/jobs/task-values"
_TIMEOUT_SECONDS = 30


class KeelTaskValueError(RuntimeError):
    """The server refused a task-value call; the message carries its answer."""


def _env(name):
    value = os.environ.get(name)
    if not value:
        raise KeelTaskValueError(name + " is not set: keel_jobs works inside a Keel job task")
    return value


def _run_id():
    return int(_env("KEEL_TASK_RUN_ID"))


def _call(method, url, body=None):
    headers = {"Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode("utf-8")
        headers["Content-Type"] = "application/json"
    token = os.environ.get("KEEL_TOKEN")
    if token:
        headers["Authorization"] = "Bearer " + token
    request = urllib.request.Request(url, data=data, headers=headers, method=method)
    with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
        text = response.read().decode("utf-8")
        return json.loads(text) if text.strip() else {}


def _error(err):
    detail = err.read().decode("utf-8", "replace")
    return KeelTaskValueError("HTTP " + str(err.code) + " from Keel: " + detail)


def set_task_value(key, value):
    """Publishes value (anything json.dumps takes, at most 48 KiB serialised) as this task's key."""
    url = _env("KEEL_HOST").rstrip("/") + _PATH
    try:
        _call("POST", url, {"run_id": _run_id(), "key": key, "value": value})
    except urllib.error.HTTPError as err:
        raise _error(err) from None


def get_task_value(task_key, key, default=None):
    """The value task task_key of this run published as key, or default when it published none."""
    query = urllib.parse.urlencode({"run_id": _run_id(), "task_key": task_key, "key": key})
    url = _env("KEEL_HOST").rstrip("/") + _PATH + "?" + query
    try:
        return _call("GET", url).get("value", default)
    except urllib.error.HTTPError as err:
        if err.code == 404:
            return default
        raise _error(err) from None
