"""bench/RESULTS.md, written from the runs saved in bench/results/ and nothing else."""

import json

TARGET_CONNECTIONS = 8
PAGE_P95, PAGE_P99, ANY_MAX, PARTIAL_P95 = 100, 250, 600, 50  # ms
MAX_QUERIES = 10
DIGEST_SECONDS, EXPORT_MB, EXPORT_GROWTH, BUILDER_SECONDS = 60, 100, 0.10, 2.0
DIGEST_SCALING = 1.6  # two workers' rate over one's, on two cores
NODES_P95 = 0.25  # two web nodes, PgBouncer: each page's p95 within this share of direct's
BACK_WITHIN = 5  # seconds after the database starts again, pages answer again
NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# Live events (bench/live.py): pages with the streams open within this share of without; the
# events service's CPU with the streams idle; commit to arrival at every browser, p95.
LIVE_PAGES, LIVE_CPU, LIVE_DELAY_MS = 0.10, 0.05, 500


def ms(microseconds):
    return microseconds / 1000


def rate(row):
    return row["requests"] / row["seconds"]


def reference(rows, connections):
    return next(
        rate(r)
        for r in rows
        if r["scenario"].startswith("minimal view") and r["connections"] == connections
    )


def checks(database):
    """[(target, measured, met)] for one database of a run, at 8 connections."""
    rows = [r for r in database["load"] if r["connections"] == TARGET_CONNECTIONS]
    found = []
    for row in rows:
        if row["kind"] == "reference":
            continue
        name, p95, p99, top = row["scenario"], ms(row["p95"]), ms(row["p99"]), ms(row["max"])
        if row["kind"] == "page":
            found.append((f"{name}: p95 ≤ {PAGE_P95} ms", f"{p95:.0f} ms", p95 <= PAGE_P95))
            found.append((f"{name}: p99 ≤ {PAGE_P99} ms", f"{p99:.0f} ms", p99 <= PAGE_P99))
            found.append(
                (f"{name}: ≤ {MAX_QUERIES} queries", row["queries"], row["queries"] <= MAX_QUERIES)
            )
        else:
            found.append((f"{name}: p95 ≤ {PARTIAL_P95} ms", f"{p95:.0f} ms", p95 <= PARTIAL_P95))
        found.append((f"{name}: no request over {ANY_MAX} ms", f"{top:.0f} ms", top <= ANY_MAX))
        if "first_ms" in row:  # the first request, figures not yet kept, is a request too
            first = row["first_ms"]
            found.append(
                (f"{name}: first request ≤ {ANY_MAX} ms", f"{first:,.0f} ms", first <= ANY_MAX)
            )
        errors = row["errors"] + row["status_errors"]
        found.append((f"{name}: no errors", errors, errors == 0))
    digest = database["digests"]
    found.append(
        (
            f"digests for {digest['people']:,} people accepted by SMTP in < "
            f"{DIGEST_SECONDS} s, none twice",
            f"{digest['seconds']:.1f} s, {digest['received']:,} received, "
            f"{digest['duplicates']} twice",
            digest["ok"],
        )
    )
    found += _scaling_checks(digest)
    found += _nodes_checks(database)
    found += _postgres_checks(database)
    for export in database["exports"]:
        for fmt in ("csv", "xlsx"):
            peak = export[fmt]["peak_mb"]
            found.append(
                (
                    f"export of {export['people']:,} rows, {fmt.upper()}: worker peak < "
                    f"{EXPORT_MB} MB",
                    f"{peak:.0f} MB",
                    peak < EXPORT_MB,
                )
            )
    found += _live_checks(database.get("live"))
    if len(database["exports"]) > 1:
        small, large = database["exports"][0], database["exports"][-1]
        for fmt in ("csv", "xlsx"):
            growth = large[fmt]["peak_mb"] / small[fmt]["peak_mb"] - 1
            found.append(
                (
                    f"export {fmt.upper()}: {large['people']:,} rows within "
                    f"{EXPORT_GROWTH:.0%} of {small['people']:,} rows' memory",
                    f"{growth:+.0%}",
                    growth <= EXPORT_GROWTH,
                )
            )
    return found


