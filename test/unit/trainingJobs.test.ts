// Training jobs for the tree and the CLI: the view model, "Clone as Job File" (DescribeTrainingJob
// back to a .sagemaker.yaml that plans the same request), and list / describe / stop through the real
// SDK against moto with our SageMaker lifecycle plugin.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTrainingJobCommand, ListTrainingJobsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CreateTrainingJobCommandInput, ListTrainingJobsCommandInput, TrainingJobSummary } from '@aws-sdk/client-sagemaker';
import { describeTrainingJob, httpDate, listTrainingJobs, stopTrainingJob, TrainingJobError, trainingJobTags } from '../../src/aws/trainingJobs';
import type { SageMakerClients } from '../../src/aws/trainingJobs';
import type { CliIo } from '../../src/cli/cliError';
import { jobsCommand, table } from '../../src/cli/jobsCommand';
import { stopCommand } from '../../src/cli/stopCommand';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import { baseJobName, jobFileFromDescription } from '../../src/core/jobs/jobFileFromDescription';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import { consoleUrl, jobDescriptionLine, trainingJobViewFromDescription, trainingJobViewFromSummary } from '../../src/core/jobs/trainingJobView';
import { buildTrainingJobPlan } from '../../src/core/training/createTrainingJobRequest';
import type { CreateTrainingJobRequest } from '../../src/core/training/createTrainingJobRequest';
import { encodeJobFileValues } from '../../src/core/training/pythonJson';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { REPO_ROOT } from './repoRoot';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const HF_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04';

/** A DescribeTrainingJob answer as SageMaker returns it for a request it accepted: the request echoed, plus status. */
function describedFrom(request: CreateTrainingJobRequest, region: string, accountId: string, extra: Partial<TrainingJobDescription> = {}): TrainingJobDescription {
  const partition = region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
  const { TrainingJobName, Tags: _tags, ...echoed } = request;
  return {
    TrainingJobName,
    TrainingJobArn: `arn:${partition}:sagemaker:${region}:${accountId}:training-job/${TrainingJobName.toLowerCase()}`,
    TrainingJobStatus: 'Completed',
    SecondaryStatus: 'Completed',
    CreationTime: new Date('2026-11-26T08:00:05Z'),
    ...(structuredClone(echoed) as Partial<TrainingJobDescription>),
    ...extra,
  };
}

