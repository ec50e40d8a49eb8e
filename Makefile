# imgedge: `make run` serves TestImages/ on 127.0.0.1:8080; `make test` runs the whole suite.
# Both install libvips' and libseccomp's Debian packages first if pkg-config cannot find them
# (the worker processes' seccomp filter is built with libseccomp); `make test`
# installs Varnish and nginx too, which the CDN and load-balancer tests run, PyYAML, with
# which the Kubernetes manifests' test reads deploy/kubernetes/, and, when python3 lacks them,
# moto (its S3-API server) and boto3 into .build/moto-venv, for the S3 origin's tests.

HOST ?= 127.0.0.1
PORT ?= 8080
DEBIAN_PACKAGES := libvips-dev libjpeg-dev libpng-dev libwebp-dev libseccomp-dev
TEST_DEBIAN_PACKAGES := varnish nginx python3-yaml python3-venv
MOTO_VENV := .build/moto-venv

.PHONY: deps test-deps build release dist run test bench modules fuzz format

deps:
	@pkg-config --exists vips libseccomp 2>/dev/null || { \
		echo "Installing $(DEBIAN_PACKAGES)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(DEBIAN_PACKAGES); \
	}

test-deps:
	@test -x /usr/sbin/varnishd -a -x /usr/sbin/nginx && /usr/bin/python3 -c 'import yaml' 2>/dev/null || { \
		echo "Installing $(TEST_DEBIAN_PACKAGES)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(TEST_DEBIAN_PACKAGES); \
	}
	@python3 -c 'import moto, boto3' 2>/dev/null || $(MOTO_VENV)/bin/python3 -c 'import moto, boto3' 2>/dev/null || { \
		echo "Installing moto[server] and boto3 into $(MOTO_VENV)"; \
		python3 -m venv $(MOTO_VENV) && $(MOTO_VENV)/bin/pip install -q 'moto[server]==5.2.1' boto3; \
	}

# With the tests, so that `make test` and `make run` share one debug build (plain `swift build`
# and `swift build --build-tests` recompile part of the dependencies back and forth).
build: deps modules
	swift build --build-tests

# The Swift runtime is linked in, so the binary needs only the system's libraries (libvips').
release: deps
	swift build -c release --product imgedge --static-swift-stdlib

# dist/imgedge, stripped, and the filter modules beside it; fails if it needs a library that a
# Debian 12 box with only libvips' runtime packages would lack (anything outside /lib, /usr/lib).
dist: release modules
	mkdir -p dist/modules
	strip -o dist/imgedge .build/release/imgedge
	cp Modules/build/*.wasm dist/modules/
	@! ldd dist/imgedge | grep -v -e '=> /lib/' -e '=> /usr/lib/' -e linux-vdso -e ld-linux || \
		{ echo "dist/imgedge needs the libraries above"; exit 1; }
	@ls -l dist/imgedge; echo "dist/imgedge links $$(ldd dist/imgedge | wc -l) shared libraries, all from the system"

# The debug build `make test` already made, so `make run` after it only starts the server: libvips
# does the pixel work either way (a miss costs about 3 % more than in release); `make dist` is the
# production binary.
run: build
	.build/debug/imgedge serve --host $(HOST) --port $(PORT) --origin TestImages

# The suite, then a short adversary soak (Benchmarks/adversary.sh) against the debug build.
test: build test-deps
	swift test --skip-build
	IMGEDGE_BIN=.build/debug/imgedge Benchmarks/adversary.sh 15

# Rewrites the Swift files as .swift-format says (CI checks them with scripts/check-format.sh).
format:
	swift format -i -r Sources Tests Benchmarks/FilterBenchmarks Benchmarks/AccessLogBenchmarks Benchmarks/SSIMBench

# Longer seeded fuzz runs of the parsers and signature check than `make test` does.
fuzz: build
	IMGEDGE_FUZZ_RUNS=200000 swift test --skip-build --filter ParserFuzzTests

# The WebAssembly filter modules (Modules/, Embedded Swift) into Modules/build/.
modules:
	$(MAKE) -C Modules

bench: release
	Benchmarks/run.sh
