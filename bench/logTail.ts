// Log tail of a 16-host training job. Child-process entry points for bench/run.mjs:
//
//   node bench/.build/logTail.js live [--quick]
//       starts moto, creates a 16-instance job, writes LINES lines per host at the rate of a job that
//       runs for an hour (time compressed COMPRESSION times), and tails it twice at the same time:
//       tailTrainingJobLogs (ours) and the SageMaker SDK's algorithm (lib/sdkLogReader.ts), each
//       through its own counting proxy. Prints the API calls per poll of each.
//   node bench/.build/logTail.js merge [--quick]
//       in-process: pages of FilterLogEvents events → LogCursor.acceptPage → formatLogLine, as a job's
//       log channel receives them, against the SDK's per-stream lists → mergeByTimestamp → format;
//       lines per second, and the longest the event loop was blocked while pages kept arriving.

import { CloudWatchLogsClient, CreateLogGroupCommand, CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTrainingJobCommand, SageMakerClient, StopTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import { tailTrainingJobLogs } from '../src/aws/logTail';
import type { LogTailClients, TailEnd } from '../src/aws/logTail';
import { RecentLines } from '../src/core/logs/jobEndSummary';
import { HistoryLimit, hostLabel, LogCursor, mergeByTimestamp } from '../src/core/logs/logCursor';
import type { CloudWatchLogEvent } from '../src/core/logs/logCursor';
import { formatLogLine } from '../src/core/logs/logFormat';
import { DEFAULT_TAIL_POLICY } from '../src/core/logs/tailPolicy';
import { startFaultProxy } from '../test/emulators/faultProxy';
import type { FaultProxy } from '../test/emulators/faultProxy';
import { awsTestClientConfig, startMoto } from '../test/emulators/moto/motoServer';
import { SdkLogReader } from './lib/sdkLogReader';
import { median, quantile } from './lib/stats';
import { runMain } from './lib/benchCli';

const LOG_GROUP = '/aws/sagemaker/TrainingJobs';
const HOSTS = 16;
/** Wall-clock time runs this many times faster than the job it stands for; every interval is divided by it. */
const COMPRESSION = 30;
/** The job the lines stand for runs one hour: 50,000 lines per host is then about 14 lines a second. */
const JOB_SECONDS = 3600;
const FULL_LINES = 50_000;
/** The CloudWatch agent on a SageMaker host ships its buffer every 5 s. */
const AGENT_FLUSH_MS = 5_000;
/** The SDK's poll (`logs_for_job(poll=10)`) and its DescribeTrainingJob interval (30 s). */
const SDK_POLL_MS = 10_000;
const SDK_DESCRIBE_MS = 30_000;

export interface ReaderCounts {
  polls: number;
  /** HTTP requests that read logs: FilterLogEvents for ours; DescribeLogStreams + GetLogEvents for the SDK. */
  logReads: number;
  describeTrainingJob: number;
  allRequests: number;
  lines: number;
}

export interface LiveTailResult {
  hosts: number;
  linesPerHost: number;
  compression: number;
  /** What the written lines stand for, per host per second of the real job. */
  linesPerHostPerSecond: number;
  benchSeconds: number;
  ours: ReaderCounts & { pages: number; duplicatesDropped: number; heldBack: number; inOrder: boolean };
  sdk: ReaderCounts;
  /** Log-read requests per poll, ours / the SDK's. */
  logReadsPerPollRatio: number;
  /** All requests per poll, ours / the SDK's. */
  allPerPollRatio: number;
  /** Log-read requests per hour of the real job, ours and the SDK's. */
  logReadsPerJobHour: { ours: number; sdk: number };
}

export interface MergeResult {
  lines: number;
  pages: number;
  /** acceptPage + the channel's formatting, lines per second (median of runs). */
  oursLinesPerSecond: number;
  /** per-stream lists + mergeByTimestamp + the same formatting. */
  sdkLinesPerSecond: number;
  ratio: number;
  runs: number;
  /** Longest gap between two ticks of a 10 ms interval timer beyond its period, while pages arrived one per macrotask. */
  maxEventLoopDelayMs: number;
  p99EventLoopDelayMs: number;
  /** The slowest single page (10,000 events), for comparison with the delay. */
  slowestPageMs: number;
}

function hfJob(name: string, instances: number) {
  return {
    TrainingJobName: name,
    RoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
    AlgorithmSpecification: {
      TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.13.1-transformers4.26.0-gpu-py39-cu117-ubuntu20.04',
      TrainingInputMode: 'File' as const,
    },
    HyperParameters: { sagemaker_program: '"train.py"', model_name_or_path: '"facebook/bart-large-cnn"' },
    OutputDataConfig: { S3OutputPath: 's3://sagemaker-us-east-1-123456789012/' },
    ResourceConfig: { InstanceCount: instances, InstanceType: 'ml.p3.2xlarge' as const, VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 86400 },
  };
}

function clients(endpoint: string): LogTailClients & { destroy(): void } {
  const config = awsTestClientConfig(endpoint);
  const logs = new CloudWatchLogsClient(config);
  const sagemaker = new SageMakerClient(config);
  return { logs: () => logs, sagemaker: () => sagemaker, destroy: () => (logs.destroy(), sagemaker.destroy()) };
}

function requests(proxy: FaultProxy, ...operations: string[]): number {
  return operations.reduce((n, op) => n + proxy.requestsOf(op).requests, 0);
}

async function live(quick: boolean): Promise<LiveTailResult> {
  const linesPerHost = quick ? 1_000 : FULL_LINES;
  const rate = FULL_LINES / JOB_SECONDS; // lines per host per second of the real job
  const benchRate = rate * COMPRESSION; // lines per host per second of the benchmark
  const flushMs = AGENT_FLUSH_MS / COMPRESSION;
  const moto = await startMoto({ simSeconds: 86_400, stopSeconds: 0.3, logLinesPerHost: 0, maxLifetimeSeconds: 900 });
  const proxies: FaultProxy[] = [];
  const direct = clients(moto.endpoint);
  try {
    const job = 'bench-16-hosts';
    await direct.sagemaker().send(new CreateTrainingJobCommand(hfJob(job, HOSTS)));
    await direct
      .logs()
      .send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP }))
      .catch((e: { name?: string }) => {
        if (e.name !== 'ResourceAlreadyExistsException') throw e;
      });
    const oursProxy = await startFaultProxy({ target: moto.endpoint, seed: 1, rates: {}, maxLifetimeMs: 900_000 });
    const sdkProxy = await startFaultProxy({ target: moto.endpoint, seed: 2, rates: {}, maxLifetimeMs: 900_000 });
    proxies.push(oursProxy, sdkProxy);
    const oursClients = clients(oursProxy.endpoint);
    const sdkClients = clients(sdkProxy.endpoint);

    // Ours: the default policy with every interval divided by the compression.
    const d = DEFAULT_TAIL_POLICY;
    const policy = {
      pollIntervalMs: d.pollIntervalMs / COMPRESSION,
      statusIntervalMs: d.statusIntervalMs / COMPRESSION,
      overlapMs: d.overlapMs / COMPRESSION,
      lagMarginMs: d.lagMarginMs / COMPRESSION,
      maxOverlapMs: d.maxOverlapMs / COMPRESSION,
    };
    const lastLine = new Map<string, number>();
    let oursLines = 0;
    let inOrder = true;
    const started = performance.now();
    const oursTail: Promise<TailEnd> = tailTrainingJobLogs({
      clients: oursClients,
      jobName: job,
      follow: true,
      policy,
      onLines: (lines) => {
        // The channel's work: format and join (its output is dropped here).
        void lines.map((l) => `${formatLogLine(l)}\n`).join('');
        for (const l of lines) {
          const n = Number(/ line (\d+) /.exec(l.message)?.[1]);
          if (n !== (lastLine.get(l.host) ?? -1) + 1) inOrder = false;
          lastLine.set(l.host, n);
        }
        oursLines += lines.length;
      },
    });
    const sdkReader = new SdkLogReader(sdkClients.logs(), sdkClients.sagemaker(), job);
    let sdkLines = 0;
    const sdkTail = sdkReader.follow({ pollMs: SDK_POLL_MS / COMPRESSION, describeMs: SDK_DESCRIBE_MS / COMPRESSION }, (events) => {
      sdkLines += events.length;
    });

    // The hosts: each ships what it printed since its last flush, timestamps spread over the interval.
    const epoch = Math.floor(Date.now() / 1000);
    const streams = Array.from({ length: HOSTS }, (_, i) => `${job}/algo-${i + 1}-${epoch}`);
    const written = new Array<number>(HOSTS).fill(0);
    for (const stream of streams) await direct.logs().send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP, logStreamName: stream }));
    const writeStart = Date.now();
    while (written.some((n) => n < linesPerHost)) {
      const now = Date.now();
      const due = Math.min(linesPerHost, Math.floor(((now - writeStart) / 1000) * benchRate));
      for (let h = 0; h < HOSTS; h++) {
        const count = due - written[h]!;
        if (count <= 0) continue;
        const events = [];
        for (let i = 0; i < count; i++) {
          const at = now - Math.round(((count - i) / count) * flushMs);
          events.push({ timestamp: at, message: `${hostLabel(streams[h]!)} line ${written[h]! + i} {'loss': 1.2345, 'learning_rate': 5e-05, 'epoch': 0.42}` });
        }
        await direct.logs().send(new PutLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: streams[h], logEvents: events }));
        written[h]! += count;
      }
      await new Promise((resolve) => setTimeout(resolve, flushMs));
    }
    await direct.sagemaker().send(new StopTrainingJobCommand({ TrainingJobName: job }));
    const [end] = await Promise.all([oursTail, sdkTail]);
    const benchSeconds = (performance.now() - started) / 1000;
    oursClients.destroy();
    sdkClients.destroy();

    const ours = {
      polls: end.stats.polls,
      logReads: requests(oursProxy, 'FilterLogEvents'),
      describeTrainingJob: requests(oursProxy, 'DescribeTrainingJob'),
      allRequests: oursProxy.counters.requests,
      lines: oursLines,
      pages: end.stats.pages,
      duplicatesDropped: end.stats.duplicatesDropped,
      heldBack: end.stats.heldBack,
      inOrder: inOrder && oursLines === HOSTS * linesPerHost,
    };
    const sdk = {
      polls: sdkReader.calls.polls,
      logReads: requests(sdkProxy, 'GetLogEvents', 'DescribeLogStreams'),
      describeTrainingJob: requests(sdkProxy, 'DescribeTrainingJob'),
      allRequests: sdkProxy.counters.requests,
      lines: sdkLines,
    };
    const jobHours = (benchSeconds * COMPRESSION) / 3600;
    return {
      hosts: HOSTS,
      linesPerHost,
      compression: COMPRESSION,
      linesPerHostPerSecond: rate,
      benchSeconds,
      ours,
      sdk,
      logReadsPerPollRatio: ours.logReads / ours.polls / (sdk.logReads / sdk.polls),
      allPerPollRatio: ours.allRequests / ours.polls / (sdk.allRequests / sdk.polls),
      logReadsPerJobHour: { ours: ours.logReads / jobHours, sdk: sdk.logReads / jobHours },
    };
  } finally {
    direct.destroy();
    for (const p of proxies) await p.stop();
    await moto.stop();
  }
}

