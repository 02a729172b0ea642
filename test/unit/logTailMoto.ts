// The moto half of the log-tail tests, shared by logTail.test.ts and logTailBulk.test.ts: a job as the
// HuggingFace estimator creates it, clients through a fault proxy or straight to moto, a tail that
// captures what it hands out, the ground truth read back from moto, the SageMaker Python SDK's own
// log-reading loop replayed as a BASELINE, and a harness that starts moto for a describe block.
// The 100,000-line test lives in its own file so that mutation testing (docs/MUTATION.md) runs it
// only for the mutants the shorter file leaves alive.

import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import { performance } from 'node:perf_hooks';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CreateTrainingJobCommandInput } from '@aws-sdk/client-sagemaker';
import { tailTrainingJobLogs } from '../../src/aws/logTail';
import type { LogTailClients, StatusUpdate, TailEnd, TailOptions } from '../../src/aws/logTail';
import { mergeByTimestamp } from '../../src/core/logs/logCursor';
import type { LogLine } from '../../src/core/logs/logCursor';
import { startFaultProxy } from '../emulators/faultProxy';
import type { AwsErrorAnswer, FaultProxy } from '../emulators/faultProxy';
import { awsTestClientConfig, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';

export const LOG_GROUP = '/aws/sagemaker/TrainingJobs';
const HF_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04';
export const FAST = { pollIntervalMs: 150, statusIntervalMs: 300, overlapMs: 3_000, lagMarginMs: 1_000, backoff: { baseMs: 50, maxMs: 400, maxConsecutiveFailures: 40 } };

export function hfJob(name: string, overrides: Partial<CreateTrainingJobCommandInput> = {}, hyperparameters: Record<string, string> = {}): CreateTrainingJobCommandInput {
  return {
    TrainingJobName: name,
    RoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
    AlgorithmSpecification: { TrainingImage: HF_IMAGE, TrainingInputMode: 'File' },
    HyperParameters: {
      model_name_or_path: '"facebook/bart-large-cnn"',
      num_train_epochs: '3',
      per_device_train_batch_size: '4',
      sagemaker_program: '"run_summarization.py"',
      sagemaker_distributed_dataparallel_enabled: 'true',
      sagemaker_instance_type: '"ml.p3dn.24xlarge"',
      ...hyperparameters,
    },
    OutputDataConfig: { S3OutputPath: 's3://sagemaker-us-east-1-123456789012/' },
    ResourceConfig: { InstanceCount: 2, InstanceType: 'ml.p3dn.24xlarge', VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    ...overrides,
  };
}

/** Clients whose every request goes through `endpoint` (a fault proxy, or moto itself); with `account`, as that moto account. */
export function clientsFor(endpoint: string, maxAttempts?: number, account?: string): LogTailClients & { destroy(): void } {
  const config = { ...awsTestClientConfig(endpoint), ...(maxAttempts ? { maxAttempts } : {}) };
  const logs = new CloudWatchLogsClient(config);
  const sagemaker = new SageMakerClient(config);
  if (account) {
    for (const client of [logs, sagemaker] as const) {
      client.middlewareStack.add(
        (next) => async (args) => {
          (args.request as { headers: Record<string, string> }).headers['x-moto-account-id'] = account;
          return next(args);
        },
        { step: 'finalizeRequest', name: 'motoAccount' },
      );
    }
  }
  return { logs: () => logs, sagemaker: () => sagemaker, destroy: () => (logs.destroy(), sagemaker.destroy()) };
}

export interface Captured {
  lines: LogLine[];
  statuses: StatusUpdate[];
  trimmed: number[];
  /** Each onStreams call's streams. */
  streams?: string[][];
  end?: TailEnd;
}

export async function tail(
  options: Omit<TailOptions, 'onLines' | 'onStatus' | 'onEnd' | 'onHistoryTrimmed'>,
  captured: Captured = { lines: [], statuses: [], trimmed: [] },
): Promise<Captured> {
  captured.end = await tailTrainingJobLogs({
    ...options,
    // Never an empty batch: a caller may show every call (a channel append, a webview message).
    onLines: (lines) => {
      assert.ok(lines.length > 0, 'onLines was handed no line');
      captured.lines.push(...lines);
    },
    onStreams: (streams) => {
      assert.ok(streams.length > 0, 'onStreams was handed no stream');
      (captured.streams ??= []).push(streams);
    },
    onStatus: (u) => captured.statuses.push(u),
    onHistoryTrimmed: (n) => captured.trimmed.push(n),
  });
  return captured;
}

/** Every stream's messages, read straight from moto (the ground truth a tail must reproduce). */
export async function groundTruth(logs: CloudWatchLogsClient, job: string): Promise<Map<string, string[]>> {
  const streams = await logs.send(new DescribeLogStreamsCommand({ logGroupName: LOG_GROUP, logStreamNamePrefix: `${job}/` }));
  const out = new Map<string, string[]>();
  for (const s of streams.logStreams ?? []) {
    const messages: string[] = [];
    let token: string | undefined;
    for (;;) {
      const page = await logs.send(
        new GetLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: s.logStreamName, startFromHead: true, ...(token ? { nextToken: token } : {}) }),
      );
      messages.push(...(page.events ?? []).map((e) => e.message ?? ''));
      if (!page.events?.length) break;
      token = page.nextForwardToken;
    }
    out.set(s.logStreamName!, messages);
  }
  return out;
}

