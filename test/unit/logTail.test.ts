// Multi-host log tailing that never loses or repeats a line, with the real @aws-sdk clients against
// moto and our SageMaker lifecycle plugin, through a fault proxy that throttles, answers 5xx and drops
// connections: jobs that complete and fail, reattaching, the CLI — and the API calls compared with the
// SageMaker SDK's per-stream GetLogEvents algorithm (the BASELINE in logTailMoto.ts) replayed against
// the same job. The cursor alone, against a simulated log group, is in logCursor.test.ts; the
// 100,000-line test is in logTailBulk.test.ts.
//
// The moto tests are skipped, with the setup command, only where scripts/setup-moto.sh has not run.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { CreateLogStreamCommand, DescribeLogGroupsCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { LogTailError, tailTrainingJobLogs } from '../../src/aws/logTail';
import type { LogTailClients, RetryNotice } from '../../src/aws/logTail';
import { logsCommand } from '../../src/cli/logsCommand';
import type { CliIo } from '../../src/cli/cliError';
import type { FaultProxy } from '../emulators/faultProxy';
import { motoInstallProblem } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { baselineTail, byStream, clientsFor, FAST, groundTruth, hfJob, isFilter, LOG_GROUP, sortedEntries, tail, tailHarness } from './logTailMoto';
import type { Captured } from './logTailMoto';
import { SimulatedLogGroup } from './simulatedLogGroup';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

// ---------------------------------------------------------------------------------------------------
// 2. Against moto, through the real SDK clients
// ---------------------------------------------------------------------------------------------------

