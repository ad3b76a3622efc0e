#!/usr/bin/env bash
# The npm packages of the test peers in tools/node (the OpenID Connect provider `oidc-provider`,
# the SMPP server (smpp)): `npm ci` when node_modules is missing or was installed from another
# package-lock.json. Installs Debian's nodejs and npm when node is missing. `make test` runs it.
set -euo pipefail
here="$(cd "$(dirname "$0")/../tools/node" && pwd)"
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  echo "installing: nodejs npm"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq nodejs npm >/dev/null
fi
stamp="$here/node_modules/.vik-package-lock.json"
if [ ! -f "$stamp" ] || ! cmp -s "$here/package-lock.json" "$stamp"; then
  echo "npm ci in $here"
  (cd "$here" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$here/package-lock.json" "$stamp"
fi
