# alkor: the two commands a newcomer runs are `make demo` and `make test`;
# each installs what it needs first (scripts/deps.sh, once per checkout).
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/node/bin:$(CURDIR)/node_modules/.bin:$(PATH)
PREFIX ?= /usr/local

.PHONY: deps build test test-unit test-integration demo install bench clean

deps: node_modules/.deps-done

node_modules/.deps-done: package.json package-lock.json scripts/deps.sh
	scripts/deps.sh
	touch $@

build: deps
	tsc -p tsconfig.json

# unit + sim (in-process, parallel) then integration (real processes, one file at a time)
test: build
	ava 'dist/test/unit/**/*.test.js'
	ava --concurrency 1 'dist/test/integration/**/*.test.js'

test-unit: build
	ava 'dist/test/unit/**/*.test.js'

test-integration: build
	ava --concurrency 1 'dist/test/integration/**/*.test.js'

demo: build
	node dist/src/demo/main.js

bench: build
	node dist/bench/discovery.js

# Puts alkord and the alkor-* commands on PATH, running from this checkout.
install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	for command in bin/*; do ln -sf "$(CURDIR)/$$command" "$(DESTDIR)$(PREFIX)/bin/$$(basename $$command)"; done

clean:
	rm -rf dist
