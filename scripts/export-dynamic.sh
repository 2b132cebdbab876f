#!/usr/bin/env bash
# Exports the frontend, the backend and the scaffolder module as Red Hat
# Developer Hub dynamic plugins with `rhdh-cli plugin export` (the pinned
# @red-hat-developer-hub/cli of scripts/rhdh-cli), packs each into
# dist-packages/rhdh/*.tgz with its integrity (what dynamic-plugins.yaml
# asks for), and checks the result (scripts/check-dynamic-plugins.js).
# Needs built packages: run after `backstage-cli repo build --all`
# (./scripts/dev packages).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$CA_ROOT"

out="$CA_ROOT/dist-packages/rhdh"
tool="$CA_ROOT/scripts/rhdh-cli"

for built in plugins/cluster-access-backend/dist/index.cjs.js \
  plugins/cluster-access-common/dist/index.cjs.js \
  plugins/cluster-access-node/dist/index.cjs.js \
  plugins/scaffolder-backend-module-cluster-access/dist/index.cjs.js; do
  if [ ! -f "$built" ]; then
    echo "$built is missing: build the packages first (./scripts/dev packages)" >&2
    exit 1
  fi
done

# The CLI lives in a Yarn project of its own (its Backstage CLI 0.34 tree must
# not mix with the workspace's); Yarn's global cache makes this quick once the
# workspace is installed.
if [ ! -x "$tool/node_modules/.bin/rhdh-cli" ] ||
  [ "$tool/yarn.lock" -nt "$tool/node_modules/.yarn-state.yml" ]; then
  echo "    installing @red-hat-developer-hub/cli (scripts/rhdh-cli)"
  (cd "$tool" && ca_yarn install --immutable >/dev/null)
fi

# rhdh-cli runs `yarn install` in the exported backend packages: give it this
# repository's Yarn under the name it calls.
shim="$(mktemp -d)"
# The frontend export writes module-federation assets over the package's own
# dist/ (the npm build): it is kept here meanwhile, and put back whatever
# happens, even after a run that was killed.
frontend_dist_backup="$CA_ROOT/dist-packages/.cluster-access-npm-dist"
restore_frontend_dist() {
  if [ -d "$frontend_dist_backup" ]; then
    rm -rf plugins/cluster-access/dist
    mv "$frontend_dist_backup" plugins/cluster-access/dist
  fi
}
cleanup() {
  rm -rf "$shim"
  restore_frontend_dist
  rm -rf plugins/*/dist-dynamic
}
restore_frontend_dist
trap cleanup EXIT
printf '#!/bin/sh\nexec node "%s" "$@"\n' "$CA_ROOT/.yarn/releases/yarn-4.13.0.cjs" >"$shim/yarn"
chmod +x "$shim/yarn"
export PATH="$shim:$PATH"

rm -rf "$out"
mkdir -p "$out"
: >"$out/integrity.txt"

export_plugin() {
  local dir="$1"
  shift
  local log="$out/$(basename "$dir").export.log"
  local started=$SECONDS
  if ! (cd "$dir" && "$tool/node_modules/.bin/rhdh-cli" plugin export --clean "$@") >"$log" 2>&1; then
    echo "✘ rhdh-cli plugin export failed in $dir; last lines of $log:" >&2
    tail -n 30 "$log" >&2
    return 1
  fi
  local name
  name="$(node -p "require('./$dir/dist-dynamic/package.json').name")"
  local flat="${name#@}"
  local folder="$out/${flat/\//-}"
  mv "$dir/dist-dynamic" "$folder"
  # The tarball a dynamic-plugins.yaml entry installs, and its integrity.
  (cd "$folder" && npm pack --silent --json --pack-destination "$out") |
    node -e '
      let text = "";
      process.stdin.on("data", d => (text += d)).on("end", () => {
        const [p] = JSON.parse(text);
        console.log(`${p.filename} ${p.integrity}`);
      });
    ' >>"$out/integrity.txt"
  echo "    $name: $(tail -n1 "$out/integrity.txt" | cut -d' ' -f1) ($((SECONDS - started)) s)"
}

# Frontend: Scalprum assets (dist-scalprum/, for RHDH's current app) and
# module-federation assets (dist/, for RHDH's new-frontend-system app).
mv plugins/cluster-access/dist "$frontend_dist_backup"
export_plugin plugins/cluster-access
restore_frontend_dist

# Backend and scaffolder module: RHDH shares only @backstage/* packages
# between dynamic plugins, so -common and -node are embedded in each.
embed=(--embed-package @cluster-access/plugin-cluster-access-common
  @cluster-access/plugin-cluster-access-node)
export_plugin plugins/cluster-access-backend --no-build "${embed[@]}"
export_plugin plugins/scaffolder-backend-module-cluster-access --no-build "${embed[@]}"

node scripts/check-dynamic-plugins.js
