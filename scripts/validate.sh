#!/usr/bin/env bash
# Fails when a Swift file differs from .swift-format's layout (swift format, shipped with the
# toolchain): `make test` and so CI run it first. `swift format -i -r Sources Tests Package.swift`
# fixes what it finds.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive Sources Tests Benchmarks Package.swift
