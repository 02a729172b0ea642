// Multi-host log tailing that never loses or repeats a line.
//
// 1. The cursor alone (plain node): a simulated CloudWatch Logs group whose events become visible in
//    ingestion order, carry older timestamps than their neighbours, share timestamps, arrive on
//    streams that start late, and are read with pages that fail and are retried.
// 2. The real @aws-sdk clients against moto with our SageMaker lifecycle plugin, through a fault
//    proxy that throttles, answers 5xx and drops connections: 100k events on 16 streams, jobs that
//    complete and fail, reattaching, the CLI — and the API calls compared with the SageMaker SDK's
//    per-stream GetLogEvents algorithm (the BASELINE in logTailMoto.ts) replayed against the same job.
//    The 100,000-line test is in logTailBulk.test.ts.
//
// The moto part is skipped, with the setup command, only where scripts/setup-moto.sh has not run.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { CreateLogStreamCommand, DescribeLogGroupsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { awsFailureKind } from '../../src/aws/awsErrors';
import type { AwsFailureKind } from '../../src/aws/awsErrors';
import { LogTailError, tailTrainingJobLogs } from '../../src/aws/logTail';
import type { LogTailClients, RetryNotice } from '../../src/aws/logTail';
import { logsCommand } from '../../src/cli/logsCommand';
import type { CliIo } from '../../src/cli/cliError';
import { HistoryLimit, hostLabel, LogCursor, mergeByTimestamp } from '../../src/core/logs/logCursor';
import type { CloudWatchLogEvent, LogLine, OverlapSettings } from '../../src/core/logs/logCursor';
import { backoffDelayMs, DEFAULT_TAIL_POLICY, isTransientFailure, retryDelayMs, tailPolicy } from '../../src/core/logs/tailPolicy';
import { seededRandom } from '../emulators/faultProxy';
import type { FaultProxy } from '../emulators/faultProxy';
import { motoInstallProblem } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { baselineTail, byStream, clientsFor, FAST, groundTruth, hfJob, isFilter, LOG_GROUP, sortedEntries, tail, tailHarness } from './logTailMoto';
import type { Captured } from './logTailMoto';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// ---------------------------------------------------------------------------------------------------
// 1. The cursor against a simulated CloudWatch Logs group
// ---------------------------------------------------------------------------------------------------

interface SimEvent {
  id: string;
  stream: string;
  ts: number;
  ingest: number;
  seq: number;
  message: string;
}

/**
 * FilterLogEvents as documented: events with timestamp ≥ startTime that are visible (ingested) when
 * the page is asked for, sorted by timestamp, ingestion time and request; a token continues after
 * the last event returned, so events ingested meanwhile behind the token are not in this query.
 */
class SimulatedLogGroup {
  readonly events: SimEvent[] = [];
  private seq = 0;

  put(stream: string, ts: number, ingest: number, message: string): SimEvent {
    const e = { id: `e${++this.seq}`, stream, ts, ingest, seq: this.seq, message };
    this.events.push(e);
    return e;
  }

  query(now: number, startTime: number, token: string | undefined, limit: number): { events: CloudWatchLogEvent[]; nextToken?: string } {
    const key = (e: SimEvent) => [e.ts, e.ingest, e.seq] as const;
    const after = token ? (JSON.parse(token) as [number, number, number]) : undefined;
    const greater = (e: SimEvent) => {
      if (!after) return true;
      const k = key(e);
      for (let i = 0; i < 3; i++) if (k[i] !== after[i]) return k[i]! > after[i]!;
      return false;
    };
    const visible = this.events.filter((e) => e.ingest <= now && e.ts >= startTime && greater(e)).sort((a, b) => a.ts - b.ts || a.ingest - b.ingest || a.seq - b.seq);
    const page = visible.slice(0, limit);
    const out: { events: CloudWatchLogEvent[]; nextToken?: string } = {
      events: page.map((e) => ({ eventId: e.id, logStreamName: e.stream, timestamp: e.ts, ingestionTime: e.ingest, message: e.message })),
    };
    if (visible.length > limit) out.nextToken = JSON.stringify(key(page[page.length - 1]!));
    return out;
  }
}

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
  while (now <= options.until || cursor.heldBackByLastCompletedPoll() > 0) {
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

  it('refuses a saved state of another job', () => {
    const state = new LogCursor('job-a', 0, TEST_OVERLAP).state();
    assert.throws(() => LogCursor.restore('job-b', state, TEST_OVERLAP), { code: 'LogCursorStateMismatch' });
  });
});

