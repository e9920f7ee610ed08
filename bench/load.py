"""N concurrent logged-in sessions against a running server, for a bounded time.

Start the production server first (``make serve``, docs/performance.md), on
a database with the demo accounts (``load_demo``). Then::

    .venv/bin/python bench/load.py --url http://127.0.0.1:8000 --sessions 20 --seconds 60

Each session logs in once as one demo account and then asks for its pages
one after the other, as fast as the server answers, until the time is up:

* ``leader``: the national dashboard (role leadership at hq);
* ``hr``: the dashboard of one customs (HR of 5100);
* ``supervisor``: the dashboard of a supervisory office (9100);
* ``mixed``: the three accounts in turn.

First the same scenario runs with one session (the baseline: what one user
alone waits on this machine now), then with N; both print p50/p95/p99,
requests per second and errors, with the load average beside them. A
response other than 200, or a redirect to the login page, is an error.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import threading
import time
from dataclasses import dataclass, field

import requests

ACCOUNTS = {
    "leader": ["/?unit=0000"],
    "hr": ["/?unit=5100"],
    "supervisor": ["/?unit=9100"],
}
SCENARIOS = {**{name: [name] for name in ACCOUNTS}, "mixed": list(ACCOUNTS)}
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@dataclass
class Result:
    times: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def login(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    page = session.get(f"{base}/accounts/login/", timeout=60)
    token = CSRF.search(page.text)
    if not token:
        raise SystemExit(f"no login form at {base}/accounts/login/ (status {page.status_code})")
    answer = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=60,
    )
    if "/accounts/login/" in answer.url:
        raise SystemExit(f"{username} could not log in (status {answer.status_code})")
    return session


def run_session(base, username, password, deadline, result, lock):
    session = login(base, username, password)
    paths = ACCOUNTS[username]
    n = 0
    while time.monotonic() < deadline:
        path = paths[n % len(paths)]
        n += 1
        started = time.monotonic()
        try:
            answer = session.get(base + path, timeout=120, allow_redirects=False)
            problem = None if answer.status_code == 200 else f"{path}: {answer.status_code}"
        except requests.RequestException as exc:
            problem = f"{path}: {type(exc).__name__}"
        elapsed = time.monotonic() - started
        with lock:
            if problem:
                result.errors.append(problem)
            else:
                result.times.append(elapsed)


def run(base, scenario, sessions, seconds, password) -> tuple[Result, float, tuple]:
    accounts = SCENARIOS[scenario]
    result, lock = Result(), threading.Lock()
    # Log every session in before the clock starts.
    deadline = time.monotonic() + seconds + 5 * sessions
    threads = [
        threading.Thread(
            target=run_session,
            args=(base, accounts[i % len(accounts)], password, deadline, result, lock),
            daemon=True,
        )
        for i in range(sessions)
    ]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return result, time.monotonic() - started, os.getloadavg()


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def line(label: str, result: Result, wall: float, load: tuple) -> str:
    t = result.times
    return (
        f"{label:<34} n={len(t):>5}  p50={percentile(t, 50):6.3f}s  p95={percentile(t, 95):6.3f}s  "
        f"p99={percentile(t, 99):6.3f}s  {len(t) / wall:6.1f} req/s  errors={len(result.errors)}  "
        f"load avg {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--baseline-seconds", type=float, default=10)
    parser.add_argument("--scenario", choices=[*SCENARIOS, "all"], default="all")
    parser.add_argument("--password", default="demo")
    args = parser.parse_args(argv)
    base = args.url.rstrip("/")
    scenarios = list(SCENARIOS) if args.scenario == "all" else [args.scenario]
    print(f"{base}: {args.sessions} sessions for {args.seconds:.0f} s per scenario; load avg {os.getloadavg()}")
    failed = False
    for scenario in scenarios:
        # Warm: the first request of a scope fills the figure snapshot.
        run(base, scenario, 1, 0.1, args.password)
        one = run(base, scenario, 1, args.baseline_seconds, args.password)
        many = run(base, scenario, args.sessions, args.seconds, args.password)
        print(line(f"{scenario}, 1 session (baseline)", *one))
        print(line(f"{scenario}, {args.sessions} sessions", *many))
        ratio = percentile(many[0].times, 50) / percentile(one[0].times, 50)
        print(f"{'':<34} p50 under load / baseline p50 = {ratio:.1f}x")
        for errors in (one[0].errors, many[0].errors):
            if errors:
                failed = True
                print(f"  errors: {sorted(set(errors))[:5]}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
