// `sagemaker-hf compare` end to end: two SageMaker jobs in moto (with our lifecycle plugin, which writes
// their Trainer logs to CloudWatch Logs and their FinalMetricDataList) and two real local runs of the
// quickstart by the local backend, compared through runCli as a user runs it — the AWS clients built by
// the command from the environment (AWS_ENDPOINT_URL → moto), prices from the bundled table (--offline).

import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { runCli } from '../../src/cli';
import type { CliIo } from '../../src/cli/cliError';
import type { RunComparisonJson } from '../../src/core/jobs/runComparison';
import { runJobFileLocally } from '../../src/local/runJobFile';
import { jobFileContext } from '../../src/source/jobFileOnDisk';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { REPO_ROOT } from './repoRoot';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const skip = motoInstallProblem();
const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
const QUICKSTART = path.join(REPO_ROOT, 'examples', 'quickstart', 'quickstart.sagemaker.yaml');
const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.8.0-transformers4.56.2-gpu-py312-cu129-ubuntu22.04';

async function cli(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => (out += t), stderr: (t) => (err += t), cwd, env };
  const code = await runCli(args, io);
  return { code, out, err };
}

describe('sagemaker-hf compare', { skip }, () => {
  let moto: MotoServer;
  let scratch: string;
  let env: NodeJS.ProcessEnv;
  const local: string[] = [];

  before(async () => {
    scratch = await fs.mkdtemp(path.join(os.tmpdir(), 'compare-'));
    moto = await startMoto({ simSeconds: 3, logLinesPerHost: 12 });
    env = {
      AWS_ENDPOINT_URL: moto.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      XDG_CACHE_HOME: path.join(scratch, 'cache'),
    };
    const sagemaker = new SageMakerClient(awsTestClientConfig(moto.endpoint));
    try {
      for (const [name, lr, count] of [
        ['cmp-lr-small', '5e-05', 1],
        ['cmp-lr-large', '0.0001', 2],
      ] as const) {
        await sagemaker.send(
          new CreateTrainingJobCommand({
            TrainingJobName: name,
            RoleArn: 'arn:aws:iam::123456789012:role/sagemaker-execution',
            AlgorithmSpecification: {
              TrainingImage: IMAGE,
              TrainingInputMode: 'File',
              MetricDefinitions: [{ Name: 'eval_rouge1', Regex: "'eval_rouge1': ([0-9.]+)" }],
            },
            HyperParameters: { learning_rate: lr, num_train_epochs: '3', sagemaker_program: '"train.py"' },
            OutputDataConfig: { S3OutputPath: 's3://sagemaker-us-east-1-123456789012/' },
            ResourceConfig: { InstanceCount: count, InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: 30 },
            StoppingCondition: { MaxRuntimeInSeconds: 86400 },
          }),
        );
      }
      for (const name of ['cmp-lr-small', 'cmp-lr-large']) {
        let d = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
        while (d.TrainingJobStatus === 'InProgress') {
          await new Promise((r) => setTimeout(r, 300));
          d = await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
        }
        assert.equal(d.TrainingJobStatus, 'Completed');
      }
    } finally {
      sagemaker.destroy();
    }
    // Two real runs of the quickstart on this machine, at two learning rates.
    const text = await fs.readFile(QUICKSTART, 'utf8');
    for (const [base, lr] of [
      ['cmp-local-a', '0.5'],
      ['cmp-local-b', '0.2'],
    ] as const) {
      const variant = text.replace('base_job_name: quickstart-summarizer', `base_job_name: ${base}`).replace('learning_rate: 0.5', `learning_rate: ${lr}`);
      assert.notEqual(variant, text);
      const outcome = await runJobFileLocally({
        jobFilePath: QUICKSTART,
        text: variant,
        root: path.join(scratch, '.sagemaker-local'),
        context: jobFileContext(QUICKSTART),
        interpreter: python,
      });
      assert.equal(outcome.kind, 'started', outcome.kind === 'invalid' ? JSON.stringify(outcome.problems) : '');
      if (outcome.kind !== 'started') return;
      const record = await outcome.job.completion;
      assert.equal(record.TrainingJobStatus, 'Completed', record.FailureReason);
      local.push(record.TrainingJobName);
    }
  });

  after(async () => {
    await moto?.stop();
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
  });

  it('--json: cloud and local runs side by side in the documented shape, each value with its source', async () => {
    const { code, out, err } = await cli(['compare', 'cmp-lr-small', 'cmp-lr-large', local[0]!, '--json', '--offline'], scratch, env);
    assert.equal(code, 0, err);
    const doc = JSON.parse(out) as RunComparisonJson;
    assert.deepEqual(Object.keys(doc), ['runs', 'rows', 'differences', 'curves', 'notes']);
    assert.deepEqual(
      doc.runs.map((r) => [r.name, r.origin, r.status, r.describedBy]),
      [
        ['cmp-lr-small', 'cloud', 'Completed', 'DescribeTrainingJob'],
        ['cmp-lr-large', 'cloud', 'Completed', 'DescribeTrainingJob'],
        [local[0], 'local', 'Completed', 'job.json (local job folder)'],
      ],
    );
    for (const r of doc.rows) {
      assert.deepEqual(
        Object.keys(r).filter((k) => k !== 'sdkSet'),
        ['section', 'key', 'label', 'cells', 'differs'],
      );
      assert.equal(r.cells.length, 3);
    }
    const row = (key: string) => doc.rows.find((r) => r.key === key)!;
    assert.deepEqual(
      row('hyperparameters.learning_rate').cells.map((c) => c.display),
      ['5e-05', '0.0001', '0.5'],
    );
    assert.ok(doc.differences.includes('hyperparameters.learning_rate'));
    assert.equal(row('job.image').cells[0]!.display, IMAGE);
    assert.deepEqual(
      row('job.instanceCount').cells.map((c) => c.value),
      [1, 2, 2],
    );
    // Cost: the bundled price table for the cloud runs, named; $0 for the local one, saying why.
    const cost = row('job.cost').cells;
    assert.ok(typeof cost[0]!.value === 'number' && cost[0]!.value > 0);
    assert.match(cost[0]!.source ?? '', /bundled price table/);
    assert.equal(cost[2]!.value, 0);
    assert.match(cost[2]!.source ?? '', /local: runs on this machine/);
    // Final metrics: SageMaker's FinalMetricDataList for the cloud runs, the log for the local one.
    const rouge = row('metrics.eval_rouge1').cells;
    assert.equal(rouge[0]!.source, 'FinalMetricDataList (DescribeTrainingJob)');
    assert.match(rouge[2]!.source ?? '', /^the log, algo-1 \(last of \d+ values?\)$/);
    // The loss curve of every run, on one axis that starts at each run's training start.
    const loss = doc.curves.find((k) => k.metric === 'loss')!;
    assert.deepEqual(
      loss.lines.map((l) => l.run),
      [0, 1, 2],
    );
    for (const l of loss.lines) assert.ok(l.points.length > 0 && l.points.every(([t]) => t >= 0), `${l.job}: ${JSON.stringify(l.points.slice(0, 3))}`);
    // A local log read after its job ended is spread over the job's training time, not up to the moment it was read.
    const record = JSON.parse(await fs.readFile(path.join(scratch, '.sagemaker-local', local[0]!, 'job.json'), 'utf8')) as { TrainingStartTime: string; TrainingEndTime: string };
    const trainingMs = Date.parse(record.TrainingEndTime) - Date.parse(record.TrainingStartTime);
    const localLine = loss.lines.find((l) => l.run === 2)!;
    assert.ok(localLine.points.at(-1)![0] <= trainingMs, `last local point at ${localLine.points.at(-1)![0]} ms, training took ${trainingMs} ms`);
  });

  it('prints a table with a * on each row that differs, and where the values come from', async () => {
    const { code, out, err } = await cli(['compare', 'cmp-lr-small', 'cmp-lr-large', '--offline'], scratch, env);
    assert.equal(code, 0, err);
    assert.match(out, /^Comparing 2 runs: cmp-lr-small \(cloud, Completed\), cmp-lr-large \(cloud, Completed\)/);
    assert.match(out, /^\* +learning_rate +5e-05 +0\.0001$/m);
    assert.match(out, /^ +num_train_epochs +3 +3$/m);
    assert.match(out, /^\* +Instance count +1 +2$/m);
    assert.match(out, /^ +Instance type +ml\.g5\.xlarge +ml\.g5\.xlarge$/m);
    // The image URI is cut in the middle so the table stays readable; its tag stays.
    assert.match(out, /^ +Image +763104351884\.dkr\.ec…\S+-ubuntu22\.04 +763104351884/m);
    assert.match(out, /--json has them whole/);
    assert.match(out, /^ {2}eval_rouge1: cmp-lr-small FinalMetricDataList \(DescribeTrainingJob\); cmp-lr-large FinalMetricDataList/m);
    assert.match(out, /^ {2}Cost: cmp-lr-small bundled price table/m);
  });

  it('compares two local runs with no AWS at all', async () => {
    const { code, out, err } = await cli(['compare', ...local], scratch, {});
    assert.equal(code, 0, err);
    assert.match(out, /^\* +learning_rate +0\.5 +0\.2$/m);
    assert.match(out, /Note: The lines of a local job's log carry no time of their own/);
  });

  it('refuses fewer than two jobs, a job named twice, a name that is no job name; names unknown jobs; never exits 0', async () => {
    const one = await cli(['compare', 'cmp-lr-small'], scratch, env);
    assert.equal(one.code, 2);
    assert.match(one.err, /^sagemaker-hf compare: compare needs two or more training jobs \(got 1\)/);
    const twice = await cli(['compare', 'cmp-lr-small', 'cmp-lr-small'], scratch, env);
    assert.equal(twice.code, 2);
    assert.match(twice.err, /cmp-lr-small is named twice/);
    const bad = await cli(['compare', 'cmp-lr-small', '../../etc'], scratch, env);
    assert.equal(bad.code, 2);
    assert.match(bad.err, /"\.\.\/\.\.\/etc" is not a training job name/);
    const unknown = await cli(['compare', 'cmp-lr-small', 'no-such-job', '--offline'], scratch, env);
    assert.equal(unknown.code, 1);
    assert.match(unknown.err, /no training job named no-such-job in SageMaker \(us-east-1\) nor in .*\.sagemaker-local/);
    assert.equal(unknown.out, '');
    const typo = await cli(['compare', 'a', 'b', '--jsn'], scratch, env);
    assert.equal(typo.code, 2);
    assert.match(typo.err, /did you mean --json\?/);
  });
});
