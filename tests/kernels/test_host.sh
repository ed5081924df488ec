#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# One row of the kernel matrix for tests/run.sh: the running kernel, checked in place.
exec bash "$(dirname "$0")/run.sh" host
