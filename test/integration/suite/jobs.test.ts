// Launch, the Training Jobs view, live logs, Download Model and Run Locally, inside the real VS Code,
// against moto (with our SageMaker lifecycle plugin) through the extension's own AWS clients.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import * as vscode from 'vscode';
import type { SageMakerHfApi } from '../../../src/api';
import { motoInstallProblem, startMoto } from '../../emulators/moto/motoServer';
import type { MotoServer } from '../../emulators/moto/motoServer';

const EXTENSION_ID = 'sagemaker-hf.sagemaker-hf-trainer';

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const JOB_FILE = `# The seed's estimator with its code in the workspace (git_config cannot be cloned offline).
entry_point: train.py
source_dir: code
instance_type: ml.p3dn.24xlarge
instance_count: 2
transformers_version: "4.4.2"
pytorch_version: "1.6.0"
py_version: py36
role: SageMakerRole
hyperparameters:
  model_name_or_path: facebook/bart-large-cnn
  dataset_name: samsum
  do_train: true
  do_eval: true
  learning_rate: 5e-5
distribution:
  smdistributed:
    dataparallel:
      enabled: true
`;

/** The same job as a tuning job of two trials (learning_rate is ranged, so it is not also fixed). */
const TUNING_FILE = `${JOB_FILE.replace('  learning_rate: 5e-5\n', '')}tuning:
  objective_metric_name: eval_loss
  objective_type: Minimize
  metric_definitions:
    - Name: eval_loss
      Regex: "'eval_loss': ([0-9.]+)"
  hyperparameter_ranges:
    learning_rate: {type: continuous, min_value: 0.00001, max_value: 0.001, scaling_type: Logarithmic}
  strategy: Random
  random_seed: 7
  max_jobs: 2
  max_parallel_jobs: 2
  base_tuning_job_name: it-sweep
`;

