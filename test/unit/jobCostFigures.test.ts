// What a job cost, in plain node (a fraction of a second): the arithmetic from DescribeTrainingJob
// (running, ended, spot savings, warm pool, local, instance preferences and groups), and the tree's and
// the CLI's words for it. jobCost.test.ts runs `sagemaker-hf cost` against moto.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  billedInstanceCount,
  billedInstanceType,
  budgetLevel,
  costDetailLines,
  costSummary,
  instanceTypesToPrice,
  jobCostFromDescription,
  jobCostJson,
  localJobCost,
  totalUsd,
} from '../../src/core/cost/jobCost';
import type { PriceQuote } from '../../src/core/cost/trainingPrice';
import type { TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import { testQuote } from './testPrices';

const TYPE = 'ml.p3dn.24xlarge';
const quote = (hourlyUsd: number, instanceType = TYPE): PriceQuote => testQuote(instanceType, hourlyUsd);

describe('a job’s cost from DescribeTrainingJob', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const ended: TrainingJobDescription = {
    TrainingJobName: 'spot-job',
    TrainingJobStatus: 'Completed',
    EnableManagedSpotTraining: true,
    ResourceConfig: { InstanceType: TYPE, InstanceCount: 2 },
    TrainingTimeInSeconds: 3600,
    BillableTimeInSeconds: 1080,
    WarmPoolStatus: { Status: 'Terminated', ResourceRetainedBillableTimeInSeconds: 600 },
  };

  it('bills BillableTimeInSeconds × instances × price, states the spot saving and prices the warm pool on its own line', () => {
    const c = jobCostFromDescription(ended, () => quote(36), now);
    assert.equal(c.usd, (2 * 1080 * 36) / 3600);
    assert.equal(c.spotSavingsPercent, 70);
    assert.deepEqual(c.warmPool, { status: 'Terminated', retainedSeconds: 600, usd: 12 });
    assert.equal(costSummary(c), '$33.60', 'instance time and warm pool together on the row');
    const lines = costDetailLines(c);
    assert.deepEqual(
      lines.map((l) => l.label),
      ['Instances', 'Spot savings', 'Warm pool', 'Price'],
    );
    assert.match(lines[1]!.value, /70% — billed 18 min of 1 h training time/);
    assert.match(lines[3]!.value, /bundled price table \(test\), as of 2025-06/);
    assert.deepEqual(jobCostJson(c), {
      job: 'spot-job',
      instanceType: TYPE,
      instanceCount: 2,
      billableSeconds: 1080,
      usdPerHour: 36,
      usd: 21.6,
      spotSavingsPercent: 70,
      warmPoolUsd: 12,
      priceSource: 'bundled price table (test), as of 2025-06',
    });
  });

  it('while InProgress, counts from TrainingStartTime to now, "so far"; before it, nothing is billed yet', () => {
    const running: TrainingJobDescription = {
      TrainingJobName: 'r',
      TrainingJobStatus: 'InProgress',
      ResourceConfig: { InstanceType: TYPE, InstanceCount: 2 },
      TrainingStartTime: new Date(now.getTime() - 3600_000),
    };
    const c = jobCostFromDescription(running, () => quote(7.1), now);
    assert.equal(c.state, 'running');
    assert.equal(c.billableSeconds, 3600);
    assert.equal(costSummary(c), '≈ $14.20 so far');
    const waiting = jobCostFromDescription({ ...running, TrainingStartTime: undefined }, () => quote(7.1), now);
    assert.equal(waiting.usd, 0);
    assert.match(costSummary(waiting) ?? '', /not billed yet/);
  });

  it('bills the type SageMaker selected from InstancePreferences', () => {
    const c = jobCostFromDescription(
      {
        TrainingJobName: 'fallback',
        TrainingJobStatus: 'Completed',
        ResourceConfig: {
          InstancePreferences: [{ InstanceType: TYPE }, { InstanceType: 'ml.g5.48xlarge' }],
          InstanceCount: 1,
          SelectedInstanceType: 'ml.g5.48xlarge',
          SelectedInstanceCount: 1,
        },
        BillableTimeInSeconds: 3600,
      },
      (t) => (t === 'ml.g5.48xlarge' ? { ...quote(20), instanceType: t } : quote(36)),
      now,
    );
    assert.equal(c.instanceType, 'ml.g5.48xlarge');
    assert.equal(c.usd, 20);
  });

  it('a local job costs $0 and says so', () => {
    const c = localJobCost('quickstart-1');
    assert.equal(costSummary(c), '$0 (local)');
    assert.deepEqual(costDetailLines(c), [{ label: 'Cost', value: '$0 — a local job runs on this machine; SageMaker bills nothing' }]);
    assert.deepEqual(jobCostJson(c), {
      job: 'quickstart-1',
      instanceType: 'local',
      instanceCount: 1,
      billableSeconds: 0,
      usdPerHour: 0,
      usd: 0,
      spotSavingsPercent: null,
      warmPoolUsd: null,
      priceSource: 'local: runs on this machine, no SageMaker charge',
    });
  });

  it('says which price is missing rather than guessing', () => {
    const c = jobCostFromDescription(ended, () => undefined, now, 'The bundled table has no price for ml.p3dn.24xlarge in xx-east-9.');
    assert.equal(c.usd, undefined);
    assert.equal(costSummary(c), undefined);
    assert.equal(jobCostJson(c).usd, null);
    assert.match(c.priceSource, /no price for ml\.p3dn\.24xlarge/);
  });

  it('a budget warns from 80 % and is over at 100 %', () => {
    assert.equal(budgetLevel(79.99, 100), 'within');
    assert.equal(budgetLevel(80, 100), 'warning');
    assert.equal(budgetLevel(100, 100), 'over');
  });
});

