"""Load generators for the benchmarks: wrk (Debian package) when installed, else Python.

Both send a bounded amount of GET requests to 127.0.0.1, cycling over a list of paths with the
same headers, and return requests per second and latency percentiles in milliseconds.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Result:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    errors: int

    @property
    def rate(self) -> float:
        return self.requests / self.seconds


def _client(args: tuple[int, list[str], dict[str, str], int]) -> tuple[float, float, list, int]:
    port, paths, headers, count = args
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, errors = [], 0
    start = time.perf_counter()
    for i in range(count):
        begin = time.perf_counter()
        connection.request("GET", paths[i % len(paths)], headers=headers)
        response = connection.getresponse()
        response.read()
        latencies.append(time.perf_counter() - begin)
        errors += response.status != 200
        if response.getheader("Connection", "").lower() == "close":
            connection.close()  # gunicorn's sync workers close after each response
    return start, time.perf_counter(), latencies, errors


def python_load(
    port: int, paths: list[str], headers: dict[str, str], requests: int, concurrency: int
) -> Result:
    per_client = requests // concurrency
    jobs = [(port, paths, headers, per_client)] * concurrency
    with multiprocessing.get_context("spawn").Pool(concurrency) as pool:
        done = pool.map(_client, jobs)
    latencies = sorted(x for _s, _e, lat, _err in done for x in lat)
    seconds = max(e for _s, e, _l, _err in done) - min(s for s, _e, _l, _err in done)
    quantiles = statistics.quantiles(latencies, n=100)
    return Result(
        requests=len(latencies),
        seconds=seconds,
        p50_ms=quantiles[49] * 1000,
        p99_ms=quantiles[98] * 1000,
        errors=sum(err for *_x, err in done),
    )


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}
_SCRIPT = """
local paths = %s
local i = 0
%s
request = function()
  i = i %% #paths + 1
  return wrk.format("GET", paths[i])
end
done = function(summary, latency, requests)
  io.write(string.format("non-200: %%d\\n", summary.errors.status))
end
"""


def wrk_load(
    port: int, paths: list[str], headers: dict[str, str], seconds: int, concurrency: int
) -> Result:
    header_lines = "\n".join(
        f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in headers.items()
    )
    lua_paths = "{" + ", ".join(json.dumps(p) for p in paths) + "}"
    with tempfile.TemporaryDirectory() as tmp:
        script = Path(tmp) / "paths.lua"
        script.write_text(_SCRIPT % (lua_paths, header_lines))
        output = subprocess.run(
            [
                "wrk",
                "-t2",
                f"-c{concurrency}",
                f"-d{seconds}s",
                "--latency",
                "-s",
                str(script),
                f"http://127.0.0.1:{port}{paths[0]}",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}(?:\.0+)?%\s+([\d.]+)(us|ms|s|m)\s*$", output, re.M)
        if found is None:
            raise SystemExit(f"wrk printed no {percent}th percentile:\n{output}")
        value, unit = found.groups()
        return float(value) * _UNITS[unit]

    total = int(re.search(r"(\d+) requests in", output).group(1))
    elapsed = re.search(r"requests in ([\d.]+)(us|ms|s|m)", output)
    span = float(elapsed.group(1)) * {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[elapsed.group(2)]
    errors = int(re.search(r"non-200: (\d+)", output).group(1))
    return Result(total, span, latency("50"), latency("99"), errors)


def has_wrk() -> bool:
    return shutil.which("wrk") is not None
