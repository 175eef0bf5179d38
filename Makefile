# lbguard: build, test and demo.
#
#   make build    bin/lbguard, the KRM function
#   make test     every test, the end-to-end ones included
#   make lint     gofmt, go vet, go mod tidy -diff and staticcheck (pinned)
#   make e2e      only the end-to-end tests (kustomize and kpt render examples/)
#   make demo     what lbguard changes in examples/kustomize, as a diff
#   make apiserver  bin/kube-apiserver and etcd, for the API-server dry-run tests
#   make integration-tools  Helm, actionlint, the SARIF multitool and pre-commit, for e2e/
#   make clean    remove what the targets above made
#   make image          the release container image (docs/container.md)
#   make test-image     the test image from the host-built binary (podman)
#   make e2e-container  only the container end-to-end tests (podman, kustomize, kpt)
#   make fuzz           each fuzz target for FUZZTIME (30s); `go test` runs their seeds
#   make bench          lbguard against the identity baseline at 100 to 50 000 resources (README: Performance)

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
KUSTOMIZE_VERSION := v5.8.2
STATICCHECK_VERSION := v0.8.2

LBGUARD   := bin/lbguard
KUSTOMIZE := bin/kustomize
STATICCHECK := bin/staticcheck
DEMO_DIR  := bin/demo

.PHONY: all build test e2e demo clean
all: build

# Always run `go build`: it knows better than make what is up to date.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(LBGUARD) ./fn

