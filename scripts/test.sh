#!/usr/bin/env bash
# Runs kplay's test layers; the command fails if any layer fails.
#
#   scripts/test.sh                  every layer, in order: lint, native, wasm, package, e2e
#   scripts/test.sh lint             0. cargo fmt --check; clippy -D warnings, native and wasm32
#                                       (wasm32 with and without the search-api feature);
#                                       then scripts/lint-js.sh: the wasm API's generated
#                                       typings (no any), tsc --checkJs over www/src, eslint,
#                                       node --test tests/unit/ (the pure-module tests)
#   scripts/test.sh native           1. cargo test: lib unit tests, tests/*.rs, doc tests
#                                       (dev profile: overflow checks on; the fuzzers and
#                                       the swarm run bounded, KPLAY_FUZZ_CASES,
#                                       KPLAY_FUZZ_SCENARIOS, KPLAY_SWARM_SEEDS run longer)
#   scripts/test.sh wasm             2. wasm-pack test --headless --chrome: tests/web.rs
#                                       (and any wasm_bindgen_test) inside Chromium
#   scripts/test.sh package          3. build the site and the npm package (pkg/), then
#                                       scripts/check-package.mjs: npm pack --dry-run has
#                                       every exported file, typings compile, engine runs
#   scripts/test.sh e2e [FILTER]     4. build the site, serve it, run tests/e2e/*.test.mjs
#                                       (only files whose name contains FILTER) in Chromium
#   scripts/test.sh wasm e2e         any subset of layers
#
# Through npm: `npm test -- native` (npm appends the arguments to this script).
# Expects the tools scripts/setup.sh --test installs. CHROMEDRIVER and CHROMIUM override
# /usr/bin/chromedriver and /usr/bin/chromium. Screenshots and logs go to test-results/.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
export PATH="$root/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"
export CHROMIUM="${CHROMIUM:-/usr/bin/chromium}"

die() { printf 'test: error: %s\n' "$*" >&2; exit 1; }
banner() { printf '\n==================== kplay test layer: %s ====================\n' "$*"; }
need() { command -v "$1" >/dev/null || die "'$1' not found; run scripts/setup.sh --test first"; }

layer_lint() {
  banner "0/4 lint (cargo fmt --check, clippy -D warnings for native and wasm32; typings, tsc, eslint, node --test)"
  need cargo
  cargo fmt --all -- --check
  cargo clippy --all-targets --quiet -- -D warnings
  cargo clippy --all-targets --quiet --target wasm32-unknown-unknown -- -D warnings
  cargo clippy --all-targets --quiet --target wasm32-unknown-unknown --features search-api -- -D warnings
  cargo clippy --all-targets --quiet --target wasm32-unknown-unknown --features bench -- -D warnings
  bash scripts/lint-js.sh
}

layer_native() {
  banner "1/4 native (cargo test: unit, integration, doc tests)"
  need cargo
  cargo test
}

layer_wasm() {
  banner "2/4 wasm in the browser (wasm-pack test --headless --chrome)"
  need wasm-pack
  need wasm-bindgen-test-runner
  [ -x "$CHROMEDRIVER" ] || die "chromedriver not found at $CHROMEDRIVER (set CHROMEDRIVER)"
  [ -f webdriver.json ] || die "webdriver.json is missing (Chromium's flags for this layer)"
  # With search-api: the second package's exports (search, card, sweep) are tested too.
  wasm-pack test --headless --chrome --chromedriver "$CHROMEDRIVER" --features search-api
}

layer_package() {
  banner "3/4 npm package (build, npm pack --dry-run, typings, engine in Node)"
  need node
  need npm
  bash scripts/build.sh
  node scripts/check-package.mjs
}

layer_e2e() {
  banner "4/4 end-to-end (build, serve, Playwright in Chromium)"
  need node
  [ -x "$CHROMIUM" ] || die "chromium not found at $CHROMIUM (set CHROMIUM)"
  bash scripts/build.sh
  mkdir -p test-results
  local log=test-results/e2e-server.log url=""
  PORT=0 node scripts/serve.mjs >"$log" 2>&1 &
  server=$! # global: the EXIT trap reads it after this function has returned
  # Stop the server whatever happens next (this layer runs in its own process).
  trap 'kill "$server" 2>/dev/null || true' EXIT
  for _ in $(seq 1 100); do
    url=$(sed -n 's/^serve: \(http:[^ ]*\).*/\1/p' "$log")
    [ -n "$url" ] && break
    kill -0 "$server" 2>/dev/null || { cat "$log" >&2; die "the static server exited"; }
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$log" >&2; die "the static server did not start within 10 s"; }
  echo "test: serving www/dist at $url (pid $server)"
  node tests/e2e/run.mjs "$url" "$@"
}

# One layer: run it in this process, with set -e in force.
if [ $# -ge 1 ]; then
  case "$1" in
    lint | native | wasm | package) [ $# -eq 1 ] && { "layer_$1"; exit; } ;;
    e2e) layer="$1"; shift; "layer_$layer" "$@"; exit ;;
  esac
fi

# Several layers: each in its own process (so set -e holds inside it); go on after a
# failure so one run shows every broken layer, then fail if any did.
layers=("$@")
[ ${#layers[@]} -gt 0 ] || layers=(lint native wasm package e2e)
for layer in "${layers[@]}"; do
  case "$layer" in
    lint | native | wasm | package | e2e) ;;
    *) echo "test: unknown layer '$layer' (known: lint, native, wasm, package, e2e)" >&2; exit 2 ;;
  esac
done
failed=()
declare -A seconds
for layer in "${layers[@]}"; do
  start=$SECONDS
  bash "$0" "$layer" || failed+=("$layer")
  seconds[$layer]=$((SECONDS - start))
done

echo
echo "==================== kplay tests: summary ===================="
for layer in "${layers[@]}"; do
  status=passed
  for f in ${failed[@]+"${failed[@]}"}; do [ "$f" = "$layer" ] && status=FAILED; done
  printf '  %-7s %-7s %4ss\n' "$layer" "$status" "${seconds[$layer]}"
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "test: FAILED layers: ${failed[*]}" >&2
  exit 1
fi
echo "test: all layers passed"
