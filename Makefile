.PHONY: run test core-tests lint bench bootstrap

run:  ## Odoo with the module and demo data at http://127.0.0.1:8069
	dev/run

test:  ## all module tests in a fresh database; last line "N passed, M failed"
	dev/test

core-tests:  ## Odoo's own tests of the extended addons with the module loaded
	dev/core-tests

lint:  ## ruff and pylint-odoo mandatory checks
	dev/lint

bench:  ## benchmarks (see bench/README.md)
	dev/bench

bootstrap:
	dev/bootstrap