# The kustomize CLI that runs exec functions (kubectl kustomize cannot).
$(KUSTOMIZE):
	GOBIN=$(CURDIR)/bin CGO_ENABLED=0 $(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

test: build $(KUSTOMIZE) apiserver integration-tools
	$(GO) test ./...

# Helm 4 and 3, actionlint, the SARIF multitool and pre-commit, pinned, for
# the integration tests (docs/integrations.md); about 5 minutes cold.
.PHONY: integration-tools
integration-tools:
	@scripts/integration-tools.sh || { \
	  if [ "$$LBGUARD_REQUIRE_INTEGRATIONS" = 1 ]; then exit 1; fi; \
	  echo "integration-tools: not all installed: the tests that need them will skip" >&2; }

# Each check fails the target: files gofmt would change, vet's findings, a
# go.mod or go.sum that go mod tidy would change, staticcheck's findings.
.PHONY: lint
lint: $(STATICCHECK)
	@unformatted="$$(gofmt -l .)"; if [ -n "$$unformatted" ]; then echo "gofmt -l:" >&2; echo "$$unformatted" >&2; exit 1; fi
	$(GO) vet ./...
	$(GO) mod tidy -diff
	$(STATICCHECK) ./...

$(STATICCHECK):
	GOBIN=$(CURDIR)/bin CGO_ENABLED=0 $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

e2e: $(KUSTOMIZE)
	$(GO) test ./e2e/...

# kube-apiserver (k8s.io/kubernetes pinned in tools/apiserver/go.mod; ~10 min
# on a cold Go build cache, seconds after) and etcd for internal/apiserver.
# Where etcd cannot be installed (no apt-get, no root, no archive) the
# dry-run tests skip, saying so; with LBGUARD_REQUIRE_APISERVER=1 this fails.
.PHONY: apiserver
apiserver:
	scripts/apiserver-build.sh
	@scripts/etcd-install.sh || { \
	  if [ "$$LBGUARD_REQUIRE_APISERVER" = 1 ]; then \
	    echo "apiserver: etcd cannot be installed, and LBGUARD_REQUIRE_APISERVER=1" >&2; exit 1; fi; \
	  echo "apiserver: etcd cannot be installed here: the API-server dry-run tests will skip" >&2; }

# The demo renders the example twice: its app/ base alone (what the team
# wrote, no function involved) and examples/kustomize, which is the same base
# with lbguard listed under `transformers:`. Both come out in kustomize's
# usual order, so the diff is exactly what lbguard changed or added. diff
# exits 1 when the files differ, which is the expected outcome here.
demo: build $(KUSTOMIZE)
	@mkdir -p $(DEMO_DIR)
	$(KUSTOMIZE) build examples/kustomize/app > $(DEMO_DIR)/without-lbguard.yaml
	$(KUSTOMIZE) build --enable-alpha-plugins --enable-exec examples/kustomize > $(DEMO_DIR)/with-lbguard.yaml
	@diff -u --label without-lbguard.yaml --label with-lbguard.yaml \
	  $(DEMO_DIR)/without-lbguard.yaml $(DEMO_DIR)/with-lbguard.yaml; \
	  status=$$?; \
	  if [ $$status -eq 0 ]; then echo "lbguard changed nothing in examples/kustomize" >&2; exit 1; fi; \
	  [ $$status -eq 1 ]

clean:
	rm -rf $(LBGUARD) $(KUSTOMIZE) $(STATICCHECK) $(DEMO_DIR)

# ---- container image (docs/container.md) ----
# `make image`: the release image, the Dockerfile's default target, built from
# source on a pinned Go image and a distroless base (needs registry access).
# `make test-image`: the Dockerfile's `test` stage around the host-built static
# binary, with podman (scripts/podman-env.sh sets it up, installing it as root).
# The container tests in e2e/container_test.go run with `make test` wherever
# podman is installed; `make e2e-container` runs only them.
CONTAINER_ENGINE ?= $(shell command -v docker >/dev/null 2>&1 && echo docker || echo podman)
IMAGE_REPO ?= ghcr.io/lbguard/lbguard
IMAGE      ?= $(IMAGE_REPO):$(VERSION)
TEST_IMAGE := localhost/lbguard:test

.PHONY: image test-image e2e-container
image:
	$(CONTAINER_ENGINE) build --build-arg VERSION=$(VERSION) --tag $(IMAGE) .

test-image:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-s -w -X main.version=$(VERSION)" -o $(LBGUARD) ./fn
	eval "$$(scripts/podman-env.sh)" && podman build --target test --build-arg VERSION=$(VERSION) --tag $(TEST_IMAGE) .

e2e-container: $(KUSTOMIZE)
	$(GO) test ./e2e -run '^TestContainer' -count=1 -v

# ---- fuzzing ----
# `make fuzz` runs each fuzz target for FUZZTIME, one after the other (Go
# fuzzes one target at a time). A crasher is written to the package's
# testdata/fuzz/<Target>/; commit it with the fix, and `go test` replays it.
FUZZTIME ?= 30s

.PHONY: fuzz
fuzz:
	$(GO) test -run='^$$' -fuzz='^FuzzFunction$$' -fuzztime=$(FUZZTIME) ./internal/function
	$(GO) test -run='^$$' -fuzz='^FuzzConfig$$' -fuzztime=$(FUZZTIME) ./transformers/config
	$(GO) test -run='^$$' -fuzz='^FuzzAppendResult$$' -fuzztime=$(FUZZTIME) ./internal/krmio
	$(GO) test -run='^$$' -fuzz='^FuzzExplain$$' -fuzztime=$(FUZZTIME) ./internal/explain
	$(GO) test -run='^$$' -fuzz='^FuzzRules$$' -fuzztime=$(FUZZTIME) ./transformers
	$(GO) test -run='^$$' -fuzz='^FuzzStringMap$$' -fuzztime=$(FUZZTIME) ./transformers/annotations
	$(GO) test -run='^$$' -fuzz='^FuzzShellScript$$' -fuzztime=$(FUZZTIME) ./transformers
	$(GO) test -run='^$$' -fuzz='^FuzzRootReadFile$$' -fuzztime=$(FUZZTIME) ./internal/render
	$(GO) test -run='^$$' -fuzz='^FuzzWriteTarget$$' -fuzztime=$(FUZZTIME) ./internal/cli

# ---- benchmarks (README: Performance) ----
# `make bench`: the in-process benchmarks (internal/function/bench_test.go: time and
# allocations of lbguard and of the identity baseline, which is lbguard's own
# read, parse, sort and write with no rules), then the table of bench/: both
# as whole processes over generated lists (internal/gen) of BENCH_SIZES
# resources, medians of wall time and peak RSS, their ratios, time per
# resource, the 20-resource wall time, and whether each target holds; with
# -split also lbguard without its results in the output, with -sdk also the
# SDK's own entry point (fn.AsMain) with a processor that changes nothing.
# About 30 minutes.
BENCH_SIZES ?= 100,1000,10000,50000
BENCH_FLAGS ?= -split -sdk

.PHONY: bench
bench:
	$(GO) test ./internal/function -run '^$$' -bench 'Function/' -benchtime 1x -benchmem -timeout 60m
	$(GO) run ./bench -sizes $(BENCH_SIZES) $(BENCH_FLAGS)
