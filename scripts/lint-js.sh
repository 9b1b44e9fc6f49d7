#!/usr/bin/env bash
# The JavaScript half of the lint layer (scripts/test.sh lint runs it after clippy):
#
#   1. the wasm API's typings: a dev build of the crate for wasm32 (feature search-api,
#      so both packages' exports are there) and wasm-bindgen's kplay.d.ts, written to
#      target/js-types/pkg and target/js-types/pkg-search (tsconfig.json's rootDirs lays
#      them over www/, where the site build puts the real packages); the exported API
#      must not fall back to `any` (the raw InitOutput table below it is wasm-bindgen's)
#   2. tsc -p tsconfig.json: www/src type-checked as JavaScript (checkJs, noEmit)
#   3. eslint .: @eslint/js recommended over www/, scripts/ and tests/ (eslint.config.js)
#   4. node --test tests/unit/: the pure-module tests under Node's runner
#
#   scripts/lint-js.sh --no-wasm   skip step 1 (reuse target/js-types from the last run)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$root/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

say() { printf 'lint-js: %s\n' "$*"; }
die() { printf 'lint-js: error: %s\n' "$*" >&2; exit 1; }

wasm=1
for arg in "$@"; do
  case "$arg" in
    --no-wasm) wasm=0 ;;
    *) echo "lint-js: unknown argument '$arg' (known: --no-wasm)" >&2; exit 2 ;;
  esac
done
for tool in tsc eslint node; do
  command -v "$tool" >/dev/null || die "'$tool' not found; run scripts/setup.sh first"
done

types=target/js-types
if [ "$wasm" = 1 ]; then
  for tool in cargo wasm-bindgen; do
    command -v "$tool" >/dev/null || die "'$tool' not found; run scripts/setup.sh first"
  done
  say "wasm typings: cargo build --lib --target wasm32-unknown-unknown --features search-api, wasm-bindgen -> $types/"
  cargo build --quiet --lib --target wasm32-unknown-unknown --features search-api
  wasm="${CARGO_TARGET_DIR:-target}/wasm32-unknown-unknown/debug/kplay.wasm"
  rm -rf "$types"
  mkdir -p "$types/pkg" "$types/pkg-search"
  wasm-bindgen --target web --out-dir "$types/pkg-search" --out-name kplay "$wasm"
  cp "$types/pkg-search/kplay.d.ts" "$types/pkg/kplay.d.ts"
fi
[ -f "$types/pkg/kplay.d.ts" ] || die "$types/pkg/kplay.d.ts is missing (run without --no-wasm)"
node scripts/check-dts.mjs "$types/pkg-search/kplay.d.ts"

say "tsc -p tsconfig.json (www/src, checkJs)"
tsc -p tsconfig.json
say "eslint ."
eslint .
say "node --test tests/unit/"
node --test tests/unit/
say "clean"
