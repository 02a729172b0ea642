// The AWS emulator every AWS-facing test runs against: moto plus our SageMaker lifecycle launcher, driven
// through the real @aws-sdk v3 clients exactly as the extension drives AWS.
//
// Skipped (with the setup command) only when scripts/setup-moto.sh has not been run on this machine.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { CloudWatchLogsClient, DescribeLogStreamsCommand, GetLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateBucketCommand, GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, ListTrainingJobsCommand, SageMakerClient, StopTrainingJobCommand } from '@aws-sdk/client-sagemaker';
import type { CreateTrainingJobCommandInput, DescribeTrainingJobCommandOutput, ListTrainingJobsCommandInput } from '@aws-sdk/client-sagemaker';
import { Parser } from 'tar';
import type { ReadEntry } from 'tar';
import { awsTestClientConfig, MotoEmulatorError, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const BUCKET = 'sagemaker-us-east-1-123456789012';
const LOG_GROUP = '/aws/sagemaker/TrainingJobs';
const HF_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04';
const WALK = ['Starting', 'Downloading', 'Training', 'Uploading', 'Completed'];
const TERMINAL = new Set(['Completed', 'Failed', 'Stopped']);
const METRIC_DEFINITIONS = [
  { Name: 'eval_loss', Regex: 'eval_loss.*=\\D*(.*?)$' },
  { Name: 'eval_rouge1', Regex: 'eval_rouge1.*=\\D*(.*?)$' },
  { Name: 'never_printed', Regex: 'no such metric: ([0-9.]+)' },
];

/** The blog's job (bart-large-cnn on samsum, smdistributed dataparallel, 2 x p3dn), as the SageMaker SDK sends it. */
function hfJob(name: string, overrides: Partial<CreateTrainingJobCommandInput> = {}): CreateTrainingJobCommandInput {
  return {
    TrainingJobName: name,
    RoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
    AlgorithmSpecification: { TrainingImage: HF_IMAGE, TrainingInputMode: 'File', MetricDefinitions: METRIC_DEFINITIONS, EnableSageMakerMetricsTimeSeries: true },
    HyperParameters: {
      model_name_or_path: '"facebook/bart-large-cnn"',
      dataset_name: '"samsum"',
      do_train: 'true',
      do_predict: 'true',
      num_train_epochs: '3',
      learning_rate: '5e-05',
      per_device_train_batch_size: '4',
      sagemaker_program: '"run_summarization.py"',
      sagemaker_distributed_dataparallel_enabled: 'true',
      sagemaker_instance_type: '"ml.p3dn.24xlarge"',
    },
    OutputDataConfig: { S3OutputPath: `s3://${BUCKET}/output/` },
    ResourceConfig: { InstanceCount: 2, InstanceType: 'ml.p3dn.24xlarge', VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    Environment: { HF_DATASETS_OFFLINE: '0' },
    Tags: [{ Key: 'project', Value: 'samsum' }],
    ...overrides,
  };
}

const installProblem = motoInstallProblem();

describe('moto emulator with the SageMaker lifecycle launcher', { skip: installProblem ?? false }, () => {
  let moto: MotoServer | undefined;
  let startMs = 0;
  let sagemaker: SageMakerClient;
  let s3: S3Client;
  let logs: CloudWatchLogsClient;

  const server = (): MotoServer => {
    assert.ok(moto, 'the emulator did not start');
    return moto;
  };

  before(async () => {
    const started = performance.now();
    // Long enough that a job only finishes when a test gives it its own duration.
    moto = await startMoto({ simSeconds: 300, stopSeconds: 2, logLinesPerHost: 8 });
    startMs = performance.now() - started;
    const config = awsTestClientConfig(moto.endpoint);
    sagemaker = new SageMakerClient(config);
    s3 = new S3Client(config);
    logs = new CloudWatchLogsClient(config);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
  });

  after(async () => {
    sagemaker?.destroy();
    s3?.destroy();
    logs?.destroy();
    await moto?.stop();
  });

  const describeJob = (name: string): Promise<DescribeTrainingJobCommandOutput> => sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));

  /** Polls Describe until the job ends; returns every (status, secondary status) seen, in order, without repeats. */
  async function pollUntilDone(name: string, region?: SageMakerClient): Promise<{ seen: string[]; final: DescribeTrainingJobCommandOutput }> {
    const client = region ?? sagemaker;
    const seen: string[] = [];
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      const job = await client.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
      const state = `${job.TrainingJobStatus}/${job.SecondaryStatus}`;
      if (seen[seen.length - 1] !== state) {
        seen.push(state);
      }
      if (TERMINAL.has(job.TrainingJobStatus ?? '')) {
        return { seen, final: job };
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`${name} did not finish within 60 s; emulator output:\n${server().logTail()}`);
  }

  /** Every log stream of a job, by stream name, with its messages, read the way the SageMaker SDK tails them. */
  async function jobLogs(name: string, client: CloudWatchLogsClient = logs): Promise<Map<string, string[]>> {
    const streams = await client.send(new DescribeLogStreamsCommand({ logGroupName: LOG_GROUP, logStreamNamePrefix: `${name}/`, orderBy: 'LogStreamName' }));
    const result = new Map<string, string[]>();
    for (const stream of streams.logStreams ?? []) {
      const messages: string[] = [];
      let token: string | undefined;
      for (;;) {
        const page = await client.send(new GetLogEventsCommand({ logGroupName: LOG_GROUP, logStreamName: stream.logStreamName, startFromHead: true, nextToken: token }));
        messages.push(...(page.events ?? []).map((e) => e.message ?? ''));
        if (!page.events?.length || page.nextForwardToken === token) {
          break;
        }
        token = page.nextForwardToken;
      }
      result.set(stream.logStreamName ?? '', messages);
    }
    return result;
  }

  async function readS3(uri: string): Promise<Buffer> {
    const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
    assert.ok(match, `not an s3 URI: ${uri}`);
    const object = await s3.send(new GetObjectCommand({ Bucket: match[1], Key: match[2] }));
    return Buffer.from(await object.Body!.transformToByteArray());
  }

  async function untar(archive: Buffer): Promise<Map<string, Buffer>> {
    const files = new Map<string, Buffer>();
    await new Promise<void>((resolve, reject) => {
      const parser = new Parser();
      parser.on('entry', (entry: ReadEntry) => {
        const chunks: Buffer[] = [];
        entry.on('data', (chunk: Buffer) => chunks.push(chunk));
        entry.on('end', () => files.set(entry.path, Buffer.concat(chunks)));
      });
      parser.on('end', () => resolve());
      parser.on('error', reject);
      parser.end(archive);
    });
    return files;
  }

  async function failure(promise: Promise<unknown>): Promise<Error & { name: string }> {
    try {
      await promise;
    } catch (error) {
      return error as Error;
    }
    assert.fail('expected the call to be refused');
  }

  it('starts on a free local port and reports its launch settings', async (t) => {
    t.diagnostic(`server start: ${startMs.toFixed(0)} ms`);
    assert.match(server().endpoint, /^http:\/\/127\.0\.0\.1:\d+$/);
    const settings = await server().settings();
    assert.equal(settings.simSeconds, 300);
    assert.equal(settings.stopSeconds, 2);
    assert.equal(settings.logLinesPerHost, 8);
  });

  describe('a job that completes', () => {
    const name = 'hf-bart-samsum-completes';
    const request = hfJob(name, { EnableManagedSpotTraining: true, StoppingCondition: { MaxRuntimeInSeconds: 3600, MaxWaitTimeInSeconds: 7200 } });
    let firstLook: DescribeTrainingJobCommandOutput;
    let seen: string[];
    let final: DescribeTrainingJobCommandOutput;

    before(async () => {
      await server().configure({ jobs: { [name]: { simSeconds: 2.5 } } });
      await sagemaker.send(new CreateTrainingJobCommand(request));
      firstLook = await describeJob(name);
      ({ seen, final } = await pollUntilDone(name));
    });

    it('is InProgress at first and walks Starting, Downloading, Training, Uploading to Completed', () => {
      assert.equal(firstLook.TrainingJobStatus, 'InProgress');
      assert.equal(firstLook.ModelArtifacts, undefined, 'no model before the job completes');
      // Polling may skip a short phase, but what it saw must follow the walk in order.
      const secondaries = seen.map((s) => s.split('/')[1]);
      assert.deepEqual(
        secondaries,
        WALK.filter((s) => secondaries.includes(s)),
      );
      assert.equal(seen[seen.length - 1], 'Completed/Completed');
      const transitions = final.SecondaryStatusTransitions ?? [];
      assert.deepEqual(
        transitions.map((t) => t.Status),
        WALK,
      );
      assert.deepEqual(
        transitions.map((t) => t.StatusMessage),
        [
          'Preparing the instances for training',
          'Downloading input data',
          'Training image download completed. Training in progress.',
          'Uploading generated training model',
          'Training job completed',
        ],
      );
      for (const [i, t] of transitions.entries()) {
        assert.ok(t.StartTime instanceof Date && t.EndTime instanceof Date, `transition ${t.Status} has Date start and end`);
        assert.ok(t.StartTime.getTime() <= t.EndTime.getTime());
        if (i > 0) {
          assert.equal(t.StartTime.getTime(), transitions[i - 1].EndTime?.getTime(), 'each phase starts when the previous ends');
        }
      }
      assert.ok(final.CreationTime instanceof Date && final.TrainingStartTime instanceof Date && final.TrainingEndTime instanceof Date);
      assert.equal(final.LastModifiedTime?.getTime(), final.TrainingEndTime.getTime());
    });

    it('returns the request as sent: MetricDefinitions, hyperparameters, spot, environment', () => {
      assert.deepEqual(final.AlgorithmSpecification, request.AlgorithmSpecification);
      assert.deepEqual(final.HyperParameters, request.HyperParameters);
      assert.deepEqual(final.ResourceConfig, request.ResourceConfig);
      assert.deepEqual(final.StoppingCondition, request.StoppingCondition);
      assert.deepEqual(final.Environment, request.Environment);
      assert.equal(final.EnableManagedSpotTraining, true);
    });

    it('bills a spot job for less than its training time', () => {
      assert.ok((final.TrainingTimeInSeconds ?? 0) >= 1);
      assert.ok((final.BillableTimeInSeconds ?? 0) >= 1);
      assert.ok((final.BillableTimeInSeconds ?? 0) < (final.TrainingTimeInSeconds ?? 0));
    });

    it('writes Trainer-like log lines to one stream per host', async () => {
      const streams = await jobLogs(name);
      const names = [...streams.keys()];
      assert.equal(names.length, 2);
      assert.match(names[0], new RegExp(`^${name}/algo-1-\\d{10}$`));
      assert.match(names[1], new RegExp(`^${name}/algo-2-\\d{10}$`));
      const algo1 = streams.get(names[0]) ?? [];
      const algo2 = streams.get(names[1]) ?? [];
      assert.ok(
        algo1.some((l) => /^\[1,0\]<stdout>:\{'loss': [0-9.]+, 'learning_rate': [0-9.e-]+, 'epoch': [0-9.]+\}$/.test(l)),
        algo1.join('\n'),
      );
      assert.ok(algo1.some((l) => l.includes("'eval_rouge1': ")));
      assert.ok(algo1.some((l) => l.includes('smddprun') && l.includes('run_summarization.py')));
      assert.ok(algo1.some((l) => l.endsWith('Reporting training SUCCESS')));
      assert.ok(algo2.filter((l) => l.startsWith('[1,8]<stderr>:')).length === 8, 'logLinesPerHost progress lines on algo-2');
    });

    it('puts a model.tar.gz with the Trainer outputs in S3, then sets ModelArtifacts', async () => {
      assert.equal(final.ModelArtifacts?.S3ModelArtifacts, `s3://${BUCKET}/output/${name}/output/model.tar.gz`);
      const files = await untar(await readS3(final.ModelArtifacts?.S3ModelArtifacts ?? ''));
      for (const file of [
        'config.json',
        'pytorch_model.bin',
        'train_results.json',
        'eval_results.json',
        'all_results.json',
        'trainer_state.json',
        'tokenizer_config.json',
        'special_tokens_map.json',
      ]) {
        assert.ok(files.has(file), `model.tar.gz lacks ${file}: ${[...files.keys()].join(', ')}`);
      }
      assert.ok(!files.has('README.md'));
      const evalResults = JSON.parse(files.get('eval_results.json')!.toString('utf8'));
      for (const key of ['eval_loss', 'eval_rouge1', 'eval_rouge2', 'eval_rougeL', 'eval_rougeLsum']) {
        assert.equal(typeof evalResults[key], 'number', key);
      }
      const state = JSON.parse(files.get('trainer_state.json')!.toString('utf8'));
      assert.ok(state.log_history.some((e: Record<string, number>) => typeof e.loss === 'number' && typeof e.learning_rate === 'number'));
      assert.ok(state.log_history.some((e: Record<string, number>) => typeof e.eval_rougeLsum === 'number'));
      assert.equal(JSON.parse(files.get('config.json')!.toString('utf8'))._name_or_path, 'facebook/bart-large-cnn');
    });

    it('reports final metrics from the caller MetricDefinitions that matched the logs', async () => {
      const files = await untar(await readS3(final.ModelArtifacts?.S3ModelArtifacts ?? ''));
      const evalResults = JSON.parse(files.get('eval_results.json')!.toString('utf8'));
      const metrics = new Map((final.FinalMetricDataList ?? []).map((m) => [m.MetricName, m.Value]));
      assert.deepEqual([...metrics.keys()].sort(), ['eval_loss', 'eval_rouge1']);
      assert.equal(metrics.get('eval_loss'), evalResults.eval_loss);
      assert.equal(metrics.get('eval_rouge1'), evalResults.eval_rouge1);
    });

    it('refuses StopTrainingJob on a Completed job and a duplicate name with ResourceInUse', async () => {
      const stop = await failure(sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: name })));
      assert.equal(stop.name, 'ValidationException');
      assert.match(stop.message, /Completed/);
      const duplicate = await failure(sagemaker.send(new CreateTrainingJobCommand(request)));
      assert.equal(duplicate.name, 'ResourceInUse');
    });
  });

  describe('jobs that fail', () => {
    const byHyperparameter = 'hf-fails-by-hyperparameter';
    const byConfig = 'hf-fails-by-config';
    const byPattern = 'doomed-by-pattern';
    const results = new Map<string, DescribeTrainingJobCommandOutput>();

    before(async () => {
      await server().configure({
        failJobs: '^doomed-',
        jobs: {
          [byHyperparameter]: { simSeconds: 1.5 },
          [byConfig]: { simSeconds: 1.5, outcome: 'Failed', failureReason: 'ClientError: simulated quota problem' },
          [byPattern]: { simSeconds: 1.5, logLinesPerHost: 2 },
        },
      });
      const plain = hfJob(byHyperparameter);
      await sagemaker.send(new CreateTrainingJobCommand({ ...plain, HyperParameters: { ...plain.HyperParameters, sim_outcome: '"Failed"' } }));
      await sagemaker.send(new CreateTrainingJobCommand(hfJob(byConfig)));
      const { sagemaker_distributed_dataparallel_enabled: _smddp, ...singleHost } = plain.HyperParameters ?? {};
      await sagemaker.send(
        new CreateTrainingJobCommand(hfJob(byPattern, { HyperParameters: singleHost, ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: 30 } })),
      );
      for (const name of [byHyperparameter, byConfig, byPattern]) {
        results.set(name, (await pollUntilDone(name)).final);
      }
      await server().configure({ failJobs: null });
    });

    it('fails with an ExecuteUserScriptError FailureReason when sim_outcome is "Failed"', () => {
      const job = results.get(byHyperparameter)!;
      assert.equal(job.TrainingJobStatus, 'Failed');
      assert.equal(job.SecondaryStatus, 'Failed');
      assert.match(job.FailureReason ?? '', /^AlgorithmError: ExecuteUserScriptError:\nExitCode 1\nErrorMessage "RuntimeError: CUDA out of memory/);
      assert.deepEqual(
        job.SecondaryStatusTransitions?.map((t) => t.Status),
        ['Starting', 'Downloading', 'Training', 'Failed'],
      );
      assert.equal(job.ModelArtifacts, undefined);
      assert.ok(job.TrainingEndTime instanceof Date);
    });

    it('fails with the configured FailureReason, and by name pattern', () => {
      assert.equal(results.get(byConfig)?.FailureReason, 'ClientError: simulated quota problem');
      assert.equal(results.get(byPattern)?.TrainingJobStatus, 'Failed');
    });

    it('ends the logs with the traceback and the toolkit error', async () => {
      const streams = await jobLogs(byHyperparameter);
      assert.equal(streams.size, 2);
      const algo1 = [...streams.values()][0];
      assert.ok(algo1.includes('[1,0]<stderr>:Traceback (most recent call last):'), algo1.join('\n'));
      assert.ok(algo1.some((l) => l.endsWith('ERROR    Reporting training FAILURE')));
      assert.ok(algo1.some((l) => l.endsWith('ExecuteUserScriptError:')));
      assert.ok(!algo1.some((l) => l.includes('Reporting training SUCCESS')));
      const single = await jobLogs(byPattern);
      assert.equal(single.size, 1, 'one stream for InstanceCount 1');
      assert.ok(!([...single.values()][0] ?? []).some((l) => l.startsWith('[1,')), 'no mpirun prefixes without smdistributed');
    });
  });

  it('StopTrainingJob moves an InProgress job to Stopping, then Stopped, and refuses a second stop', async () => {
    const name = 'hf-stopped-by-user';
    await sagemaker.send(new CreateTrainingJobCommand(hfJob(name)));
    await sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: name }));
    const stopping = await describeJob(name);
    assert.equal(stopping.TrainingJobStatus, 'Stopping');
    assert.equal(stopping.SecondaryStatus, 'Stopping');
    const again = await failure(sagemaker.send(new StopTrainingJobCommand({ TrainingJobName: name })));
    assert.equal(again.name, 'ValidationException');
    const { final } = await pollUntilDone(name);
    assert.equal(final.TrainingJobStatus, 'Stopped');
    assert.deepEqual(
      final.SecondaryStatusTransitions?.slice(-2).map((t) => t.Status),
      ['Stopping', 'Stopped'],
    );
    assert.ok(final.TrainingEndTime instanceof Date);
  });

  it('writes the same log lines for the same job and duration, however often it is polled', async () => {
    // Same name in two regions: one polled every 100 ms, the other read only once it is over.
    const name = 'hf-deterministic-logs';
    const west = { ...awsTestClientConfig(server().endpoint), region: 'us-west-2' };
    const sagemakerWest = new SageMakerClient(west);
    const logsWest = new CloudWatchLogsClient(west);
    try {
      await server().configure({ jobs: { [name]: { simSeconds: 1.5, logLinesPerHost: 12 } } });
      await sagemaker.send(new CreateTrainingJobCommand(hfJob(name)));
      await sagemakerWest.send(new CreateTrainingJobCommand(hfJob(name)));
      await pollUntilDone(name);
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const { final: westFinal } = await pollUntilDone(name, sagemakerWest);
      assert.equal(westFinal.TrainingJobStatus, 'Completed');
      // The toolkit stamps its lines with the (different) creation times; everything else must match.
      const withoutClock = (lines: string[]): string[] => lines.map((l) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} /, ''));
      const east = [...(await jobLogs(name)).values()].map(withoutClock);
      const westLogs = [...(await jobLogs(name, logsWest)).values()].map(withoutClock);
      assert.equal(east.length, 2);
      assert.deepEqual(westLogs, east);
    } finally {
      sagemakerWest.destroy();
      logsWest.destroy();
    }
  });

  it('lists jobs newest first, filters by status and name before paging, and forgets them on reset', async () => {
    await server().reset();
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    await server().configure({ jobs: { 'list-job-1': { simSeconds: 0.3, outcome: 'Failed' } } });
    for (let i = 0; i < 5; i++) {
      await sagemaker.send(new CreateTrainingJobCommand(hfJob(`list-job-${i}`)));
    }
    await pollUntilDone('list-job-1');
    const names = async (input: ListTrainingJobsCommandInput): Promise<{ names: string[]; next?: string }> => {
      const page = await sagemaker.send(new ListTrainingJobsCommand(input));
      return { names: (page.TrainingJobSummaries ?? []).map((s) => s.TrainingJobName ?? ''), next: page.NextToken };
    };

    const first = await names({ MaxResults: 2 });
    assert.deepEqual(first.names, ['list-job-4', 'list-job-3']);
    const second = await names({ MaxResults: 2, NextToken: first.next });
    assert.deepEqual(second.names, ['list-job-2', 'list-job-1']);
    const third = await names({ MaxResults: 2, NextToken: second.next });
    assert.deepEqual(third, { names: ['list-job-0'], next: undefined });

    // moto alone pages first and filters after: its first page of one (list-job-0) holds no Failed job.
    assert.deepEqual((await names({ MaxResults: 1, StatusEquals: 'Failed' })).names, ['list-job-1']);
    assert.deepEqual((await names({ StatusEquals: 'InProgress' })).names, ['list-job-4', 'list-job-3', 'list-job-2', 'list-job-0']);
    assert.deepEqual((await names({ SortBy: 'CreationTime', SortOrder: 'Ascending', MaxResults: 2 })).names, ['list-job-0', 'list-job-1']);
    assert.deepEqual((await names({ NameContains: 'job-3' })).names, ['list-job-3']);
    // Dates travel as epoch seconds with milliseconds; cut halfway between neighbours so rounding cannot matter.
    const created = async (name: string): Promise<number> => (await describeJob(name)).CreationTime?.getTime() ?? NaN;
    const [job1, job2, job3] = [await created('list-job-1'), await created('list-job-2'), await created('list-job-3')];
    assert.deepEqual((await names({ CreationTimeAfter: new Date((job2 + job3) / 2) })).names, ['list-job-4', 'list-job-3']);
    assert.deepEqual((await names({ CreationTimeBefore: new Date((job1 + job2) / 2) })).names, ['list-job-1', 'list-job-0']);

    const summary = (await sagemaker.send(new ListTrainingJobsCommand({ StatusEquals: 'Failed' }))).TrainingJobSummaries?.[0];
    assert.ok(summary?.CreationTime instanceof Date && summary.TrainingEndTime instanceof Date);
    assert.equal(summary.SecondaryStatus, 'Failed');

    await server().reset();
    assert.deepEqual((await names({})).names, []);
    assert.equal((await server().settings()).jobs['list-job-1'], undefined, 'reset also drops run-time settings');
  });

  it('refuses invalid settings with the reason', async () => {
    const error = await failure(server().configure({ simSeconds: -1 }));
    assert.ok(error instanceof MotoEmulatorError);
    assert.equal(error.code, 'MotoRequestFailed');
    assert.match(error.message, /simSeconds must be a number/);
  });
});
