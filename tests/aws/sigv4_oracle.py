#!/usr/bin/env python3
"""SigV4 oracle for tests/aws/sigv4_test.cc: signs requests with botocore's SigV4Auth.

Reads one JSON request per line on stdin:
  {"method", "path", "query", "headers": [[name, value], ...], "payload_b64",
   "region", "service", "amz_date", "access_key", "secret_key", "token"}
and prints one JSON line per request: {"authorization": ..., "canonical_request": ...}.
The first line printed is {"ready": true, "botocore": <version>}, or {"error": ...} when
botocore cannot be imported (the test then fails, naming the problem).
"""
import base64
import datetime
import json
import sys


def main():
    try:
        import botocore
        import botocore.auth
        from botocore.awsrequest import AWSRequest
        from botocore.credentials import Credentials
    except ImportError as exc:  # reported to the test, which fails on it
        print(json.dumps({"error": f"botocore is not installed: {exc}"}), flush=True)
        return 1
    print(json.dumps({"ready": True, "botocore": botocore.__version__}), flush=True)

    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        stamp = datetime.datetime.strptime(req["amz_date"], "%Y%m%dT%H%M%SZ")
        botocore.auth.get_current_datetime = lambda stamp=stamp: stamp

        host = next(v for n, v in req["headers"] if n.lower() == "host")
        url = "http://" + host + req["path"]
        if req["query"]:
            url += "?" + req["query"]
        request = AWSRequest(method=req["method"], url=url,
                             data=base64.b64decode(req["payload_b64"]))
        for name, value in req["headers"]:
            request.headers[name] = value  # appends: repeated headers stay repeated

        creds = Credentials(req["access_key"], req["secret_key"], req["token"] or None)
        signer = botocore.auth.SigV4Auth(creds, req["service"], req["region"])
        signer.add_auth(request)
        authorization = request.headers["Authorization"]
        del request.headers["Authorization"]
        canonical = signer.canonical_request(request)
        print(json.dumps({"authorization": authorization,
                          "canonical_request": canonical}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
