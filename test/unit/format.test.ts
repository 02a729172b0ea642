// Sizes, durations and ages as the tree, the CLI, the notifications, the model card and its panel show
// them: one format each (src/core/format.ts).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatAge, formatBytes, formatDuration } from '../../src/core/format';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

describe('formatBytes: IEC units, named as such', () => {
  const table: Array<[number, string]> = [
    [0, '0 B'],
    [1, '1 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [10 * KiB, '10 KiB'],
    [1023 * KiB, '1023 KiB'],
    // 1023.96 KiB would round to "1024 KiB": the next unit says it better.
    [MiB - 40, '1 MiB'],
    [MiB, '1 MiB'],
    [3.25 * MiB, '3.3 MiB'],
    [64 * MiB, '64 MiB'],
    [130.4 * MiB, '130 MiB'],
    [1.5 * GiB, '1.5 GiB'],
    [2048 * GiB, '2 TiB'],
    [5 * 1024 * 1024 * GiB, '5 PiB'],
    // PiB is the largest unit: nothing is said in a unit past it.
    [1024 * 1024 * 1024 * GiB, '1024 PiB'],
    [3000 * 1024 * 1024 * GiB, '3000 PiB'],
    [512.7, '513 B'],
    [Number.NaN, '0 B'],
    [-5, '0 B'],
  ];
  for (const [bytes, text] of table) {
    it(`${bytes} → ${text}`, () => assert.equal(formatBytes(bytes), text));
  }

  it('never says KB, MB or kB (1000-based names) for 1024-based values', () => {
    for (const n of [1500, 2 * MiB + 5, 3 * GiB]) assert.match(formatBytes(n), / (KiB|MiB|GiB)$/);
  });
});

describe('formatDuration: one format for training times, timelines and limits', () => {
  const table: Array<[number, string]> = [
    [0, '0 s'],
    [42, '42 s'],
    [59.6, '1 min'],
    [60, '1 min'],
    [312, '5 min 12 s'],
    [1480, '24 min 40 s'],
    [3599, '59 min 59 s'],
    [3600, '1 h'],
    [3723, '1 h 02 min'],
    [5400, '1 h 30 min'],
    [86400, '24 h'],
    [28 * 86400, '672 h'],
    [-3, '0 s'],
  ];
  for (const [seconds, text] of table) {
    it(`${seconds} s → ${text}`, () => assert.equal(formatDuration(seconds), text));
  }
});

describe('formatAge: how long ago, rounded down', () => {
  const now = new Date('2026-11-26T09:00:00Z');
  const ago = (seconds: number) => formatAge(new Date(now.getTime() - seconds * 1000), now);
  const table: Array<[number, string]> = [
    [0, '0 s ago'],
    [42, '42 s ago'],
    [59, '59 s ago'],
    [60, '1 min ago'],
    [119, '1 min ago'],
    [3599, '59 min ago'],
    [3600, '1 h ago'],
    [86399, '23 h ago'],
    [86400, '1 day ago'],
    [3 * 86400 + 5, '3 days ago'],
    // A job created by a clock ahead of this one.
    [-30, '0 s ago'],
  ];
  for (const [seconds, text] of table) {
    it(`${seconds} s → ${text}`, () => assert.equal(ago(seconds), text));
  }
});
