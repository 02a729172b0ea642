// Warm pools and capacity in the job view, and Release Warm Pool (UpdateTrainingJob with a keep-alive
// of 0) through the real @aws-sdk client against moto with our lifecycle plugin (which models warm
// pools: Available after a successful end, Reused by a matching job, Terminated when released).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { CreateTrainingJobCommand, DescribeTrainingJobCommand, SageMakerClient } from '@aws-sdk/client-sagemaker';
import type { CreateTrainingJobCommandInput } from '@aws-sdk/client-sagemaker';
import { releaseWarmPool, TrainingJobError } from '../../src/aws/trainingJobs';
import type { SageMakerClients } from '../../src/aws/trainingJobs';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import { jobDescriptionLine, trainingJobViewFromDescription } from '../../src/core/jobs/trainingJobView';
import { ContextValue } from '../../src/views/contextValues';
import { summarizeJobEnd } from '../../src/core/logs/jobEndSummary';
import { renderWarmPoolMatch, warmPoolMatch } from '../../src/core/jobs/warmPoolMatch';
import { awsTestClientConfig, motoInstallProblem, startMoto } from '../emulators/moto/motoServer';
import type { MotoServer } from '../emulators/moto/motoServer';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

describe('the job view: warm pool, capacity, the chosen instance type', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  it('says a job is waiting for capacity, and for how long', () => {
    const d: TrainingJobDescription = {
      TrainingJobName: 'w',
      TrainingJobStatus: 'InProgress',
      SecondaryStatus: 'Pending',
      SecondaryStatusTransitions: [{ Status: 'Pending', StatusMessage: 'Waiting for capacity', StartTime: new Date(now.getTime() - 720_000) }],
    };
    const v = trainingJobViewFromDescription(d, now);
    assert.equal(v.waitingForCapacity, true);
    assert.equal(v.capacityWaitSeconds, 720);
    assert.match(jobDescriptionLine(v, now), /^waiting for capacity 12 min/);
  });

  it('the end-of-job summary says how long the job waited for capacity', () => {
    const t = (m: number) => new Date(now.getTime() + m * 60_000);
    const s = summarizeJobEnd(
      {
        TrainingJobName: 'w',
        TrainingJobStatus: 'Completed',
        SecondaryStatusTransitions: [
          { Status: 'Pending', StatusMessage: 'Waiting for capacity', StartTime: t(0), EndTime: t(42) },
          { Status: 'Starting', StatusMessage: 'Launching requested ML instances', StartTime: t(42), EndTime: t(45) },
          { Status: 'Completed', StatusMessage: 'Training job completed', StartTime: t(90), EndTime: t(90) },
        ],
      },
      [],
    );
    assert.equal(s.capacityWaitSeconds, 42 * 60);
    assert.ok(s.lines.includes('Waited for capacity: 42 min'));
  });

  it('shows an Available warm pool on the row and in the context value; names the type chosen from InstancePreferences', () => {
    const v = trainingJobViewFromDescription(
      {
        TrainingJobName: 'p',
        TrainingJobStatus: 'Completed',
        WarmPoolStatus: { Status: 'Available' },
        ResourceConfig: {
          InstancePreferences: [{ InstanceType: 'ml.p5.48xlarge' }, { InstanceType: 'ml.p4d.24xlarge' }],
          InstanceCount: 1,
          SelectedInstanceType: 'ml.p4d.24xlarge',
          SelectedInstanceCount: 1,
        },
      },
      now,
    );
    assert.match(jobDescriptionLine(v, now), /warm pool Available/);
    assert.match(v.resources ?? '', /ml\.p4d\.24xlarge × 1 \(chosen from instance_preferences\)/);
    assert.match(ContextValue.job(v.status, 'cloud', false, v.warmPoolStatus === 'Available'), /^sagemaker:job:cloud:.*:warmPool$/);
  });
});

const installProblem = motoInstallProblem();

