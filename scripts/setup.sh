#!/usr/bin/env bash
# Installs what kplay's build and tests need, and only what is missing.
#
#   scripts/setup.sh            what `npm start` needs: wasm target, wasm-bindgen-cli,
#                               wasm-pack, node_modules
#   scripts/setup.sh --test     the above plus Debian's chromium and chromium-driver
#
# Every step checks first and skips when already satisfied, so a second run takes a
# second or two. Nothing is downloaded from anywhere but the package registries
# (crates.io, the npm registry, Debian's archive): no prebuilt binaries, no browser
# downloads. When something cannot be installed the script stops and says what is
# missing and how to install it by hand.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

want_browser=0
for arg in "$@"; do
  case "$arg" in
    --test) want_browser=1 ;;
    *) echo "setup: unknown argument '$arg' (known: --test)" >&2; exit 2 ;;
  esac
done

say() { printf 'setup: %s\n' "$*"; }
die() {
  printf 'setup: error: %s\n' "$1" >&2
  [ $# -gt 1 ] && printf 'setup: to install it by hand: %s\n' "$2" >&2
  exit 1
}

# cargo-installed tools land here; make sure this shell (and the caller's) sees them.
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

command -v cargo >/dev/null || die "cargo (Rust) is not installed" \
  "curl https://sh.rustup.rs -sSf | sh   (then open a new shell)"
command -v npm >/dev/null || die "npm (Node.js 20+) is not installed" \
  "apt-get install -y nodejs npm   (or see https://nodejs.org)"

# 1. The wasm32 target.
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  command -v rustup >/dev/null || die "the wasm32-unknown-unknown target is missing and rustup is not available" \
    "install the target for your toolchain, e.g. rustup target add wasm32-unknown-unknown"
  say "installing Rust target wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

# 1b. For the lint layer: rustfmt and clippy (rustup components of the same toolchain).
if [ "$want_browser" = 1 ]; then
  for comp in rustfmt clippy; do
    bin=$([ "$comp" = clippy ] && echo cargo-clippy || echo rustfmt)
    if ! command -v "$bin" >/dev/null; then
      command -v rustup >/dev/null || die "$comp is missing and rustup is not available" "install the $comp component for your toolchain"
      say "installing Rust component $comp"
      rustup component add "$comp"
    fi
  done
fi

# 2. wasm-bindgen-cli at exactly the version the crate links (Cargo.lock).
bindgen_version=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
[ -n "$bindgen_version" ] || die "could not read the wasm-bindgen version from Cargo.lock"
have_bindgen=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [ "$have_bindgen" != "$bindgen_version" ]; then
  say "installing wasm-bindgen-cli $bindgen_version (found: ${have_bindgen:-none}); this takes a few minutes once"
  cargo install wasm-bindgen-cli --version "$bindgen_version" --force \
    || die "cargo install wasm-bindgen-cli failed" "cargo install wasm-bindgen-cli --version $bindgen_version"
fi

# 3. wasm-pack.
if ! command -v wasm-pack >/dev/null; then
  say "installing wasm-pack from crates.io; this takes a few minutes once"
  cargo install wasm-pack || die "cargo install wasm-pack failed" "cargo install wasm-pack"
fi

# 4. node_modules, from the committed lockfile. A stamp of the lockfile's checksum makes
#    the check instant when nothing changed.
lock_sum=$(cksum package-lock.json | awk '{print $1}')
stamp=node_modules/.kplay-lock-stamp
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$lock_sum" ]; then
  say "installing node_modules (npm ci)"
  npm ci --no-audit --no-fund || die "npm ci failed" "npm ci"
  echo "$lock_sum" > "$stamp"
fi

# 5. For the browser test layers: Debian's chromium and its chromedriver.
if [ "$want_browser" = 1 ]; then
  missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ -x /usr/bin/chromedriver ] || missing+=(chromium-driver)
  if [ ${#missing[@]} -gt 0 ]; then
    command -v apt-get >/dev/null || die "${missing[*]} missing and apt-get is not available" \
      "install Chromium and a matching ChromeDriver at /usr/bin/chromium and /usr/bin/chromedriver"
    sudo=""
    if [ "$(id -u)" != 0 ]; then
      command -v sudo >/dev/null || die "${missing[*]} missing and installing needs root" \
        "sudo apt-get update && sudo apt-get install -y chromium chromium-driver"
      sudo="sudo"
    fi
    say "installing ${missing[*]} from Debian (apt-get)"
    $sudo apt-get update -qq || die "apt-get update failed" "apt-get update && apt-get install -y chromium chromium-driver"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium chromium-driver >/dev/null \
      || die "apt-get install chromium chromium-driver failed" "apt-get install -y chromium chromium-driver"
  fi
fi

say "ready"
