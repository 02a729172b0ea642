// The log cursor and the tail's policy alone (plain node, no AWS): a simulated CloudWatch Logs group
// whose events become visible in ingestion order, carry older timestamps than their neighbours, share
// timestamps, arrive on streams that start late, and are read with pages that fail and are retried.
// The same code against moto through the real SDK clients is in logTail.test.ts; this file is apart
// so that mutation testing (docs/MUTATION.md) runs the seconds-long moto file only for the mutants of
// src/core/logs that these tests leave alive.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { awsFailureKind } from '../../src/aws/awsErrors';
import type { AwsFailureKind } from '../../src/aws/awsErrors';
import { HistoryLimit, hostLabel, LogCursor, mergeByTimestamp } from '../../src/core/logs/logCursor';
import type { CloudWatchLogEvent, LogLine, OverlapSettings } from '../../src/core/logs/logCursor';
import { backoffDelayMs, DEFAULT_TAIL_POLICY, isTransientFailure, retryDelayMs, tailPolicy } from '../../src/core/logs/tailPolicy';
import { seededRandom } from '../emulators/faultProxy';
import { SimulatedLogGroup } from './simulatedLogGroup';
import type { SimEvent } from './simulatedLogGroup';

// ---------------------------------------------------------------------------------------------------
// 1. The cursor against a simulated CloudWatch Logs group
// ---------------------------------------------------------------------------------------------------

interface SimRun {
  delivered: LogLine[];
  cursor: LogCursor;
}

/**
 * Polls the group the way the tail does, on a simulated clock: every request takes time (events keep
 * arriving while a poll pages), some requests fail before or after the service answered (the page is
 * then not accepted and is asked again with the same token), and the poll's duration is measured
 * from the first request to the last answer.
 */
function simulateTail(
  group: SimulatedLogGroup,
  options: {
    job: string;
    startAt: number;
    until: number;
    pollEveryMs: number;
    pageLimit: number;
    failRate: number;
    rng: () => number;
    overlap: OverlapSettings;
    cursor?: LogCursor;
    /** Detach at this time, in the middle of whatever poll is under way (like an abort). */
    detachAt?: number;
    /** Note the service's clock from each answer, as the tail does from Date headers. */
    serviceClock?: boolean;
  },
): SimRun {
  const cursor = options.cursor ?? new LogCursor(options.job, 0, options.overlap);
  const delivered: LogLine[] = [];
  let now = options.startAt;
  // Like the tail's final flush: past `until`, poll until a poll holds nothing back.
  // Past `until` only held-back lines keep it polling, and they come with the next poll: a cursor that
  // keeps holding lines back for 100 polls is broken, and fails here rather than spinning until a timeout.
  let flushPolls = 0;
  while (now <= options.until || cursor.heldBackByLastCompletedPoll() > 0) {
    if (now > options.until && ++flushPolls > 100) throw new Error(`the cursor still holds ${cursor.heldBackByLastCompletedPoll()} lines back after 100 polls past the end`);
    let token: string | undefined;
    const started = now;
    cursor.beginPoll();
    for (;;) {
      now += 5 + Math.floor(options.rng() * 60);
      if (options.rng() < options.failRate) {
        now += 200; // throttled: back off, ask again
        continue;
      }
      const computedAt = now;
      const page = group.query(now, cursor.queryStart(), token, options.pageLimit);
      now += 5 + Math.floor(options.rng() * 60);
      if (options.rng() < options.failRate) continue; // the answer was lost on the way back
      // The answer's Date header, a little under the time the service computed the page.
      if (options.serviceClock) cursor.noteServiceTime(computedAt - Math.floor(options.rng() * 1000));
      delivered.push(...cursor.acceptPage(page.events));
      if (options.detachAt !== undefined && now > options.detachAt) return { delivered, cursor };
      token = page.nextToken;
      if (!token) break;
    }
    cursor.completePoll(now - started);
    now += options.pollEveryMs;
  }
  return { delivered, cursor };
}

