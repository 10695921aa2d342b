#!/usr/bin/env python3
"""Prints run.sh's results (JSON lines) as tables: ours against the peers, and the bursts."""
import json
import sys


def print_steady(steady):
    """The Node handler runs: ours against each peer, level by level."""
    levels = sorted({r["concurrency"] for r in steady.values()})
    peers = sorted({r["label"].split(" ")[0] for r in steady.values()} - {"ours"})
    print("\nLambda invoke, Node handler (requests/s; p50 / p99 ms; errors)")
    print(f"{'server':<22}{'c':>4}{'req/s':>10}{'p50':>9}{'p99':>9}  errors")
    for c in levels:
        for who in ["ours"] + peers:
            r = steady.get(f"{who} c={c}")
            if r:
                errs = sum(r["errors"].values())
                print(f"{who:<22}{c:>4}{r['rps']:>10.0f}{r['p50_ms']:>9.2f}{r['p99_ms']:>9.2f}"
                      f"  {errs}")
    print("\nratios (ours / peer throughput; peer / ours p99)")
    for c in levels:
        ours = steady.get(f"ours c={c}")
        for who in peers:
            peer = steady.get(f"{who} c={c}")
            if ours and peer and peer["rps"] > 0 and ours["p99_ms"] > 0:
                print(f"  c={c:<3} vs {who:<18} throughput {ours['rps'] / peer['rps']:6.1f}x"
                      f"   p99 {peer['p99_ms'] / ours['p99_ms']:6.1f}x lower")


def main(path):
    rows = [json.loads(line) for line in open(path) if line.strip()]
    steady = {r["label"]: r for r in rows if r.get("mode") == "steady"}
    if steady:
        print_steady(steady)
    print("\nCalls in flight at once (1 s sleep): first send to last answer (ms); the load"
          " generator's CPU (s),\nhow often it was preempted, and the load average when it began")
    print(f"{'run':<26}{'ok':>7}{'errors':>8}{'queue':>7}{'first':>7}{'last':>7}"
          f"{'RSS MiB':>9}{'CPU':>6}{'preempt':>8}{'load':>6}")
    for r in rows:
        if r.get("mode") == "burst":
            errs = sum(r["errors"].values())
            cpu = r.get("cpu_user_s", 0) + r.get("cpu_sys_s", 0)
            print(f"{r['label']:<26}{r['ok']:>7}{errs:>8}{r['queue_ms']:>7.0f}"
                  f"{r['first_answer_ms']:>7.0f}{r['last_answer_ms']:>7.0f}"
                  f"{r['vmhwm_kib'] / 1024:>9.1f}{cpu:>6.2f}{r.get('preempted', -1):>8}"
                  f"{r.get('loadavg_1m', -1):>6.1f}")
            if errs:
                print(f"{'':<26}errors: {r['errors']}")
        elif "server" in r:
            print(f"{'':<26}{r['server']}")
        elif "host_vmhwm_kib" in r:
            print(f"{r['label']}: host VmHWM {r['host_vmhwm_kib'] / 1024:.1f} MiB, "
                  f"{r['processes']} descendant processes, sum of their VmRSS "
                  f"{r['function_rss_kib'] / 1024:.0f} MiB (shared pages counted in each)")

if __name__ == "__main__":
    main(sys.argv[1])
