#!/usr/bin/env bash
# Installs seedscope the way a user does: `npm pack`, then `npm install` of the
# tarball into an empty project, then the installed CLI. Proves the tarball
# carries what the CLI needs (compiled dist/src and dist/bench, the default zoo,
# the built-in stimuli, the native sources), that the addon builds at install
# with npm's hoisted cmake-js / node-addon-api, and that no devDependency is
# needed. Takes a few minutes (the addon is compiled from scratch).
set -euo pipefail

repo="$(cd "$(dirname "$0")/../.." && pwd)"
tmp="$(mktemp -d "${TMPDIR:-/tmp}/seedscope-pack.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
started=$SECONDS

# onnxruntime-node's postinstall would download CUDA libraries from
# api.nuget.org; the empty project has no allowScripts, so skip it the way the
# README tells users to (honoured by every npm version, no npm warning).
export ONNXRUNTIME_NODE_INSTALL=skip

echo "== npm pack"
(cd "$repo" && npm pack --json --pack-destination "$tmp") > "$tmp/pack.json"
tarball="$tmp/$(node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"))[0].filename)' "$tmp/pack.json")"
echo "$(basename "$tarball"): $(du -k "$tarball" | cut -f1) KiB"

echo "== npm install the tarball into an empty project"
mkdir "$tmp/project"
cd "$tmp/project"
npm init -y > /dev/null
npm install --no-audit --no-fund "$tarball"

echo "== npx seedscope info --json"
npx --no seedscope info --json > info.json
node -e '
  const info = JSON.parse(require("fs").readFileSync("info.json", "utf8"));
  if (!["cmake-js", "node-gyp"].includes(info.build)) throw new Error("info lists no native build: " + JSON.stringify(info.build));
  console.log(`seedscope ${info.version}: ${info.build} build, ${info.isa}`);
'

echo "== npx seedscope run --per-class 20 --permutations 20 --bootstrap 20"
npx --no seedscope run --per-class 20 --permutations 20 --bootstrap 20 -o out --quiet
test -f out/results.json || { echo "out/results.json is missing" >&2; exit 1; }
node -e '
  const r = JSON.parse(require("fs").readFileSync("out/results.json", "utf8"));
  if (r.stimuli?.per_class !== 20) throw new Error("results.json stimuli.per_class is " + JSON.stringify(r.stimuli?.per_class) + ", not 20");
  console.log(`results.json: ${r.stimuli.n} stimuli, per_class ${r.stimuli.per_class}`);
'

echo "pack-install: ok in $((SECONDS - started)) s"
