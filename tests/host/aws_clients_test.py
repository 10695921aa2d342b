#!/usr/bin/env python3
"""AWS's own clients (boto3/botocore and awscli v1) against the local function host.

Runs `host_main lambda serve` (the `allma lambda serve` command) as a real process on loopback
and checks what the clients make of its answers. Usage:
  aws_clients_test.py --host-main PATH --functions functions.json [unittest args]
"""
import argparse
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import unittest
import urllib.error
import urllib.request

import boto3
from botocore.config import Config
from botocore.exceptions import ClientError

ARGS = None
CLEAN_ENV = dict(os.environ, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                 AWS_DEFAULT_REGION="us-east-1", AWS_CONFIG_FILE="/dev/null",
                 AWS_SHARED_CREDENTIALS_FILE="/dev/null")
CLEAN_ENV.pop("AWS_SESSION_TOKEN", None)
CLEAN_ENV.pop("AWS_PROFILE", None)


class Host:
    """One `lambda serve` process; its endpoint is the first line it prints."""

    def __init__(self, auth_file=None, env=None):
        cmd = [ARGS.host_main, "lambda", "serve", "--functions", ARGS.functions,
               "--quiet-functions"]
        if auth_file:
            cmd += ["--auth", auth_file]
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=self.log, text=True,
                                     env=dict(CLEAN_ENV, **(env or {})))
        self.url = self.proc.stdout.readline().strip()
        if not self.url.startswith("http://"):
            self.proc.kill()
            self.log.seek(0)
            raise RuntimeError("host did not start: " + self.log.read().decode())

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=20)
        self.proc.stdout.close()
        self.log.close()
        return code


def lambda_client(url, key="testing", secret="testing", token=None):
    return boto3.client(
        "lambda", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key,
        aws_secret_access_key=secret, aws_session_token=token,
        config=Config(retries={"total_max_attempts": 1}, read_timeout=60))


def error_code(exc):
    return exc.response["Error"]["Code"]


class Boto3Invoke(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.host = Host()
        cls.client = lambda_client(cls.host.url)

    @classmethod
    def tearDownClass(cls):
        cls.host.stop()

    def invoke(self, name, payload=b"{}", **kwargs):
        r = self.client.invoke(FunctionName=name, Payload=payload, **kwargs)
        body = r["Payload"].read()
        return r, body

    def test_provided_function_returns_its_result(self):
        r, body = self.invoke("echo", json.dumps({"boto": 1}).encode())
        self.assertEqual(r["StatusCode"], 200)
        self.assertNotIn("FunctionError", r)
        self.assertEqual(json.loads(body)["event"], {"boto": 1})
        self.assertEqual(r["ExecutedVersion"], "$LATEST")

    def test_nodejs_function_returns_its_result(self):
        r, body = self.invoke("node", json.dumps({"boto": 2}).encode())
        self.assertEqual(r["StatusCode"], 200)
        result = json.loads(body)
        self.assertEqual(result["event"], {"boto": 2})
        self.assertEqual(result["requestId"], r["ResponseMetadata"]["RequestId"])

    def test_alias_qualifier_reports_the_aliased_version(self):
        r, _ = self.invoke("echo", Qualifier="prod")
        self.assertEqual(r["ExecutedVersion"], "1")

    def test_arn_with_alias_names_the_function(self):
        arn = "arn:aws:lambda:us-east-1:123456789012:function:echo:prod"
        r, _ = self.invoke(arn)
        self.assertEqual(r["StatusCode"], 200)
        self.assertEqual(r["ExecutedVersion"], "1")

    def test_provided_function_error_is_unhandled(self):
        r, body = self.invoke("fail")
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(body)["errorType"], "Custom.Failure")

    def test_nodejs_throw_is_unhandled_with_its_type(self):
        r, body = self.invoke("node", json.dumps({"throw": "x"}).encode())
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(body)["errorType"], "TypeError")

    def test_timeout_is_unhandled_task_timed_out(self):
        r, body = self.invoke("slow", json.dumps({"sleep": 30}).encode())
        self.assertEqual(r["FunctionError"], "Unhandled")
        self.assertIn("Task timed out after 1.00 seconds", json.loads(body)["errorMessage"])

    def test_log_tail_is_returned(self):
        r, _ = self.invoke("node", LogType="Tail")
        log = base64.b64decode(r["LogResult"]).decode()
        self.assertIn("START RequestId: " + r["ResponseMetadata"]["RequestId"], log)
        self.assertIn("node handling", log)

    def test_client_context_reaches_the_handler(self):
        context = base64.b64encode(json.dumps({"custom": {"attemptId": "b-7"}}).encode()).decode()
        _, body = self.invoke("node", ClientContext=context)
        self.assertEqual(json.loads(body)["clientContext"]["custom"]["attemptId"], "b-7")

    def test_unknown_function_is_resource_not_found(self):
        with self.assertRaises(self.client.exceptions.ResourceNotFoundException):
            self.invoke("nope")

    def test_body_not_json_is_invalid_request_content(self):
        with self.assertRaises(self.client.exceptions.InvalidRequestContentException):
            self.invoke("echo", b"{oops")

    def test_request_over_six_megabytes_is_request_too_large(self):
        with self.assertRaises(self.client.exceptions.RequestTooLargeException):
            self.invoke("size", b'"' + b"x" * 6291456 + b'"')

    def test_reserved_concurrency_exhausted_is_too_many_requests(self):
        self.invoke("slow2", json.dumps({"sleep": 3}).encode(), InvocationType="Event")
        with self.assertRaises(self.client.exceptions.TooManyRequestsException):
            self.invoke("slow2", json.dumps({"sleep": 0}).encode())

    def test_event_invocation_is_accepted(self):
        r, _ = self.invoke("echo", InvocationType="Event")
        self.assertEqual(r["StatusCode"], 202)

    def test_dry_run_answers_204(self):
        r, _ = self.invoke("echo", InvocationType="DryRun")
        self.assertEqual(r["StatusCode"], 204)