/** 16 hosts' events as FilterLogEvents returns them: interleaved by timestamp, 10,000 a page. */
function syntheticLog(hosts: number, perHost: number): { pages: CloudWatchLogEvent[][]; perStream: CloudWatchLogEvent[][] } {
  const job = 'bench-merge';
  const perStream: CloudWatchLogEvent[][] = [];
  const all: CloudWatchLogEvent[] = [];
  const t0 = 1_700_000_000_000;
  for (let h = 0; h < hosts; h++) {
    const stream = `${job}/algo-${h + 1}-1700000000`;
    const events: CloudWatchLogEvent[] = [];
    for (let i = 0; i < perHost; i++) {
      // Bursts share a millisecond, hosts are offset: ties and interleaving as in a real job.
      const timestamp = t0 + Math.floor(i / 3) * 70 + h;
      events.push({
        eventId: `${h}-${i}`,
        logStreamName: stream,
        timestamp,
        ingestionTime: timestamp + 2000,
        message: `[1,${h * 8}]<stdout>:{'loss': ${(2 - i / perHost).toFixed(4)}, 'learning_rate': 5e-05, 'epoch': ${(i / perHost).toFixed(2)}} step ${i}`,
      });
    }
    perStream.push(events);
    all.push(...events);
  }
  all.sort((a, b) => a.timestamp! - b.timestamp!);
  const pages: CloudWatchLogEvent[][] = [];
  for (let i = 0; i < all.length; i += 10_000) pages.push(all.slice(i, i + 10_000));
  return { pages, perStream };
}

