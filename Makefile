# lbguard: build, test and demo.
#
#   make build    bin/lbguard, the KRM function
#   make test     every test, the end-to-end ones included
#   make e2e      only the end-to-end tests (kustomize and kpt render examples/)
#   make demo     what lbguard changes in examples/kustomize, as a diff
#   make clean    remove what the targets above made

GO        ?= go
VERSION   ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
KUSTOMIZE_VERSION := v5.8.2

LBGUARD   := bin/lbguard
KUSTOMIZE := bin/kustomize
DEMO_DIR  := bin/demo

.PHONY: all build test e2e demo clean
all: build

# Always run `go build`: it knows better than make what is up to date.
build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o $(LBGUARD) ./fn

# The kustomize CLI that runs exec functions (kubectl kustomize cannot).
$(KUSTOMIZE):
	GOBIN=$(CURDIR)/bin CGO_ENABLED=0 $(GO) install sigs.k8s.io/kustomize/kustomize/v5@$(KUSTOMIZE_VERSION)

test: build $(KUSTOMIZE)
	$(GO) test ./...

e2e: $(KUSTOMIZE)
	$(GO) test ./e2e/...

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
	rm -rf $(LBGUARD) $(KUSTOMIZE) $(DEMO_DIR)