def _scaling_checks(digest):
    """Two workers against one, and every count's digests sent once each."""
    runs = {run["workers"]: run for run in digest.get("runs", [])}
    found = []
    # Each batch is one job: with fewer batches than twenty, more workers have little to share.
    if 1 in runs and 2 in runs and runs[1]["due"] >= 20 * digest["batch"]:
        speedup = runs[1]["seconds"] / runs[2]["seconds"]
        found.append((f"digests with 2 workers: ≥ {DIGEST_SCALING}× one worker's rate",
                      f"{speedup:.2f}×", speedup >= DIGEST_SCALING))  # fmt: skip
    for count, run in runs.items():
        if count > 1:
            found.append((f"digests with {count} workers: none twice, none lost",
                          f"{run['received']:,} received of {run['due'] - run['skipped']:,}, "
                          f"{run['duplicates']} twice", run["ok"]))  # fmt: skip
    return found


def _one_node(database, scenario):
    rows = [r for r in database["load"] if r["connections"] == TARGET_CONNECTIONS]
    return next(r for r in rows if r["scenario"] == scenario)


def _nodes_checks(database):
    """Two web nodes: no errors, and each page as fast as on one."""
    return _as_fast(database, database.get("two_nodes", []), "on two web nodes", "one node's")


def _direct(database, row):
    """The same page on one node, directly connected: measured right before the row (since
    the run of this change), or in the main run."""
    return row.get("direct") or _one_node(database, row["scenario"])


def _as_fast(database, rows, how, than):
    """[(target, measured, met)]: each of `rows` without errors, and its p95 within
    NODES_P95 of the same page's on one node, directly connected."""
    found = []
    for row in rows:
        name, errors = row["scenario"], row["errors"] + row["status_errors"]
        one, two = ms(_direct(database, row)["p95"]), ms(row["p95"])
        change = two / one - 1
        found.append((f"{name} {how}: p95 within {NODES_P95:.0%} of {than}, no errors",
                      f"{two:.0f} ms ({change:+.0%}), {errors} errors",
                      change <= NODES_P95 and errors == 0))  # fmt: skip
    return found


def _postgres_checks(database):
    """Through PgBouncer: no errors, the same p95, statements prepared. Restarted under load:
    no connection error, 503 while down, pages again soon after."""
    bouncer = database.get("pgbouncer")
    found = _as_fast(database, bouncer["rows"] if bouncer else [], "through PgBouncer", "direct")
    if bouncer:
        found.append(("PgBouncer keeps prepared statements: binds ≥ 10× client parses",
                      f"{bouncer['binds']:,} binds, {bouncer['client_parses']:,} parses",
                      bouncer["binds"] >= 10 * max(bouncer["client_parses"], 1)))  # fmt: skip
    restart = database.get("restart")
    if restart:
        back = restart["back_after_start_s"]
        found.append((f"restarted under load: no connection errors, only 503 while down, "
                      f"pages again within {BACK_WITHIN} s of the start",
                      f"{restart['connection_errors']} errors, "
                      f"{'/'.join(map(str, restart['statuses_while_down']))} while down, "
                      f"back in {back:.1f} s" if back is not None else "never back",
                      restart["connection_errors"] == 0
                      and restart["statuses_while_down"] == [503]
                      and restart["statuses_after"] == [200]
                      and back is not None and back <= BACK_WITHIN))  # fmt: skip
    return found


def _without(pages, page):
    """A page's p95 without streams: the mean of the runs before they opened and after they
    closed (older runs measured before only)."""
    runs = [pages[when][page] for when in ("without", "after") if when in pages]
    return sum(runs) / len(runs)


