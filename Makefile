# alkor: the two commands a newcomer runs are `make demo` and `make test`;
# each installs what it needs first (scripts/deps.sh, once per checkout).
SHELL := /bin/bash
export PATH := $(CURDIR)/.tools/node/bin:$(CURDIR)/node_modules/.bin:$(PATH)
PREFIX ?= /usr/local

.PHONY: deps build test test-unit test-sim test-integration sim demo install bench clean image lab-deps lab lab-stop lab-test

deps: node_modules/.deps-done

node_modules/.deps-done: package.json package-lock.json scripts/deps.sh
	scripts/deps.sh
	touch $@

# tsc for everything; alkord itself also as one esbuild bundle (this is what
# runs): one file starts in half the CPU time of ~500 modules, and without
# the whitespace V8 keeps 3 MB less source in memory. Names are kept for
# stack traces; the source map is beside it.
build: deps
	tsc -p tsconfig.json
	scripts/build-native.sh
	esbuild alkord=dist/src/agent/main.js systeminformation-reader=dist/src/host/hw/systeminformation-reader.js \
	  --bundle --platform=node --format=esm --target=node20 --outdir=dist/bundle --log-level=warning \
	  --minify-whitespace --minify-syntax --sourcemap \
	  --banner:js="import { createRequire as alkorCreateRequire } from 'node:module'; const require = alkorCreateRequire(import.meta.url);"
	# @unraid/libvirt loads its addon from ../build/Release beside its own code: for the bundle, that is dist/build/Release.
	install -D -m 0755 node_modules/@unraid/libvirt/build/Release/libvirt.node dist/build/Release/libvirt.node

# unit + sim (in-process, parallel) then integration (real processes, one file at a time)
test: build
	scripts/qemu-test-deps.sh
	ava 'dist/test/unit/**/*.test.js' 'dist/test/sim/**/*.test.js' 'dist/test/scenarios/**/*.test.js'
	ava --concurrency 1 'dist/test/integration/**/*.test.js'

test-unit: build
	ava 'dist/test/unit/**/*.test.js'

test-sim: build
	ava 'dist/test/sim/**/*.test.js' 'dist/test/scenarios/**/*.test.js'

# One seeded simulation run, replayed exactly: make sim SIM_ARGS="--seed 7 --nodes 5"
sim: build
	node dist/test/sim/main.js $(SIM_ARGS)

test-integration: build
	scripts/qemu-test-deps.sh
	ava --concurrency 1 'dist/test/integration/**/*.test.js'

demo: build
	node dist/src/demo/main.js

bench: build
	node dist/bench/discovery.js
	node dist/bench/failover.js
	node dist/bench/jobs.js
	node dist/bench/instances.js

# Puts alkord and the alkor-* commands on PATH, running from this checkout.
install: build
	install -d $(DESTDIR)$(PREFIX)/bin
	for command in bin/*; do ln -sf "$(CURDIR)/$$command" "$(DESTDIR)$(PREFIX)/bin/$$(basename $$command)"; done

# The bootable node image in .image/ (image/README.md): Debian 12 with its
# kernel, alkord and its units. build.sh rebuilds only when an input changed
# (their hash is in .image/manifest.json) and prints the time and sizes.
image: build
	scripts/image-deps.sh
	image/build.sh

clean:
	rm -rf dist

# The qemu lab (issue 4): LAB_NODES nodes (3) booted from the node image under
# qemu -accel tcg, each with a data disk, a watchdog and an ipmi_sim BMC, on a
# bridge inside the network namespace alkor-lab; state in /var/tmp/alkor-lab
# (ALKOR_LAB_DIR). `make lab` returns once the nodes have formed a cluster.
LAB_NODES ?= 3
LAB := node dist/src/lab/main.js

lab-deps:
	scripts/lab-deps.sh

lab: lab-deps image build
	$(LAB) start --nodes $(LAB_NODES)

# Stopping needs only the runner: no rebuild when it is there (a half-edited tree must not keep a lab running).
lab-stop:
	[ -f dist/src/lab/main.js ] || $(MAKE) build
	$(LAB) stop

# A fresh lab, then the lab tests one file at a time in this order: the
# cluster first, then the storage contract tests, then the destructive BMC
# and watchdog tests; then, even after a failure, stop and the leftover
# check (lab-stop.test.js). The figures the tests record are printed last.
# ava's timeout counts from the last finished test; 20 minutes, above the
# tests' own 10-minute waits for a node to come back under TCG, so those fail
# with their own message rather than ava's bare "timed out".
lab-test: lab-deps image build
	$(LAB) stop
	@figures=$$(mktemp); export ALKOR_LAB_FIGURES=$$figures; status=0; started=$$(date +%s); \
	$(LAB) start --nodes $(LAB_NODES) || status=$$?; \
	if [ $$status -eq 0 ]; then \
	  files=dist/test/lab/cluster.test.js; \
	  for file in dist/test/lab/*.test.js; do \
	    case $$(basename $$file) in cluster.test.js|bmc.test.js|watchdog.test.js|lab-stop.test.js) ;; *) files="$$files $$file";; esac; \
	  done; \
	  for file in dist/test/lab/bmc.test.js dist/test/lab/watchdog.test.js; do [ -f $$file ] && files="$$files $$file"; done; \
	  for file in $$files; do \
	    echo "== $$file"; \
	    if ava --concurrency 1 --timeout 20m $$file; then summary="$$summary$$file: passed\n"; else status=1; summary="$$summary$$file: FAILED\n"; fi; \
	  done; \
	else summary="lab start: FAILED (no tests run)\n"; fi; \
	echo "== dist/test/lab/lab-stop.test.js"; \
	if ava --timeout 2m dist/test/lab/lab-stop.test.js; then summary="$${summary}dist/test/lab/lab-stop.test.js: passed\n"; else status=1; summary="$${summary}dist/test/lab/lab-stop.test.js: FAILED\n"; fi; \
	echo "lab-test: $$(( $$(date +%s) - started )) s from start to stop" >> $$figures; \
	echo "== summary"; printf "$$summary"; echo "== figures"; cat $$figures; rm -f $$figures; exit $$status