describe('training jobs against the AWS emulator', function () {
  this.timeout(120_000);
  let moto: MotoServer | undefined;
  let api: SageMakerHfApi;
  let workspace: vscode.Uri;
  const config = () => vscode.workspace.getConfiguration('sagemakerHf');

  before(async function () {
    const problem = motoInstallProblem();
    if (problem) {
      // In CI, setup-moto.sh has always run; only a developer machine without it skips.
      console.log(`skipping: ${problem}`);
      this.skip();
    }
    moto = await startMoto({ simSeconds: 5, logLinesPerHost: 12 });
    // The extension reads credentials through the SDK's standard chain: the environment here.
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' });
    await new IAMClient({ region: 'us-east-1', endpoint: moto.endpoint, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } }).send(
      new CreateRoleCommand({
        RoleName: 'SageMakerRole',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        }),
      }),
    );
    const e = moto.endpoint;
    await config().update('aws.endpoints', { sagemaker: e, s3: e, logs: e, sts: e, iam: e }, vscode.ConfigurationTarget.Global);
    await config().update('aws.region', 'us-east-1', vscode.ConfigurationTarget.Global);
    await config().update('launch.showPreview', false, vscode.ConfigurationTarget.Global);
    await config().update('jobs.refreshIntervalSeconds', 2, vscode.ConfigurationTarget.Global);
    await config().update('local.installRequirements', 'never', vscode.ConfigurationTarget.Global);
    workspace = vscode.workspace.workspaceFolders![0]!.uri;
    fs.mkdirSync(path.join(workspace.fsPath, 'code'), { recursive: true });
    fs.writeFileSync(path.join(workspace.fsPath, 'code/train.py'), 'print("training")\n');
    fs.writeFileSync(path.join(workspace.fsPath, 'seed-local.sagemaker.yaml'), JOB_FILE);
    const ext = vscode.extensions.getExtension<SageMakerHfApi>(EXTENSION_ID)!;
    api = await ext.activate();
  });

  after(async () => {
    for (const key of ['aws.endpoints', 'aws.region', 'launch.showPreview', 'jobs.refreshIntervalSeconds', 'local.installRequirements']) {
      await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    }
    await moto?.stop();
  });

  let jobName = '';

  it('Launch Distributed Training creates the job the request builder planned, and the view shows it in flight', async () => {
    const uri = vscode.Uri.joinPath(workspace, 'seed-local.sagemaker.yaml');
    await vscode.window.showTextDocument(uri);
    await vscode.commands.executeCommand('sagemakerHf.launchTraining', uri);
    const job = await until('the launched job in the view', () => api.trainingJobs().find((j) => j.name.startsWith('huggingface-pytorch-training-')));
    jobName = job.name;
    assert.equal(job.resources, 'ml.p3dn.24xlarge × 2');
    assert.ok(['InProgress', 'Completed'].includes(job.status), job.status);
    const hp = Object.fromEntries(job.hyperparameters.map((h) => [h.name, h.encoded]));
    assert.equal(hp['learning_rate'], '5e-05');
    assert.equal(hp['dataset_name'], '"samsum"');
    assert.equal(hp['sagemaker_distributed_dataparallel_enabled'], 'true');
    assert.match(hp['sagemaker_submit_directory'] ?? '', /^"s3:\/\/sagemaker-us-east-1-\d{12}\/huggingface-pytorch-training-.*\/source\/sourcedir\.tar\.gz"$/);
  });

  it('the view follows the job to Completed on its own, and its end is announced', async () => {
    await until('Completed', () => api.trainingJobs().find((j) => j.name === jobName && j.status === 'Completed'), 60_000);
    await until('the end-of-job notification', () => api.notifications().includes(`Training job ${jobName} completed.`));
  });

  it('Launch on a file with tuning: creates the tuning job, follows it to its end and announces its best trial', async () => {
    const uri = vscode.Uri.joinPath(workspace, 'sweep.sagemaker.yaml');
    fs.writeFileSync(uri.fsPath, TUNING_FILE);
    await vscode.commands.executeCommand('sagemakerHf.launchTraining', uri);
    // In the view as soon as the command returns, before any list shows it.
    const launched = api.tuningJobs().find((t) => t.name.startsWith('it-sweep-'));
    assert.ok(launched, `no it-sweep-* tuning job in the view: ${JSON.stringify(api.tuningJobs().map((t) => t.name))}`);
    const done = await until('the tuning job Completed', () => api.tuningJobs().find((t) => t.name === launched.name && t.status === 'Completed'), 90_000);
    assert.equal(done.trials.length, 2);
    assert.equal(done.counts.completed, 2);
    const best = done.best!;
    assert.ok(best.objective !== undefined, 'the best trial has its eval_loss');
    assert.equal(best.objective, Math.min(...done.trials.map((t) => t.objective ?? Infinity)));
    const note = await until('the end-of-tuning notification', () => api.notifications().find((n) => n.includes(launched.name)));
    assert.equal(note, `Hyperparameter tuning job ${launched.name} completed: 2 completed. Best trial ${best.name} (eval_loss = ${best.objective}).`);
  });

  it('Show Logs tails both hosts into one channel and ends with the summary', async () => {
    await vscode.commands.executeCommand('sagemakerHf.showJobLogs', jobName);
    const text = await until('the end-of-job summary', () => {
      const t = api.jobLog(jobName);
      return /Training seconds/.test(t) ? t : undefined;
    });
    assert.match(text, /^\[algo-1\] /m);
    assert.match(text, /^\[algo-2\] /m);
    assert.match(text, /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} Training - /m);
    assert.match(text, /Billable seconds/);
  });

  it('Describe as JSON shows DescribeTrainingJob read-only', async () => {
    await vscode.commands.executeCommand('sagemakerHf.describeJob', jobName);
    const doc = await until('the JSON document', () =>
      vscode.window.visibleTextEditors.map((e) => e.document).find((d) => d.uri.scheme === 'sagemaker-hf' && d.uri.path.endsWith(`${jobName}.json`)),
    );
    const described = JSON.parse(doc.getText());
    assert.equal(described.TrainingJobName, jobName);
    assert.equal(described.TrainingJobStatus, 'Completed');
  });

  it('Download Model extracts model.tar.gz into models/<job>/', async () => {
    const target = await vscode.commands.executeCommand<string>('sagemakerHf.downloadModel', jobName);
    assert.equal(target, path.join(workspace.fsPath, 'models', jobName));
    for (const f of ['config.json', 'eval_results.json', 'trainer_state.json']) assert.ok(fs.existsSync(path.join(target, f)), f);
  });

  it('Run Locally runs the quickstart on two hosts and lists it in the Local group', async () => {
    const repo = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    fs.cpSync(path.join(repo, 'examples/quickstart'), path.join(workspace.fsPath, 'quickstart'), { recursive: true, filter: (src) => !/\.sagemaker-local|models/.test(src) });
    const uri = vscode.Uri.joinPath(workspace, 'quickstart/quickstart.sagemaker.yaml');
    await vscode.commands.executeCommand('sagemakerHf.runLocally', uri);
    const local = await until('a completed local job', async () => {
      await api.refreshTrainingJobs();
      return api.trainingJobs().find((j) => j.name.startsWith('quickstart-summarizer-') && j.status === 'Completed');
    });
    assert.equal(local.resources, 'ml.p3.2xlarge × 2');
    const log = api.jobLog(local.name);
    assert.match(log, /^\[algo-1\] /m);
    assert.match(log, /^\[algo-2\] /m);
    assert.match(log, /Completed - Training job completed/);
  });
});

