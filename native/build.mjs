#!/usr/bin/env node
// Builds the native addon during `npm install`: cmake-js where CMake exists,
// node-gyp (binding.gyp) otherwise. Neither touches the network: cmake-js takes
// Node-API headers from node-api-headers ("binary.napi_versions" in package.json),
// node-gyp from the local Node installation (npm's nodedir).
// SEEDSCOPE_BUILD=node-gyp|cmake-js forces one; build/build-info.json records which ran.
// Build tools are found through Node's module resolution from this file, never
// at a fixed path: installed as a dependency, npm hoists cmake-js next to
// seedscope rather than into seedscope/node_modules.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

function has(cmd) {
  const r = spawnSync(cmd, ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

function run(cmd, args) {
  process.stderr.write(`seedscope: ${cmd} ${args.join(' ')}\n`);
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: process.env });
  return r.status === 0;
}

/** The file a package's `bin` entry names, resolved from here (wherever npm put the package). */
function binOf(pkg, name) {
  const manifest = require.resolve(`${pkg}/package.json`);
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8'));
  const rel = typeof bin === 'string' ? bin : bin?.[name];
  if (!rel) throw new Error(`seedscope: ${pkg} (${manifest}) declares no "${name}" bin`);
  return join(dirname(manifest), rel);
}

function nodeGypCommand() {
  // npm exports the path of its bundled node-gyp to lifecycle scripts.
  const fromNpm = process.env.npm_config_node_gyp;
  if (fromNpm && existsSync(fromNpm)) return [process.execPath, [fromNpm]];
  try {
    const npmDir = dirname(dirname(require.resolve('npm/package.json', { paths: ['/usr/lib/node_modules', '/usr/local/lib/node_modules'] })));
    const gyp = join(npmDir, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js');
    if (existsSync(gyp)) return [process.execPath, [gyp]];
  } catch { /* fall through */ }
  return ['node-gyp', []];
}

const forced = process.env.SEEDSCOPE_BUILD;
const useCmake = forced ? forced === 'cmake-js' : has('cmake');
let ok;
if (useCmake) {
  const cmakeJs = binOf('cmake-js', 'cmake-js');
  ok = run(process.execPath, [cmakeJs, 'compile', '--config', 'Release', '--out', 'build']);
} else {
  process.stderr.write('seedscope: CMake not found, falling back to node-gyp with binding.gyp\n');
  const [cmd, pre] = nodeGypCommand();
  // Use the local Node headers (never download them): npm's nodedir, or the
  // prefix of the running node when it ships include/node.
  const prefix = dirname(dirname(process.execPath));
  const nodedir = process.env.npm_config_nodedir ||
    (existsSync(join(prefix, 'include', 'node', 'node_api.h')) ? prefix : undefined);
  ok = run(cmd, [...pre, 'rebuild', '--release', '--jobs=max', ...(nodedir ? [`--nodedir=${nodedir}`] : [])]);
}
if (!ok) {
  process.stderr.write('seedscope: native build failed (see the compiler output above)\n');
  process.exit(1);
}
mkdirSync(join(root, 'build'), { recursive: true });
writeFileSync(join(root, 'build', 'build-info.json'),
  JSON.stringify({ build: useCmake ? 'cmake-js' : 'node-gyp', type: 'Release', built_at: new Date().toISOString() }, null, 2) + '\n');
process.stderr.write(`seedscope: native addon built with ${useCmake ? 'cmake-js' : 'node-gyp'}\n`);
