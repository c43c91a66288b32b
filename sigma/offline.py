"""Runs the reference Sigma toolchain (sigma-cli, pySigma) without internet access.

`sigma check` fetches MITRE ATT&CK, D3FEND and SigmaHQ's taxonomy on first use; this points
those loaders at local files first (../shared/sigma-offline/README.md), then runs the command:

    offline.py check [sigma check options] RULES...
    offline.py convert-json ENVIRONMENT RULES...   # {file stem: [Splunk query, ...]} on stdout

`convert-json` converts with the o365kit_splunk pipeline and the site environment pipeline.
Every detection is converted on its own as well as inside the collection, so the base rules
of correlations (which pySigma folds into the correlation's search) have a search to compare.
The collection is ordered base rules first: pySigma 1.5 sorts a collection with a partial
order (a rule is "less" only than the rules that reference it) and, with several
correlations in one folder, may convert a correlation before its base rule.
"""

import json
import os
import sys
from pathlib import Path


def configure_offline_data() -> None:
    data = os.environ["SIGMA_OFFLINE_DATA"]
    cache = os.environ["SIGMA_CACHE_DIR"]
    from sigma.data import mitre_attack, mitre_d3fend

    mitre_attack.set_url(os.environ["SIGMA_ATTACK_BUNDLE"])
    mitre_attack.set_cache_dir(cache)
    mitre_d3fend.set_url(f"{data}/d3fend-empty.json")
    mitre_d3fend.set_cache_dir(cache)
    from sigma.validators.sigmahq.data import data_filename, data_taxonomy, data_windows_eventid, data_windows_provider

    data_filename.set_url(f"{data}/sigmahq_filename.json")
    data_taxonomy.set_url(f"{data}/sigmahq_taxonomy.json")
    data_windows_eventid.set_url(f"{data}/windows-empty.json")
    data_windows_provider.set_url(f"{data}/windows-empty.json")


def rule_files(paths):
    files = []
    for p in map(Path, paths):
        files += sorted(p.rglob("*.yml")) if p.is_dir() else [p]
    return files


def convert_json(environment: str, paths) -> None:
    from sigma.backends.splunk import SplunkBackend
    from sigma.collection import SigmaCollection
    from sigma.correlations import SigmaCorrelationRule
    from sigma.plugins import InstalledSigmaPlugins

    resolver = InstalledSigmaPlugins.autodiscover().get_pipeline_resolver()

    def backend():
        return SplunkBackend(resolver.resolve(["o365kit_splunk", environment]))

    files = rule_files(paths)
    out = {}
    for f in files:
        single = SigmaCollection.load_ruleset([f], resolve_references=False)
        if not any(isinstance(r, SigmaCorrelationRule) for r in single.rules):
            out[f.stem] = backend().convert(single)
    collection = SigmaCollection.load_ruleset(files, resolve_references=False)
    for r in collection.rules:
        if isinstance(r, SigmaCorrelationRule):
            r.resolve_rule_references(collection)
    ordered = [r for r in collection.rules if not isinstance(r, SigmaCorrelationRule)]
    ordered += [r for r in collection.rules if isinstance(r, SigmaCorrelationRule)]
    b = backend()
    b.init_processing_pipeline(None)
    for r in ordered:
        if isinstance(r, SigmaCorrelationRule):
            out[Path(r.source.path).stem] = b.convert_correlation_rule(r, "default")
        else:
            b.convert_rule(r, "default")
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


def main() -> None:
    configure_offline_data()
    command, args = sys.argv[1], sys.argv[2:]
    if command == "convert-json":
        convert_json(args[0], args[1:])
        return
    from sigma.cli.main import main as sigma_main

    sys.argv = ["sigma", command, *args]
    sigma_main()


if __name__ == "__main__":
    main()
