// The small helpers every layer shares: isRecord (src/core/isRecord.ts), the guard before reading
// a key of untyped data, sleep (src/core/sleep.ts), the one wait that an abort ends, and excerpt
// (src/core/excerpt.ts), a value as a message quotes it.

import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { afterEach, beforeEach, describe, it, mock } from 'node:test';
import { excerpt } from '../../src/core/excerpt';
import { isRecord } from '../../src/core/isRecord';
import { sleep } from '../../src/core/sleep';

describe('isRecord', () => {
  it('is true for mappings only', () => {
    for (const v of [{}, { a: 1 }, Object.create(null) as object, JSON.parse('{"x":[1]}') as object]) assert.equal(isRecord(v), true, JSON.stringify(v));
    // A Date is what YAML 1.1 makes of `2024-01-01`: a value, not a mapping.
    for (const v of [null, undefined, [], [1], 'x', 1, true, new Date(0)]) assert.equal(isRecord(v), false, String(v));
  });
});

describe('sleep', () => {
  beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
  afterEach(() => mock.timers.reset());

  /** Whether the promise has settled, after the microtasks queued so far have run. */
  async function settled(p: Promise<void>): Promise<boolean> {
    let done = false;
    void p.then(() => (done = true));
    await Promise.resolve();
    await Promise.resolve();
    return done;
  }

  it('resolves once the time has passed, not before', async () => {
    const p = sleep(1000);
    mock.timers.tick(999);
    assert.equal(await settled(p), false);
    mock.timers.tick(1);
    assert.equal(await settled(p), true);
  });

  it('resolves (never rejects) as soon as the signal aborts, or at once when it has', async () => {
    const abort = new AbortController();
    const p = sleep(60_000, abort.signal);
    assert.equal(await settled(p), false);
    abort.abort(new Error('stop'));
    assert.equal(await settled(p), true);
    assert.equal(await settled(sleep(60_000, abort.signal)), true);
  });

  it('leaves no listener on a long-lived signal once the wait is over', async () => {
    // A poll loop sleeps hundreds of times on one job's signal: each wait must take its listener away.
    const abort = new AbortController();
    for (let i = 0; i < 3; i++) {
      const p = sleep(1000, abort.signal);
      assert.equal(getEventListeners(abort.signal, 'abort').length, 1);
      mock.timers.tick(1000);
      await p;
    }
    assert.equal(getEventListeners(abort.signal, 'abort').length, 0);
  });

  it('resolves at once for no time at all', async () => {
    assert.equal(await settled(sleep(0)), true);
    assert.equal(await settled(sleep(-5)), true);
    assert.equal(await settled(sleep(Number.NaN)), true);
  });
});

describe('excerpt', () => {
  it('quotes a value of up to max characters whole', () => {
    assert.equal(excerpt(''), '');
    assert.equal(excerpt('x'.repeat(80)), 'x'.repeat(80));
    assert.equal(excerpt('abcde', 5), 'abcde');
  });

  it('cuts a longer value to max characters, the ellipsis included', () => {
    assert.equal(excerpt('x'.repeat(81)), `${'x'.repeat(79)}…`);
    assert.equal(excerpt('abcdef', 5), 'abcd…');
    // A 5 MB value still makes a one-line message; a character after the cut changes nothing.
    assert.equal(excerpt(`${'a'.repeat(100)}😀${'b'.repeat(5_000_000)}`), `${'a'.repeat(79)}…`);
  });

  it('never splits a surrogate pair: an emoji at the cut is left out whole', () => {
    // 'abc😀def' in UTF-16: a b c \uD83D \uDE00 d e f; with max 5 the cut falls inside the emoji.
    assert.equal(excerpt('abc😀def', 5), 'abc…');
    assert.equal(excerpt(`${'x'.repeat(78)}😀${'y'.repeat(10)}`), `${'x'.repeat(78)}…`);
    // An emoji wholly before the cut is kept.
    assert.equal(excerpt('ab😀cdef', 5), 'ab😀…');
  });
});
