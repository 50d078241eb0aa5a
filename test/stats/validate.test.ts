import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UserError } from '../../src/errors.js';
import { checkComparable } from '../../src/stats/validate.js';

const rdm = (values: number[], name: string) => ({ values: Float64Array.from(values), name });

test('checkComparable: NaN and ±inf entries are left out of a pair, and fewer than 3 shared finite entries are refused naming both RDMs', () => {
  const a = rdm([1, 2, 3, 4, 5], 'a.npy');
  // finite in both at positions 0, 1 only
  const b = rdm([1, 5, Infinity, NaN, -Infinity], 'b.npy');
  assert.throws(() => checkComparable([a, b]), (e: Error) => e instanceof UserError && e.message.includes('a.npy and b.npy: only 2 entries'));
  // three shared finite entries are enough
  const c = rdm([1, 5, 2, NaN, Infinity], 'c.npy');
  assert.doesNotThrow(() => checkComparable([a, c]));
  // all finite: no pair is counted
  assert.doesNotThrow(() => checkComparable([a, rdm([5, 1, 2, 3, 9], 'd.npy')]));
});

test('checkComparable: an RDM constant over its finite entries is refused', () => {
  assert.throws(() => checkComparable([rdm([1, 2, 3], 'a'), rdm([7, Infinity, 7], 'flat.npy')]), /flat\.npy: expected an RDM whose finite entries are not all equal/);
});
