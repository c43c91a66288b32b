#!/usr/bin/env python3
"""Writes N synthetic Office 365 audit records as JSON lines, for `o365kit test` throughput.

Operations come from mappings/operations.csv (plus unmapped ones), LogonErrors from
mappings/logon-errors.csv; RecordTypes, users, IPs and arrays vary; CreationTime rises one
record per 10 ms with some records out of order, so the sort is exercised too.
Usage: Benchmarks/make-events.py N > events.jsonl
"""
import csv, json, random, sys
from datetime import datetime, timedelta, timezone

n = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
rng = random.Random(42)
with open("mappings/operations.csv", newline="") as f:
    operations = [row["operation"] for row in csv.DictReader(f)]
with open("mappings/logon-errors.csv", newline="") as f:
    errors = [row["logon_error"] for row in csv.DictReader(f)]
operations += ["FileAccessed", "FileModified", "MailItemsAccessed", "SomethingUnmapped", "UserLoggedIn"]
record_types = [1, 2, 4, 6, 8, 14, 15, 18, 20, 25, 28, 40, 52]
start = datetime(2026, 11, 30, tzinfo=timezone.utc)
out = sys.stdout
for i in range(n):
    op = rng.choice(operations)
    t = start + timedelta(milliseconds=10 * i - (rng.randrange(5000) if i % 50 == 0 else 0))
    record = {
        "CreationTime": t.strftime("%Y-%m-%dT%H:%M:%S"),
        "Id": "%08x-0000-4000-8000-%012x" % (i, rng.randrange(1 << 48)),
        "Operation": op,
        "OrganizationId": "11111111-2222-3333-4444-555555555555",
        "RecordType": 15 if op in ("UserLoginFailed", "UserLoggedIn") else rng.choice(record_types),
        "ResultStatus": rng.choice(["Success", "Failed", "Succeeded"]),
        "UserKey": "1003%012X" % rng.randrange(1 << 40),
        "UserType": rng.choice([0, 2, 5]),
        "Version": 1,
        "Workload": rng.choice(["AzureActiveDirectory", "Exchange", "SharePoint", "OneDrive", "MicrosoftTeams"]),
        "ClientIP": "203.0.113.%d" % rng.randrange(256),
        "UserId": "user%d@contoso.example" % rng.randrange(500),
        "ObjectId": "https://contoso.sharepoint.example/sites/s%d/doc%d.docx" % (rng.randrange(50), rng.randrange(1000)),
        "ExtendedProperties": [{"Name": "UserAgent", "Value": "Mozilla/5.0"}, {"Name": "RequestType", "Value": "Login:login"}],
        "Parameters": [{"Name": "Identity", "Value": "mailbox%d" % rng.randrange(100)}],
    }
    if op == "UserLoginFailed":
        record["LogonError"] = rng.choice(errors)
    if i % 7 == 0:
        out.write(json.dumps({"integration": "office365", "office365": record}, separators=(",", ":")) + "\n")
    else:
        out.write(json.dumps(record, separators=(",", ":")) + "\n")