export function byStream(lines: readonly LogLine[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const l of lines) {
    if (!out.has(l.stream)) out.set(l.stream, []);
    out.get(l.stream)!.push(l.message);
  }
  return out;
}

export function sortedEntries(m: Map<string, string[]>): Array<[string, string[]]> {
  return [...m.entries()].sort(([a], [b]) => a.localeCompare(b));
}

// -- BASELINE: the SageMaker Python SDK v2's log reading (session.py `_logs_for_job`, `_flush_log_streams`,
// logs.py `multi_stream_iter` / `log_stream`), replayed with the JS SDK only to count its API calls
// against the same job. Not product code. --------------------------------------------------------------

export interface BaselineCalls {
  describeLogStreams: number;
  getLogEvents: number;
  describeTrainingJob: number;
}

export interface BaselineState {
  streams: string[];
  positions: Map<string, { timestamp: number; skip: number }>;
}

export async function baselineFlush(
  logs: CloudWatchLogsClient,
  job: string,
  instanceCount: number,
  state: BaselineState,
  calls: BaselineCalls,
  out: Array<{ stream: string; message: string }>,
): Promise<void> {
  if (state.streams.length < instanceCount) {
    try {
      let page = await logs.send(
        new DescribeLogStreamsCommand({ logGroupName: LOG_GROUP, logStreamNamePrefix: `${job}/`, orderBy: 'LogStreamName', limit: Math.min(instanceCount, 50) }),
      );
      calls.describeLogStreams++;
      state.streams = (page.logStreams ?? []).map((s) => s.logStreamName!);
      // The SDK's loop never passes the token back; with more streams than `limit` it would ask forever. Stop after one.
      if (page.nextToken) {
        page = await logs.send(new DescribeLogStreamsCommand({ logGroupName: LOG_GROUP, logStreamNamePrefix: `${job}/`, orderBy: 'LogStreamName', limit: 50 }));
        calls.describeLogStreams++;
        state.streams.push(...(page.logStreams ?? []).map((s) => s.logStreamName!));
      }
      for (const s of state.streams) if (!state.positions.has(s)) state.positions.set(s, { timestamp: 0, skip: 0 });
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
  }
  const perStream: Array<Array<{ stream: string; timestamp: number; message: string }>> = [];
  for (const stream of state.streams) {
    const position = state.positions.get(stream)!;
    let skip = position.skip;
    const events: Array<{ stream: string; timestamp: number; message: string }> = [];
    let token: string | undefined;
    for (;;) {
      const page = await logs.send(
        new GetLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: stream, startTime: position.timestamp, startFromHead: true, ...(token ? { nextToken: token } : {}) }),
      );
      calls.getLogEvents++;
      token = page.nextForwardToken;
      let got = page.events ?? [];
      if (got.length === 0) break;
      if (got.length > skip) {
        got = got.slice(skip);
        skip = 0;
      } else {
        skip -= got.length;
        got = [];
      }
      events.push(...got.map((e) => ({ stream, timestamp: e.timestamp ?? 0, message: e.message ?? '' })));
    }
    perStream.push(events);
  }
  for (const event of mergeByTimestamp(perStream)) {
    out.push({ stream: event.stream, message: event.message });
    const p = state.positions.get(event.stream)!;
    state.positions.set(event.stream, event.timestamp === p.timestamp ? { timestamp: p.timestamp, skip: p.skip + 1 } : { timestamp: event.timestamp, skip: 1 });
  }
}