interface Workload {
  group: SimulatedLogGroup;
  written: Map<string, SimEvent[]>;
  lastIngest: number;
}

/**
 * Streams that write bursts of lines sharing a timestamp, delivered with a per-batch lag (each
 * stream's deliveries in order), some streams starting late and shipping their first lines long
 * after their timestamps.
 */
function workload(seed: number, opts: { streams: number; perStream: number; maxLagMs: number; lateStreamLagMs: number; job?: string }): Workload {
  const rng = seededRandom(seed);
  const group = new SimulatedLogGroup();
  const written = new Map<string, SimEvent[]>();
  const job = opts.job ?? 'job';
  for (let s = 1; s <= opts.streams; s++) {
    const stream = `${job}/algo-${s}-1700000000`;
    const list: SimEvent[] = [];
    let ts = 1_000_000 + s * 700; // later hosts start later
    let lastIngest = 0;
    let first = true;
    while (list.length < opts.perStream) {
      const batch = 1 + Math.floor(rng() * 40);
      const lag = first && s % 3 === 0 ? opts.lateStreamLagMs : Math.floor(rng() * opts.maxLagMs);
      first = false;
      const ingest = Math.max(lastIngest, ts + lag + batch);
      for (let i = 0; i < batch && list.length < opts.perStream; i++) {
        if (rng() < 0.3) ts += 1 + Math.floor(rng() * 50); // otherwise the same millisecond as the line before
        list.push(group.put(stream, ts, ingest, `${stream} #${list.length}`));
      }
      lastIngest = ingest;
      ts += Math.floor(rng() * 300);
    }
    written.set(stream, list);
  }
  return { group, written, lastIngest: Math.max(...group.events.map((e) => e.ingest)) };
}

function assertExactlyOnceInOrder(written: Map<string, SimEvent[]>, delivered: readonly LogLine[]): void {
  const ids = delivered.map((l) => l.eventId);
  assert.equal(new Set(ids).size, ids.length, 'a line was delivered twice');
  for (const [stream, events] of written) {
    const got = delivered.filter((l) => l.stream === stream).map((l) => l.message);
    assert.deepEqual(
      got,
      events.map((e) => e.message),
      `stream ${stream}: lines lost, repeated or out of order`,
    );
  }
  assert.equal(
    delivered.length,
    [...written.values()].reduce((n, l) => n + l.length, 0),
  );
}

const TEST_OVERLAP: OverlapSettings = { overlapMs: 2_000, lagMarginMs: 1_000, maxOverlapMs: 120_000 };

/** An event of host algo-1 of job `job` whose message is its id; without `ingest`, it carries no ingestionTime. */
function hostEvent(id: string, ts: number, ingest?: number): CloudWatchLogEvent {
  return { eventId: id, logStreamName: 'job/algo-1-1', timestamp: ts, ...(ingest === undefined ? {} : { ingestionTime: ingest }), message: id };
}

