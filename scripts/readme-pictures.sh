#!/usr/bin/env bash
# The README's pictures, taken from the browser journeys' screenshots.
# Run the browser tests first (./scripts/dev test, or the e2e-tests package),
# then this, and look at docs/images/ before committing.
set -euo pipefail
cd "$(dirname "$0")/.."
shots=packages/e2e-tests/test-results/screenshots
pick() {
  if [ ! -f "$shots/$1.png" ]; then
    echo "missing $shots/$1.png: run the browser tests first" >&2
    exit 1
  fi
  cp "$shots/$1.png" "docs/images/$2.png"
  echo "docs/images/$2.png <- $1"
}
mkdir -p docs/images
pick 02-alice-kubeconfig-desktop-1440x900 get-cluster-access
pick 15-carol-notification-request-desktop-1440x900 approve-from-notification
pick 14-carol-notification-phone-390x844 notification-phone
pick 06-history-desktop-1440x900 history
