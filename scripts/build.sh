#!/usr/bin/env bash
# Builds the static site: the release wasm package, then the Vite bundle.
#
#   scripts/build.sh           build www/pkg and www/pkg-search (wasm) if their inputs
#                              changed, then www/dist
#   scripts/build.sh --force   rebuild the wasm packages even if they look up to date
#   scripts/build.sh --bench   also build target/pkg-bench (feature `bench`: benchScenario,
#                              benchRun), the package scripts/bench.mjs loads; the site's
#                              packages never carry those exports
#
# Output: www/pkg/kplay.js + kplay_bg.wasm (wasm-pack, --target web), the playground's
# module; www/pkg-search/ the same built with the `search-api` feature (search, survival
# card, sweep), which the page loads only when asked to; and www/dist/, a
# self-contained site with relative URLs that works from any sub-path of a static host,
# with the presets' runs precomputed in www/dist/prerendered/ (scripts/prerender.mjs);
# and pkg/, the publishable npm package `kplay` (engine, engine with search, widget;
# scripts/build-package.mjs).
# Tools come from ~/.cargo/bin (wasm-pack, wasm-bindgen) and node_modules/.bin (vite, and
# wasm-opt from the npm package binaryen, which wasm-pack picks up from PATH so it never
# tries to download its own). Run scripts/setup.sh first if any of them is missing.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

force=0 bench=0
for arg in "$@"; do
  case "$arg" in
    --force) force=1 ;;
    --bench) bench=1 ;;
    *) echo "build: unknown argument '$arg' (known: --force, --bench)" >&2; exit 2 ;;
  esac
done

say() { printf 'build: %s\n' "$*"; }
die() { printf 'build: error: %s\n' "$*" >&2; exit 1; }

export PATH="$root/node_modules/.bin:${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
for tool in cargo wasm-pack wasm-bindgen wasm-opt vite; do
  command -v "$tool" >/dev/null || die "'$tool' not found on PATH; run scripts/setup.sh (or npm run setup) first"
done

# 1. The wasm package. Its inputs are the Rust sources, the manifests, the cargo config,
#    this script, the tool versions and RUSTFLAGS; a checksum of all of them, stored next to the
#    output, tells whether the last successful build is still current.
inputs_sum() {
  {
    local paths=(crate Cargo.toml Cargo.lock scripts/build.sh) p
    for p in .cargo build.rs rust-toolchain rust-toolchain.toml; do [ -e "$p" ] && paths+=("$p"); done
    find "${paths[@]}" -type f -print0 | LC_ALL=C sort -z | xargs -0 cksum
    rustc -V; wasm-pack --version; wasm-bindgen --version; wasm-opt --version
    printf 'RUSTFLAGS=%s CARGO_ENCODED_RUSTFLAGS=%s\n' "${RUSTFLAGS-}" "${CARGO_ENCODED_RUSTFLAGS-}"
  } | cksum | awk '{print $1 "-" $2}'
}
sum=$(inputs_sum)
# wasm_package DIR [FEATURES]: builds one package unless its stamp says it is current.
wasm_package() {
  local pkg=$1 features=${2-} stamp=$1/.kplay-build-stamp
  if [ "$force" = 0 ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ] \
    && [ -f "$pkg/kplay.js" ] && [ -f "$pkg/kplay_bg.wasm" ]; then
    say "wasm package $pkg is up to date (inputs unchanged; --force rebuilds)"
  else
    say "wasm-pack build --release --target web ${features:+--features $features }-> $pkg/kplay.js, kplay_bg.wasm (wasm-opt: $(command -v wasm-opt))"
    rm -f "$stamp"
    # opt-level 2 (not the native 3): about as fast in wasm and ~10% smaller.
    CARGO_PROFILE_RELEASE_OPT_LEVEL=2 wasm-pack --log-level warn build --release --target web --out-dir "$pkg" --out-name kplay \
      ${features:+--features "$features"} || die "wasm-pack build failed"
    [ -f "$pkg/kplay_bg.wasm" ] || die "wasm-pack did not produce $pkg/kplay_bg.wasm"
    echo "$sum" > "$stamp"
  fi
  local wasm_bytes wasm_gz
  wasm_bytes=$(wc -c < "$pkg/kplay_bg.wasm")
  wasm_gz=$(gzip -9 -c "$pkg/kplay_bg.wasm" | wc -c)
  say "$pkg/kplay_bg.wasm: $wasm_bytes bytes ($wasm_gz gzipped)"
}
wasm_package www/pkg
wasm_package www/pkg-search search-api
[ "$bench" = 0 ] || wasm_package target/pkg-bench bench

# 2. The site. Always rebuilt: it takes about a second.
say "vite build www -> www/dist (base ./)"
vite build --config www/vite.config.js --logLevel warn || die "vite build failed"
[ -f www/dist/index.html ] || die "vite did not produce www/dist/index.html"
ls www/dist/assets/*.wasm >/dev/null 2>&1 || die "www/dist has no .wasm asset (is engine.js importing ../pkg?)"
node scripts/prerender.mjs www/dist || die "running the presets for www/dist/prerendered failed"
say "site ready in www/dist ($(find www/dist -type f | wc -l) files); serve it with: node scripts/serve.mjs"

# 3. The npm package (engine + widget) in pkg/, from the packages and the site above.
node scripts/build-package.mjs || die "assembling the npm package in pkg/ failed"