describe('warm pools against moto', { skip: installProblem ?? false }, () => {
  let moto: MotoServer;
  let sagemaker: SageMakerClient;
  let clients: SageMakerClients;
  const job = (name: string, keepAlive?: number, volume = 30): CreateTrainingJobCommandInput => ({
    TrainingJobName: name,
    RoleArn: 'arn:aws:iam::123456789012:role/r',
    AlgorithmSpecification: { TrainingImage: 'img', TrainingInputMode: 'File' },
    OutputDataConfig: { S3OutputPath: 's3://b/' },
    ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: volume, ...(keepAlive ? { KeepAlivePeriodInSeconds: keepAlive } : {}) },
    StoppingCondition: { MaxRuntimeInSeconds: 3600 },
  });
  const describe1 = (name: string) => sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name }));
  const completed = async (name: string) => {
    for (let i = 0; i < 100 && (await describe1(name)).TrainingJobStatus !== 'Completed'; i++) await new Promise((r) => setTimeout(r, 100));
    return describe1(name);
  };

  before(async () => {
    moto = await startMoto({ simSeconds: 0.3 });
    sagemaker = new SageMakerClient(awsTestClientConfig(moto.endpoint));
    clients = { sagemaker: () => sagemaker };
  });

  after(async () => {
    sagemaker?.destroy();
    await moto?.stop();
  });

  it('Release Warm Pool terminates an Available pool; a second release says it is already released', async () => {
    await sagemaker.send(new CreateTrainingJobCommand(job('pool-1', 3600)));
    assert.equal((await completed('pool-1')).WarmPoolStatus?.Status, 'Available');
    assert.equal(await releaseWarmPool(clients, 'pool-1'), 'Terminated');
    await assert.rejects(releaseWarmPool(clients, 'pool-1'), (e: TrainingJobError) => e.code === 'WarmPoolNotAvailable' && /Terminated: already released/.test(e.message));
  });

  it('a job without a warm pool is named as such', async () => {
    await sagemaker.send(new CreateTrainingJobCommand(job('no-pool')));
    await completed('no-pool');
    await assert.rejects(releaseWarmPool(clients, 'no-pool'), (e: TrainingJobError) => e.code === 'NoWarmPool');
  });

  it('a matching job lands on an Available pool: the pool shows Reused and by which job', async () => {
    await sagemaker.send(new CreateTrainingJobCommand(job('pool-2', 3600)));
    await completed('pool-2');
    await sagemaker.send(new CreateTrainingJobCommand(job('pool-2-again', 3600)));
    const pool = (await describe1('pool-2')).WarmPoolStatus;
    assert.equal(pool?.Status, 'Reused');
    assert.equal(pool?.ReusedByJob, 'pool-2-again');
    assert.equal((await describe1('pool-2-again')).WarmPoolStatus?.Status, 'InUse');
    await assert.rejects(releaseWarmPool(clients, 'pool-2'), /reused by pool-2-again/);
  });

  it('Relaunch in Warm Pool’s preview: a relaunch keeping the matched fields lands on the pool; one changing the volume does not, and the preview names the field', async () => {
    await sagemaker.send(new CreateTrainingJobCommand(job('pool-3', 3600, 40)));
    const previous = (await completed('pool-3')) as TrainingJobDescription;
    const bigger: CreateTrainingJobCommandInput = {
      ...job('pool-3-bigger', 3600),
      ResourceConfig: { InstanceCount: 1, InstanceType: 'ml.g5.xlarge', VolumeSizeInGB: 50, KeepAlivePeriodInSeconds: 3600 },
    };
    const no = warmPoolMatch(previous, bigger);
    assert.equal(no.matches, false);
    assert.deepEqual(no.reasons, ['ResourceConfig.VolumeSizeInGB differs: 40 before, 50 now.']);
    await sagemaker.send(new CreateTrainingJobCommand(bigger));
    assert.equal((await describe1('pool-3')).WarmPoolStatus?.Status, 'Available', 'the simulator agrees: no reuse');

    const same = job('pool-3-again', 3600, 40);
    const yes = warmPoolMatch(previous, same);
    assert.equal(yes.matches, true);
    assert.match(renderWarmPoolMatch('pool-3', yes), /^Will land on the warm pool of pool-3 \(Available\)\.\nThe match depends on these fields:\n {2}= RoleArn: /);
    assert.equal(warmPoolMatch(previous, job('pool-3-no-keep', undefined, 40)).reasons.at(-1), 'The new job does not ask for a warm pool (keep_alive_period_in_seconds).');
    await sagemaker.send(new CreateTrainingJobCommand(same));
    assert.equal((await describe1('pool-3')).WarmPoolStatus?.ReusedByJob, 'pool-3-again');
  });

  it('matches on session tag chaining too, refuses spot, names the documented rules, and compares a job that ran from instance_preferences by the type SageMaker chose', async () => {
    await sagemaker.send(new CreateTrainingJobCommand(job('pool-4', 3600, 40)));
    const previous = (await completed('pool-4')) as TrainingJobDescription;
    const chained: CreateTrainingJobCommandInput = { ...job('pool-4-chained', 3600, 40), SessionChainingConfig: { EnableSessionTagChaining: true } };
    const no = warmPoolMatch(previous, chained);
    assert.deepEqual(no.reasons, ['SessionChainingConfig.EnableSessionTagChaining differs: false before, true now.']);
    assert.match(renderWarmPoolMatch('pool-4', no), /\? the session tags of the caller/);
    await sagemaker.send(new CreateTrainingJobCommand(chained));
    assert.equal((await describe1('pool-4')).WarmPoolStatus?.Status, 'Available', 'the simulator agrees: no reuse');

    const spot = warmPoolMatch(previous, { ...job('pool-4-spot', 3600, 40), EnableManagedSpotTraining: true });
    assert.deepEqual(spot.reasons, ['The new job uses spot instances, which warm pools do not work with (use_spot_instances).']);
    assert.match(
      renderWarmPoolMatch('pool-4', warmPoolMatch(previous, job('x', 3600, 40))),
      /\(SageMaker's matching rules: https:\/\/docs\.aws\.amazon\.com\/sagemaker\/latest\/dg\/train-warm-pools\.html#train-warm-pools-matching-criteria\)$/,
    );

    const fromPreferences: TrainingJobDescription = {
      ...previous,
      ResourceConfig: {
        VolumeSizeInGB: 40,
        InstancePreferences: [{ InstanceType: 'ml.g5.xlarge', InstanceCount: 1 }],
        SelectedInstanceType: 'ml.g5.xlarge',
        SelectedInstanceCount: 1,
      },
    };
    assert.equal(warmPoolMatch(fromPreferences, job('pool-4-after-prefs', 3600, 40)).matches, true);
  });
});