describe('the job view', () => {
  const now = new Date('2026-11-26T09:00:00Z');
  const described: TrainingJobDescription = {
    TrainingJobName: 'hf-bart-samsum-2026-11-26-08-00-00-123',
    TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/hf-bart-samsum-2026-11-26-08-00-00-123',
    TrainingJobStatus: 'InProgress',
    SecondaryStatus: 'Training',
    CreationTime: new Date('2026-11-26T08:00:00Z'),
    ResourceConfig: { InstanceType: 'ml.p3dn.24xlarge', InstanceCount: 2, VolumeSizeInGB: 30 },
    SecondaryStatusTransitions: [
      { Status: 'Starting', StatusMessage: 'Launching requested ML instances', StartTime: new Date('2026-11-26T08:00:00Z'), EndTime: new Date('2026-11-26T08:03:30Z') },
      { Status: 'Downloading', StatusMessage: 'Downloading input data', StartTime: new Date('2026-11-26T08:03:30Z'), EndTime: new Date('2026-11-26T08:05:00Z') },
      { Status: 'Training', StatusMessage: 'Training image download completed. Training in progress.', StartTime: new Date('2026-11-26T08:05:00Z') },
    ],
    HyperParameters: {
      model_name_or_path: '"facebook/bart-large-cnn"',
      learning_rate: '5e-05',
      fp16: 'true',
      epochs: '3.0',
      raw_value: 'not json',
      sagemaker_program: '"run_summarization.py"',
    },
    FinalMetricDataList: [{ MetricName: 'eval_rouge1', Value: 42.1, Timestamp: new Date('2026-11-26T08:50:00Z') }],
  };

  it('gives the timeline with durations, the open step measured to now', () => {
    const view = trainingJobViewFromDescription(described, now);
    assert.deepEqual(
      view.timeline.map((t) => [t.status, t.durationSeconds, t.current]),
      [
        ['Starting', 210, false],
        ['Downloading', 90, false],
        ['Training', 3300, true],
      ],
    );
    assert.equal(view.inFlight, true);
    assert.equal(view.terminal, false);
    assert.equal(view.resources, 'ml.p3dn.24xlarge × 2');
    assert.equal(view.region, 'eu-west-1');
  });

  it('decodes hyperparameters the way the training toolkit does, keeping floats and marking the SDK’s keys', () => {
    const hps = trainingJobViewFromDescription(described, now).hyperparameters;
    assert.deepEqual(
      hps.map((h) => [h.name, h.display, h.value?.type ?? 'raw', h.sdkSet]),
      [
        ['model_name_or_path', 'facebook/bart-large-cnn', 'str', false],
        ['learning_rate', '5e-05', 'float', false],
        ['fp16', 'true', 'bool', false],
        ['epochs', '3.0', 'float', false],
        ['raw_value', 'not json', 'raw', false],
        ['sagemaker_program', 'run_summarization.py', 'str', true],
      ],
    );
  });

  it('carries metrics, artifacts and failure reason, and builds rows from list summaries', () => {
    const failed = trainingJobViewFromDescription(
      { ...described, TrainingJobStatus: 'Failed', FailureReason: 'AlgorithmError: boom', ModelArtifacts: { S3ModelArtifacts: 's3://b/model.tar.gz' } },
      now,
    );
    assert.deepEqual(failed.finalMetrics, [{ name: 'eval_rouge1', value: 42.1, timestamp: new Date('2026-11-26T08:50:00Z') }]);
    assert.equal(failed.failureReason, 'AlgorithmError: boom');
    assert.equal(failed.artifactsUri, 's3://b/model.tar.gz');
    assert.equal(failed.timeline[2]!.current, false, 'an ended job has no open step');
    const row = trainingJobViewFromSummary({ TrainingJobName: 'x', TrainingJobStatus: 'Stopping', SecondaryStatus: 'Stopping', CreationTime: new Date('2026-11-26T08:58:00Z') });
    assert.equal(row.inFlight, true);
    assert.equal(row.detailed, false);
    assert.equal(jobDescriptionLine(row, now), 'Stopping · 2 min ago');
    assert.equal(jobDescriptionLine(trainingJobViewFromDescription(described, now), now), 'Training · 1 h ago · ml.p3dn.24xlarge × 2');
    assert.equal(jobDescriptionLine({ ...row, secondaryStatus: 'Stopping', status: 'InProgress' }, now), 'Stopping · 2 min ago', 'the secondary status when it says more');
    assert.equal(jobDescriptionLine({ ...row, secondaryStatus: 'InProgress', status: 'InProgress' }, now), 'InProgress · 2 min ago');
  });

  it("links to the console of the job's partition", () => {
    assert.equal(consoleUrl('us-east-1', 'a-job'), 'https://us-east-1.console.aws.amazon.com/sagemaker/home?region=us-east-1#/jobs/a-job');
    assert.equal(consoleUrl('cn-north-1', 'a-job'), 'https://console.amazonaws.cn/sagemaker/home?region=cn-north-1#/jobs/a-job');
  });
});

/** Goldens whose request a clone does not plan back to, and why: by design (secrets), or not carried yet. */
const NOT_CLONED: Readonly<Record<string, string>> = {
  'error-hyperparameter-token-value': 'a clone never copies a secret-looking hyperparameter value (core/sagemaker/secrets.ts)',
  'hyperparameter-secret-name': 'a clone never copies a hyperparameter whose name names a secret',
  'inputs-empty-map': 'an empty InputDataConfig is cloned as no inputs (the SDK sends [] for `inputs: {}`)',
  'error-channel-instance-groups-unknown': 'the SDK sends a channel for a group the job does not have; plan refuses it (differsFromSdk)',
  'error-channel-instance-groups-without-groups': "the SDK sends a channel's InstanceGroupNames in a job without groups; plan refuses it (differsFromSdk)",
  'error-channel-target-attribute-name': "the SDK's TargetAttributeName is not a Channel field (boto3 refuses it); plan refuses it (differsFromSdk)",
};