def _live_checks(live):
    if not live:  # runs before live events were measured
        return []
    found = []
    pages = live["pages_p95_ms"]
    for page in pages["without"]:
        change = pages["with"][page] / _without(pages, page) - 1
        found.append((f"{page} with {live['streams']:,} open streams: p95 within "
                      f"{LIVE_PAGES:.0%} of without", f"{change:+.0%}",
                      change <= LIVE_PAGES))  # fmt: skip
    cpu = live["idle_cpu_share"]
    found.append((f"events service with {live['streams']:,} idle streams: CPU < {LIVE_CPU:.0%} "
                  "of a core", f"{cpu:.1%}", cpu < LIVE_CPU))  # fmt: skip
    delay, every = live["delay_p95_ms"], live["deliveries"] == live["expected_deliveries"]
    heard = f"{delay:,.0f} ms, {live['deliveries']:,} of {live['expected_deliveries']:,}"
    found.append((f"a reply's event at every listening browser: p95 ≤ {LIVE_DELAY_MS} ms, "
                  "none missed", heard, every and delay <= LIVE_DELAY_MS))  # fmt: skip
    return found


def _live(database):
    live = database.get("live")
    if not live:
        return []
    pages = live["pages_p95_ms"]
    runs = [when for when in ("without", "after") if when in pages]
    compared = "; ".join(
        f"{page} {' and '.join(f'{pages[when][page]:.0f}' for when in runs)} ms without, "
        f"{pages['with'][page]:.0f} ms with"
        for page in pages["without"]
    )
    who = (
        f"half of them the member's on their cohort, half {live['people'] - 1:,} other people's "
        f"on {live['cohorts'] - 1:,} other cohorts"
        if "people" in live
        else "all of them the member's on their cohort"
    )
    lines = [
        f"- **Live events**: {live['streams']:,} browsers held a stream open ({who}; all "
        f"connected in {live['opened_seconds']:.1f} s); the events service used "
        f"{live['idle_cpu_share']:.1%} of a core while they were idle. Pages' p95 at "
        f"{TARGET_CONNECTIONS} connections, before the streams opened and after they closed, "
        f"then with them: {compared}. A reply's event reached each browser on its cohort "
        f"{live['delay_p50_ms']:,.0f} ms (median) and {live['delay_p95_ms']:,.0f} ms (p95) "
        "after its commit."
    ]
    polling = live.get("polling")
    if polling:
        asked = ", ".join(f"every {p['every_seconds']} s" for p in polling["polls"])
        lines.append(
            f"- **Polling instead** (measured, the streams closed): {polling['pages']:,} open "
            f"cohort spaces polling as they did before ({len(polling['polls'])} polls a page: "
            f"{asked}) made {polling['requests_per_second']:,.0f} requests/s, which took "
            f"{polling['cpu_share']:.0%} of a core in gunicorn; p95 "
            f"{polling['p95_ms']:,.0f} ms, {polling['unanswered']:,} not answered with 2xx."
        )
    else:
        lines.append(
            f"- **Polling instead** (computed): {live['polls_per_second']:,.0f} requests/s."
        )
    return lines


def misses(run):
    return [
        f"{NAMES[kind]}: {target} (measured {measured})"
        for kind, database in run["databases"].items()
        for target, measured, met in checks(database)
        if not met
    ]


def headline(run):
    """One line of history per run: the numbers to compare before and after a change."""
    line = {"date": run["date"], "commit": run["machine"]["commit"], "size": run["size"]}
    for kind, database in run["databases"].items():
        if database.get("date", run["date"]) != run["date"]:
            continue  # carried over from an earlier run, which has its line already
        rows = [r for r in database["load"] if r["connections"] == TARGET_CONNECTIONS]
        line[kind] = {r["scenario"]: [round(ms(r["p95"]), 1), round(rate(r))] for r in rows}
        line[kind]["misses"] = sum(not met for _, _, met in checks(database))
    return line


def _load_table(database):
    rows = database["load"]
    lines = [
        "| Scenario | Connections | Requests/s | Share of minimal view | p50 ms | p95 ms "
        "| p99 ms | Max ms | First ms | Queries | Bytes | Errors |",
        "|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|",
    ]
    for row in rows:
        share = rate(row) / reference(rows, row["connections"])
        size = row["bytes"] / max(row["requests"], 1)
        lines.append(
            f"| {row['scenario']} | {row['connections']} | {rate(row):,.0f} | {share:.0%} "
            f"| {ms(row['p50']):.1f} | {ms(row['p95']):.1f} | {ms(row['p99']):.1f} "
            f"| {ms(row['max']):.0f} | {_first(row)} | {row['queries']} | {size:,.0f} "
            f"| {row['errors'] + row['status_errors']} |"
        )
    return lines


