#!/usr/bin/env python3
"""Starts moto's server with SigV4 verification on and a Lambda function ready to invoke.

Used by tests/aws/lambda_client_moto_test.cc. Prints one JSON line on stdout:
  {"port", "region", "function", "access_key", "secret_key"}   when ready, or
  {"error": "..."}                                              when moto or boto3 is missing
                                                                or setup failed.
Then waits for stdin to close and stops moto_server (it also dies with this process).

Setup, done before moto starts checking signatures (INITIAL_NO_AUTH_ACTION_COUNT):
use_docker false (the function echoes its event), an IAM role, the function, and an IAM user
whose access key has a lambda:* policy (moto checks "lambda:Invoke", not
"lambda:InvokeFunction", so lambda:InvokeFunction alone would be denied).
"""
import ctypes
import io
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile

SETUP_ACTIONS = 5  # create_role, create_function, create_user, create_access_key, put_user_policy
REGION = "us-east-1"
FUNCTION = "allma-echo"


def fail(message):
    print(json.dumps({"error": message}), flush=True)
    sys.exit(1)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def die_with_parent():
    libc = ctypes.CDLL("libc.so.6", use_errno=True)
    libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def start_moto(port):
    binary = shutil.which("moto_server")
    if binary is None:
        fail("moto_server is not on PATH (install moto[server])")
    env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(SETUP_ACTIONS))
    proc = subprocess.Popen([binary, "-H", "127.0.0.1", "-p", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            preexec_fn=die_with_parent)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/", timeout=1)
            return proc
        except OSError:
            if proc.poll() is not None:
                fail(f"moto_server exited with {proc.returncode}")
            time.sleep(0.2)
    proc.kill()
    fail("moto_server did not start within 60 s")


def handler_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return event\n")
    return buf.getvalue()


def set_up(port):
    import boto3
    url = f"http://127.0.0.1:{port}"
    config = urllib.request.Request(url + "/moto-api/config", method="POST",
                                    data=json.dumps({"lambda": {"use_docker": False}}).encode())
    urllib.request.urlopen(config, timeout=10)
    admin = dict(endpoint_url=url, region_name=REGION, aws_access_key_id="AKIAADMINSETUP",
                 aws_secret_access_key="admin-setup-secret")
    iam = boto3.client("iam", **admin)
    trust = {"Version": "2012-10-17",
             "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                            "Principal": {"Service": "lambda.amazonaws.com"}}]}
    role = iam.create_role(RoleName="allma-test-role", AssumeRolePolicyDocument=json.dumps(trust))
    boto3.client("lambda", **admin).create_function(
        FunctionName=FUNCTION, Runtime="python3.11", Role=role["Role"]["Arn"],
        Handler="index.handler", Code={"ZipFile": handler_zip()})
    iam.create_user(UserName="allma-caller")
    key = iam.create_access_key(UserName="allma-caller")["AccessKey"]
    iam.put_user_policy(UserName="allma-caller", PolicyName="invoke", PolicyDocument=json.dumps({
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "lambda:*", "Resource": "*"}]}))
    check_auth_enforced(url, key["AccessKeyId"])
    return key["AccessKeyId"], key["SecretAccessKey"]


def check_auth_enforced(url, access_key):
    """Setup used up the unauthenticated actions: a wrong secret must now be refused."""
    import boto3
    from botocore.exceptions import ClientError
    wrong = boto3.client("lambda", endpoint_url=url, region_name=REGION,
                         aws_access_key_id=access_key, aws_secret_access_key="wrong")
    try:
        wrong.invoke(FunctionName=FUNCTION, Payload=b"{}")
    except ClientError:
        return
    raise RuntimeError("moto accepted a wrong secret: signature checking is not on")


def main():
    try:
        import boto3  # noqa: F401
        import moto  # noqa: F401
    except ImportError as exc:
        fail(f"moto/boto3 are not installed: {exc}")
    port = free_port()
    proc = start_moto(port)
    try:
        access_key, secret_key = set_up(port)
    except Exception as exc:  # any setup failure is reported to the test, which fails on it
        proc.kill()
        fail(f"moto setup failed: {type(exc).__name__}: {exc}")
    print(json.dumps({"port": port, "region": REGION, "function": FUNCTION,
                      "access_key": access_key, "secret_key": secret_key}), flush=True)
    sys.stdin.read()
    proc.terminate()
    try:
        proc.wait(timeout=3)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


if __name__ == "__main__":
    main()
