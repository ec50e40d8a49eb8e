# imgedge: `make run` serves TestImages/ on 127.0.0.1:8080; `make test` runs the whole suite.
# Both install libvips' Debian packages first if pkg-config cannot find libvips.

HOST ?= 127.0.0.1
PORT ?= 8080
DEBIAN_PACKAGES := libvips-dev libjpeg-dev libpng-dev libwebp-dev

.PHONY: deps build release run test bench modules fuzz

deps:
	@pkg-config --exists vips 2>/dev/null || { \
		echo "Installing $(DEBIAN_PACKAGES)"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $(DEBIAN_PACKAGES); \
	}

build: deps modules
	swift build

release: deps
	swift build -c release --product imgedge

run: release modules
	.build/release/imgedge serve --host $(HOST) --port $(PORT) --origin TestImages

test: deps modules
	swift build --build-tests
	swift test --skip-build

# Longer seeded fuzz runs of the parsers and signature check than `make test` does.
fuzz: deps modules
	swift build --build-tests
	IMGEDGE_FUZZ_RUNS=200000 swift test --skip-build --filter ParserFuzzTests

# The WebAssembly filter modules (Modules/, Embedded Swift) into Modules/build/.
modules:
	$(MAKE) -C Modules

bench: release
	Benchmarks/run.sh
