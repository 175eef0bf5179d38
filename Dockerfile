# lbguard's container image: a KRM function for kustomize and kpt.
#
# The default target is the last stage, `release`, built from source:
#
#   docker build --build-arg VERSION=v0.1.0 --tag ghcr.io/lbguard/lbguard:v0.1.0 .
#
# (`make image` runs that). The `test` stage packs a binary built on the host, bin/lbguard, with
# the same user, entry point, /etc/passwd and labels as `release`, for machines that cannot pull
# the base images (`make test-image`):
#
#   CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=dev" -o bin/lbguard ./fn
#   podman build --target test --build-arg VERSION=dev --tag localhost/lbguard:test .
#
# docs/container.md says more, including how the tests build `release` without a registry.
#
# Both run as nonroot (65532) by default; kustomize and kpt run them as `nobody` (65534), with no
# network and no environment the function depends on. The function writes nothing but stdout and
# stderr, so a read-only root filesystem is fine.

# The two base images, pinned. They are build arguments only so that the release stages can be
# built against local stand-ins where no registry is reachable (e2e/container_test.go does).
ARG GO_IMAGE=docker.io/library/golang:1.26.8
ARG BASE_IMAGE=gcr.io/distroless/static-debian12:nonroot

# ---- test: the host-built static binary, for tests on machines without registry access ----
FROM scratch AS test
ARG VERSION=dev
LABEL org.opencontainers.image.title="lbguard" \
      org.opencontainers.image.description="KRM function that makes AWS load-balanced workloads roll out and drain without dropped requests" \
      org.opencontainers.image.source="https://github.com/lbguard/lbguard" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
# The users that distroless/static:nonroot knows: root, nobody (kustomize's and kpt's
# --user nobody) and nonroot.
COPY testdata/container/passwd /etc/passwd
COPY testdata/container/group /etc/group
COPY bin/lbguard /usr/local/bin/lbguard
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/lbguard"]

# ---- build: compile from source with a pinned Go toolchain ----
FROM --platform=$BUILDPLATFORM ${GO_IMAGE} AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
ARG TARGETOS
ARG TARGETARCH
RUN CGO_ENABLED=0 GOOS=${TARGETOS} GOARCH=${TARGETARCH} \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/lbguard ./fn

# ---- release (default): the static binary on distroless, as nonroot ----
FROM ${BASE_IMAGE} AS release
ARG VERSION=dev
LABEL org.opencontainers.image.title="lbguard" \
      org.opencontainers.image.description="KRM function that makes AWS load-balanced workloads roll out and drain without dropped requests" \
      org.opencontainers.image.source="https://github.com/lbguard/lbguard" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.licenses="Apache-2.0"
COPY --from=build /out/lbguard /usr/local/bin/lbguard
USER 65532:65532
ENTRYPOINT ["/usr/local/bin/lbguard"]
