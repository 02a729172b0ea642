// A job file's budget, max_cost_usd: the validator knows it, it is never sent to SageMaker, `plan`
// (offline too) and `launch` refuse a ceiling over it and name the max_run that fits, and a running
// job is warned at 80 % and stopped at 100 % — through the real @aws-sdk clients against moto (with
// our lifecycle plugin) and the Price List fake of test/emulators/awsExtras.
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, ListTrainingJobsCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import { AwsClients } from '../../src/aws/awsClients';
import { BudgetGuard } from '../../src/aws/cost/budgetGuard';
import type { CliIo } from '../../src/cli/cliError';
import { launchCommand } from '../../src/cli/launchCommand';
import { logsCommand } from '../../src/cli/logsCommand';
import { planCommand } from '../../src/cli/planCommand';
import { BudgetWatch, budgetRefusal } from '../../src/core/cost/budget';
import type { BudgetEvent } from '../../src/core/cost/budget';
import { estimateTrainingCost } from '../../src/core/cost/costEstimate';
import { BUNDLED_PRICE_TABLE, tablePrice } from '../../src/core/cost/trainingPrice';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import { startAwsExtras } from '../emulators/awsExtras/awsExtras';
import type { AwsExtras } from '../emulators/awsExtras/awsExtras';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';
import { REPO_ROOT } from './repoRoot';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const ACCOUNT = '123456789012';
const SEED_DIR = path.join(REPO_ROOT, 'test', 'fixtures', 'launch', 'seed-local');
const TYPE = 'ml.p3dn.24xlarge';
const TABLE_PRICE = tablePrice(BUNDLED_PRICE_TABLE, TYPE, 'us-east-1')!;

function captureIo(env: NodeJS.ProcessEnv = {}, cwd = REPO_ROOT): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', cwd, env, stdout: (t: string) => (io.out += t), stderr: (t: string) => (io.err += t) };
  return io;
}

/** The seed-local job folder copied to a temporary folder, its job file with `extra` appended. */
async function seedWith(extra: string): Promise<{ dir: string; file: string }> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'budget-'));
  await fs.cp(SEED_DIR, dir, { recursive: true });
  const file = path.join(dir, 'seed-local.sagemaker.yaml');
  await fs.appendFile(file, extra);
  return { dir, file };
}