const installProblem = motoInstallProblem();
/** The first status line of a job: the simulation's Starting message changes at 5 % and 10 % of its time. */
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
      assert.deepEqual(ours.streams!.flat().sort(), [...truth.keys()].sort(), 'each host announced once, as it appeared');
      assert.equal(ours.end!.stats.linesDelivered, ours.lines.length);
      assert.deepEqual(new Set(ours.lines.map((l) => l.host)), new Set(['algo-1', 'algo-2']));
    });

    it('prints the SDK’s status lines as the job moves, ending with Completed', () => {
      const all = ours.statuses.flatMap((s) => s.lines);
      // SageMaker keeps one transition per status and moves its message on as the job starts: which
      // Starting message the first DescribeTrainingJob finds depends on how soon it comes.
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
      assert.deepEqual(
        ours.statuses.map((u) => u.first),
        ours.statuses.map((_, i) => i === 0),
        'only the first update says it is the first',
      );
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
    assert.deepEqual(everything.trimmed, [], 'nothing held back, nothing said about it');
    assert.deepEqual(late.trimmed, [total - 5]);
    // onHistoryTrimmed is optional.
    const quiet: unknown[] = [];
    await tailTrainingJobLogs({ clients: direct, jobName: job, follow: false, historyLines: 5, policy: FAST, onLines: (lines) => quiet.push(...lines) });
    assert.equal(quiet.length, 5);
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
        assert.equal(
          e.message,
          `FilterLogEvents for ${job}: the page token expired 4 times while reading one pass over the log (last: InvalidParameterException: The given nextToken is expired.); the tail stopped. Run it again to resume where it left off.`,
        );
        assert.deepEqual(e.context, { jobName: job, operation: 'FilterLogEvents', kind: 'invalidToken', attempts: 4 });
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
    // Its container (and so its log group) starts at 35 % of the job: 2.1 s, for the first poll to come before it even on a loaded machine.
    await moto.configure({ jobs: { [job]: { simSeconds: 6 } } });
    const clients = clientsFor(moto.endpoint, undefined, account);
    const logs = clients.logs();
    const sagemaker = clients.sagemaker();
    const notFound: string[] = [];
    let firstPages = 0;
    logs.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'FilterLogEventsCommand' && (args.input as { nextToken?: string }).nextToken === undefined) firstPages++;
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
      assert.equal(got.end!.stats.polls, firstPages, 'every poll counts as read, those that met no group too');
      assert.equal(got.end!.stats.linesDelivered, got.lines.length);
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
    const clients = clientsFor(moto.endpoint);
    // The abort comes 50 ms after the first poll's one page came back (or the log group was not there
    // yet): the tail has handed it out and is pausing by then (nothing it does after the answer waits).
    clients.logs().middlewareStack.add(
      (next) => async (args) => {
        try {
          return await next(args);
        } finally {
          setTimeout(() => controller.abort(), 50);
        }
      },
      { step: 'initialize', name: 'abortInThePause' },
    );
    const end = await tailTrainingJobLogs({
      clients,
      jobName: job,
      follow: true,
      policy: { ...FAST, pollIntervalMs: 600_000 },
      signal: controller.signal,
      onLines: () => {},
    });
    clients.destroy();
    assert.equal(end.reason, 'aborted');
    assert.equal(end.summary, undefined);
    assert.equal(end.stats.filterLogEventsCalls, 1);
    assert.equal(end.stats.polls, 1, 'the poll was read to its end before the pause');
  });

  it('ends as aborted, without a description, when the signal fired before the first answer', async () => {
    const job = 'hf-abort-before-start';
    await completedJob(job, { simSeconds: 1.5, logLinesPerHost: 2 });
    const statuses: unknown[] = [];
    const end = await tailTrainingJobLogs({
      clients: direct,
      jobName: job,
      follow: true,
      policy: FAST,
      signal: AbortSignal.abort(),
      onLines: () => assert.fail('no line after an abort'),
      onStatus: (u) => statuses.push(u),
    });
    assert.equal(end.reason, 'aborted');
    assert.equal(end.description, undefined);
    assert.equal(end.stats.describeTrainingJobCalls, 0, 'nothing is asked once the signal has fired');
    assert.deepEqual(statuses, []);
  });

  it('ends as aborted, reading nothing, when the signal fires as the first status is shown', async () => {
    const job = 'hf-abort-on-first-status';
    await completedJob(job, { simSeconds: 1.5, logLinesPerHost: 2 });
    const controller = new AbortController();
    const end = await tailTrainingJobLogs({
      clients: direct,
      jobName: job,
      follow: true,
      policy: { ...FAST, backoff: { ...FAST.backoff, maxConsecutiveFailures: 0 } },
      signal: controller.signal,
      onLines: () => assert.fail('no line after an abort'),
      onStatus: () => controller.abort(),
    });
    assert.equal(end.reason, 'aborted');
    assert.equal(end.description?.TrainingJobStatus, 'Completed');
    assert.equal(end.summary, undefined, 'an aborted tail does not sum up even a finished job');
    assert.equal(end.stats.filterLogEventsCalls, 0);
  });

  it('asks DescribeTrainingJob again only once statusIntervalMs has passed, however often it polls the log', { timeout: 60_000 }, async () => {
    const job = 'hf-status-interval';
    await moto.configure({ jobs: { [job]: { simSeconds: 60 } } });
    await direct.sagemaker().send(new CreateTrainingJobCommand(hfJob(job)));
    const controller = new AbortController();
    const clients = clientsFor(moto.endpoint);
    let polls = 0;
    clients.logs().middlewareStack.add(
      (next) => async (args) => {
        if (++polls === 6) controller.abort();
        return next(args);
      },
      { step: 'initialize', name: 'abortAfterPolls' },
    );
    const end = await tailTrainingJobLogs({
      clients,
      jobName: job,
      follow: true,
      // The interval is the time since the last answer, not a reading of the clock: one and a half times
      // this process's age (seconds, with moto started), far more than six polls take, and less than a
      // sum of two clock readings.
      policy: { ...FAST, pollIntervalMs: 10, statusIntervalMs: Math.ceil(performance.now() * 1.5) },
      signal: controller.signal,
      onLines: () => {},
    });
    clients.destroy();
    assert.equal(end.reason, 'aborted');
    assert.equal(end.stats.filterLogEventsCalls, 6);
    assert.equal(end.stats.describeTrainingJobCalls, 1, 'six polls, and the status interval has not passed');
  });

  it('reads a finished job once: one DescribeTrainingJob and one pass over many pages, holding nothing back, followed or not', { timeout: 60_000 }, async () => {
    const job = 'hf-finished-one-pass';
    await completedJob(job, { simSeconds: 1.5, logLinesPerHost: 30 });
    const truth = await groundTruth(direct.logs(), job);
    // The service clock an answer gives is its Date header (whole seconds) less a second of margin: let
    // it pass the last line's ingestion.
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    for (const follow of [false, true]) {
      const got = await tail({ clients: direct, jobName: job, follow, policy: { ...FAST, pageLimit: 7 } });
      assert.deepEqual(sortedEntries(byStream(got.lines)), sortedEntries(truth));
      const { reason, stats } = got.end!;
      assert.equal(reason, follow ? 'ended' : 'snapshot');
      assert.equal(stats.describeTrainingJobCalls, 1, `follow: ${follow}`);
      // The service's clock from the DescribeTrainingJob answer tells the cursor that every line was
      // there before the first page: each page read once, no line held back to a second poll.
      assert.equal(stats.pages, stats.filterLogEventsCalls, `follow: ${follow}`);
      assert.equal(stats.duplicatesDropped, 0, `follow: ${follow}`);
      assert.equal(stats.polls, 1, `follow: ${follow}`);
      assert.equal(stats.heldBack, 0, `follow: ${follow}`);
    }
  });

  it('starts reading from the service clock when an answer lacks CreationTime', { timeout: 60_000 }, async () => {
    const job = 'hf-no-creation-time';
    await moto.configure({ jobs: { [job]: { simSeconds: 3, logLinesPerHost: 4 } } });
    await direct.sagemaker().send(new CreateTrainingJobCommand(hfJob(job)));
    const clients = clientsFor(moto.endpoint);
    // DescribeTrainingJob always carries CreationTime; the SDK's types make it optional. Taken out of
    // each answer here, after the real client has parsed it.
    clients.sagemaker().middlewareStack.add(
      (next) => async (args) => {
        const result = await next(args);
        delete (result.output as { CreationTime?: Date }).CreationTime;
        return result;
      },
      { step: 'initialize', name: 'dropCreationTime' },
    );
    const got = await tail({ clients, jobName: job, follow: true, policy: FAST });
    clients.destroy();
    assert.equal(got.end!.reason, 'ended');
    assert.deepEqual(sortedEntries(byStream(got.lines)), sortedEntries(await groundTruth(direct.logs(), job)));
  });

  it('prints debugger and profiler rule statuses when they change, each line once, and no empty status update', { timeout: 60_000 }, async () => {
    const job = 'hf-rule-statuses';
    await moto.configure({ jobs: { [job]: { simSeconds: 6, logLinesPerHost: 4 } } });
    const rule = (name: string) => ({ RuleConfigurationName: name, RuleEvaluatorImage: '503895931360.dkr.ecr.us-east-1.amazonaws.com/sagemaker-debugger-rules:latest' });
    await direct
      .sagemaker()
      .send(new CreateTrainingJobCommand(hfJob(job, { DebugRuleConfigurations: [rule('LossNotDecreasing')], ProfilerRuleConfigurations: [rule('ProfilerReport')] })));
    // Attach in the long stretch of training (35 % to 90 % of the job): the first status refresh then finds
    // the rules new and the status unchanged, so the rule lines come in an update of their own.
    const training = 'Training image download completed. Training in progress.';
    while ((await direct.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: job }))).SecondaryStatusTransitions?.at(-1)?.StatusMessage !== training) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const got = await tail({ clients: direct, jobName: job, follow: true, policy: FAST });
    assert.equal(got.end!.reason, 'ended');
    const updates = got.statuses.map((u) => u.lines);
    assert.ok(
      updates.every((lines) => lines.length > 0),
      `an update without lines: ${JSON.stringify(updates)}`,
    );
    const all = updates.flat();
    const ruleLines = all.filter((l) => /^(LossNotDecreasing|ProfilerReport): /.test(l));
    // Both rules are printed whenever either changes (the SDK's _rule_statuses_changed), once per change.
    assert.deepEqual(ruleLines, ['LossNotDecreasing: InProgress', 'ProfilerReport: InProgress', 'LossNotDecreasing: NoIssuesFound', 'ProfilerReport: NoIssuesFound']);
    assert.deepEqual(updates[1], ['LossNotDecreasing: InProgress', 'ProfilerReport: InProgress'], 'the first refresh: rule lines alone');
    assert.equal(new Set(all.filter((l) => !ruleLines.includes(l))).size, all.length - ruleLines.length, `a status line twice:\n${all.join('\n')}`);
  });

  // The abort comes while the call is under way: the client's own middleware fires it just before the
  // request goes out, so the SDK rejects the call with an AbortError rather than answering it.
  for (const operation of ['FilterLogEvents', 'DescribeTrainingJob'] as const) {
    it(`ends as aborted, not as a failure, when the signal fires while a ${operation} call is under way`, { timeout: 60_000 }, async () => {
      const job = `hf-abort-in-${operation}`;
      if (operation === 'FilterLogEvents') {
        // A job with lines to read: the page under way must not be handed out.
        await completedJob(job, { simSeconds: 1.5, logLinesPerHost: 3 });
      } else {
        await moto.configure({ jobs: { [job]: { simSeconds: 60 } } });
        await direct.sagemaker().send(new CreateTrainingJobCommand(hfJob(job)));
      }
      const controller = new AbortController();
      const clients = clientsFor(moto.endpoint);
      // The second DescribeTrainingJob is the first status refresh; the first FilterLogEvents is the first poll.
      let calls = 0;
      const client = operation === 'FilterLogEvents' ? clients.logs() : clients.sagemaker();
      client.middlewareStack.add(
        (next, context) => async (args) => {
          if (context.commandName === `${operation}Command` && ++calls === (operation === 'FilterLogEvents' ? 1 : 2)) controller.abort();
          return next(args);
        },
        { step: 'initialize', name: 'abortUnderWay' },
      );
      const notices: RetryNotice[] = [];
      const delivered: unknown[] = [];
      const end = await tailTrainingJobLogs({
        clients,
        jobName: job,
        follow: true,
        // Giving up at the first failure in a row: an abort that were counted as one would end in an error.
        policy: { ...FAST, statusIntervalMs: 0, backoff: { ...FAST.backoff, maxConsecutiveFailures: 0 } },
        signal: controller.signal,
        onLines: (lines) => delivered.push(...lines),
        onRetry: (n) => notices.push(n),
      });
      clients.destroy();
      assert.equal(end.reason, 'aborted');
      assert.deepEqual(delivered, [], 'what the aborted call would have brought is not handed out');
      assert.equal(end.description?.TrainingJobName, job, 'the first answer is kept');
      assert.equal(end.summary, undefined);
      assert.deepEqual(notices, [], 'an abort is not a failure to wait out');
      assert.equal(end.stats.describeTrainingJobCalls, operation === 'FilterLogEvents' ? 1 : 2);
      assert.equal(end.stats.filterLogEventsCalls, 1);
    });
  }

  // Only an answer to a page asked with a token means what it says about that token: a missing group
  // or an expired token on a later page, or an "expired token" for a first page, is a refusal.
  for (const [what, answer, firstPage] of [
    ['ResourceNotFoundException for a later page', { status: 400, type: 'ResourceNotFoundException', message: 'The specified log group does not exist.' }, false],
    ['AccessDeniedException for a later page', { status: 400, type: 'AccessDeniedException', message: 'User is not authorized to perform: logs:FilterLogEvents' }, false],
    ['an expired nextToken for a first page', { status: 400, type: 'InvalidParameterException', message: 'The given nextToken is expired.' }, true],
  ] as const) {
    it(`stops with ReadRefused at ${what}`, { timeout: 60_000 }, async () => {
      const job = `hf-refused-${what.split(' ')[0]!.toLowerCase()}-${firstPage ? 'first' : 'later'}`;
      await completedJob(job, { simSeconds: 1.5, logLinesPerHost: 20 });
      const refusing = await proxy(
        22,
        {},
        {
          respond: ({ operation, body }) => {
            if (!isFilter(operation)) return undefined;
            const hasToken = (JSON.parse(body.toString('utf8')) as { nextToken?: string }).nextToken !== undefined;
            return hasToken === !firstPage ? answer : undefined;
          },
        },
      );
      const clients = clientsFor(refusing.endpoint, 1);
      const err = await tail({ clients, jobName: job, follow: false, policy: { ...FAST, pageLimit: 5 } }).then(
        () => assert.fail('the tail should have stopped'),
        (e: unknown) => e,
      );
      clients.destroy();
      assert.ok(err instanceof LogTailError, String(err));
      assert.equal(err.code, 'ReadRefused');
      assert.equal(err.message, `CloudWatch Logs refused to read ${LOG_GROUP} for ${job}: ${answer.type}: ${answer.message}`);
      assert.equal(refusing.requestsOf('FilterLogEvents').answered, 1, 'refused once, not asked again');
    });
  }

  it('stops with ReadRefused, naming the log group and the job, when CloudWatch refuses the read; its cursor resumes', { timeout: 60_000 }, async () => {
    const job = 'hf-read-refused';
    await completedJob(job, { simSeconds: 1.5, logLinesPerHost: 3 });
    const refusing = await proxy(
      21,
      {},
      {
        respond: ({ operation }) =>
          operation.endsWith('.FilterLogEvents') ? { status: 400, type: 'AccessDeniedException', message: 'User is not authorized to perform: logs:FilterLogEvents' } : undefined,
      },
    );
    const clients = clientsFor(refusing.endpoint, 1);
    const notices: RetryNotice[] = [];
    const err = await tailTrainingJobLogs({
      clients,
      jobName: job,
      follow: true,
      policy: FAST,
      onLines: () => assert.fail('no line can come through'),
      onRetry: (n) => notices.push(n),
    }).then(
      () => assert.fail('the tail should have stopped'),
      (e: unknown) => e,
    );
    clients.destroy();
    assert.ok(err instanceof LogTailError, String(err));
    assert.equal(err.name, 'LogTailError');
    assert.equal(err.code, 'ReadRefused');
    assert.equal(err.message, `CloudWatch Logs refused to read ${LOG_GROUP} for ${job}: AccessDeniedException: User is not authorized to perform: logs:FilterLogEvents`);
    assert.deepEqual(err.context, { jobName: job, logGroupName: LOG_GROUP });
    assert.deepEqual(notices, [], 'a refusal is not waited out');
    assert.equal(refusing.requestsOf('FilterLogEvents').requests, 1);
    const resumed = await tail({ clients: direct, jobName: job, follow: true, policy: FAST, cursor: err.cursor });
    assert.deepEqual(sortedEntries(byStream(resumed.lines)), sortedEntries(await groundTruth(direct.logs(), job)));
  });
});