describe('LogCursor: each event exactly once, in order per stream', () => {
  it('across small pages, timestamps shared between pages and polls, and late-delivered lines', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const w = workload(seed, { streams: 6, perStream: 400, maxLagMs: 1_500, lateStreamLagMs: 1_500 });
      const run = simulateTail(w.group, {
        job: 'job',
        startAt: 1_000_000,
        until: w.lastIngest + 5_000,
        pollEveryMs: 300,
        pageLimit: 7,
        failRate: 0,
        rng: seededRandom(seed * 31),
        overlap: TEST_OVERLAP,
        serviceClock: seed % 2 === 0,
      });
      assertExactlyOnceInOrder(w.written, run.delivered);
      assert.ok(run.cursor.stats.duplicates > 0, 'the overlap re-read nothing: the test does not exercise de-duplication');
    }
  });

  it('when a third of the requests fail before or after the service answered', () => {
    for (const seed of [11, 12, 13]) {
      const w = workload(seed, { streams: 4, perStream: 300, maxLagMs: 1_000, lateStreamLagMs: 1_000 });
      const run = simulateTail(w.group, {
        job: 'job',
        startAt: 1_000_000,
        until: w.lastIngest + 5_000,
        pollEveryMs: 250,
        pageLimit: 5,
        failRate: 0.33,
        rng: seededRandom(seed),
        overlap: TEST_OVERLAP,
        serviceClock: seed !== 12,
      });
      assertExactlyOnceInOrder(w.written, run.delivered);
    }
  });

  it('picks up streams that start late and deliver their first lines long after their timestamps', () => {
    // Every third host ships its first batch 30 s late; the overlap floor (40 s, like the 60 s default) covers it.
    const overlap = { ...TEST_OVERLAP, overlapMs: 40_000 };
    for (const seed of [21, 22]) {
      const w = workload(seed, { streams: 6, perStream: 200, maxLagMs: 500, lateStreamLagMs: 30_000 });
      const run = simulateTail(w.group, {
        job: 'job',
        startAt: 1_000_000,
        until: w.lastIngest + 5_000,
        pollEveryMs: 300,
        pageLimit: 50,
        failRate: 0.1,
        rng: seededRandom(seed),
        overlap,
      });
      assertExactlyOnceInOrder(w.written, run.delivered);
      assert.deepEqual([...run.cursor.streams()].sort(), [...w.written.keys()].sort());
    }
  });

  it('widens its overlap to the largest delivery lag it observes, up to maxOverlapMs', () => {
    const cursor = new LogCursor('job', 0, { overlapMs: 2_000, lagMarginMs: 1_000, maxOverlapMs: 100_000 });
    assert.equal(cursor.allowanceMs(), 2_000);
    cursor.acceptPage([{ eventId: '1', logStreamName: 'job/algo-1-1', timestamp: 1_000, ingestionTime: 31_000, message: '30 s late' }]);
    assert.equal(cursor.allowanceMs(), 31_000);
    cursor.completePoll(0);
    cursor.acceptPage([{ eventId: '2', logStreamName: 'job/algo-1-1', timestamp: 1_000, ingestionTime: 901_000, message: '15 min late' }]);
    assert.equal(cursor.allowanceMs(), 100_000);
  });

  it('loses a line only when it comes later than its allowance, after the start has moved past it (the documented limit)', () => {
    const group = new SimulatedLogGroup();
    const cursor = new LogCursor('job', 0, { overlapMs: 2_000, lagMarginMs: 0, maxOverlapMs: 2_000 });
    group.put('job/algo-1-1', 100_000, 100_000, 'on time');
    cursor.acceptPage(group.query(100_500, cursor.queryStart(), undefined, 100).events);
    cursor.completePoll(10);
    assert.equal(cursor.queryStart(), 100_000 - 10 - 2_000);
    group.put('job/algo-2-1', 97_000, 101_000, '4 s late: before the window, lost');
    group.put('job/algo-2-1', 98_500, 101_000, '2.5 s late but inside the window');
    const got = cursor.acceptPage(group.query(101_500, cursor.queryStart(), undefined, 100).events).map((l) => l.message);
    assert.deepEqual(got, ['2.5 s late but inside the window']);
  });

  it('continues exactly where a saved state left off (reattach), through JSON', () => {
    const w = workload(31, { streams: 5, perStream: 300, maxLagMs: 1_200, lateStreamLagMs: 1_200 });
    const common = { job: 'job', startAt: 1_000_000, until: w.lastIngest + 5_000, pollEveryMs: 200, pageLimit: 9, failRate: 0.1, overlap: TEST_OVERLAP };
    // The first tail detaches in the middle of a poll, 3 s into an 8 s workload.
    const first = simulateTail(w.group, { ...common, rng: seededRandom(1), detachAt: 1_003_000 });
    const saved = JSON.parse(JSON.stringify(first.cursor.state()));
    assert.ok(first.delivered.length > 0 && first.delivered.length < 1500, `the first tail should stop half way (delivered ${first.delivered.length})`);
    const resumed = LogCursor.restore('job', saved, TEST_OVERLAP);
    // The second tail starts a while later: the detached time's lines must all come.
    const second = simulateTail(w.group, { ...common, startAt: 1_010_000, rng: seededRandom(2), cursor: resumed });
    assertExactlyOnceInOrder(w.written, [...first.delivered, ...second.delivered]);
  });

  it('remembers ids only for its overlap, not for the whole log', () => {
    const w = workload(41, { streams: 2, perStream: 3000, maxLagMs: 200, lateStreamLagMs: 200 });
    const run = simulateTail(w.group, {
      job: 'job',
      startAt: 1_000_000,
      until: w.lastIngest + 5_000,
      pollEveryMs: 500,
      pageLimit: 500,
      failRate: 0,
      rng: seededRandom(3),
      overlap: TEST_OVERLAP,
    });
    assertExactlyOnceInOrder(w.written, run.delivered);
    assert.ok(run.cursor.rememberedIds() < 1000, `remembers ${run.cursor.rememberedIds()} ids`);
  });

  it('keeps a stream in order when its lines arrive between the pages of one poll', () => {
    const group = new SimulatedLogGroup();
    // Before the poll: stream B has lines at 10..19 (ingested at 100).
    for (let i = 0; i < 10; i++) group.put('job/algo-2-1', 10 + i, 100, `b${i}`);
    const cursor = new LogCursor('job', 0, TEST_OVERLAP);
    const out: LogLine[] = [];
    // Page 1 at t=150 (limit 5): b0..b4; token after ts 14.
    let page = group.query(150, cursor.queryStart(), undefined, 5);
    out.push(...cursor.acceptPage(page.events));
    // Between the pages stream A delivers two batches: a0 at ts 12 (sorts before the token), then a1 at ts 30.
    group.put('job/algo-1-1', 12, 160, 'a0');
    group.put('job/algo-1-1', 30, 161, 'a1');
    // Page 2 at t=170 holds b5..b9 and a1, but not a0: handing out a1 now would put it before a0.
    page = group.query(170, cursor.queryStart(), page.nextToken, 100);
    assert.deepEqual(
      page.events.map((e) => e.message),
      ['b5', 'b6', 'b7', 'b8', 'b9', 'a1'],
    );
    out.push(...cursor.acceptPage(page.events));
    cursor.completePoll(20);
    assert.equal(cursor.stats.heldBack, 1);
    // The next poll brings a0 and a1, in order.
    page = group.query(500, cursor.queryStart(), undefined, 100);
    out.push(...cursor.acceptPage(page.events));
    cursor.completePoll(5);
    assert.deepEqual(
      out.filter((l) => l.host === 'algo-1').map((l) => l.message),
      ['a0', 'a1'],
    );
    assert.deepEqual(
      out.filter((l) => l.host === 'algo-2').map((l) => l.message),
      ['b0', 'b1', 'b2', 'b3', 'b4', 'b5', 'b6', 'b7', 'b8', 'b9'],
    );
  });

  it('reads a log written before it began in one pass when it knows the service clock, holding nothing back', () => {
    const w = workload(51, { streams: 4, perStream: 500, maxLagMs: 1_000, lateStreamLagMs: 1_000 });
    const catchUp = (serviceClock: boolean) => {
      const cursor = new LogCursor('job', 0, TEST_OVERLAP);
      if (serviceClock) cursor.noteServiceTime(w.lastIngest + 10); // e.g. DescribeTrainingJob's Date header
      const run = simulateTail(w.group, {
        job: 'job',
        startAt: w.lastIngest + 20,
        until: w.lastIngest + 20,
        pollEveryMs: 300,
        pageLimit: 100,
        failRate: 0,
        rng: seededRandom(1),
        overlap: TEST_OVERLAP,
        cursor,
      });
      assertExactlyOnceInOrder(w.written, run.delivered);
      return run.cursor.stats;
    };
    assert.deepEqual([catchUp(true).polls, catchUp(true).heldBack], [1, 0]);
    assert.ok(catchUp(false).polls > 1, 'without the service clock, later pages are held back to a second pass');
  });

  it('hands out an event repeated in one page or across polls once', () => {
    const cursor = new LogCursor('job', 0, TEST_OVERLAP);
    const e = (id: string, ts: number): CloudWatchLogEvent => ({ eventId: id, logStreamName: 'job/algo-1-1', timestamp: ts, ingestionTime: ts, message: id });
    assert.deepEqual(
      cursor.acceptPage([e('a', 5), e('b', 5), e('a', 5)]).map((l) => l.eventId),
      ['a', 'b'],
    );
    cursor.completePoll(0);
    assert.deepEqual(
      cursor.acceptPage([e('a', 5), e('b', 5), e('c', 5)]).map((l) => l.eventId),
      ['c'],
    );
    assert.equal(cursor.stats.duplicates, 3);
  });

  it('ignores streams of other jobs (moto ignores logStreamNamePrefix) and events before its start', () => {
    const cursor = new LogCursor('job-1', 100, TEST_OVERLAP);
    const lines = cursor.acceptPage([
      { eventId: '1', logStreamName: 'job-10/algo-1-1', timestamp: 200, message: 'other job' },
      { eventId: '2', logStreamName: 'job-1/algo-1-1', timestamp: 50, message: 'before start' },
      { eventId: '3', logStreamName: 'job-1/algo-2-1', timestamp: 200, message: 'mine' },
    ]);
    assert.deepEqual(
      lines.map((l) => [l.host, l.message]),
      [['algo-2', 'mine']],
    );
    assert.equal(cursor.stats.foreign, 1);
    assert.equal(cursor.stats.beforeStart, 1);
  });

  it('orders a page by timestamp, keeping the service order among equal timestamps', () => {
    const cursor = new LogCursor('job', 0, TEST_OVERLAP);
    const lines = cursor.acceptPage([
      { eventId: 'b1', logStreamName: 'job/algo-2-1', timestamp: 20, message: 'b1' },
      { eventId: 'a1', logStreamName: 'job/algo-1-1', timestamp: 10, message: 'a1' },
      { eventId: 'a2', logStreamName: 'job/algo-1-1', timestamp: 20, message: 'a2' },
      { eventId: 'b2', logStreamName: 'job/algo-2-1', timestamp: 20, message: 'b2' },
    ]);
    assert.deepEqual(
      lines.map((l) => l.message),
      ['a1', 'b1', 'a2', 'b2'],
    );
  });

  it('refuses a saved state of another job, naming both, or "another job" when the state names none', () => {
    const state = new LogCursor('job-a', 0, TEST_OVERLAP).state();
    assert.throws(() => LogCursor.restore('job-b', state, TEST_OVERLAP), {
      name: 'LogCursorStateError',
      code: 'LogCursorStateMismatch',
      message: 'This saved log position belongs to job-a/, not job-b/.',
    });
    assert.throws(() => LogCursor.restore('job-b', { ...state, prefix: '' }, TEST_OVERLAP), {
      code: 'LogCursorStateMismatch',
      message: 'This saved log position belongs to another job, not job-b/.',
      context: { prefix: '', jobName: 'job-b' },
    });
    // A state of another format version is refused even for the right job.
    assert.throws(() => LogCursor.restore('job-a', { ...state, version: 2 } as unknown as typeof state, TEST_OVERLAP), {
      code: 'LogCursorStateMismatch',
      context: { prefix: 'job-a/', jobName: 'job-a' },
    });
  });

  // FilterLogEvents always sends ingestionTime; the SDK's types make it optional. An event without one
  // says nothing about what was visible: it neither widens nor spoils what the others tell.
  it('lets an event without ingestionTime change nothing about what is visible or where the next query starts', () => {
    const cursor = new LogCursor('job', 0, TEST_OVERLAP);
    const e = hostEvent;
    cursor.beginPoll();
    const first = cursor.acceptPage([e('a', 100_000, 100_100), e('b', 100_200)]);
    assert.deepEqual(
      first.map((l) => l.message),
      ['a', 'b'],
    );
    // Each line keeps the ingestion time it came with, and has none when it came without.
    assert.equal(first[0]!.ingestionTime, 100_100);
    assert.ok(!('ingestionTime' in first[1]!));
    // A later page of the same poll: c was ingested after everything the first page showed, so it waits for the next poll.
    assert.deepEqual(cursor.acceptPage([e('c', 100_300, 200_000)]), []);
    cursor.completePoll(0);
    assert.equal(cursor.heldBackByLastCompletedPoll(), 1);
    assert.deepEqual(
      cursor.acceptPage([e('a', 100_000, 100_100), e('b', 100_200), e('c', 100_300, 200_000)]).map((l) => l.message),
      ['c'],
    );
    cursor.completePoll(0);
    // The first poll moved the start up to the line it held back (no further: it must be read again);
    // the second would move it to the newest ingestion less the allowance (the lag seen, 99,700 ms,
    // plus the margin), which is behind that, so it stays.
    assert.equal(cursor.queryStart(), 100_300);
  });

  it('holds back a later page’s line when nothing yet says what was visible, and never one without ingestionTime', () => {
    const cursor = new LogCursor('job', 0, TEST_OVERLAP);
    const e = hostEvent;
    cursor.beginPoll();
    // The first page tells no ingestion time, and no service clock was noted.
    assert.equal(cursor.acceptPage([e('a', 100)]).length, 1);
    assert.deepEqual(
      cursor.acceptPage([e('b', 200), e('c', 300, 5_000)]).map((l) => l.message),
      ['b'],
      'b cannot be placed, so it is taken; c may have come after the poll began',
    );
    cursor.completePoll(0);
    assert.equal(cursor.heldBackByLastCompletedPoll(), 1);
  });

  it('takes the later of the service clock and the newest ingestion as visible, and ignores a clock that is not a number', () => {
    const e = hostEvent;
    const cursor = new LogCursor('job', 0, TEST_OVERLAP);
    cursor.noteServiceTime(Number.NaN);
    cursor.beginPoll();
    cursor.acceptPage([e('a', 50, 100)]);
    assert.deepEqual(cursor.acceptPage([e('b', 60, 400)]), [], 'no clock: b may have come after the poll began');
    cursor.completePoll(0);
    // The service's clock says 10 s: b (ingested at 0.4 s) and c (5 s) were visible before this poll began.
    cursor.noteServiceTime(10_000);
    cursor.noteServiceTime(500); // an older answer's clock, read late, does not turn it back
    cursor.beginPoll();
    assert.deepEqual(
      cursor.acceptPage([e('a', 50, 100), e('b', 60, 400)]).map((l) => l.message),
      ['b'],
    );
    assert.deepEqual(
      cursor.acceptPage([e('c', 70, 5_000)]).map((l) => l.message),
      ['c'],
    );
    cursor.completePoll(0);
    assert.equal(cursor.heldBackByLastCompletedPoll(), 0);
    assert.equal(cursor.stats.delivered, 3);
    // Both clocks are saved for a reattach, and come back.
    const state = JSON.parse(JSON.stringify(cursor.state())) as ReturnType<LogCursor['state']>;
    assert.equal(state.maxIngestionTime, 5_000);
    assert.equal(state.serviceTime, 10_000);
    assert.deepEqual(LogCursor.restore('job', state, TEST_OVERLAP).state(), state);
    const fresh = new LogCursor('job', 0, TEST_OVERLAP).state();
    assert.ok(!('maxIngestionTime' in fresh) && !('serviceTime' in fresh), 'a cursor that knows no clock saves none');
  });

  // FilterLogEvents always sends eventId and message; the SDK's types make both optional.
  it('tells events without an eventId apart by what they carry and their place among identical ones, the same way on a re-read', () => {
    const cursor = new LogCursor('job', 0, TEST_OVERLAP);
    const e = (ts: number, message?: string): CloudWatchLogEvent => ({
      logStreamName: 'job/algo-1-1',
      timestamp: ts,
      ingestionTime: ts,
      ...(message === undefined ? {} : { message }),
    });
    // Two identical lines in one page are two lines; a line without a message is an empty line.
    assert.deepEqual(
      cursor.acceptPage([e(5, 'epoch done'), e(5, 'epoch done'), e(6)]).map((l) => l.message),
      ['epoch done', 'epoch done', ''],
    );
    cursor.completePoll(0);
    // The next poll re-reads the overlap: the same three are recognised; a new line, even with an older
    // timestamp than the last one seen, is not mistaken for one of them.
    assert.deepEqual(
      cursor.acceptPage([e(4, 'late'), e(5, 'epoch done'), e(5, 'epoch done'), e(6), e(7, 'epoch done')]).map((l) => `${l.timestamp} ${l.message}`),
      ['4 late', '7 epoch done'],
    );
    assert.equal(cursor.stats.duplicates, 3);
  });
});

