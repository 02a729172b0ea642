// The Job dashboard's frame scheduler (core/metrics/drawQueue.ts): a frame draws from the front of the
// queue until its budget is spent and at least one chart; every queued chart is drawn eventually, a chart
// that changes on every update does not starve the others, and a draw always shows the newest data. The
// clock is a counter the draws advance: no timing is measured.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DrawQueue } from '../../src/core/metrics/drawQueue';

/** A chart stand-in: its data version, and the versions its draws showed. */
interface Chart {
  name: string;
  version: number;
  shown: number[];
}

function chart(name: string): Chart {
  return { name, version: 0, shown: [] };
}

/** A clock each draw advances by `costMs`. */
function fakeClock(costMs: number) {
  let t = 1000;
  return {
    now: () => t,
    draw: (c: Chart) => {
      c.shown.push(c.version);
      t += costMs;
    },
  };
}

describe('DrawQueue', () => {
  it('draws at least one item a frame, even when one draw costs more than the budget', () => {
    const q = new DrawQueue<Chart>();
    const [a, b] = [chart('a'), chart('b')];
    q.add(a);
    q.add(b);
    const clock = fakeClock(30);
    assert.deepEqual(
      q.drawFrame(clock.draw, { budgetMs: 8 }, clock.now).map((c) => c.name),
      ['a'],
    );
    assert.deepEqual(
      q.drawFrame(clock.draw, { budgetMs: 8 }, clock.now).map((c) => c.name),
      ['b'],
    );
    assert.equal(q.size, 0);
    assert.deepEqual(q.drawFrame(clock.draw, { budgetMs: 8 }, clock.now), []);
  });

  it('draws one item even when the frame has no budget left at all', () => {
    const q = new DrawQueue<Chart>();
    const [a, b] = [chart('a'), chart('b')];
    q.add(a);
    q.add(b);
    const clock = fakeClock(0);
    assert.deepEqual(
      q.drawFrame(clock.draw, { budgetMs: 0, afterEachMs: 4 }, clock.now).map((c) => c.name),
      ['a'],
    );
    assert.deepEqual(a.shown, [0]);
    assert.equal(q.size, 1);
  });

  it('draws as many as the budget allows, in the order they were queued', () => {
    const q = new DrawQueue<Chart>();
    const charts = ['a', 'b', 'c', 'd', 'e'].map(chart);
    for (const c of charts) q.add(c);
    const clock = fakeClock(3);
    // 0, 3, 6 ms into the frame: three start before 8 ms have passed, the fourth would start at 9.
    assert.deepEqual(
      q.drawFrame(clock.draw, { budgetMs: 8 }, clock.now).map((c) => c.name),
      ['a', 'b', 'c'],
    );
    assert.deepEqual(
      q.drawFrame(clock.draw, { budgetMs: 8 }, clock.now).map((c) => c.name),
      ['d', 'e'],
    );
  });

  it('counts what each drawn item costs after the frame against the budget', () => {
    const q = new DrawQueue<Chart>();
    const charts = ['a', 'b', 'c', 'd', 'e', 'f'].map(chart);
    for (const c of charts) q.add(c);
    const clock = fakeClock(1);
    // Draws cost 1 ms and each commit 4 ms: the third would start at 2 + 8 = 10 ms of a 10 ms budget.
    assert.deepEqual(
      q.drawFrame(clock.draw, { budgetMs: 10, afterEachMs: 4 }, clock.now).map((c) => c.name),
      ['a', 'b'],
    );
    // Without the commits counted, all six fit in 10 ms.
    assert.deepEqual(
      q.drawFrame(clock.draw, { budgetMs: 10 }, clock.now).map((c) => c.name),
      ['c', 'd', 'e', 'f'],
    );
  });

  it('keeps a waiting item in its place when it is queued again, and draws its newest data', () => {
    const q = new DrawQueue<Chart>();
    const [loss, gpu, cpu] = [chart('loss'), chart('gpu'), chart('cpu')];
    q.add(loss);
    q.add(gpu);
    q.add(cpu);
    const clock = fakeClock(20);
    q.drawFrame(clock.draw, { budgetMs: 8 }, clock.now); // loss
    // Two updates arrive before the next frame: both touch loss and gpu.
    for (let update = 0; update < 2; update++) {
      for (const c of [loss, gpu]) {
        c.version++;
        q.add(c);
      }
    }
    // gpu waited longest, then cpu, then loss (queued again after it was drawn).
    const order = [
      q.drawFrame(clock.draw, { budgetMs: 8 }, clock.now),
      q.drawFrame(clock.draw, { budgetMs: 8 }, clock.now),
      q.drawFrame(clock.draw, { budgetMs: 8 }, clock.now),
    ].flat();
    assert.deepEqual(
      order.map((c) => c.name),
      ['gpu', 'cpu', 'loss'],
    );
    // Each draw showed the data the chart had then: gpu and loss their version 2, never an older one.
    assert.deepEqual(gpu.shown, [2]);
    assert.deepEqual(loss.shown, [0, 2]);
    assert.deepEqual(cpu.shown, [0]);
  });

  it('never starves an item while another is queued again on every frame', () => {
    const q = new DrawQueue<Chart>();
    const hot = chart('hot');
    const waiting = ['s1', 's2', 's3', 's4', 's5'].map(chart);
    q.add(hot);
    for (const c of waiting) q.add(c);
    const clock = fakeClock(20);
    for (let frame = 0; frame < 12; frame++) {
      // An update touches the hot chart before every frame.
      hot.version++;
      q.add(hot);
      q.drawFrame(clock.draw, { budgetMs: 8 }, clock.now);
    }
    for (const c of waiting) assert.deepEqual(c.shown, [0], `${c.name} was drawn once`);
    // The hot chart is drawn about every sixth frame, each time with the data it had then.
    assert.ok(hot.shown.length >= 2, `hot drawn ${hot.shown.length} times`);
    assert.deepEqual(
      hot.shown,
      [...hot.shown].sort((x, y) => x - y),
    );
  });

  it('does not draw an item queued again by a draw in the same frame', () => {
    const q = new DrawQueue<Chart>();
    const a = chart('a');
    q.add(a);
    const clock = fakeClock(0);
    const drawn = q.drawFrame(
      (c) => {
        clock.draw(c);
        q.add(c);
      },
      { budgetMs: 8 },
      clock.now,
    );
    assert.deepEqual(drawn, [a]);
    assert.equal(q.size, 1);
  });

  it('skips an item removed while the frame draws', () => {
    const q = new DrawQueue<Chart>();
    const [a, b, c] = [chart('a'), chart('b'), chart('c')];
    for (const x of [a, b, c]) q.add(x);
    const clock = fakeClock(0);
    const drawn = q.drawFrame(
      (x) => {
        clock.draw(x);
        if (x === a) q.remove(b);
      },
      { budgetMs: 8 },
      clock.now,
    );
    assert.deepEqual(
      drawn.map((x) => x.name),
      ['a', 'c'],
    );
    assert.equal(b.shown.length, 0);
    assert.equal(q.has(b), false);
  });
});
