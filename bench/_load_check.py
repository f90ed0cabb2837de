"""Checks and figures of bench/load after the Locust run: throughput and latency
per operation (Locust's CSV), zero failed requests, no lost or duplicated record
or number, and the replica's share of the reads."""

import csv
import json
import sys
from datetime import datetime, timezone

from _common import odoo_env, parse_args, parser


def main():
    argparser = parser(__doc__)
    argparser.add_argument("--results", required=True)
    argparser.add_argument("--stats", required=True, help="Locust's *_stats.csv")
    argparser.add_argument("--replica-before", type=int, required=True)
    argparser.add_argument("--replica-after", type=int, required=True)
    argparser.add_argument(
        "--p99-ms",
        type=float,
        default=500,
        help="highest p99 allowed per operation (0: not checked); the logins are "
        "left out: one per session, slow on purpose (the password's key derivation)",
    )
    args = parse_args(argparser)
    with open(args.results, encoding="utf-8") as results_file:
        results = json.load(results_file)
    problems = []

    print(
        f"{'operation':32} {'requests':>8} {'failed':>6} {'req/s':>7} "
        f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}"
    )
    total = None
    slow = []
    with open(args.stats, encoding="utf-8") as stats_file:
        for row in csv.DictReader(stats_file):
            line = (
                f"{row['Name'][:32]:32} {row['Request Count']:>8} "
                f"{row['Failure Count']:>6} {float(row['Requests/s']):7.1f} "
                f"{row['50%']:>7} {row['95%']:>7} {row['99%']:>7}"
            )
            print(line)
            if row["Name"] == "Aggregated":
                total = row
            elif (
                args.p99_ms
                and "login" not in row["Name"]
                and row["99%"] not in ("N/A", "")
                and float(row["99%"]) > args.p99_ms
            ):
                slow.append(f"{row['Name']} {row['99%']} ms")
    if slow:
        problems.append(f"p99 over {args.p99_ms:g} ms: " + ", ".join(slow))
    if total is None or int(total["Failure Count"]):
        problems.append(f"failed requests: {total and total['Failure Count']}")
    portal_requests = 0
    with open(args.stats, encoding="utf-8") as stats_file:
        for row in csv.DictReader(stats_file):
            if row["Name"].startswith("portal: /my"):
                portal_requests += int(row["Request Count"])

    with odoo_env(args) as env:
        promises = env["vip.promise"].search_fetch([], ["name", "state"])
        names = promises.mapped("name")
        created = set(results["promises"])
        lost = created - set(promises.ids)
        if lost:
            problems.append(f"{len(lost)} promises lost")
        if len(names) != len(set(names)):
            problems.append("duplicated promise numbers")
        by_year = {}
        for name in names:
            _prefix, year, number = name.split("/")
            by_year.setdefault(year, []).append(int(number))
        for year, numbers in by_year.items():
            expected = list(range(1, len(numbers) + 1))
            if sorted(numbers) != expected:
                missing = sorted(set(expected) - set(numbers))
                problems.append(f"gaps in PRM/{year}/: {missing[:10]}")
        kept = promises.filtered(lambda p: p.state == "kept")
        complaints = env["vip.complaint"].search_fetch([], ["name", "state"])
        lost_complaints = set(results["complaints"]) - set(complaints.ids)
        if lost_complaints:
            problems.append(f"{len(lost_complaints)} complaints lost")
        complaint_names = complaints.mapped("name")
        if len(complaint_names) != len(set(complaint_names)):
            problems.append("duplicated complaint numbers")
        print()
        print(
            f"promises: {len(promises)} committed ({len(created)} created by the "
            f"clients, {len(kept)} kept), numbers {min(names, default='-')} .. "
            f"{max(names, default='-')}, "
            f"no gap: {not any('gaps' in p for p in problems)}"
        )
        print(
            f"refused bad input: {results['refused']} "
            f"({(results['refusal_messages'] or ['-'])[0]!r})"
        )
        print(
            f"complaints: {len(complaints)} committed ({len(results['complaints'])} "
            f"created), resolved: "
            f"{len(complaints.filtered(lambda c: c.state == 'resolved'))}"
        )
    if results["refused"] == 0:
        problems.append("no bad input was sent")
    replica_tx = args.replica_after - args.replica_before
    print(
        f"replica: {replica_tx} transactions served on the replica during the run "
        f"(portal page requests: {portal_requests})"
    )
    if portal_requests and replica_tx < portal_requests:
        problems.append("the replica did not serve the portal reads")
    _print_slow(results)
    if problems:
        print("LOAD CHECK FAILED: " + "; ".join(problems))
        sys.exit(1)
    print("load check: OK (zero failed requests, nothing lost, duplicated or skipped)")


def _print_slow(results):
    """The requests over 300 ms, with their start, to compare with Odoo's log."""
    slow = sorted(results.get("slow", []))
    print(f"requests over 300 ms (start UTC, operation, ms): {len(slow)}")
    for start, name, ms in slow[:20]:
        moment = datetime.fromtimestamp(start, timezone.utc).strftime("%H:%M:%S.%f")
        moment = moment[:-3]
        print(f"  {moment}  {name}  {ms}")


if __name__ == "__main__":
    main()