describe('host labels, merging and the history limit', () => {
  it('labels algo-N streams and keeps other names readable', () => {
    assert.equal(hostLabel('my-job/algo-2-1617279600', 'my-job'), 'algo-2');
    assert.equal(hostLabel('my-job/algo-12-1617279600'), 'algo-12');
    assert.equal(hostLabel('my-job/rule-1617279600', 'my-job'), 'rule');
    assert.equal(hostLabel('my-job/custom', 'my-job'), 'custom');
    // Only a whole name of the form algo-N-<digits> is a host; only a trailing run of 9+ digits is an epoch.
    assert.equal(hostLabel('my-job/algo-12-5', 'my-job'), 'algo-12');
    assert.equal(hostLabel('my-job/algo-2-12', 'my-job'), 'algo-2');
    assert.equal(hostLabel('my-job/foo-algo-1-123', 'my-job'), 'foo-algo-1-123');
    assert.equal(hostLabel('my-job/algo-1-123-extra', 'my-job'), 'algo-1-123-extra');
    assert.equal(hostLabel('my-job/rule-1617279600-x', 'my-job'), 'rule-1617279600-x');
  });

  it('merges streams by timestamp like the SDK’s multi_stream_iter: ties go to the earlier stream, each stream’s order kept', () => {
    const a = [
      { timestamp: 1, v: 'a1' },
      { timestamp: 3, v: 'a3' },
      { timestamp: 3, v: 'a3b' },
    ];
    const b = [
      { timestamp: 2, v: 'b2' },
      { timestamp: 3, v: 'b3' },
    ];
    assert.deepEqual(
      mergeByTimestamp([a, b]).map((x) => x.v),
      ['a1', 'b2', 'a3', 'a3b', 'b3'],
    );
  });

  it('releases the history once: a second release gives nothing and counts nothing again', () => {
    const history = new HistoryLimit(1);
    const l = (m: string): LogLine => ({ eventId: m, stream: 'job/algo-1-1', host: 'algo-1', timestamp: 1, message: m });
    history.offer([l('a'), l('b')]);
    assert.deepEqual(history.release(), { lines: [l('b')], omitted: 1 });
    assert.deepEqual(history.release(), { lines: [], omitted: 0 });
    assert.deepEqual(history.offer([l('c')]), [l('c')]);
  });

  it('holds the first poll back and releases only its last N lines, then passes everything', () => {
    const mk = (n: number): LogLine => ({ eventId: String(n), stream: 's/algo-1-1', host: 'algo-1', timestamp: n, message: `line ${n}` });
    const limit = new HistoryLimit(3);
    assert.deepEqual(limit.offer([mk(1), mk(2)]), []);
    assert.deepEqual(limit.offer([mk(3), mk(4), mk(5)]), []);
    const { lines, omitted } = limit.release();
    assert.deepEqual(
      lines.map((l) => l.timestamp),
      [3, 4, 5],
    );
    assert.equal(omitted, 2);
    assert.deepEqual(
      limit.offer([mk(6)]).map((l) => l.timestamp),
      [6],
    );
  });
});

