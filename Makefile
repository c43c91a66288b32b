# The two commands of README.md: `make pack` builds the default rule pack from the bundled
# tables, `make test` runs the whole test suite. Both install missing system packages first.
SWIFT ?= swift

.PHONY: setup engine manager sigma pack test check check-output appinspect bench clean

setup:
	@./.ci/setup

## Wazuh's own rule engine (../shared/wazuh-engine) in .build/wazuh-engine: the tests' judge.
engine:
	@./.ci/engine

## Wazuh's own server API, analysisd and execd (../shared/wazuh-manager) in .build/wazuh-manager-home:
## the deploy tests deploy to it on 127.0.0.1:55471.
manager:
	@./.ci/manager

## The reference Sigma toolchain (sigma-cli, pySigma, the Splunk backend, SigmaHQ's validators from
## PyPI, and sigma/pipeline) in a venv under .build/: the tests' judge of the detections' Sigma.
sigma:
	@./sigma/run list pipelines >/dev/null

## Build o365kit and regenerate output/ from mappings/ and templates/.
pack: setup
	$(SWIFT) build --product o365kit
	$(SWIFT) run --skip-build o365kit build

## Run every test (unit, golden-file, CLI end-to-end, the pack in Wazuh's own engine, the
## detections through pySigma, and deploy to Wazuh's own manager, which the tests start and this
## target stops again).
test: setup engine manager sigma
	$(SWIFT) test; status=$$?; ./.ci/manager stop; exit $$status

## Validate the tables without writing anything.
check: setup
	$(SWIFT) run o365kit check

## Fail when output/ or mappings/rules.lock.json is stale.
check-output: setup
	$(SWIFT) build --product o365kit
	$(SWIFT) run --skip-build o365kit build --check

## Splunk AppInspect (PyPI splunk-appinspect, in a venv under .build/) on the committed Splunk package.
appinspect:
	./.ci/appinspect

## Benchmarks (release build): the generator on a synthetic 100,000-row table.
bench: setup
	./Benchmarks/generator.sh
	./Benchmarks/check-memory.sh

clean:
	rm -rf .build