class AwsCliInvoke(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.host = Host()
        cls.dir = tempfile.TemporaryDirectory()

    @classmethod
    def tearDownClass(cls):
        cls.host.stop()
        cls.dir.cleanup()

    def cli(self, *args):
        out = os.path.join(self.dir.name, "out.json")
        cmd = ["aws", "lambda", "invoke", "--endpoint-url", self.host.url, *args, out]
        proc = subprocess.run(cmd, capture_output=True, text=True, env=CLEAN_ENV, timeout=120)
        payload = open(out).read() if proc.returncode == 0 else None
        return proc, payload

    def test_provided_function_result(self):
        proc, payload = self.cli("--function-name", "echo", "--payload", '{"cli":true}')
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(json.loads(proc.stdout)["StatusCode"], 200)
        self.assertEqual(json.loads(payload)["event"], {"cli": True})

    def test_nodejs_function_result(self):
        proc, payload = self.cli("--function-name", "node", "--payload", '{"cli":"node"}')
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(json.loads(payload)["event"], {"cli": "node"})

    def test_function_error(self):
        proc, payload = self.cli("--function-name", "node", "--payload", '{"throw":"cli"}')
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertEqual(json.loads(proc.stdout)["FunctionError"], "Unhandled")
        self.assertEqual(json.loads(payload)["errorMessage"], "boom cli")

    def test_log_tail(self):
        proc, _ = self.cli("--function-name", "echo", "--log-type", "Tail")
        self.assertEqual(proc.returncode, 0, proc.stderr)
        log = base64.b64decode(json.loads(proc.stdout)["LogResult"]).decode()
        self.assertIn("echo handling", log)

    def test_unknown_function_is_resource_not_found(self):
        proc, _ = self.cli("--function-name", "nope")
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("ResourceNotFoundException", proc.stderr)


class Signatures(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.keys = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump({"keys": [{"accessKeyId": "AKIDLOCAL", "secretAccessKey": "s3cret/key+x"}]},
                  cls.keys)
        cls.keys.close()
        cls.host = Host(auth_file=cls.keys.name)

    @classmethod
    def tearDownClass(cls):
        cls.host.stop()
        os.unlink(cls.keys.name)

    def client(self, key="AKIDLOCAL", secret="s3cret/key+x", token=None):
        return lambda_client(self.host.url, key, secret, token)

    def test_right_secret_is_accepted(self):
        r = self.client().invoke(FunctionName="echo", Payload=b'{"signed":true}')
        self.assertEqual(r["StatusCode"], 200)

    def test_signed_arn_path_and_qualifier_are_accepted(self):
        arn = "arn:aws:lambda:us-east-1:123456789012:function:echo"
        r = self.client().invoke(FunctionName=arn, Qualifier="prod", Payload=b"{}")
        self.assertEqual(r["ExecutedVersion"], "1")

    def test_session_token_is_accepted(self):
        r = self.client(token="a-session-token").invoke(FunctionName="echo", Payload=b"{}")
        self.assertEqual(r["StatusCode"], 200)

    def test_wrong_secret_is_invalid_signature(self):
        with self.assertRaises(ClientError) as cm:
            self.client(secret="wrong").invoke(FunctionName="echo", Payload=b"{}")
        self.assertEqual(error_code(cm.exception), "InvalidSignatureException")
        self.assertEqual(cm.exception.response["ResponseMetadata"]["HTTPStatusCode"], 403)

    def test_unknown_key_is_unrecognized_client(self):
        with self.assertRaises(ClientError) as cm:
            self.client(key="AKIDOTHER").invoke(FunctionName="echo", Payload=b"{}")
        self.assertEqual(error_code(cm.exception), "UnrecognizedClientException")

    def test_unsigned_request_is_refused(self):
        req = urllib.request.Request(self.host.url + "/2015-03-31/functions/echo/invocations",
                                     data=b"{}", method="POST")
        with self.assertRaises(urllib.error.HTTPError) as cm:
            urllib.request.urlopen(req, timeout=30)
        self.assertEqual(cm.exception.code, 403)
        self.assertEqual(cm.exception.headers["x-amzn-ErrorType"],
                         "MissingAuthenticationTokenException")

    def test_awscli_with_the_right_key_is_accepted(self):
        env = dict(CLEAN_ENV, AWS_ACCESS_KEY_ID="AKIDLOCAL", AWS_SECRET_ACCESS_KEY="s3cret/key+x")
        with tempfile.TemporaryDirectory() as d:
            proc = subprocess.run(["aws", "lambda", "invoke", "--endpoint-url", self.host.url,
                                   "--function-name", "echo", os.path.join(d, "o.json")],
                                  capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)


class Stopping(unittest.TestCase):
    def test_sigterm_stops_cleanly_and_leaves_no_runtime(self):
        host = Host()
        client = lambda_client(host.url)
        pids = [json.loads(client.invoke(FunctionName=n, Payload=b"{}")["Payload"].read())["pid"]
                for n in ("echo", "node")]
        self.assertEqual(host.stop(), 0)
        for pid in pids:
            self.assertFalse(alive(pid), pid)


    def test_sigkilled_host_leaves_nothing_behind(self):
        # The marker reaches every process the host starts through the credentials passed on.
        marker = "AKIDMARKER%d" % os.getpid()
        host = Host(env={"AWS_ACCESS_KEY_ID": marker})
        client = lambda_client(host.url)
        for name in ("echo", "node"):
            client.invoke(FunctionName=name, Payload=b"{}")
        # slow2's handler then sleeps 30 s in a grandchild of the host.
        client.invoke(FunctionName="slow2", Payload=b'{"sleep": 30}', InvocationType="Event")
        wait_until(lambda: any(cmdline(p).startswith("sleep") for p in with_env(marker)))
        started = [p for p in with_env(marker) if p != host.proc.pid]
        self.assertGreaterEqual(len(started), 4, started)

        host.proc.kill()
        host.proc.wait(timeout=20)
        wait_until(lambda: not with_env(marker))
        self.assertEqual(with_env(marker), [])


def wait_until(predicate, seconds=10):
    deadline = time.monotonic() + seconds
    while not predicate() and time.monotonic() < deadline:
        time.sleep(0.05)


def read_proc(pid, name):
    try:
        with open("/proc/%d/%s" % (pid, name), "rb") as f:
            return f.read()
    except OSError:
        return b""


def with_env(entry_value):
    """Live pids whose environment has AWS_ACCESS_KEY_ID=entry_value."""
    entry = b"AWS_ACCESS_KEY_ID=" + entry_value.encode()
    return [int(d) for d in os.listdir("/proc") if d.isdigit() and alive(int(d))
            and entry in read_proc(int(d), "environ").split(b"\0")]


def cmdline(pid):
    return read_proc(pid, "cmdline").replace(b"\0", b" ").decode(errors="replace")


def alive(pid):
    """True when `pid` exists and is not a zombie."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] not in ("Z", "X")
    except OSError:
        return False


def main():
    global ARGS
    parser = argparse.ArgumentParser()
    parser.add_argument("--host-main", required=True)
    parser.add_argument("--functions", required=True)
    ARGS, rest = parser.parse_known_args()
    unittest.main(argv=[sys.argv[0]] + rest, verbosity=2)


if __name__ == "__main__":
    main()