describe('tail policy', () => {
  it('backs off exponentially with jitter, capped', () => {
    const b = { baseMs: 1000, maxMs: 8000, maxConsecutiveFailures: 5 };
    assert.equal(
      backoffDelayMs(b, 1, () => 0),
      500,
    );
    assert.equal(
      backoffDelayMs(b, 1, () => 0.999999),
      1000,
    );
    assert.equal(
      backoffDelayMs(b, 3, () => 0),
      2000,
    );
    assert.equal(
      backoffDelayMs(b, 10, () => 0.999999),
      8000,
    );
  });

  it('one retry rule for every call: waits out throttling, 5xx and the network; gives up past maxConsecutiveFailures without drawing a jitter', () => {
    const b = { baseMs: 1000, maxMs: 8000, maxConsecutiveFailures: 3 };
    for (const failures of [1, 2, 3])
      assert.equal(
        retryDelayMs(b, failures, () => 0.5),
        backoffDelayMs(b, failures, () => 0.5),
      );
    assert.equal(
      retryDelayMs(b, 4, () => assert.fail('no jitter is drawn when the tail gives up')),
      undefined,
    );
    const kinds: AwsFailureKind[] = ['throttled', 'serverError', 'network', 'notFound', 'invalidToken', 'aborted', 'fatal'];
    assert.deepEqual(kinds.filter(isTransientFailure), ['throttled', 'serverError', 'network']);
  });

  it('merges overrides into the defaults and rejects nonsense', () => {
    const p = tailPolicy({ pollIntervalMs: 100, backoff: { baseMs: 10 } });
    assert.equal(p.pollIntervalMs, 100);
    assert.equal(p.backoff.baseMs, 10);
    assert.equal(p.backoff.maxMs, DEFAULT_TAIL_POLICY.backoff.maxMs);
    assert.throws(() => tailPolicy({ statusIntervalMs: -1 }), {
      name: 'TailPolicyError',
      code: 'InvalidTailPolicy',
      message: 'Log tailing: statusIntervalMs must be a number ≥ 0 (got -1).',
      context: { key: 'statusIntervalMs', value: -1 },
    });
    assert.throws(() => tailPolicy({ overlapMs: 10, maxOverlapMs: 5 }), {
      code: 'InvalidTailPolicy',
      message: 'Log tailing: maxOverlapMs (5) must be at least overlapMs (10).',
      context: { key: 'maxOverlapMs', value: 5 },
    });
    assert.equal(tailPolicy({ overlapMs: 5_000, maxOverlapMs: 5_000 }).maxOverlapMs, 5_000, 'an overlap that may not grow is allowed');
    assert.deepEqual(DEFAULT_TAIL_POLICY.backoff, { baseMs: 1_000, maxMs: 30_000, maxConsecutiveFailures: 30 });
    assert.deepEqual(tailPolicy().backoff, DEFAULT_TAIL_POLICY.backoff);
  });

  it('classifies SDK errors for retrying', () => {
    assert.equal(awsFailureKind({ name: 'ThrottlingException', $metadata: { httpStatusCode: 400 } }), 'throttled');
    assert.equal(awsFailureKind({ name: 'ServiceUnavailable', $metadata: { httpStatusCode: 503 } }), 'serverError');
    assert.equal(awsFailureKind({ name: 'Error', code: 'ECONNRESET', message: 'aborted' }), 'network');
    assert.equal(awsFailureKind({ name: 'SyntaxError', message: 'Unexpected end of JSON input' }), 'network');
    assert.equal(awsFailureKind({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 400 } }), 'notFound');
    assert.equal(awsFailureKind({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 400 } }), 'fatal');
    assert.equal(awsFailureKind({ name: 'AbortError' }), 'aborted');
    assert.equal(awsFailureKind({ name: 'InvalidParameterException', message: 'The given nextToken is expired.', $metadata: { httpStatusCode: 400 } }), 'invalidToken');
    assert.equal(awsFailureKind({ name: 'InvalidParameterException', message: 'startTime must be positive', $metadata: { httpStatusCode: 400 } }), 'fatal');
  });
});
