# erc: two commands do everything on a fresh Debian machine (as root, or with sudo):
#   make demo   install what is missing, build, run one month end to end on SQLite
#   make test   swift format lint, the same set-up plus a throwaway PostgreSQL cluster, then every test

SWIFT ?= swift
ERC := .build/debug/erc

.PHONY: all setup build demo test lint clean

all: build

setup:
	scripts/setup.sh build

build: setup
	$(SWIFT) build

demo: build
	$(ERC) demo

lint:
	scripts/validate.sh

test: lint
	scripts/setup.sh test
	$(SWIFT) build --build-tests
	scripts/with-postgres.sh $(SWIFT) test --skip-build

clean:
	rm -rf .build erc-demo erc.sqlite erc.sqlite-wal erc.sqlite-shm erc.sqlite-billing.lock
