#!/usr/bin/env bash
# Builds the browser version into dist/web/: index.html, second-look.js and second-look_bg.wasm, with
# the shipped cases built in. Copy the folder to any static web server (or serve it with
# `python3 -m http.server -d dist/web`). Prints the transfer size, raw and gzipped.
# Needs: the wasm32 target, wasm-bindgen-cli at the version in Cargo.lock, and a recent wasm-opt to
# shrink it (npm's binaryen); this script installs all three if they are missing.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/second-look-target}"
out=dist/web

rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown \
    || rustup target add wasm32-unknown-unknown
want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$want" ]; then
    cargo install wasm-bindgen-cli --version "$want"
fi

cargo build --locked --profile web --target wasm32-unknown-unknown --bin second-look
rm -rf "$out" && mkdir -p "$out"
wasm-bindgen --no-typescript --remove-name-section --remove-producers-section --target web \
    --out-dir "$out" --out-name second-look \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/web/second-look.wasm"
# wasm-opt shrinks the .wasm. Debian bookworm's (binaryen 108) is too old for what wasm-bindgen now
# emits (it breaks the externref table), so use a recent one: $WASM_OPT, or npm's binaryen package,
# installed once into the cache. WASM_OPT=none skips it (a quicker build to try something).
wasm_opt="${WASM_OPT:-}"
[ "$wasm_opt" = none ] && wasm_opt=""
if [ -z "$wasm_opt" ] && [ "${WASM_OPT:-}" != none ]; then
    cache="$HOME/.cache/second-look-binaryen"
    if [ ! -x "$cache/node_modules/.bin/wasm-opt" ] && command -v npm >/dev/null; then
        mkdir -p "$cache"
        [ -f "$cache/package.json" ] || echo '{"name":"second-look-binaryen","version":"1.0.0","private":true}' > "$cache/package.json"
        (cd "$cache" && npm install --silent binaryen@132) || true
    fi
    [ -x "$cache/node_modules/.bin/wasm-opt" ] && wasm_opt="$cache/node_modules/.bin/wasm-opt"
fi
if [ -n "$wasm_opt" ]; then
    "$wasm_opt" -Oz --strip-debug --strip-producers --enable-bulk-memory --enable-nontrapping-float-to-int \
        --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue \
        -o "$out/second-look_bg.wasm.opt" "$out/second-look_bg.wasm"
    mv "$out/second-look_bg.wasm.opt" "$out/second-look_bg.wasm"
elif [ "${WASM_OPT:-}" = none ]; then
    echo "note: WASM_OPT=none, so the .wasm is not shrunk"
else
    echo "note: no recent wasm-opt (npm's binaryen, or set WASM_OPT): the .wasm is not shrunk"
fi
cp web/index.html "$out/"

raw=$(cat "$out"/* | wc -c)
gz=$(for f in "$out"/*; do gzip -9 -c "$f"; done | wc -c)
echo "dist/web: $(( raw / 1024 )) KiB raw, $(( gz / 1024 )) KiB gzipped (target: under 10 MB gzipped)"