describe('max_cost_usd before launch', () => {
  it('the validator knows the key and refuses a budget that is not a positive number', () => {
    const base = 'role: R\nentry_point: train.py\ninstance_type: ml.g5.xlarge\ntransformers_version: "4.36.0"\npytorch_version: "2.1.0"\npy_version: py310\n';
    assert.deepEqual(
      validateJobFile(`${base}max_cost_usd: 50\n`).problems.filter((p) => p.severity === 'error'),
      [],
    );
    const bad = validateJobFile(`${base}max_cost_usd: 0\n`).problems.filter((p) => p.severity === 'error');
    assert.equal(bad.length, 1);
    assert.match(bad[0]!.message, /max_cost_usd/);
  });

  it('refuses a ceiling over the budget and names the max_run that fits', () => {
    const spec = { instance_type: TYPE, instance_count: 2, max_cost_usd: 50 } as never;
    const estimate = estimateTrainingCost(spec, TABLE_PRICE);
    const refusal = budgetRefusal(spec, estimate)!;
    const fitting = Math.floor(50 / ((2 * TABLE_PRICE.hourlyUsd) / 3600));
    assert.equal(refusal.fittingMaxRun, fitting);
    assert.ok(estimateTrainingCost({ ...(spec as object), max_run: fitting } as never, TABLE_PRICE).ceiling.usd <= 50, 'the named max_run fits');
    assert.ok(estimateTrainingCost({ ...(spec as object), max_run: fitting + 1 } as never, TABLE_PRICE).ceiling.usd > 50, 'and is the longest that does');
    assert.match(refusal.message, new RegExp(`exceeds max_cost_usd \\$50\\.00\\. max_run: ${fitting} `));
    assert.equal(
      budgetRefusal({ ...(spec as object), max_run: fitting } as never, estimateTrainingCost({ ...(spec as object), max_run: fitting } as never, TABLE_PRICE)),
      undefined,
    );
  });

  it('plan offline (--account) refuses the file, exit 1, with the refusal and no request on stdout; within budget it plans and sends no max_cost_usd', async () => {
    const { dir, file } = await seedWith('max_cost_usd: 50\n');
    try {
      const io = captureIo({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });
      assert.equal(await planCommand([file, '--json', '--account', ACCOUNT], io), 1);
      assert.equal(io.out, '');
      assert.match(io.err, /refused: The cost ceiling .* exceeds max_cost_usd \$50\.00\. max_run: \d+ /);
      const fits = await seedWith('max_cost_usd: 50\nmax_run: 600\n');
      try {
        const ok = captureIo({ AWS_ENDPOINT_URL: 'http://127.0.0.1:1' });
        assert.equal(await planCommand([fits.file, '--json', '--account', ACCOUNT], ok), 0, ok.err);
        assert.doesNotMatch(ok.out, /max_cost_usd|MaxCost/i, 'the budget is not sent to SageMaker');
      } finally {
        await fs.rm(fits.dir, { recursive: true, force: true });
      }
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('--stop-over-budget is refused without --wait (launch) or without --follow and a budget (logs)', async () => {
    await assert.rejects(launchCommand([path.join(SEED_DIR, 'seed-local.sagemaker.yaml'), '--stop-over-budget'], captureIo()), /--stop-over-budget needs --wait/);
    await assert.rejects(logsCommand(['job', '--follow', '--stop-over-budget'], captureIo()), /--stop-over-budget needs --follow and the budget/);
    await assert.rejects(logsCommand(['job', '--max-cost-usd', 'ten'], captureIo()), /--max-cost-usd must be a positive number/);
  });
});

describe('BudgetWatch', () => {
  it('reports the warning at 80 % and the stop at 100 %, each once', () => {
    const w = new BudgetWatch('j', 50);
    assert.equal(w.observe(39), undefined);
    assert.equal(w.observe(40)?.level, 'warning');
    assert.equal(w.observe(45), undefined);
    assert.equal(w.observe(50)?.level, 'over');
    assert.equal(w.observe(60), undefined);
  });
});

const installProblem = motoInstallProblem();

describe('max_cost_usd against moto', { skip: installProblem ?? false }, () => {
  let moto: MotoServer;
  let extras: AwsExtras;
  let sagemaker: SageMakerClient;

  before(async () => {
    moto = await startMoto({ simSeconds: 300 });
    extras = await startAwsExtras({ prices: [{ region: 'us-east-1', instanceType: TYPE, usd: 31.218 }], maxLifetimeMs: 120_000 });
    sagemaker = new SageMakerClient(awsTestClientConfig(moto.endpoint));
    process.env.AWS_ACCESS_KEY_ID = 'test';
    process.env.AWS_SECRET_ACCESS_KEY = 'test';
  });

  after(async () => {
    sagemaker?.destroy();
    await moto?.stop();
    await extras?.stop();
  });

  it('launch refuses a job whose ceiling exceeds max_cost_usd: exit 1, the fitting max_run named, no job created, nothing uploaded', async () => {
    const { dir, file } = await seedWith('max_cost_usd: 50\n');
    try {
      const io = captureIo({ AWS_ENDPOINT_URL: moto.endpoint, XDG_CACHE_HOME: dir });
      assert.equal(await launchCommand([file, '--account', ACCOUNT, '--job-name', 'over-budget'], io), 1);
      assert.match(io.err, /not launched: The cost ceiling .* exceeds max_cost_usd \$50\.00\. max_run: \d+ \(/);
      const listed = await sagemaker.send(new ListTrainingJobsCommand({}));
      assert.deepEqual(listed.TrainingJobSummaries ?? [], []);
      assert.doesNotMatch(io.err, /Uploading|Packaging/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('a running job is warned at 80 % and stopped at 100 % of its budget', async () => {
    const name = 'budget-running';
    // Billing starts at 15 % of the simulated job (3 s) and it ends at 20 s, long after the checks below.
    await moto.configure({ jobs: { [name]: { simSeconds: 20 } } });
    await sagemaker.send(
      new CreateTrainingJobCommand({
        TrainingJobName: name,
        RoleArn: `arn:aws:iam::${ACCOUNT}:role/r`,
        AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
        OutputDataConfig: { S3OutputPath: 's3://b/' },
        ResourceConfig: { InstanceCount: 2, InstanceType: TYPE, VolumeSizeInGB: 30 },
        StoppingCondition: { MaxRuntimeInSeconds: 86400 },
      }),
    );
    let d: TrainingJobDescription = {};
    for (let i = 0; i < 200 && !d.TrainingStartTime; i++) {
      d = (await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))) as TrainingJobDescription;
      if (!d.TrainingStartTime) await new Promise((r) => setTimeout(r, 250));
    }
    assert.ok(d.TrainingStartTime, 'billing started');
    const clients = new AwsClients({
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      endpoints: { sagemaker: moto.endpoint, pricing: extras.endpoint },
    });
    // The clock the guard prices with, moved on: 2 × $31.218/hour reaches $40 (80 % of $50) after 38.4 min and $50 after 48.1 min.
    let at = new Date(d.TrainingStartTime.getTime() + 30 * 60_000);
    const events: Array<[BudgetEvent['level'], string]> = [];
    const guard = new BudgetGuard(clients, name, 50, { stop: true, now: () => at, onEvent: (e, action) => events.push([e.level, action]) });
    try {
      await guard.check(d);
      assert.deepEqual(events, []);
      at = new Date(d.TrainingStartTime.getTime() + 40 * 60_000);
      await guard.check(d);
      assert.deepEqual(
        events.map((e) => e[0]),
        ['warning'],
      );
      assert.equal((await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus, 'InProgress', 'a warning stops nothing');
      at = new Date(d.TrainingStartTime.getTime() + 49 * 60_000);
      await guard.check(d);
      assert.deepEqual(
        events.map((e) => e[0]),
        ['warning', 'over'],
      );
      assert.match(events[1]![1], /Stopping it \(--stop-over-budget\): it was InProgress, now Stopping/);
      assert.equal((await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }))).TrainingJobStatus, 'Stopping');
    } finally {
      clients.destroy();
    }
  });
});
