import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFloors } from '../../bench/runFloors.js';
import { loadStimuli } from '../../src/stimuli/loadStimuli.js';
import { resolveLayers } from '../../src/zoo/resolveLayers.js';
import { loadZoo } from '../../src/zoo/zoo.js';
import { tinyZoo } from '../helpers/fixtures.js';

test('bench run floors: every phase with a kernel gets wall and CPU seconds; without permutations or bootstrap those are absent', async () => {
  const zoo = loadZoo(tinyZoo);
  const stimuli = await loadStimuli('builtin:fmnist-1000', zoo.input, { perClass: 3 });
  const layers = await resolveLayers(zoo, []);
  const f = await runFloors({ zoo, stimuli, layers, permutations: 20, bootstrap: 10, threads: 1 });
  for (const phase of ['extraction', 'rdms', 'consistency', 'bootstrap', 'mantel', 'second_order'] as const) {
    assert.ok(typeof f.wall[phase] === 'number' && f.wall[phase]! > 0, `wall ${phase}`);
    assert.ok(typeof f.cpu[phase] === 'number' && f.cpu[phase]! >= 0, `cpu ${phase}`);
  }
  const none = await runFloors({ zoo, stimuli, layers, permutations: 0, bootstrap: 0, threads: 1 });
  assert.equal(none.wall.mantel, undefined);
  assert.equal(none.wall.bootstrap, undefined);
  assert.ok(none.wall.consistency! > 0);
});