/** What a job's log channel does with each page: the tail's delivery path, then the channel's text. */
function oursPage(cursor: LogCursor, recent: RecentLines, history: HistoryLimit, page: CloudWatchLogEvent[]): number {
  const lines = cursor.acceptPage(page);
  recent.add(lines);
  const shown = history.offer(lines);
  const text = shown.map((l) => `${formatLogLine(l)}\n`).join('');
  return text.length;
}

async function merge(quick: boolean): Promise<MergeResult> {
  const perHost = quick ? 6_250 : 50_000;
  const { pages, perStream } = syntheticLog(HOSTS, perHost);
  const total = HOSTS * perHost;
  const runs = quick ? 3 : 7;
  const ours: number[] = [];
  const sdk: number[] = [];
  const runOurs = () => {
    const cursor = new LogCursor('bench-merge', 0, DEFAULT_TAIL_POLICY);
    const recent = new RecentLines(DEFAULT_TAIL_POLICY.recentLinesPerHost);
    const history = new HistoryLimit(undefined);
    const start = performance.now();
    cursor.beginPoll();
    for (const page of pages) oursPage(cursor, recent, history, page);
    cursor.completePoll(0);
    return performance.now() - start;
  };
  const runSdk = () => {
    const start = performance.now();
    const lists = perStream.map((events) => events.map((e) => ({ host: hostLabel(e.logStreamName!), timestamp: e.timestamp!, message: e.message! })));
    const merged = mergeByTimestamp(lists);
    const text = merged.map((l) => `${formatLogLine(l)}\n`).join('');
    void text.length;
    return performance.now() - start;
  };
  runOurs();
  runSdk();
  for (let i = 0; i < runs; i++) {
    if (i % 2 === 0) {
      ours.push(runOurs());
      sdk.push(runSdk());
    } else {
      sdk.push(runSdk());
      ours.push(runOurs());
    }
  }

  // Pages arriving one per macrotask, as network answers do, with a 10 ms timer ticking alongside.
  const delays: number[] = [];
  let expected = performance.now() + 10;
  const timer = setInterval(() => {
    const now = performance.now();
    delays.push(Math.max(0, now - expected));
    expected = now + 10;
  }, 10);
  const cursor = new LogCursor('bench-merge', 0, DEFAULT_TAIL_POLICY);
  const recent = new RecentLines(DEFAULT_TAIL_POLICY.recentLinesPerHost);
  const history = new HistoryLimit(undefined);
  let slowestPageMs = 0;
  cursor.beginPoll();
  for (const page of pages) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    const start = performance.now();
    oursPage(cursor, recent, history, page);
    slowestPageMs = Math.max(slowestPageMs, performance.now() - start);
  }
  await new Promise((resolve) => setTimeout(resolve, 30));
  clearInterval(timer);

  const oursMs = median(ours);
  const sdkMs = median(sdk);
  return {
    lines: total,
    pages: pages.length,
    oursLinesPerSecond: total / (oursMs / 1000),
    sdkLinesPerSecond: total / (sdkMs / 1000),
    ratio: sdkMs / oursMs,
    runs,
    maxEventLoopDelayMs: Math.max(...delays),
    p99EventLoopDelayMs: quantile(delays, 0.99),
    slowestPageMs,
  };
}

async function main(): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';
  const quick = process.argv.includes('--quick');
  const command = process.argv[2];
  const result = command === 'live' ? await live(quick) : command === 'merge' ? await merge(quick) : undefined;
  if (!result) throw new Error(`unknown command ${command}; use live or merge`);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) runMain(main);
