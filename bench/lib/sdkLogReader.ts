// BASELINE, not product code: how the SageMaker Python SDK v2 reads a training job's logs
// (`Session.logs_for_job` → session.py `_flush_log_streams`, logs.py `multi_stream_iter` /
// `log_stream`), replayed with the JS SDK so that bench/logTail.ts can count its API calls against
// the same emulator and job as our tail. Written for the benchmark from the SDK's documented
// behaviour:
//
// - while fewer streams are known than the job has instances: DescribeLogStreams with the job's
//   prefix, ordered by name, limit min(instances, 50) (its follow-up loop never passes nextToken on,
//   so it would ask forever; like the unit test's copy, this one stops after one more call);
// - per known stream: GetLogEvents from the stream's last (timestamp, skip) position, startFromHead,
//   following nextForwardToken until a page comes back empty;
// - the streams merged by timestamp (ties to the earlier stream), positions advanced per event;
// - TAILING → (sleep poll) → DescribeTrainingJob every 30 s → JOB_COMPLETE → one last flush.
//
// The SDK reads each stream lazily inside multi_stream_iter; reading each stream to its end first,
// one after the other as here, makes the same calls in a different order.

import { DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import type { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import type { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mergeByTimestamp } from '../../src/core/logs/logCursor';

export interface SdkReaderCalls {
  describeLogStreams: number;
  getLogEvents: number;
  describeTrainingJob: number;
  /** Flushes (the SDK's polls). */
  polls: number;
}

export interface SdkReaderEvent {
  stream: string;
  timestamp: number;
  message: string;
}

interface Position {
  timestamp: number;
  skip: number;
}

const TERMINAL = new Set(['Completed', 'Failed', 'Stopped']);

export class SdkLogReader {
  readonly calls: SdkReaderCalls = { describeLogStreams: 0, getLogEvents: 0, describeTrainingJob: 0, polls: 0 };
  private streams: string[] = [];
  private readonly positions = new Map<string, Position>();

  constructor(
    private readonly logs: CloudWatchLogsClient,
    private readonly sagemaker: SageMakerClient,
    private readonly jobName: string,
    private readonly logGroup = '/aws/sagemaker/TrainingJobs',
  ) {}

  /** `logs_for_job(wait=True)`: polls until the job ends and its last lines are read. */
  async follow(intervals: { pollMs: number; describeMs: number }, onEvents: (events: SdkReaderEvent[]) => void): Promise<void> {
    let description = await this.describe();
    const instances = description.ResourceConfig?.InstanceCount ?? 1;
    let state: 'tailing' | 'jobComplete' | 'complete' = TERMINAL.has(description.TrainingJobStatus ?? '') ? 'complete' : 'tailing';
    let lastDescribe = performance.now();
    for (;;) {
      onEvents(await this.flush(instances));
      if (state === 'complete') return;
      await new Promise((resolve) => setTimeout(resolve, intervals.pollMs));
      if (state === 'jobComplete') {
        state = 'complete';
      } else if (performance.now() - lastDescribe >= intervals.describeMs) {
        description = await this.describe();
        lastDescribe = performance.now();
        if (TERMINAL.has(description.TrainingJobStatus ?? '')) state = 'jobComplete';
      }
    }
  }

  /** `_flush_log_streams`: one poll. */
  async flush(instances: number): Promise<SdkReaderEvent[]> {
    this.calls.polls++;
    if (this.streams.length < instances) await this.discoverStreams(instances);
    const perStream: SdkReaderEvent[][] = [];
    for (const stream of this.streams) perStream.push(await this.readStream(stream));
    const merged = mergeByTimestamp(perStream);
    for (const event of merged) {
      const p = this.positions.get(event.stream)!;
      this.positions.set(event.stream, event.timestamp === p.timestamp ? { timestamp: p.timestamp, skip: p.skip + 1 } : { timestamp: event.timestamp, skip: 1 });
    }
    return merged;
  }

  private async describe() {
    this.calls.describeTrainingJob++;
    return this.sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: this.jobName }));
  }

  private async discoverStreams(instances: number): Promise<void> {
    try {
      const prefix = `${this.jobName}/`;
      this.calls.describeLogStreams++;
      let page = await this.logs.send(
        new DescribeLogStreamsCommand({ logGroupName: this.logGroup, logStreamNamePrefix: prefix, orderBy: 'LogStreamName', limit: Math.min(instances, 50) }),
      );
      this.streams = (page.logStreams ?? []).map((s) => s.logStreamName!);
      if (page.nextToken) {
        this.calls.describeLogStreams++;
        page = await this.logs.send(new DescribeLogStreamsCommand({ logGroupName: this.logGroup, logStreamNamePrefix: prefix, orderBy: 'LogStreamName', limit: 50 }));
        this.streams.push(...(page.logStreams ?? []).map((s) => s.logStreamName!));
      }
      for (const s of this.streams) if (!this.positions.has(s)) this.positions.set(s, { timestamp: 0, skip: 0 });
    } catch (err) {
      // The first job of an account has no log group until its container writes.
      if ((err as { name?: string }).name !== 'ResourceNotFoundException') throw err;
    }
  }

  /** `log_stream`: pages from the position until an empty page. */
  private async readStream(stream: string): Promise<SdkReaderEvent[]> {
    const position = this.positions.get(stream)!;
    let skip = position.skip;
    let token: string | undefined;
    const out: SdkReaderEvent[] = [];
    for (;;) {
      this.calls.getLogEvents++;
      const page = await this.logs.send(
        new GetLogEventsCommand({ logGroupName: this.logGroup, logStreamName: stream, startTime: position.timestamp, startFromHead: true, ...(token ? { nextToken: token } : {}) }),
      );
      token = page.nextForwardToken;
      const events = page.events ?? [];
      if (events.length === 0) return out;
      const fresh = events.length > skip ? events.slice(skip) : [];
      skip = Math.max(0, skip - events.length);
      for (const e of fresh) out.push({ stream, timestamp: e.timestamp ?? 0, message: e.message ?? '' });
    }
  }
}
