# sprintchain developer tasks. `make install` once (node, CLI, test tools and the torch worker),
# then `make devnet` (one validator + its sprint-worker) or `make test`.
PYTHON ?= python3
GOBIN_DIR := $(shell command -v go >/dev/null 2>&1 && go env GOPATH | cut -d: -f1)/bin
export PATH := $(GOBIN_DIR):$(HOME)/go/bin:$(PATH)

.PHONY: install cometbft devnet test proto bench

install: cometbft
	$(PYTHON) -m pip install -e ".[dev,worker]"

cometbft:
	@scripts/install_cometbft.sh >/dev/null

devnet: install
	$(PYTHON) -m abci_app.cli.main devnet $(DEVNET_ARGS)

test:
	$(PYTHON) -m pytest -q -p no:cacheprovider tests

proto:
	$(PYTHON) proto/gen.py

bench:
	@set -e; for f in bench/*.py; do \
	  case "$$f" in */__init__.py|"bench/*.py") continue ;; esac; \
	  echo "== $$f"; $(PYTHON) "$$f"; \
	done
