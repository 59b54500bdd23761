#!/usr/bin/env bash
# Builds the browser version into dist/web/: index.html, second-look.js and second-look_bg.wasm, with
# the shipped cases built in. Copy the folder to any static web server (or serve it with
# `python3 -m http.server -d dist/web`). Prints the transfer size, raw and gzipped.
# Needs: the wasm32 target (rustup target add wasm32-unknown-unknown), wasm-bindgen-cli at the version
# in Cargo.lock, and wasm-opt (Debian's binaryen) to shrink it; this script installs the first two.
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
wasm-bindgen --no-typescript --target web --out-dir "$out" --out-name second-look \
    "$CARGO_TARGET_DIR/wasm32-unknown-unknown/web/second-look.wasm"
if command -v wasm-opt >/dev/null; then
    wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
        --enable-mutable-globals --enable-reference-types \
        -o "$out/second-look_bg.wasm.opt" "$out/second-look_bg.wasm"
    mv "$out/second-look_bg.wasm.opt" "$out/second-look_bg.wasm"
else
    echo "note: wasm-opt not found (apt-get install binaryen): the .wasm is not shrunk"
fi
cp web/index.html "$out/"

raw=$(cat "$out"/* | wc -c)
gz=$(for f in "$out"/*; do gzip -9 -c "$f"; done | wc -c)
echo "dist/web: $(( raw / 1024 )) KiB raw, $(( gz / 1024 )) KiB gzipped (target: under 10 MB gzipped)"
