// The Job dashboard chart's geometry (core/metrics/chartLayout.ts), in node: the axes' range over several
// series (non-finite values left out, a flat or single-point range widened), where each point lands on the
// canvas, how the points of one pixel column are reduced to first, min, max and last, how a non-finite value
// breaks the line between pixel columns (one gap, none before the first point, none inside a column), the
// buffer that bounds a chart's cost to its width, and the y axis's round ticks.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { extents, layoutLine, niceTicks } from '../../src/core/metrics/chartLayout';
import type { SeriesPoint } from '../../src/core/metrics/metricSeries';

/** A layout's [x, y] pairs (NaN pairs are the gaps). */
function pairs(xy: Float32Array): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let k = 0; k + 1 < xy.length; k += 2) out.push([xy[k]!, xy[k + 1]!]);
  return out;
}

/** Points at t = column, column + 0.1, …: all in one pixel column when x maps one unit to one pixel. */
function column(col: number, values: number[]): SeriesPoint[] {
  return values.map((v, i) => [col + i / 10, v]);
}

// x 0–10 on 10 pixels and y 0–10 on 10 pixels from the top-left corner: a point (t, v) lands at (t, 10 - v).
const UNIT = { x: { min: 0, max: 10 }, y: { min: 0, max: 10 }, area: { left: 0, top: 0, width: 10, height: 10 } };
const unitLayout = (points: SeriesPoint[]) => pairs(layoutLine(points, UNIT.x, UNIT.y, UNIT.area));

describe('extents', () => {
  it('spans the finite points of every series; NaN and infinite values stretch neither axis', () => {
    assert.deepEqual(
      extents([
        [
          [10, 2],
          [30, NaN],
          [20, 8],
        ],
        [
          [5, Infinity],
          [15, -1],
          [12, 3],
        ],
        [],
      ]),
      { x: { min: 10, max: 20 }, y: { min: -1, max: 8 } },
    );
  });

  it('is undefined when no series has a finite point', () => {
    assert.equal(extents([]), undefined);
    assert.equal(extents([[], [[1, NaN]], [[2, -Infinity]]]), undefined);
  });

  it('widens a single time by one millisecond and a flat value by 10 % either side (±1 around zero)', () => {
    assert.deepEqual(extents([[[100, 5]]]), { x: { min: 100, max: 101 }, y: { min: 4.5, max: 5.5 } });
    assert.deepEqual(
      extents([
        [
          [1, -5],
          [2, -5],
        ],
      ]),
      { x: { min: 1, max: 2 }, y: { min: -5.5, max: -4.5 } },
    );
    assert.deepEqual(
      extents([
        [
          [1, 0],
          [2, 0],
        ],
      ]),
      { x: { min: 1, max: 2 }, y: { min: -1, max: 1 } },
    );
  });
});

describe('layoutLine', () => {
  it('puts each point at its place in the plot area, y growing downwards', () => {
    const xy = layoutLine(
      [
        [10, 2],
        [15, 3],
        [20, 4],
      ],
      { min: 10, max: 20 },
      { min: 2, max: 4 },
      { left: 5, top: 3, width: 100, height: 50 },
    );
    assert.deepEqual(pairs(xy), [
      [5, 53],
      [55, 28],
      [105, 3],
    ]);
  });

  it('reduces a pixel column to its first, lowest, highest and last values, each once', () => {
    const points = [
      ...column(0, [5, 1, 9, 3]), // all four differ
      ...column(1, [5, 1]), // the lowest is the last
      ...column(2, [1, 5]), // the lowest is the first
      ...column(3, [5, 9, 5]), // the last is the first
      ...column(4, [5, 9]), // the highest is the last
      ...column(5, [9, 5]), // the highest is the first
      ...column(6, [5, 5, 5]), // flat
      ...column(7, [5, 1, 5]),
      ...column(8, [5, 9, 1, 5]),
    ];
    assert.deepEqual(unitLayout(points), [
      [0, 5],
      [0, 9],
      [0, 1],
      [0, 7],
      [1, 5],
      [1, 9],
      [2, 9],
      [2, 5],
      [3, 5],
      [3, 1],
      [4, 5],
      [4, 1],
      [5, 1],
      [5, 5],
      [6, 5],
      [7, 5],
      [7, 9],
      [8, 5],
      [8, 9],
      [8, 1],
    ]);
  });

  it('marks one gap for a run of non-finite values, none before the first point', () => {
    const gap: [number, number] = [NaN, NaN];
    assert.deepEqual(
      unitLayout([
        [0, NaN],
        [1, 5],
        [2, NaN],
        [3, -Infinity],
        [4, 5],
        [5, Infinity],
      ]),
      [[1, 5], gap, [4, 5], gap],
    );
  });

  it('does not mark a gap narrower than a pixel column', () => {
    assert.deepEqual(unitLayout([...column(0, [5, NaN, 1]), ...column(1, [5, Infinity])]), [
      [0, 5],
      [0, 9],
      [1, 5],
      [NaN, NaN],
    ]);
  });

  it('draws a line broken at every other point to its end, at the cost of its width', () => {
    const points: SeriesPoint[] = Array.from({ length: 100_000 }, (_, i) => [i, i % 2 === 0 ? 1 : NaN]);
    const xy = layoutLine(points, { min: 0, max: 99_999 }, { min: 0, max: 2 }, { left: 0, top: 0, width: 100, height: 50 });
    // 101 pixel columns, at most four points and a gap each.
    assert.ok(xy.length <= 101 * 5 * 2 + 16, `${xy.length / 2} points`);
    assert.equal(xy.at(-4), 100);
  });

  it('has room for four points and a gap in every pixel column', () => {
    // x 0–3 on 3 pixels: 4 columns, each with four distinct values and a gap after it.
    const x = { min: 0, max: 3 };
    const area = { left: 0, top: 0, width: 3, height: 10 };
    const points = [0, 1, 2, 3].flatMap((c): SeriesPoint[] => [...column(c, [5, 1, 9, 3]), [c + 0.45, NaN]]);
    const full = (c: number): Array<[number, number]> => [
      [c, 5],
      [c, 9],
      [c, 1],
      [c, 7],
      [NaN, NaN],
    ];
    assert.deepEqual(pairs(layoutLine(points, x, UNIT.y, area)), [0, 1, 2, 3].flatMap(full));
  });
});

describe('niceTicks', () => {
  it('steps 1, 2 or 5 times a power of ten from the first multiple at or above min to max', () => {
    assert.deepEqual(niceTicks(10, 20, 5), [10, 12, 14, 16, 18, 20]);
    assert.deepEqual(niceTicks(0.3, 1.05, 4), [0.4, 0.6, 0.8, 1]);
  });

  it('keeps the top tick of a narrow range far from zero', () => {
    assert.deepEqual(niceTicks(1e9, 1e9 + 10, 5), [1e9, 1e9 + 2, 1e9 + 4, 1e9 + 6, 1e9 + 8, 1e9 + 10]);
  });

  it('gives back min alone for an empty, reversed or non-finite range', () => {
    assert.deepEqual(niceTicks(1, 1), [1]);
    assert.deepEqual(niceTicks(5, 1), [5]);
    assert.deepEqual(niceTicks(NaN, 1), [NaN]);
    assert.deepEqual(niceTicks(0, Infinity), [0]);
    assert.deepEqual(niceTicks(-Infinity, 0), [-Infinity]);
  });
});