describe('the Training Jobs view: paging, filters, stop', function () {
  this.timeout(120_000);
  let moto: MotoServer | undefined;
  let api: SageMakerHfApi;
  const config = () => vscode.workspace.getConfiguration('sagemakerHf');

  before(async function () {
    if (motoInstallProblem()) this.skip();
    moto = await startMoto({ simSeconds: 1 });
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1', AWS_EC2_METADATA_DISABLED: 'true' });
    const e = moto.endpoint;
    await config().update('aws.endpoints', { sagemaker: e, s3: e, logs: e, sts: e, iam: e }, vscode.ConfigurationTarget.Global);
    await config().update('aws.region', 'us-east-1', vscode.ConfigurationTarget.Global);
    await config().update('jobs.pageSize', 2, vscode.ConfigurationTarget.Global);
    api = await vscode.extensions.getExtension<SageMakerHfApi>(EXTENSION_ID)!.activate();
    const { CreateTrainingJobCommand, SageMakerClient } = await import('@aws-sdk/client-sagemaker');
    const sm = new SageMakerClient({ region: 'us-east-1', endpoint: e, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } });
    await moto.configure({ jobs: { 'paging-long': { simSeconds: 600 } } });
    for (const name of ['paging-a', 'paging-b', 'paging-c', 'other-d', 'paging-long']) {
      await sm.send(
        new CreateTrainingJobCommand({
          TrainingJobName: name,
          RoleArn: 'arn:aws:iam::123456789012:role/r',
          AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
          OutputDataConfig: { S3OutputPath: 's3://b/out/' },
          ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: 30 },
          StoppingCondition: { MaxRuntimeInSeconds: 3600 },
        }),
      );
      await new Promise((r) => setTimeout(r, 20));
    }
    // Let the short jobs finish, so that the status filter below has one job in progress and four ended.
    const { DescribeTrainingJobCommand } = await import('@aws-sdk/client-sagemaker');
    await until('the short jobs to end', async () =>
      (await sm.send(new DescribeTrainingJobCommand({ TrainingJobName: 'other-d' }))).TrainingJobStatus === 'Completed' ? true : undefined,
    );
    await api.refreshTrainingJobs();
  });

  after(async () => {
    for (const key of ['aws.endpoints', 'aws.region', 'jobs.pageSize']) await config().update(key, undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('sagemakerHf.clearJobFilter');
    await moto?.stop();
  });

  const cloudNames = () =>
    api
      .trainingJobs()
      .filter((j) => !j.name.startsWith('quickstart-'))
      .map((j) => j.name);

  it('lists a page, newest first, and Load more appends the next', async () => {
    assert.deepEqual(cloudNames(), ['paging-long', 'other-d']);
    await vscode.commands.executeCommand('sagemakerHf.loadMoreJobs');
    assert.deepEqual(cloudNames(), ['paging-long', 'other-d', 'paging-c', 'paging-b']);
  });

  it('filters by name and by status', async () => {
    await vscode.commands.executeCommand('sagemakerHf.filterJobsByName', 'paging');
    await until('the name filter', () => (cloudNames().every((n) => n.startsWith('paging-')) && cloudNames().length > 0 ? true : undefined));
    await vscode.commands.executeCommand('sagemakerHf.filterJobsByName', '');
    await vscode.commands.executeCommand('sagemakerHf.filterJobsByStatus', 'InProgress');
    await until('the status filter', () => (cloudNames().join() === 'paging-long' ? true : undefined)).catch((e: Error) => {
      throw new Error(`${e.message}: the view shows ${JSON.stringify(api.trainingJobs().map((j) => `${j.name} ${j.status}`))}`);
    });
    await vscode.commands.executeCommand('sagemakerHf.clearJobFilter');
  });

  it('Stop Job stops a job in progress and the view follows it to Stopped', async () => {
    const status = await vscode.commands.executeCommand<string>('sagemakerHf.stopJob', 'paging-long', { confirmed: true });
    assert.ok(['Stopping', 'Stopped'].includes(status), status);
    await until('Stopped', () => api.trainingJobs().find((j) => j.name === 'paging-long' && j.status === 'Stopped'), 30_000);
  });
});