def _first(row):
    """The first request's milliseconds; runs before it was measured show a dash."""
    return f"{row['first_ms']:,.0f}" if "first_ms" in row else "–"


def _jobs(run, database):
    digest = database["digests"]
    lines = [
        f"- **Digests**: {digest['due']:,} people due, {digest['received']:,} emails accepted by "
        f"the SMTP sink ({digest['duplicates']} twice, {digest['skipped']} empty) in "
        f"{digest['seconds']:.1f} s with one worker; {digest['batch_queries']} queries to compose "
        f"a batch of {digest['batch']}."
    ]
    more = [run for run in digest.get("runs", []) if run["workers"] > 1]
    if more:
        one = digest["seconds"]
        lines.append(
            "- **Digests with more workers** (`flask worker` processes on the digest and mail "
            "queues): "
            + "; ".join(
                f"{run['workers']} workers {run['seconds']:.1f} s "
                f"({one / run['seconds']:.2f}× one worker's rate, "
                f"{run['received']:,} received, {run['duplicates']} twice)"
                for run in more
            )  # fmt: skip
            + "."
        )
    for export in database["exports"]:
        parts = [
            f"{f.upper()} {export[f]['seconds']:.1f} s, peak {export[f]['peak_mb']:.0f} MB"
            for f in ("csv", "xlsx")
        ]
        lines.append(
            f"- **Export of {export['people']:,} rows** (worker process): " + "; ".join(parts) + "."
        )
    nodes = database.get("two_nodes")
    if nodes:
        compared = "; ".join(
            f"{row['scenario']} {ms(_direct(database, row)['p95']):.0f} and "
            f"{ms(row['p95']):.0f} ms ({rate(row):,.0f} requests/s)"
            for row in nodes
        )
        lines.append(
            f"- **Two web nodes**: two gunicorn servers on two ports, "
            f"{nodes[0]['workers_per_node']} worker(s) x {nodes[0]['threads']} threads each, "
            "sharing the database and Redis, wrk's threads taking them in turn with the same "
            f"cookies. p95 at {TARGET_CONNECTIONS} connections on one node, then on two "
            "right after: "
            f"{compared}."
        )
    lines += _postgres_lines(database)
    prepared = [
        f"{row['scenario']} {row['ready_ms'] / 1000:,.1f} s"
        for row in database["load"]
        if "ready_ms" in row and row["connections"] == TARGET_CONNECTIONS
    ]
    if prepared:
        lines.append(
            "- **Figures computed by a job** (one worker on the exports queue), from the first "
            "request, which shows that they are being prepared, to the page showing them: "
            + "; ".join(prepared)
            + "."
        )
    return lines


def _postgres_lines(database):
    lines = []
    bouncer = database.get("pgbouncer")
    if bouncer:
        compared = "; ".join(
            f"{row['scenario']} {ms(_direct(database, row)['p95']):.0f} and {ms(row['p95']):.0f} ms"
            for row in bouncer["rows"]
        )
        lines.append(
            f"- **Through PgBouncer** {bouncer['version']} (transaction mode, "
            "`max_prepared_statements`), gunicorn connecting to it with the pool: p95 at "
            f"{TARGET_CONNECTIONS} connections direct, then through it right after: "
            f"{compared}. Its "
            f"clients prepared {bouncer['client_parses']:,} statements, it prepared "
            f"{bouncer['server_parses']:,} on the server and bound them {bouncer['binds']:,} "
            f"times, for {bouncer['queries']:,} queries."
        )
    restart = database.get("restart")
    if restart:
        back = restart["back_after_start_s"]
        lines.append(
            f"- **Restarted under load** (a cluster of its own at size S, wrk on the cohort "
            f"space for {restart['seconds']:.0f} s): PostgreSQL stopped "
            f"{restart['stopped_at_s']:.0f} s in and started {restart['down_s']:.0f} s later. "
            f"wrk had {restart['requests']:,} answers, {restart['not_2xx']:,} of them not 2xx "
            f"and {restart['connection_errors']} connection errors; a visitor asking every "
            f"50 ms was answered {'/'.join(map(str, restart['statuses_while_down']))} while it "
            "was down, and the page again "
            + (f"{back:.1f} s after the start." if back is not None else "never.")
        )
    return lines