describe('Clone as Job File: DescribeTrainingJob → a .sagemaker.yaml that plans back to the same request', () => {
  const dir = path.join(REPO_ROOT, 'test/fixtures/requests');
  // The request goldens the SDK itself wrote (scripts/sdk-goldens.mjs); its refusals have no request.
  const golden = (name: string) => JSON.parse(readFileSync(path.join(dir, `${name}.sdk.json`), 'utf8')) as { request?: CreateTrainingJobRequest; operation?: string };
  const fixtures = readdirSync(dir)
    .filter((f) => f.endsWith('.sdk.json'))
    .map((f) => f.replace(/\.sdk\.json$/, ''))
    .filter((name) => golden(name).operation === 'CreateTrainingJob' && golden(name).request !== undefined)
    .filter((name) => !(name in NOT_CLONED));

  it('has fixtures to go through', () => assert.ok(fixtures.length >= 20, `only ${fixtures.length} plan fixtures`));

  for (const name of fixtures) {
    it(`${name}`, () => {
      const context = JSON.parse(readFileSync(path.join(dir, `${name}.context.json`), 'utf8'));
      const request = golden(name).request!;
      const clone = jobFileFromDescription(describedFrom(request, context.region, context.accountId), { tags: request.Tags ?? [] });

      const validation = validateJobFile(clone.text);
      assert.deepEqual(
        validation.problems.filter((p) => p.severity === 'error'),
        [],
        clone.text,
      );
      const replanned = buildTrainingJobPlan({
        spec: validation.spec!,
        ...encodeJobFileValues(clone.text),
        context: { region: context.region, accountId: context.accountId, now: new Date(context.now), jobName: request.TrainingJobName },
      });
      assert.deepEqual(replanned.createTrainingJob, request, `the clone plans a different request:\n${clone.text}`);
      assert.deepEqual(replanned.uploads, [], 'the clone trains the code archive the job ran, so nothing is uploaded');
    });
  }

  it('maps the seed job back to versions, smdistributed and the decoded hyperparameters', () => {
    const request = golden('seed-bart-samsum').request!;
    const jobName = request.TrainingJobName;
    const clone = jobFileFromDescription(describedFrom(request, 'us-east-1', '111122223333'), { tags: [] });
    assert.match(clone.text, /^transformers_version: 4\.4\.2$/m);
    assert.match(clone.text, /^pytorch_version: 1\.6\.0$/m);
    assert.match(clone.text, /^py_version: py36$/m);
    assert.match(clone.text, /^ {2}learning_rate: 5e-5$/m);
    assert.match(clone.text, /^ {2}model_name_or_path: facebook\/bart-large-cnn$/m);
    assert.match(clone.text, /^distribution:\n {2}smdistributed:\n {4}dataparallel:\n {6}enabled: true$/m);
    assert.ok(clone.text.includes(`\nsource_dir: s3://sagemaker-us-east-1-111122223333/${jobName}/source/sourcedir.tar.gz\n`), clone.text);
    assert.doesNotMatch(clone.text, /sagemaker_(program|submit_directory|job_name|region|instance_type)/);
    assert.doesNotMatch(clone.text, /^output_path:/m, 'the default bucket is left to the planner');
    assert.equal(clone.fileName, `${jobName}.sagemaker.yaml`);
  });

  it('keeps image_uri for an image that is not the catalog’s, and keeps floats floats', () => {
    const d: TrainingJobDescription = {
      TrainingJobName: 'my-run-2026-11-26-08-00-00-123',
      TrainingJobArn: 'arn:aws:sagemaker:us-east-1:111122223333:training-job/my-run-2026-11-26-08-00-00-123',
      AlgorithmSpecification: { TrainingImage: '111122223333.dkr.ecr.us-east-1.amazonaws.com/my-trainer:latest', TrainingInputMode: 'File' },
      RoleArn: 'arn:aws:iam::111122223333:role/R',
      HyperParameters: {
        sagemaker_program: '"train.py"',
        sagemaker_submit_directory: '"s3://b/code/sourcedir.tar.gz"',
        epochs: '3.0',
        big: '123456789012345678901234567890',
        tiny: '1.5e-07',
        huge: '1e+16',
        sizes: '[1, 2.5, "x"]',
        nested: '{"a": {"b": null}}',
      },
      ResourceConfig: { InstanceType: 'ml.g5.2xlarge', InstanceCount: 1, VolumeSizeInGB: 30 },
      OutputDataConfig: { S3OutputPath: 's3://b/out' },
      StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    };
    const clone = jobFileFromDescription(d, { tags: [] });
    assert.match(clone.text, /^image_uri: 111122223333\.dkr\.ecr\.us-east-1\.amazonaws\.com\/my-trainer:latest$/m);
    assert.match(clone.text, /^base_job_name: my-run$/m);
    assert.match(clone.text, /^output_path: s3:\/\/b\/out$/m);
    const encoded = encodeJobFileValues(clone.text).hyperparameters;
    assert.deepEqual(encoded, { epochs: '3.0', big: '123456789012345678901234567890', tiny: '1.5e-07', huge: '1e+16', sizes: '[1, 2.5, "x"]', nested: '{"a": {"b": null}}' });
  });

  it('never copies a secret: secret-looking environment values become ${env:NAME}, secret hyperparameters are left out', () => {
    const d: TrainingJobDescription = {
      TrainingJobName: 'leaky',
      AlgorithmSpecification: { TrainingImage: HF_IMAGE },
      HyperParameters: { sagemaker_program: '"train.py"', hub_token: '"hf_abcdefghijklmnopqrstuvwxyz0123"', epochs: '1' },
      Environment: { HF_TOKEN: 'hf_abcdefghijklmnopqrstuvwxyz0123', SOMETHING: 'hf_zyxwvutsrqponmlkjihgfedcba9876', NCCL_DEBUG: 'INFO' },
    };
    const clone = jobFileFromDescription(d, { tags: [] });
    assert.doesNotMatch(clone.text, /hf_[a-z]{10}/);
    assert.match(clone.text, /^ {2}HF_TOKEN: \$\{env:HF_TOKEN\}$/m);
    assert.match(clone.text, /^ {2}SOMETHING: \$\{env:SOMETHING\}$/m);
    assert.match(clone.text, /^ {2}NCCL_DEBUG: INFO$/m);
    assert.ok(clone.notes.some((n) => /hub_token looks like a secret/.test(n)));
  });

  it('says what it cannot carry, at the top of the file', () => {
    const d: TrainingJobDescription = {
      TrainingJobName: 'x',
      AlgorithmSpecification: { TrainingImage: HF_IMAGE, TrainingInputMode: 'Pipe' },
      HyperParameters: { sagemaker_program: '"train.py"', sagemaker_parameter_server_enabled: 'true' },
      DebugRuleConfigurations: [{}],
      StoppingCondition: { MaxRuntimeInSeconds: 100, MaxPendingTimeInSeconds: 7200 },
    };
    const clone = jobFileFromDescription(d);
    for (const pattern of [
      /sagemaker_parameter_server_enabled/,
      /rule \(unnamed\) has no evaluator image or instance type/,
      /MaxPendingTimeInSeconds/,
      /Tags are not part of DescribeTrainingJob/,
    ]) {
      assert.ok(
        clone.notes.some((n) => pattern.test(n)),
        `no note matching ${pattern}: ${clone.notes.join(' | ')}`,
      );
    }
    assert.match(clone.text, /^# Note: The rule \(unnamed\)/m);
    assert.match(clone.text, /^input_mode: Pipe$/m, 'the job-wide input mode is carried');
    assert.match(clone.text, /^ {2}sagemaker_parameter_server_enabled: true$/m, 'an SDK key without a job-file setting stays a hyperparameter so the request stays the same');
  });

  it('finds the base name before the SDK’s timestamp', () => {
    assert.equal(baseJobName('huggingface-pytorch-training-2026-11-26-08-00-00-123'), 'huggingface-pytorch-training');
    assert.equal(baseJobName('hand-named'), undefined);
  });
});

describe('listTrainingJobs when AWS applies MaxResults before the status filter', () => {
  // 25 jobs, newest first, every fifth one InProgress; each response slices MaxResults jobs, then filters.
  const all: TrainingJobSummary[] = Array.from({ length: 25 }, (_, i) => ({
    TrainingJobName: `job-${String(25 - i).padStart(2, '0')}`,
    TrainingJobArn: `arn:aws:sagemaker:us-east-1:111122223333:training-job/job-${25 - i}`,
    CreationTime: new Date(Date.UTC(2026, 10, 26, 0, 25 - i)),
    TrainingJobStatus: (25 - i) % 5 === 0 ? 'InProgress' : 'Completed',
  }));
  const requests: ListTrainingJobsCommandInput[] = [];
  const clients: SageMakerClients = {
    sagemaker: () =>
      ({
        send: async (command: ListTrainingJobsCommand) => {
          const input = command.input;
          requests.push(input);
          const offset = Number(input.NextToken ?? 0);
          const slice = all.slice(offset, offset + (input.MaxResults ?? 10));
          const next = offset + slice.length < all.length ? String(offset + slice.length) : undefined;
          return { TrainingJobSummaries: slice.filter((s) => !input.StatusEquals || s.TrainingJobStatus === input.StatusEquals), ...(next ? { NextToken: next } : {}) };
        },
      }) as unknown as SageMakerClient,
  };

  it('keeps asking until the page is full or the tokens run out', async () => {
    requests.length = 0;
    const page = await listTrainingJobs(clients, { status: 'InProgress', pageSize: 3 });
    assert.deepEqual(
      page.jobs.map((j) => j.TrainingJobName),
      ['job-25', 'job-20', 'job-15'],
    );
    // MaxResults 3 scans three jobs per request: job-15 is the 11th job, found by the 4th request.
    assert.equal(page.requests, 4);
    assert.equal(page.nextToken, '12');
    assert.ok(requests.every((r) => r.SortBy === 'CreationTime' && r.SortOrder === 'Descending' && r.StatusEquals === 'InProgress'));
    const rest = await listTrainingJobs(clients, { status: 'InProgress', pageSize: 3, nextToken: page.nextToken! });
    assert.deepEqual(
      rest.jobs.map((j) => j.TrainingJobName),
      ['job-10', 'job-05'],
    );
    assert.equal(rest.nextToken, undefined);
  });

  it('stops after maxRequests with a token to continue', async () => {
    const page = await listTrainingJobs(clients, { status: 'InProgress', pageSize: 5, maxRequests: 2 });
    assert.equal(page.requests, 2);
    assert.equal(page.jobs.length, 2);
    assert.equal(page.nextToken, '10');
  });

  it('refuses a status SageMaker does not have, naming the ones it has', async () => {
    await assert.rejects(
      listTrainingJobs(clients, { status: 'Running' }),
      (e: TrainingJobError) => e.code === 'InvalidStatusFilter' && /InProgress, Completed, Failed, Stopping, Stopped/.test(e.message),
    );
  });
});

const installProblem = motoInstallProblem();

describe('training jobs against moto through the real SDK', { skip: installProblem ?? false }, () => {
  let moto: MotoServer;
  let sagemaker: SageMakerClient;
  let clients: SageMakerClients;
  const io = (out: string[], err: string[]): CliIo => ({ stdout: (s) => out.push(s), stderr: (s) => err.push(s), cwd: REPO_ROOT, env: {} });

  const job = (name: string, extra: Partial<CreateTrainingJobCommandInput> = {}): CreateTrainingJobCommandInput => ({
    TrainingJobName: name,
    RoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
    AlgorithmSpecification: { TrainingImage: HF_IMAGE, TrainingInputMode: 'File' },
    HyperParameters: { sagemaker_program: '"train.py"', sagemaker_submit_directory: '"s3://b/x/source/sourcedir.tar.gz"', epochs: '2' },
    OutputDataConfig: { S3OutputPath: 's3://sagemaker-us-east-1-123456789012/' },
    ResourceConfig: { InstanceCount: 2, InstanceType: 'ml.p3dn.24xlarge', VolumeSizeInGB: 30 },
    StoppingCondition: { MaxRuntimeInSeconds: 86400 },
    Tags: [{ Key: 'project', Value: 'samsum' }],
    ...extra,
  });

  before(async () => {
    moto = await startMoto({ simSeconds: 300, stopSeconds: 0.5 });
    sagemaker = new SageMakerClient(awsTestClientConfig(moto.endpoint));
    clients = { sagemaker: () => sagemaker };
    await moto.configure({ jobs: { 'list-done-1': { simSeconds: 0.1 } } });
    for (const name of ['list-done-1', 'list-run-2', 'list-run-3', 'other-run-4']) {
      await sagemaker.send(new CreateTrainingJobCommand(job(name)));
      await new Promise((r) => setTimeout(r, 20)); // distinct creation times
    }
  });

  after(async () => {
    sagemaker?.destroy();
    await moto?.stop();
  });

  it('lists newest first, pages with NextToken, filters by status and name', async () => {
    const first = await listTrainingJobs(clients, { pageSize: 2 });
    assert.deepEqual(
      first.jobs.map((j) => j.TrainingJobName),
      ['other-run-4', 'list-run-3'],
    );
    assert.ok(first.nextToken);
    const second = await listTrainingJobs(clients, { pageSize: 2, nextToken: first.nextToken! });
    assert.deepEqual(
      second.jobs.map((j) => j.TrainingJobName),
      ['list-run-2', 'list-done-1'],
    );
    const running = await listTrainingJobs(clients, { status: 'InProgress', nameContains: 'list-' });
    assert.deepEqual(
      running.jobs.map((j) => j.TrainingJobName),
      ['list-run-3', 'list-run-2'],
    );
    const done = await listTrainingJobs(clients, { status: 'Completed' });
    assert.deepEqual(
      done.jobs.map((j) => j.TrainingJobName),
      ['list-done-1'],
    );
  });

  it('describes a job and reads its tags; a missing job is a clear error', async () => {
    const d = await describeTrainingJob(clients, 'list-run-2');
    assert.equal(d.TrainingJobStatus, 'InProgress');
    assert.deepEqual(await trainingJobTags(clients, d.TrainingJobArn!), [{ Key: 'project', Value: 'samsum' }]);
    await assert.rejects(describeTrainingJob(clients, 'no-such-job'), (e: TrainingJobError) => e.code === 'JobNotFound' && /No training job named no-such-job/.test(e.message));
  });

  it('stops an InProgress job, and refuses with the status otherwise', async () => {
    const result = await stopTrainingJob(clients, 'list-run-3');
    assert.deepEqual(result, { previousStatus: 'InProgress', status: 'Stopping' });
    await assert.rejects(stopTrainingJob(clients, 'list-run-3'), (e: TrainingJobError) => e.code === 'JobNotStoppable' && /already stopping/.test(e.message));
    await assert.rejects(stopTrainingJob(clients, 'list-done-1'), (e: TrainingJobError) => e.code === 'JobNotStoppable' && /already ended \(Completed\)/.test(e.message));
  });

  it('sagemaker-hf jobs prints a table, or JSON with --json', async () => {
    const out: string[] = [];
    const err: string[] = [];
    assert.equal(await jobsCommand(['--name-contains', 'list-', '--max', '2'], io(out, err), { clients, now: new Date(Date.now() + 3_600_000) }), 0, err.join(''));
    const lines = out.join('').trimEnd().split('\n');
    assert.match(lines[0]!, /^NAME +STATUS +SECONDARY +CREATED$/);
    assert.equal(lines.length, 3);
    assert.match(lines[1]!, /^list-run-3 +(Stopping|Stopped) +\S+ +1 h ago$/);

    const json: string[] = [];
    assert.equal(await jobsCommand(['--status', 'Completed', '--json'], io(json, err), { clients }), 0);
    const parsed = JSON.parse(json.join(''));
    assert.deepEqual(
      parsed.map((j: { name: string; status: string }) => [j.name, j.status]),
      [['list-done-1', 'Completed']],
    );

    const none: string[] = [];
    const noneErr: string[] = [];
    assert.equal(await jobsCommand(['--name-contains', 'zzz'], io(none, noneErr), { clients }), 0);
    assert.match(noneErr.join(''), /No training jobs whose name contains "zzz"/);
  });

  it('sagemaker-hf stop stops a running job and explains why it cannot stop an ended one', async () => {
    const out: string[] = [];
    const err: string[] = [];
    assert.equal(await stopCommand(['other-run-4'], io(out, err), { clients }), 0, err.join(''));
    assert.match(out.join(''), /^Stopping other-run-4: it was InProgress, now Stopping\./);
    const err2: string[] = [];
    assert.equal(await stopCommand(['list-done-1'], io([], err2), { clients }), 1);
    assert.match(err2.join(''), /cannot be stopped: it has already ended \(Completed\)\. Only InProgress jobs can be stopped\./);
  });

  it('clones a job from moto into a job file that plans the same hyperparameters back', async () => {
    const d = await describeTrainingJob(clients, 'list-run-2');
    const clone = jobFileFromDescription(d, { tags: await trainingJobTags(clients, d.TrainingJobArn!) });
    assert.match(clone.text, /^tags:\n {2}project: samsum$/m);
    assert.match(clone.text, /^instance_count: 2$/m);
    assert.deepEqual(encodeJobFileValues(clone.text).hyperparameters, { epochs: '2' });
  });
});

describe('the service clock from Date headers', () => {
  it('reads an HTTP date, and the earlier of two a client joined with a comma', () => {
    assert.equal(httpDate('Thu, 26 Nov 2026 07:50:05 GMT'), Date.UTC(2026, 10, 26, 7, 50, 5));
    assert.equal(httpDate('Thu, 26 Nov 2026 07:50:06 GMT, Thu, 26 Nov 2026 07:50:05 GMT'), Date.UTC(2026, 10, 26, 7, 50, 5));
    assert.ok(Number.isNaN(httpDate(undefined)));
    assert.ok(Number.isNaN(httpDate('yesterday')));
  });
});

describe('CLI table', () => {
  it('pads every column but the last', () => {
    assert.equal(
      table(
        ['A', 'BB'],
        [
          ['long', 'x'],
          ['s', 'yy'],
        ],
      ),
      'A     BB\nlong  x\ns     yy\n',
    );
  });
});