/** The SDK's TAILING → JOB_COMPLETE → COMPLETE loop with the same intervals as our tail. */
export async function baselineTail(
  clients: LogTailClients,
  job: string,
  intervals: { pollIntervalMs: number; statusIntervalMs: number },
): Promise<{ calls: BaselineCalls; lines: Array<{ stream: string; message: string }> }> {
  const calls: BaselineCalls = { describeLogStreams: 0, getLogEvents: 0, describeTrainingJob: 0 };
  const lines: Array<{ stream: string; message: string }> = [];
  const state: BaselineState = { streams: [], positions: new Map() };
  let description = await clients.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: job }));
  calls.describeTrainingJob++;
  const instances = description.ResourceConfig?.InstanceCount ?? 1;
  let phase: 'tailing' | 'jobComplete' | 'complete' = ['Completed', 'Failed', 'Stopped'].includes(description.TrainingJobStatus!) ? 'complete' : 'tailing';
  let lastDescribe = performance.now();
  for (;;) {
    await baselineFlush(clients.logs(), job, instances, state, calls, lines);
    if (phase === 'complete') break;
    await new Promise((r) => setTimeout(r, intervals.pollIntervalMs));
    if (phase === 'jobComplete') phase = 'complete';
    else if (performance.now() - lastDescribe >= intervals.statusIntervalMs) {
      description = await clients.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: job }));
      calls.describeTrainingJob++;
      lastDescribe = performance.now();
      if (['Completed', 'Failed', 'Stopped'].includes(description.TrainingJobStatus!)) phase = 'jobComplete';
    }
  }
  return { calls, lines };
}

/** What a describe block of moto tests gets from {@link tailHarness}. */
export interface TailHarness {
  /** moto, started before the block's first test. */
  readonly moto: MotoServer;
  /** Clients straight to moto. */
  readonly direct: LogTailClients & { destroy(): void };
  /** A fault proxy in front of moto, stopped after the block. */
  proxy(
    seed: number,
    rates: { throttle?: number; serverError?: number; drop?: number },
    more?: { faultsFor?: (target: string) => boolean; respond?: (request: { operation: string; body: Buffer }) => AwsErrorAnswer | undefined },
  ): Promise<FaultProxy>;
  /** A job that has run to Completed (DescribeTrainingJob brings the simulation up to the clock). */
  completedJob(job: string, settings: { simSeconds: number; logLinesPerHost?: number }, clients?: LogTailClients): Promise<void>;
}

/** Call inside a describe block: starts moto before its tests, and stops it and every proxy after them. */
export function tailHarness(): TailHarness {
  let moto: MotoServer | undefined;
  let direct: (LogTailClients & { destroy(): void }) | undefined;
  const proxies: FaultProxy[] = [];

  before(async () => {
    moto = await startMoto({ simSeconds: 300, stopSeconds: 0.5, logLinesPerHost: 12 });
    direct = clientsFor(moto.endpoint);
  });

  after(async () => {
    direct?.destroy();
    for (const p of proxies) await p.stop();
    await moto?.stop();
  });

  const started = (): { moto: MotoServer; direct: LogTailClients & { destroy(): void } } => {
    if (!moto || !direct) throw new Error('moto has not started: use the harness inside a test or hook of its describe block');
    return { moto, direct };
  };
  return {
    get moto() {
      return started().moto;
    },
    get direct() {
      return started().direct;
    },
    async proxy(seed, rates, more = {}) {
      const p = await startFaultProxy({ target: started().moto.endpoint, seed, rates, maxLifetimeMs: 5 * 60_000, ...more });
      proxies.push(p);
      return p;
    },
    async completedJob(job, settings, clients = started().direct) {
      await started().moto.configure({ jobs: { [job]: settings } });
      await clients.sagemaker().send(new CreateTrainingJobCommand(hfJob(job)));
      for (;;) {
        const d = await clients.sagemaker().send(new DescribeTrainingJobCommand({ TrainingJobName: job }));
        if (d.TrainingJobStatus === 'Completed') return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },
  };
}

export const isFilter = (target: string): boolean => target.endsWith('.FilterLogEvents');