// ---------------------------------------------------------------------------------------------------
// 3. The final flush against a log group that changes while a poll pages through it. moto cannot do
//    this (it ingests a line as it is put, and pages one snapshot), so here CloudWatch Logs and
//    SageMaker are fakes: FilterLogEvents is answered by the cursor tests' simulated group
//    (simulatedLogGroup.ts), without a Date header, so the tail knows no service clock.
// ---------------------------------------------------------------------------------------------------

describe('the final flush, against a log group that changes while it is read', () => {
  /** A finished job of six lines; a seventh, with a timestamp among them, arrives once the first page has been computed. */
  function raceClients(job: string): { clients: LogTailClients; expected: string[] } {
    const t0 = Date.now() - 60_000;
    const stream = `${job}/algo-1-1`;
    const group = new SimulatedLogGroup();
    for (let i = 0; i < 6; i++) group.put(stream, t0 + i * 1000, t0 + i * 1000 + 100, `line ${i}`);
    let arrived = false;
    const logs = {
      send: async (command: { input: { startTime?: number; nextToken?: string; limit?: number } }) => {
        const { startTime = 0, nextToken, limit = 10_000 } = command.input;
        // Every line put is visible; no Date header, so the tail knows no service clock.
        const page = group.query(Number.POSITIVE_INFINITY, startTime, nextToken, limit);
        if (!arrived) {
          arrived = true;
          group.put(stream, t0 + 3500, t0 + 10_000, 'late line');
        }
        return page;
      },
    };
    const sagemaker = {
      send: async () => ({ TrainingJobName: job, TrainingJobStatus: 'Completed', CreationTime: new Date(t0), ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.g5.xlarge' } }),
    };
    return {
      clients: { logs: () => logs, sagemaker: () => sagemaker } as unknown as LogTailClients,
      expected: ['line 0', 'line 1', 'line 2', 'line 3', 'late line', 'line 4', 'line 5'],
    };
  }

  it('reads again until no line is held back, so nothing a later page brought is lost', async () => {
    const { clients, expected } = raceClients('race-flush');
    const got = await tail({ clients, jobName: 'race-flush', follow: true, policy: { ...FAST, pageLimit: 3 } });
    assert.deepEqual(
      got.lines.map((l) => l.message),
      expected,
    );
    assert.equal(got.end!.reason, 'ended');
    assert.ok(got.end!.stats.heldBack > 0, 'the first pass held lines back');
    assert.ok(got.end!.stats.polls >= 2);
  });

  it('shows the history only once nothing is held back: the last N lines of the whole log', async () => {
    const { clients, expected } = raceClients('race-history');
    const got = await tail({ clients, jobName: 'race-history', follow: true, historyLines: 2, policy: { ...FAST, pageLimit: 3 } });
    assert.deepEqual(
      got.lines.map((l) => l.message),
      expected.slice(-2),
    );
    assert.deepEqual(got.trimmed, [expected.length - 2]);
  });

  it('ends as aborted when the signal fires during the final flush', async () => {
    const { clients } = raceClients('race-abort');
    const controller = new AbortController();
    const end = await tailTrainingJobLogs({
      clients,
      jobName: 'race-abort',
      follow: true,
      policy: { ...FAST, pageLimit: 3 },
      signal: controller.signal,
      // The first lines come in the first pass; the flush's pass brings the rest: stop there.
      onLines: (lines) => {
        if (lines.some((l) => l.message === 'line 3')) controller.abort();
      },
    });
    assert.equal(end.reason, 'aborted');
    assert.equal(end.summary, undefined);
  });
});
