// The 100,000-line test of the log tail, in its own file so that mutation testing (docs/MUTATION.md)
// runs it only for the mutants logTail.test.ts leaves alive: 16 hosts write 100,000 lines while a
// fault proxy throttles, fails and drops CloudWatch requests, and the tail must print each line
// exactly once, in its host's order; then one full read of them against the SageMaker SDK's
// per-stream loop, counting API calls.
//
// Skipped, with the setup command, only where scripts/setup-moto.sh has not run.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { performance } from 'node:perf_hooks';
import { CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTrainingJobCommand, StopTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import type { LogTailClients } from '../../src/aws/logTail';
import { hostLabel } from '../../src/core/logs/logCursor';
import { formatLogLine } from '../../src/core/logs/logFormat';
import { seededRandom } from '../emulators/faultProxy';
import { motoInstallProblem } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { baselineFlush, clientsFor, FAST, hfJob, LOG_GROUP, sortedEntries, tail, tailHarness } from './logTailMoto';
import type { BaselineCalls, Captured } from './logTailMoto';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const installProblem = motoInstallProblem();

describe('tailing 100,000 lines against moto through the real SDK', { skip: installProblem ?? false }, () => {
  const harness = tailHarness();
  const { proxy } = harness;
  let moto: MotoServer;
  let direct: LogTailClients & { destroy(): void };
  before(() => {
    ({ moto, direct } = harness);
  });

  it('prints exactly the 100,000 lines 16 hosts write while CloudWatch throttles, fails and drops connections', async (t) => {
    const job = 'bulk-16-hosts';
    const hosts = 16;
    const perHost = 6_250;
    await moto.configure({ jobs: { [job]: { simSeconds: 86_400, logLinesPerHost: 0 } } });
    // A job that stays InProgress (its simulated container would start hours from now), so every line is ours.
    await direct.sagemaker().send(new CreateTrainingJobCommand(hfJob(job, { ResourceConfig: { InstanceCount: hosts, InstanceType: 'ml.p3.2xlarge', VolumeSizeInGB: 30 } })));
    await direct
      .logs()
      .send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }))
      .catch((e: Error) => {
        if (e.name !== 'ResourceAlreadyExistsException') throw e;
      });

    const faults = await proxy(1234, { throttle: 0.1, serverError: 0.07, drop: 0.07 });
    // maxAttempts 1: the SDK retries nothing, so every fault reaches the tail's own backoff-and-resume.
    const tailClients = clientsFor(faults.endpoint, 1);
    const started = performance.now();
    const captured: Captured = { lines: [], statuses: [], trimmed: [] };
    const tailing = tail({ clients: tailClients, jobName: job, follow: true, policy: FAST, random: seededRandom(99) }, captured);

    // Writers: batches of 1–2,000 events per stream, hosts joining one after another, timestamps 0–1.5 s
    // behind the clock (so lines keep arriving older than what was already read), bursts sharing a millisecond.
    const rng = seededRandom(4321);
    const written = new Map<string, string[]>();
    const clock = new Map<string, number>();
    const epoch = Math.floor(Date.now() / 1000);
    const pending: string[] = [];
    for (let n = 1; n <= hosts; n++) pending.push(`${job}/algo-${n}-${epoch}`);
    let round = 0;
    while (pending.length > 0) {
      round++;
      const open = pending.filter((_, i) => i < 2 + round); // host N starts writing in round N − 2
      const stream = open[Math.floor(rng() * open.length)]!;
      if (!written.has(stream)) {
        await direct.logs().send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: stream }));
        written.set(stream, []);
      }
      const lines = written.get(stream)!;
      const count = Math.min(perHost - lines.length, 1 + Math.floor(rng() * 2_000));
      let ts = Math.max(clock.get(stream) ?? 0, Date.now() - Math.floor(rng() * 1_500));
      const batch: Array<{ timestamp: number; message: string }> = [];
      for (let i = 0; i < count; i++) {
        if (rng() < 0.2) ts += 1;
        const message = `${hostLabel(stream)} line ${lines.length + i} ${'x'.repeat(Math.floor(rng() * 40))}`;
        batch.push({ timestamp: ts, message });
      }
      clock.set(stream, ts);
      await direct.logs().send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: stream, logEvents: batch }));
      lines.push(...batch.map((e) => e.message));
      // Hosts write over several seconds, so many polls (and their pages) overlap the writing.
      await new Promise((resolve) => setTimeout(resolve, 60));
      if (lines.length === perHost) pending.splice(pending.indexOf(stream), 1);
    }
    const writtenMs = performance.now() - started;
    await direct.sagemaker().send(new StopTrainingJobCommand({ TrainingJobName: job }));
    await tailing;
    const totalMs = performance.now() - started;
    tailClients.destroy();

    const printed = new Map<string, string[]>();
    for (const line of captured.lines) {
      const text = formatLogLine(line);
      if (!printed.has(line.host)) printed.set(line.host, []);
      printed.get(line.host)!.push(text);
    }
    const expected = new Map<string, string[]>([...written].map(([stream, msgs]) => [hostLabel(stream), msgs.map((m) => `[${hostLabel(stream)}] ${m}`)]));
    assert.equal(captured.lines.length, hosts * perHost, 'lines lost or repeated');
    assert.deepEqual(sortedEntries(printed), sortedEntries(expected));

    const filter = faults.requestsOf('FilterLogEvents');
    t.diagnostic(`100k lines: written in ${(writtenMs / 1000).toFixed(1)} s, tail done after ${(totalMs / 1000).toFixed(1)} s`);
    t.diagnostic(
      `FilterLogEvents HTTP requests ${filter.requests} (throttled ${filter.throttled}, 5xx ${filter.serverError}, dropped ${filter.dropped}); tail stats ${JSON.stringify(captured.end!.stats)}`,
    );
    const all = faults.counters;
    assert.ok(all.throttled > 0 && all.serverError > 0 && all.dropped > 0, `not every kind of fault happened: ${JSON.stringify(all)}`);
    assert.equal(captured.end!.reason, 'ended');
    assert.equal(captured.end!.description!.TrainingJobStatus, 'Stopped');
    assert.ok(captured.end!.stats.duplicatesDropped > 0, 'the overlap never re-read a line: de-duplication was not exercised');

    // Reading the same 100k lines once more from scratch: one FilterLogEvents query against the SDK's
    // DescribeLogStreams + GetLogEvents per stream (BASELINE), each through its own counting proxy.
    const oursCounter = await proxy(5, {});
    const baselineCounter = await proxy(6, {});
    const oursOnce = clientsFor(oursCounter.endpoint);
    const baselineOnce = clientsFor(baselineCounter.endpoint);
    const snapshot = await tail({ clients: oursOnce, jobName: job, follow: false, policy: FAST });
    const baselineLines: Array<{ stream: string; message: string }> = [];
    const baselineCalls: BaselineCalls = { describeLogStreams: 0, getLogEvents: 0, describeTrainingJob: 0 };
    await baselineFlush(baselineOnce.logs(), job, hosts, { streams: [], positions: new Map() }, baselineCalls, baselineLines);
    oursOnce.destroy();
    baselineOnce.destroy();
    assert.equal(snapshot.lines.length, hosts * perHost);
    assert.equal(baselineLines.length, hosts * perHost);
    const ourReads = oursCounter.requestsOf('FilterLogEvents').requests;
    t.diagnostic(
      `one full read of 100k lines: ours ${ourReads} FilterLogEvents; SDK baseline ${baselineCalls.describeLogStreams} DescribeLogStreams + ${baselineCalls.getLogEvents} GetLogEvents`,
    );
    assert.ok(ourReads < baselineCalls.describeLogStreams + baselineCalls.getLogEvents);
  });
});