describe('the words of a job’s cost', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const lines = (c: ReturnType<typeof jobCostFromDescription>) => costDetailLines(c).map((l) => `${l.label}: ${l.value}`);

  it('an ended job, running job and a job not billed yet, word for word', () => {
    const ended: TrainingJobDescription = {
      TrainingJobName: 'e',
      TrainingJobStatus: 'Completed',
      ResourceConfig: { InstanceType: TYPE, InstanceCount: 2 },
      BillableTimeInSeconds: 5400,
    };
    assert.deepEqual(lines(jobCostFromDescription(ended, () => quote(10), now)), [
      'Instances: $30.00 — 2 × ml.p3dn.24xlarge × 1 h 30 min billable at $10.00/hour',
      'Price: bundled price table (test), as of 2025-06',
    ]);
    const running: TrainingJobDescription = { ...ended, TrainingJobStatus: 'InProgress', BillableTimeInSeconds: undefined, TrainingStartTime: new Date(now.getTime() - 1800_000) };
    assert.deepEqual(lines(jobCostFromDescription(running, () => quote(10), now)), [
      'Instances: ≈ $10.00 — 2 × ml.p3dn.24xlarge × 30 min so far at $10.00/hour',
      'Price: bundled price table (test), as of 2025-06',
    ]);
    const waiting = jobCostFromDescription({ ...running, TrainingStartTime: undefined }, () => quote(10), now);
    assert.equal(waiting.state, 'not-billed-yet');
    assert.deepEqual(lines(waiting), [
      'Instances: $0 so far: billing starts when SageMaker starts downloading (2 × ml.p3dn.24xlarge at $10.00/hour)',
      'Price: bundled price table (test), as of 2025-06',
    ]);
    assert.equal(costSummary(waiting), '$0 so far (not billed yet)');
    assert.equal(jobCostFromDescription(ended, () => quote(10), now).state, 'ended');
    const unpriced = jobCostFromDescription(ended, () => undefined, now);
    assert.deepEqual(lines(unpriced), ['Instances: no price — 2 × ml.p3dn.24xlarge × 1 h 30 min billable', 'Price: no price is known for ml.p3dn.24xlarge']);
  });

  it('a start time in the future bills nothing, and an ended job without billable time falls back to training time', () => {
    const early = jobCostFromDescription(
      { TrainingJobName: 'r', TrainingJobStatus: 'InProgress', ResourceConfig: { InstanceType: TYPE, InstanceCount: 1 }, TrainingStartTime: new Date(now.getTime() + 60_000) },
      () => quote(10),
      now,
    );
    assert.equal(early.billableSeconds, 0);
    const ended = jobCostFromDescription(
      { TrainingJobName: 'e', TrainingJobStatus: 'Failed', ResourceConfig: { InstanceType: TYPE }, TrainingTimeInSeconds: 720 },
      () => quote(10),
      now,
    );
    assert.equal(ended.billableSeconds, 720);
    assert.equal(ended.trainingSeconds, 720);
    assert.equal(ended.instanceCount, 1);
    assert.equal(ended.usd, 2);
    assert.equal(jobCostFromDescription({ TrainingJobName: 'e', TrainingJobStatus: 'Stopped', ResourceConfig: { InstanceType: TYPE } }, () => quote(10), now).billableSeconds, 0);
  });

  it('gives no spot saving for a job that is not spot, still running, or has no training time', () => {
    const spot: TrainingJobDescription = {
      TrainingJobName: 's',
      TrainingJobStatus: 'Completed',
      EnableManagedSpotTraining: true,
      ResourceConfig: { InstanceType: TYPE, InstanceCount: 1 },
      TrainingTimeInSeconds: 1000,
      BillableTimeInSeconds: 333,
    };
    assert.equal(jobCostFromDescription(spot, () => quote(10), now).spotSavingsPercent, 66.7);
    assert.equal(jobCostFromDescription({ ...spot, EnableManagedSpotTraining: false }, () => quote(10), now).spotSavingsPercent, undefined);
    assert.equal(jobCostFromDescription({ ...spot, TrainingJobStatus: 'InProgress', TrainingStartTime: now }, () => quote(10), now).spotSavingsPercent, undefined);
    assert.equal(jobCostFromDescription({ ...spot, TrainingTimeInSeconds: 0 }, () => quote(10), now).spotSavingsPercent, undefined);
    assert.equal(jobCostFromDescription({ ...spot, BillableTimeInSeconds: undefined }, () => quote(10), now).spotSavingsPercent, undefined);
  });

  it('prices a warm pool without a price as "no price", and names the job that reused it', () => {
    const d: TrainingJobDescription = {
      TrainingJobName: 'w',
      TrainingJobStatus: 'Completed',
      ResourceConfig: { InstanceType: TYPE, InstanceCount: 1 },
      BillableTimeInSeconds: 3600,
      WarmPoolStatus: { Status: 'Reused', ResourceRetainedBillableTimeInSeconds: 300, ReusedByJob: 'w-2' },
    };
    assert.deepEqual(lines(jobCostFromDescription(d, () => quote(12), now)), [
      'Instances: $12.00 — 1 × ml.p3dn.24xlarge × 1 h billable at $12.00/hour',
      'Warm pool: $1.00 — Reused, 5 min retained, reused by w-2',
      'Price: bundled price table (test), as of 2025-06',
    ]);
    assert.equal(lines(jobCostFromDescription(d, () => undefined, now))[1], 'Warm pool: no price — Reused, 5 min retained, reused by w-2');
    const available = jobCostFromDescription({ ...d, WarmPoolStatus: { Status: 'Available' } }, () => quote(12), now);
    assert.equal(lines(available)[1], 'Warm pool: $0.00 — Available, 0 s retained');
    assert.deepEqual(available.warmPool, { status: 'Available', retainedSeconds: 0, usd: 0 });
    assert.equal(totalUsd(available), 12);
    assert.equal(jobCostFromDescription({ ...d, WarmPoolStatus: {} }, () => quote(12), now).warmPool, undefined);
    assert.equal(totalUsd(jobCostFromDescription(d, () => undefined, now)), undefined);
  });

  it('a heterogeneous cluster: each group priced, the total per hour, and which type has no price', () => {
    const d: TrainingJobDescription = {
      TrainingJobName: 'het',
      TrainingJobStatus: 'Completed',
      ResourceConfig: {
        InstanceGroups: [
          { InstanceGroupName: 'gpu', InstanceType: 'ml.p4d.24xlarge', InstanceCount: 1 },
          { InstanceGroupName: 'data', InstanceType: 'ml.g5.xlarge', InstanceCount: 2 },
        ],
      },
      BillableTimeInSeconds: 3600,
    };
    const prices: Record<string, PriceQuote> = { 'ml.p4d.24xlarge': quote(36, 'ml.p4d.24xlarge'), 'ml.g5.xlarge': quote(1.8, 'ml.g5.xlarge') };
    assert.deepEqual(instanceTypesToPrice(d), ['ml.p4d.24xlarge', 'ml.g5.xlarge']);
    assert.equal(billedInstanceType(d), undefined);
    assert.equal(billedInstanceCount(d), 3);
    const c = jobCostFromDescription(d, (t) => prices[t], now);
    assert.equal(c.instanceType, '1 × ml.p4d.24xlarge + 2 × ml.g5.xlarge');
    assert.equal(c.heterogeneous, true);
    assert.equal(c.instanceCount, 3);
    assert.equal(c.usd, 39.6);
    assert.ok(Math.abs(c.usdPerHour! - 13.2) < 1e-9, 'the average per instance');
    assert.deepEqual(lines(c), [
      'Instances: $39.60 — (1 × ml.p4d.24xlarge + 2 × ml.g5.xlarge) × 1 h billable at $39.60/hour in all',
      'Price: bundled price table (test), as of 2025-06',
    ]);
    // One type without a price: no figure, and the missing type named, whichever group it is.
    for (const missing of ['ml.p4d.24xlarge', 'ml.g5.xlarge']) {
      const partial = jobCostFromDescription(d, (t) => (t === missing ? undefined : prices[t]), now);
      assert.equal(partial.usd, undefined, missing);
      assert.equal(partial.usdPerHour, undefined, missing);
      assert.equal(partial.priceSource, `no price is known for ${missing}`);
      assert.deepEqual(lines(partial), ['Instances: no price — (1 × ml.p4d.24xlarge + 2 × ml.g5.xlarge) × 1 h billable', `Price: no price is known for ${missing}`]);
    }
    // A group without a type is named by its name.
    const nameless = jobCostFromDescription(
      {
        ...d,
        ResourceConfig: {
          InstanceGroups: [
            { InstanceGroupName: 'x', InstanceCount: 1 },
            { InstanceGroupName: 'data', InstanceType: 'ml.g5.xlarge', InstanceCount: 2 },
          ],
        },
      },
      (t) => prices[t],
      now,
    );
    assert.equal(nameless.priceSource, 'no price is known for instance group x');
    assert.equal(nameless.instanceType, '1 × ? + 2 × ml.g5.xlarge');
    // Neither group priced: both named; priced from two sources: both named.
    assert.equal(jobCostFromDescription(d, () => undefined, now).priceSource, 'no price is known for ml.p4d.24xlarge, ml.g5.xlarge');
    const twoSources = jobCostFromDescription(d, (t) => ({ ...prices[t]!, sourceDetail: `table of ${t}` }), now);
    assert.equal(twoSources.priceSource, 'table of ml.p4d.24xlarge, as of 2025-06; table of ml.g5.xlarge, as of 2025-06');
  });

  it('a description without ResourceConfig costs nothing it cannot know, and says no price is known', () => {
    const bare = jobCostFromDescription({ TrainingJobName: 'bare', TrainingJobStatus: 'Completed', BillableTimeInSeconds: 60 }, () => undefined, now);
    assert.equal(bare.instanceType, undefined);
    assert.equal(bare.instanceCount, 1);
    assert.equal(bare.usd, undefined);
    assert.equal(bare.priceSource, 'no price is known for the instance type');
    assert.deepEqual(
      instanceTypesToPrice({ ResourceConfig: { InstanceGroups: [{ InstanceGroupName: 'a', InstanceCount: 1 }] } }),
      [],
      'a group without a type has nothing to price',
    );
  });

  it('one instance group, or a billed type, is a homogeneous job', () => {
    const one: TrainingJobDescription = {
      TrainingJobName: 'one',
      TrainingJobStatus: 'Completed',
      ResourceConfig: { InstanceGroups: [{ InstanceGroupName: 'gpu', InstanceType: 'ml.g5.xlarge', InstanceCount: 4 }] },
      BillableTimeInSeconds: 3600,
    };
    const c = jobCostFromDescription(one, (t) => quote(1.8, t), now);
    assert.equal(c.instanceType, 'ml.g5.xlarge');
    assert.equal(c.heterogeneous, undefined);
    assert.equal(c.usd, 7.2);
    assert.deepEqual(instanceTypesToPrice(one), ['ml.g5.xlarge']);
    assert.deepEqual(instanceTypesToPrice({ ResourceConfig: { InstancePreferences: [{ InstanceType: 'a' }, { InstanceType: 'b' }, { InstanceType: 'a' }] } }), ['a', 'b']);
    assert.deepEqual(instanceTypesToPrice({}), []);
    assert.equal(billedInstanceCount({ ResourceConfig: { SelectedInstanceType: 'b', InstanceCount: 3 } }), 3);
    assert.equal(billedInstanceCount({ ResourceConfig: { SelectedInstanceType: 'b' } }), 1);
    assert.equal(billedInstanceCount({ ResourceConfig: { SelectedInstanceType: 'b', SelectedInstanceCount: 2, InstanceCount: 3 } }), 2);
  });
});