describe('host labels, merging and the history limit', () => {
  it('labels algo-N streams and keeps other names readable', () => {
    assert.equal(hostLabel('my-job/algo-2-1617279600', 'my-job'), 'algo-2');
    assert.equal(hostLabel('my-job/algo-12-1617279600'), 'algo-12');
    assert.equal(hostLabel('my-job/rule-1617279600', 'my-job'), 'rule');
    assert.equal(hostLabel('my-job/custom', 'my-job'), 'custom');
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
    assert.throws(() => tailPolicy({ statusIntervalMs: -1 }), { code: 'InvalidTailPolicy', message: /statusIntervalMs must be a number ≥ 0/ });
    assert.throws(() => tailPolicy({ overlapMs: 10, maxOverlapMs: 5 }), { code: 'InvalidTailPolicy' });
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

// ---------------------------------------------------------------------------------------------------
// 2. Against moto, through the real SDK clients
// ---------------------------------------------------------------------------------------------------

const installProblem = motoInstallProblem();
/** The first status line of a job: the simulation's Starting transitions come 5 % of its time apart. */
const STARTING_LINE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} Starting - (Starting the training job|Launching requested ML instances|Preparing the instances for training)$/;

// The tests below run side by side (each has its own job, and its own proxy or account where it injects
// faults): most of their time is the simulated job's real seconds, and mutation testing runs this file
// once per mutant (docs/MUTATION.md).
describe('tailing training jobs against moto through the real SDK', { skip: installProblem ?? false, concurrency: true }, () => {
  const harness = tailHarness();
  const { proxy, completedJob } = harness;
  let moto: MotoServer;
  let direct: LogTailClients & { destroy(): void };
  before(() => {
    ({ moto, direct } = harness);
  });

  describe('a two-host job that completes', () => {
    const job = 'hf-two-hosts-completes';
    let ours: Captured;
    let baseline: Awaited<ReturnType<typeof baselineTail>>;
    let oursProxy: FaultProxy;
    let baselineProxy: FaultProxy;
    let truth: Map<string, string[]>;

    before(async () => {
      await moto.configure({ jobs: { [job]: { simSeconds: 4 } } });
      oursProxy = await proxy(1, {});
      baselineProxy = await proxy(2, {});
      const oursClients = clientsFor(oursProxy.endpoint);
      const baselineClients = clientsFor(baselineProxy.endpoint);
      await direct
        .sagemaker()
        .send(new CreateTrainingJobCommand(hfJob(job, { EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 } })));
      // Both read the same job at the same time with the same intervals.
      [ours, baseline] = await Promise.all([tail({ clients: oursClients, jobName: job, follow: true, policy: FAST }), baselineTail(baselineClients, job, FAST)]);
      oursClients.destroy();
      baselineClients.destroy();
      truth = await groundTruth(direct.logs(), job);
    });

    it('shows both hosts’ lines, each exactly once and in its stream’s order', () => {
      assert.equal(truth.size, 2);
      assert.deepEqual(sortedEntries(byStream(ours.lines)), sortedEntries(truth));
      assert.deepEqual(new Set(ours.lines.map((l) => l.host)), new Set(['algo-1', 'algo-2']));
    });

    it('prints the SDK’s status lines as the job moves, ending with Completed', () => {
      const all = ours.statuses.flatMap((s) => s.lines);
      // Like the SDK, the first description prints only its latest transition: which of the Starting
      // messages that is depends on how soon the first DescribeTrainingJob comes.
      assert.match(all[0]!, STARTING_LINE);
      for (const expected of [
        'Downloading - Downloading input data',
        'Training - Training image download completed. Training in progress.',
        'Uploading - Uploading generated training model',
        'Completed - Training job completed',
      ]) {
        assert.ok(
          all.some((l) => l.endsWith(expected)),
          `no status line ending "${expected}" in:\n${all.join('\n')}`,
        );
      }
    });

    it('ends with training and billable seconds × 2 hosts and the spot savings', () => {
      const end = ours.end!;
      assert.equal(end.reason, 'ended');
      const d = end.description!;
      assert.deepEqual(end.summary!.lines, [
        `Training seconds: ${d.TrainingTimeInSeconds! * 2}`,
        `Billable seconds: ${d.BillableTimeInSeconds! * 2}`,
        `Managed Spot Training savings: ${((1 - d.BillableTimeInSeconds! / d.TrainingTimeInSeconds!) * 100).toFixed(1)}%`,
      ]);
    });

    it('uses fewer API calls than the SDK’s per-stream GetLogEvents loop on the same job', (t) => {
      // The baseline is right too (it reads every line once), so the comparison is fair.
      assert.deepEqual(sortedEntries(byStream(baseline.lines.map((l, i) => ({ eventId: String(i), host: '', timestamp: 0, ...l })))), sortedEntries(truth));
      const ourCalls = oursProxy.counters.requests;
      const baselineCalls = baselineProxy.counters.requests;
      t.diagnostic(`API calls, ours: ${ourCalls} (${JSON.stringify(Object.fromEntries(Object.entries(oursProxy.counters.byOperation).map(([k, v]) => [k, v.requests])))})`);
      t.diagnostic(`API calls, SDK baseline: ${baselineCalls} (${JSON.stringify(baseline.calls)})`);
      assert.equal(oursProxy.requestsOf('GetLogEvents').requests + oursProxy.requestsOf('DescribeLogStreams').requests, 0);
      assert.ok(ourCalls < baselineCalls, `ours ${ourCalls} ≥ baseline ${baselineCalls}`);
      // Log reads alone: one FilterLogEvents per poll against (1 + streams) GetLogEvents per poll and more.
      const ourReads = oursProxy.requestsOf('FilterLogEvents').requests;
      const baselineReads = baselineProxy.requestsOf('GetLogEvents').requests + baselineProxy.requestsOf('DescribeLogStreams').requests;
      assert.ok(ourReads * 2 <= baselineReads, `log reads: ours ${ourReads}, baseline ${baselineReads}`);
    });
  });

  it('explains a failed job: the reason, the lines before it and hints', async () => {
    const job = 'hf-two-hosts-fails';
    await moto.configure({ jobs: { [job]: { simSeconds: 3, outcome: 'Failed' } } });
    await direct.sagemaker().send(new CreateTrainingJobCommand(hfJob(job)));
    const got = await tail({ clients: direct, jobName: job, follow: true, policy: FAST });
    const end = got.end!;
    assert.equal(end.description!.TrainingJobStatus, 'Failed');
    const summary = end.summary!;
    assert.match(summary.lines[0]!, new RegExp(`^Error for Training job ${job}: Failed\\. Reason: AlgorithmError: ExecuteUserScriptError:`));
    assert.equal(summary.explanation.lines[0]!.message.replace(/^\[1,\d+\]<stderr>:/, ''), 'Traceback (most recent call last):');
    assert.ok(summary.explanation.lines.some((l) => /CUDA out of memory/.test(l.message)));
    assert.deepEqual(
      summary.hints.map((h) => h.code),
      ['cudaOutOfMemory', 'mpi', 'executeUserScript'],
    );
    assert.ok(got.statuses.flatMap((s) => s.lines).some((l) => l.endsWith('Failed - Training job failed')));
    assert.deepEqual(sortedEntries(byStream(got.lines)), sortedEntries(await groundTruth(direct.logs(), job)));
  });

  it('reattaches: the last N lines of history, then from a saved cursor without repeating a line', async () => {
    const job = 'hf-reattach';
    await moto.configure({ jobs: { [job]: { simSeconds: 3 } } });
    await direct.sagemaker().send(new CreateTrainingJobCommand(hfJob(job)));

    // A first tail stops (aborted) once some lines are in.
    const controller = new AbortController();
    const first: Captured = { lines: [], statuses: [], trimmed: [] };
    first.end = await tailTrainingJobLogs({
      clients: direct,
      jobName: job,
      follow: true,
      policy: FAST,
      signal: controller.signal,
      onLines: (lines) => {
        first.lines.push(...lines);
        controller.abort();
      },
    });
    assert.equal(first.end.reason, 'aborted');
    assert.ok(first.lines.length > 0);

    // Resuming from its cursor brings every other line, none twice.
    const second = await tail({ clients: direct, jobName: job, follow: true, policy: FAST, cursor: first.end.cursor });
    const truth = await groundTruth(direct.logs(), job);
    assert.deepEqual(sortedEntries(byStream([...first.lines, ...second.lines])), sortedEntries(truth));

    // A new attach to the finished job with a history limit shows its last 5 lines only.
    const everything = await tail({ clients: direct, jobName: job, follow: false, policy: FAST });
    const late = await tail({ clients: direct, jobName: job, follow: false, historyLines: 5, policy: FAST });
    const total = [...truth.values()].reduce((n, l) => n + l.length, 0);
    assert.equal(everything.lines.length, total);
    assert.deepEqual(late.trimmed, [total - 5]);
    assert.deepEqual(
      late.lines.map((l) => l.eventId),
      everything.lines.slice(-5).map((l) => l.eventId),
    );
    assert.equal(late.end!.reason, 'snapshot');
    assert.ok(late.end!.summary, 'a finished job gets its summary on a snapshot too');
  });

  it('sagemaker-hf logs JOB --follow prints host-labelled lines, status lines and the summary; exits 1 for a failed job', async () => {
    const job = 'hf-cli-logs';
    await moto.configure({ jobs: { [job]: { simSeconds: 3, outcome: 'Failed' } } });
    await direct.sagemaker().send(new CreateTrainingJobCommand(hfJob(job)));
    const out: string[] = [];
    const err: string[] = [];
    const io: CliIo = { stdout: (s) => out.push(s), stderr: (s) => err.push(s), cwd: process.cwd(), env: {} };
    const code = await logsCommand([job, '--follow'], io, { clients: direct, policy: FAST });
    const text = out.join('');
    assert.equal(code, 1, err.join(''));
    assert.match(text, new RegExp(STARTING_LINE.source, 'm'));
    assert.match(text, /^\[algo-1\] .*Invoking user script$/m);
    assert.match(text, /^\[algo-2\] /m);
    assert.match(text, /^Error for Training job hf-cli-logs: Failed\. Reason: /m);
    assert.match(text, /^Hints:$/m);

    const missing: string[] = [];
    const codeMissing = await logsCommand(['no-such-job'], { ...io, stderr: (s) => missing.push(s) }, { clients: direct, policy: FAST });
    assert.equal(codeMissing, 2);
    assert.match(missing.join(''), /No training job named no-such-job/);
  });

  it('gives up after maxConsecutiveFailures failures in a row, says so (and the CLI exits 2), and resumes from the cursor it hands back', { timeout: 60_000 }, async () => {
    const job = 'hf-gives-up';
    await completedJob(job, { simSeconds: 1.5 });
    // Every log read fails with a 5xx; DescribeTrainingJob goes through.
    const failing = await proxy(11, { serverError: 1 }, { faultsFor: isFilter });
    const clients = clientsFor(failing.endpoint, 1);
    const notices: number[] = [];
    const policy = { ...FAST, backoff: { baseMs: 10, maxMs: 40, maxConsecutiveFailures: 3 } };
    const err = await tailTrainingJobLogs({
      clients,
      jobName: job,
      follow: true,
      policy,
      onLines: () => assert.fail('no line can come through'),
      onRetry: (n) => notices.push(n.attempt),
    }).then(
      () => assert.fail('the tail should have given up'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof LogTailError, String(err));
    assert.equal(err.code, 'TooManyFailures');
    assert.match(
      err.message,
      new RegExp(
        `^FilterLogEvents for ${job} failed 4 times in a row \\(last: (InternalFailure|ServiceUnavailable): .*\\); the tail stopped\\. Run it again to resume where it left off\\.$`,
      ),
    );
    assert.deepEqual(notices, [1, 2, 3], 'three pauses, then it stops');
    assert.equal(failing.requestsOf('FilterLogEvents').requests, 4);

    const out: string[] = [];
    const stderr: string[] = [];
    const code = await logsCommand([job], { stdout: (t) => out.push(t), stderr: (t) => stderr.push(t), cwd: process.cwd(), env: {} }, { clients, policy });
    assert.equal(code, 2);
    assert.match(stderr.join(''), /^FilterLogEvents failed 3 times; retrying in \d+\.\d s$/m);
    assert.match(stderr.join(''), new RegExp(`^sagemaker-hf logs: FilterLogEvents for ${job} failed 4 times in a row .*Run it again to resume where it left off\\.$`, 'm'));
    clients.destroy();

    // Once CloudWatch answers again, the cursor the error carried brings every line, once.
    const resumed = await tail({ clients: direct, jobName: job, follow: true, policy: FAST, cursor: err.cursor });
    assert.deepEqual(sortedEntries(byStream(resumed.lines)), sortedEntries(await groundTruth(direct.logs(), job)));
    assert.equal(resumed.end!.reason, 'ended');
  });

  it('waits out DescribeTrainingJob failures with the same rule as log reads, and gives up on them after maxConsecutiveFailures in a row', { timeout: 60_000 }, async () => {
    const job = 'hf-describe-retries';
    await completedJob(job, { simSeconds: 1.5, logLinesPerHost: 5 });
    const isDescribe = (target: string) => target.endsWith('.DescribeTrainingJob');
    const throttled = { status: 400, type: 'ThrottlingException', message: 'Rate exceeded' };
    // The first two DescribeTrainingJob calls are throttled; the third goes through.
    let describes = 0;
    const flaky = await proxy(15, {}, { respond: ({ operation }) => (isDescribe(operation) && ++describes <= 2 ? throttled : undefined) });
    const clients = clientsFor(flaky.endpoint, 1);
    const notices: RetryNotice[] = [];
    const got = await tail({ clients, jobName: job, follow: true, policy: FAST, onRetry: (n) => notices.push(n) });
    clients.destroy();
    assert.deepEqual(
      notices.map(({ operation, kind, attempt }) => ({ operation, kind, attempt })),
      [
        { operation: 'DescribeTrainingJob', kind: 'throttled', attempt: 1 },
        { operation: 'DescribeTrainingJob', kind: 'throttled', attempt: 2 },
      ],
    );
    assert.equal(got.end!.reason, 'ended');
    assert.deepEqual(got.end!.stats.failures, { throttled: 2, serverError: 0, network: 0 });
    assert.equal(got.end!.stats.retries, 2);
    assert.deepEqual(sortedEntries(byStream(got.lines)), sortedEntries(await groundTruth(direct.logs(), job)));

    // Every DescribeTrainingJob fails with a 5xx: three pauses, then the tail stops and says which call failed.
    const down = await proxy(16, { serverError: 1 }, { faultsFor: isDescribe });
    const failing = clientsFor(down.endpoint, 1);
    const attempts: number[] = [];
    const policy = { ...FAST, backoff: { baseMs: 10, maxMs: 40, maxConsecutiveFailures: 3 } };
    await assert.rejects(
      tailTrainingJobLogs({
        clients: failing,
        jobName: job,
        follow: true,
        policy,
        onLines: () => assert.fail('no line before the first status'),
        onRetry: (n) => attempts.push(n.attempt),
      }),
      (e: unknown) => {
        assert.ok(e instanceof LogTailError, String(e));
        assert.equal(e.code, 'TooManyFailures');
        assert.match(e.message, new RegExp(`^DescribeTrainingJob for ${job} failed 4 times in a row \\(last: (InternalFailure|ServiceUnavailable): .*\\); the tail stopped\\.`));
        assert.equal(e.context.operation, 'DescribeTrainingJob');
        return true;
      },
    );
    failing.destroy();
    assert.deepEqual(attempts, [1, 2, 3]);
    assert.equal(down.requestsOf('DescribeTrainingJob').requests, 4);
    assert.equal(down.requestsOf('FilterLogEvents').requests, 0);
  });

  it('ends with the error a caller’s onLines throws, not blamed on CloudWatch and without asking for the page again', { timeout: 60_000 }, async () => {
    const job = 'hf-consumer-throws';
    // In an account of its own: moto ignores logStreamNamePrefix, and other jobs' lines would fill the first pages.
    const account = '410987654321';
    const own = clientsFor(moto.endpoint, undefined, account);
    await completedJob(job, { simSeconds: 1.5, logLinesPerHost: 3 }, own);
    own.destroy();
    const counting = await proxy(17, {});
    const clients = clientsFor(counting.endpoint, 1, account);
    // Its message reads like a dropped connection: taken for an AWS failure, it would be retried and its lines lost.
    const thrown = new Error('write aborted: the output channel is closed');
    await assert.rejects(
      tailTrainingJobLogs({
        clients,
        jobName: job,
        follow: false,
        onLines: () => {
          throw thrown;
        },
      }),
      (e: unknown) => e === thrown,
    );
    clients.destroy();
    assert.equal(counting.requestsOf('FilterLogEvents').requests, 1);
  });

  it('reads a poll again from its first page when a nextToken has expired, losing and repeating no line', { timeout: 60_000 }, async () => {
    const job = 'hf-token-expires';
    // In an account of its own: moto ignores logStreamNamePrefix, and other jobs' lines in the pages
    // would decide which pages the expiries hit.
    const account = '310987654321';
    const own = clientsFor(moto.endpoint, undefined, account);
    await completedJob(job, { simSeconds: 1.5, logLinesPerHost: 30 }, own);
    const truth = await groundTruth(own.logs(), job);
    own.destroy();
    const total = [...truth.values()].reduce((n, l) => n + l.length, 0);
    // CloudWatch Logs' answer to a token it no longer honours, for the 3rd and the 5th page asked with a token.
    let withToken = 0;
    const expiring = await proxy(
      12,
      {},
      {
        respond: ({ operation, body }) => {
          if (!isFilter(operation) || !(JSON.parse(body.toString('utf8')) as { nextToken?: string }).nextToken) return undefined;
          withToken++;
          return withToken === 3 || withToken === 5 ? { status: 400, type: 'InvalidParameterException', message: 'The given nextToken is expired.' } : undefined;
        },
      },
    );
    const clients = clientsFor(expiring.endpoint, 1, account);
    const got = await tail({ clients, jobName: job, follow: false, policy: { ...FAST, pageLimit: 7 } });
    clients.destroy();
    assert.equal(expiring.requestsOf('FilterLogEvents').answered, 2, 'both expiries were answered');
    assert.ok(total > 7 * 5, `the log needs more than five pages (it has ${total} lines)`);
    assert.deepEqual(sortedEntries(byStream(got.lines)), sortedEntries(truth));
    assert.equal(got.lines.length, total);
    assert.ok(got.end!.stats.duplicatesDropped > 0, 'the re-read pages were not de-duplicated: the restart never re-read anything');

    // A token that expires every time it is used stops the tail instead of spinning.
    const always = await proxy(
      13,
      {},
      {
        respond: ({ operation, body }) =>
          isFilter(operation) && (JSON.parse(body.toString('utf8')) as { nextToken?: string }).nextToken
            ? { status: 400, type: 'InvalidParameterException', message: 'The given nextToken is expired.' }
            : undefined,
      },
    );
    const spinning = clientsFor(always.endpoint, 1, account);
    await assert.rejects(
      tail({ clients: spinning, jobName: job, follow: false, policy: { ...FAST, pageLimit: 7, backoff: { ...FAST.backoff, maxConsecutiveFailures: 3 } } }),
      (e: unknown) => {
        assert.ok(e instanceof LogTailError);
        assert.equal(e.code, 'TooManyFailures');
        assert.match(e.message, /the page token expired 4 times while reading one pass over the log/);
        return true;
      },
    );
    spinning.destroy();
    assert.equal(always.requestsOf('FilterLogEvents').answered, 4);
  });

  it('waits for the log group of an account’s first job (ResourceNotFoundException) instead of failing', { timeout: 60_000 }, async () => {
    // A fresh account in moto: no /aws/sagemaker/TrainingJobs group until its first container logs.
    const account = '210987654321';
    const job = 'hf-first-job-of-an-account';
    await moto.configure({ jobs: { [job]: { simSeconds: 3 } } });
    const clients = clientsFor(moto.endpoint, undefined, account);
    const logs = clients.logs();
    const sagemaker = clients.sagemaker();
    const notFound: string[] = [];
    logs.middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } catch (e) {
          notFound.push((e as Error).name);
          throw e;
        }
      },
      { step: 'initialize', name: 'recordErrors' },
    );
    try {
      assert.deepEqual((await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: LOG_GROUP }))).logGroups ?? [], [], 'the account has no log group yet');
      await sagemaker.send(new CreateTrainingJobCommand(hfJob(job)));
      const got = await tail({ clients, jobName: job, follow: true, policy: FAST });
      assert.ok(notFound.length > 0 && notFound.every((n) => n === 'ResourceNotFoundException'), `no poll met the missing group: ${JSON.stringify(notFound)}`);
      assert.equal(got.end!.reason, 'ended');
      assert.equal(got.end!.description!.TrainingJobStatus, 'Completed');
      const truth = await groundTruth(logs, job);
      assert.equal(truth.size, 2);
      assert.deepEqual(sortedEntries(byStream(got.lines)), sortedEntries(truth));
    } finally {
      clients.destroy();
    }
  });

  it('sagemaker-hf logs prints control characters from the log as visible escapes, never to the terminal', async () => {
    const job = 'hf-hostile-log';
    await completedJob(job, { simSeconds: 1.5, logLinesPerHost: 2 });
    const stream = `${job}/algo-9-${Math.floor(Date.now() / 1000)}`;
    await direct.logs().send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: stream }));
    const hostile = 'done\x1b]52;c;ZWNobyBwd25lZA==\x07 \x1b]0;title\x07\x1b[2J\x1b[H\rfake\u202eevil\x9b31m';
    await direct.logs().send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: stream, logEvents: [{ timestamp: Date.now() - 1_000, message: hostile }] }));
    const out: string[] = [];
    const code = await logsCommand([job], { stdout: (t) => out.push(t), stderr: (t) => out.push(t), cwd: process.cwd(), env: {} }, { clients: direct, policy: FAST });
    assert.equal(code, 0);
    const text = out.join('');
    assert.ok(
      text.includes('[algo-9] done\\x1b]52;c;ZWNobyBwd25lZA==\\x07 \\x1b]0;title\\x07\\x1b[2J\\x1b[H\\rfake\\u202eevil\\x9b31m\n'),
      text
        .split('\n')
        .filter((l) => l.includes('algo-9'))
        .join('\n'),
    );
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    assert.doesNotMatch(text, /[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/, 'a control character reached the terminal');
  });

  // The pause between polls is ten minutes: only an abort that cuts it short lets this test end in time.
  it('stops tailing when aborted, in the middle of a pause, and says so', { timeout: 60_000 }, async () => {
    const job = 'hf-abort';
    await moto.configure({ jobs: { [job]: { simSeconds: 60 } } });
    await direct.sagemaker().send(new CreateTrainingJobCommand(hfJob(job)));
    const controller = new AbortController();
    const end = await tailTrainingJobLogs({
      clients: direct,
      jobName: job,
      follow: true,
      policy: { ...FAST, pollIntervalMs: 600_000 },
      signal: controller.signal,
      onLines: () => {},
      onStatus: () => setTimeout(() => controller.abort(), 100),
    });
    assert.equal(end.reason, 'aborted');
    assert.equal(end.summary, undefined);
  });
});