def _run_section(run):
    info = run["machine"]
    versions = ", ".join(f"{k} {v}" for k, v in info["versions"].items())
    size = run["sizes"][run["size"]]
    out = [
        f"## Size {run['size']}: {size['people']:,} people, {size['cohorts']:,} cohorts, "
        f"{size['ledger']:,} ledger entries, {size['replies']:,} replies",
        "",
        f"Run on {run['date']} at commit `{info['commit']}` in {run['minutes']:.0f} minutes. "
        f"Machine: {info['cpu']}, {info['cores']} cores, {info['memory_gb']} GB, {info['os']}. "
        f"Server: {run['server']}, wrk on the same machine ({run['plan']['seconds']} s per "
        f"scenario and concurrency). Versions: {versions}.",
        "",
        f"**Cohort builder**: {run['builder']['people']:,} participants in "
        f"{run['builder']['builder_seconds']:.2f} s (the builder), "
        f"{run['builder']['proposal_seconds']:.2f} s with reading and saving the drafts.",
        "",
    ]
    for kind, database in run["databases"].items():
        generated = database["generate"]
        earlier = (
            [f"Measured in an earlier run, on {database['date']} at commit "
             f"`{database['commit']}` (this run measured the other database only).", ""]
            if database.get("date", run["date"]) != run["date"]
            else []
        )  # fmt: skip
        out += [
            f"### {NAMES[kind]}",
            "",
            *earlier,
            f"Generated in {generated['seconds']:.0f} s "
            f"({sum(generated['rows'].values()):,} rows)"
            + (
                f", then flushed to disk in {generated['sync_seconds']:.0f} s before the load."
                if "sync_seconds" in generated
                else "."
            ),
            "",
        ]
        out += _load_table(database) + [""] + _jobs(run, database) + _live(database) + [""]
        out += [
            f"Targets (set for size M on SQLite at {TARGET_CONNECTIONS} connections):",
            "",
            "| Target | Measured | Met |",
            "|---|---|:-:|",
        ]
        out += [f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in checks(database)]
        out.append("")
    return out


def _history(path):
    if not path.exists():
        return []
    lines = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    out = [
        "## History",
        "",
        f"p95 in ms at {TARGET_CONNECTIONS} connections, by run; the newest last. "
        "Before and after each change are two runs here. The machine's speed varies from "
        "run to run: the minimal view's requests per second, in the same run, says by how "
        "much.",
        "",
    ]
    for size in sorted({line["size"] for line in lines}):
        for kind in NAMES:
            runs = [line for line in lines if line["size"] == size and kind in line]
            if not runs:
                continue
            scenarios = [s for s in runs[-1][kind] if s != "misses" and "reference" not in s]
            out += [
                f"Size {size}, {NAMES[kind]}:",
                "",
                "| Run | Commit | minimal view, requests/s | "
                + " | ".join(scenarios)
                + " | Targets missed |",
                "|---|---|" + "--:|" * (len(scenarios) + 2),
            ]
            for line in runs:
                cells = [str(line[kind].get(s, ["", ""])[0]) for s in scenarios]
                minimal = next(
                    (f"{v[1]:,}" for k, v in line[kind].items() if k.startswith("minimal view")),
                    "",
                )
                out.append(
                    f"| {line['date']} | `{line['commit']}` | {minimal} | "
                    + " | ".join(cells)
                    + f" | {line[kind]['misses']} |"
                )
            out.append("")
    return out


def render(folder):
    out = [
        "# Benchmark results",
        "",
        "Written by `make bench` (`bench/run.py`) from the runs in `bench/results/`; "
        "not edited by hand. How to run it and what each number means: `bench/README.md`.",
        "",
    ]
    for size in ("S", "M", "L"):
        path = folder / f"{size}.json"
        if path.exists():
            out += _run_section(json.loads(path.read_text()))
    out += _history(folder / "history.jsonl")
    return "\n".join(out).rstrip() + "\n"
