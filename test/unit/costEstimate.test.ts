// The cost estimate shown before launch, in plain node (a fraction of a second): the text of
// `sagemaker-hf plan` and the editor's preflight word for word for a one-instance job, several
// instances with expected_run, spot and a warm pool, instance groups, instance_preferences (the
// dearest candidate, ties, the unpriced) and tuning jobs (max_jobs, the SDK's default of 1, Grid,
// max_runtime_in_seconds, early stopping); and which values of the job file count. cost.test.ts runs
// the estimate over the bundled table and the Price List API.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { estimateTrainingCost, renderCostEstimateText, tuningTrials } from '../../src/core/cost/costEstimate';
import type { JobSpec } from '../../src/core/jobFile/jobSpec';
import type { TuningSpec } from '../../src/core/sagemaker/tuningSpec';
import { testQuote as quote } from './testPrices';

const G5 = quote('ml.g5.xlarge', 1.8);
const G5_2X = quote('ml.g5.2xlarge', 2.4);
const P4 = quote('ml.p4d.24xlarge', 36);

const spec = (s: object): JobSpec => s as JobSpec;
const lines = (text: string): string[] => text.split('\n');

const HEADER = 'Cost estimate (an estimate from list prices, not a quote)';
const PRICE = '  price: bundled price table (test), as of 2025-06';
const INSTANCE_TIME = '  note: Instance time only: storage, S3, data transfer and CloudWatch are billed on top.';
const SPOT_NOTE =
  '  note: Spot: SageMaker bills only training time, at spot prices that do not exceed on-demand; the ceiling counts all of max_wait at on-demand, so the real bill stays below it.';
const EARLY_STOPPING = 'Early stopping and completion criteria can end trials or the tuning job sooner; the ceiling assumes none does.';

describe('the estimate of a training job, word for word', () => {
  it('one instance: its price, the ceiling at max_run, and what it leaves out', () => {
    const estimate = estimateTrainingCost(spec({ instance_type: 'ml.g5.xlarge', max_run: 3600 }), G5);
    assert.deepEqual(estimate.groups, [{ instanceType: 'ml.g5.xlarge', instanceCount: 1, price: G5 }]);
    assert.deepEqual(estimate.ceiling, { seconds: 3600, usd: 1.8, limitedBy: 'max_run' });
    assert.equal(
      renderCostEstimateText(estimate),
      [HEADER, '  1 × ml.g5.xlarge in us-east-1 at $1.80/hour, on-demand', PRICE, '  ceiling: $1.80 — max_run 1 h × 1 instance, the most the job can run', INSTANCE_TIME, ''].join(
        '\n',
      ),
    );
  });

  it('two instances with expected_run, spot and a warm pool: the ceiling at max_wait, the typical spot bill over expected_run', () => {
    const s = spec({
      instance_type: 'ml.g5.xlarge',
      instance_count: 2,
      max_run: 3600,
      expected_run: 3600,
      use_spot_instances: true,
      max_wait: 7200,
      keep_alive_period_in_seconds: 1800,
    });
    // $3.60/hour for the job: $7.20 over max_wait 2 h, $3.60 over expected_run 1 h, 30 % of that with spot.
    assert.deepEqual(lines(renderCostEstimateText(estimateTrainingCost(s, G5))), [
      HEADER,
      '  2 × ml.g5.xlarge in us-east-1 at $1.80/hour each, on-demand',
      PRICE,
      '  ceiling: $7.20 — max_wait 2 h × 2 instances, the most the job can run',
      '  expected: $3.60 — expected_run 1 h',
      '  spot: typically about 70% less, $1.08 over expected_run — typical, not guaranteed',
      SPOT_NOTE,
      '  note: Warm pool: keep_alive_period_in_seconds bills up to $1.80 more after the job ends, unless another job reuses the instances.',
      INSTANCE_TIME,
      '',
    ]);
  });

  it('says an expected_run beyond max_run is counted up to max_run only when it is beyond it', () => {
    const at = (expected_run: number) => estimateTrainingCost(spec({ instance_type: 'ml.g5.xlarge', max_run: 3600, expected_run }), G5);
    assert.deepEqual(at(3600).notes, [INSTANCE_TIME.slice('  note: '.length)], 'expected_run equal to max_run');
    assert.deepEqual(at(1800).notes, [INSTANCE_TIME.slice('  note: '.length)]);
    assert.deepEqual(at(3601).expected, { seconds: 3601, usd: 1.8 });
    // In seconds as well: both durations read "1 h".
    assert.equal(
      at(3601).notes[0],
      'expected_run 3601 (1 h) is longer than max_run 3600 (1 h): SageMaker stops the job at max_run, so the expected cost is counted up to max_run.',
    );
  });

  it('a warm pool of 0 s bills nothing more, and says nothing', () => {
    const estimate = estimateTrainingCost(spec({ instance_type: 'ml.g5.xlarge', max_run: 3600, keep_alive_period_in_seconds: 0 }), G5);
    assert.deepEqual(estimate.notes, [INSTANCE_TIME.slice('  note: '.length)]);
  });

  it('instance groups: each group with its price, and the ceiling for every instance', () => {
    const s = spec({
      max_run: 3600,
      instance_groups: [
        { instance_group_name: 'train', instance_type: 'ml.p4d.24xlarge', instance_count: 1 },
        { instance_group_name: 'data', instance_type: 'ml.g5.xlarge', instance_count: 2 },
      ],
    });
    assert.deepEqual(lines(renderCostEstimateText(estimateTrainingCost(s, [P4, G5]))), [
      HEADER,
      '  instance group train: 1 × ml.p4d.24xlarge in us-east-1 at $36.00/hour, on-demand',
      '  price of ml.p4d.24xlarge: bundled price table (test), as of 2025-06',
      '  instance group data: 2 × ml.g5.xlarge in us-east-1 at $1.80/hour each, on-demand',
      '  price of ml.g5.xlarge: bundled price table (test), as of 2025-06',
      '  ceiling: $39.60 — max_run 1 h × 3 instances, the most the job can run',
      INSTANCE_TIME,
      '',
    ]);
  });

  it('an estimate without groups (built by hand) is worded from its instance type, count and price', () => {
    const { groups: _groups, ...partial } = estimateTrainingCost(spec({ instance_type: 'ml.g5.xlarge', instance_count: 2, max_run: 3600 }), G5);
    assert.deepEqual(lines(renderCostEstimateText(partial as never)).slice(1, 3), ['  2 × ml.g5.xlarge in us-east-1 at $1.80/hour each, on-demand', PRICE]);
  });
});

describe('which prices and values the estimate takes', () => {
  it("prices a homogeneous job with the one quote given; with several, one must be for the job's type", () => {
    const estimate = estimateTrainingCost(spec({ instance_type: 'ml.g5.xlarge', max_run: 3600 }), G5_2X);
    assert.deepEqual(estimate.groups, [{ instanceType: 'ml.g5.xlarge', instanceCount: 1, price: G5_2X }]);
    assert.equal(estimate.ceiling.usd, 2.4);
    assert.throws(() => estimateTrainingCost(spec({ instance_type: 'ml.g5.xlarge', max_run: 3600 }), [P4, G5_2X]), {
      name: 'RangeError',
      message: 'No price given for ml.g5.xlarge',
    });
  });

  it('a job that names no instance type is priced at the quote’s type × instance_count', () => {
    const estimate = estimateTrainingCost(spec({ instance_count: 2, max_run: 3600 }), G5);
    assert.deepEqual(estimate.groups, [{ instanceType: 'ml.g5.xlarge', instanceCount: 2, price: G5 }]);
    assert.equal(estimate.ceiling.usd, 3.6);
  });

  it('counts only a positive, finite number of seconds or instances; anything else is the default', () => {
    for (const bad of [0, -3600, Number.NaN, Number.POSITIVE_INFINITY, '3600', null]) {
      const estimate = estimateTrainingCost(spec({ instance_type: 'ml.g5.xlarge', instance_count: bad, max_run: bad, expected_run: bad }), G5);
      assert.deepEqual(estimate.ceiling, { seconds: 86_400, usd: 43.2, limitedBy: 'max_run' }, String(bad));
      assert.equal(estimate.instanceCount, 1, String(bad));
      assert.equal(estimate.expected, undefined, String(bad));
    }
    // A group has no default count: one without a usable count adds no instance.
    const groups = spec({
      max_run: 3600,
      instance_groups: [
        { instance_group_name: 'train', instance_type: 'ml.p4d.24xlarge', instance_count: 0 },
        { instance_group_name: 'data', instance_type: 'ml.g5.xlarge', instance_count: 2 },
      ],
    });
    const estimate = estimateTrainingCost(groups, [P4, G5]);
    assert.deepEqual(
      estimate.groups.map((g) => [g.group, g.instanceCount]),
      [
        ['train', 0],
        ['data', 2],
      ],
    );
    assert.equal(estimate.ceiling.usd, 3.6);
  });
});

describe('instance_preferences: the ceiling at the dearest candidate', () => {
  it('lists every candidate with its own ceiling, and names the one without a price', () => {
    const s = spec({
      max_run: 3600,
      instance_preferences: [
        { instance_type: 'ml.g5.xlarge', instance_count: 4 },
        { instance_type: 'ml.g5.2xlarge', instance_count: 2 },
        { instance_type: 'ml.g6.xlarge', instance_count: 4 },
      ],
    });
    // 4 × $1.80 = $7.20/hour is dearer than 2 × $2.40 = $4.80/hour, though $2.40 is the higher price.
    assert.deepEqual(lines(renderCostEstimateText(estimateTrainingCost(s, [G5, G5_2X]))), [
      HEADER,
      '  4 × ml.g5.xlarge in us-east-1 at $1.80/hour each, on-demand',
      PRICE,
      '  ceiling: $7.20 — max_run 1 h × 4 instances, the most the job can run',
      '  candidate: 4 × ml.g5.xlarge at $1.80/hour each, ceiling $7.20',
      '  candidate: 2 × ml.g5.2xlarge at $2.40/hour each, ceiling $4.80',
      '  candidate: 4 × ml.g6.xlarge, no price known',
      '  note: No price is known for ml.g6.xlarge in us-east-1: the ceiling leaves it out and may be too low.',
      '  note: instance_preferences: SageMaker runs the job on whichever candidate has capacity first, so the ceiling is taken at the most expensive one (4 × ml.g5.xlarge).',
      INSTANCE_TIME,
      '',
    ]);
  });

  it('with one instance each and a single quote: the candidates without a price are named together', () => {
    const s = spec({ max_run: 3600, instance_preferences: ['ml.p4d.24xlarge', 'ml.g5.xlarge', 'ml.g6.xlarge'] });
    const text = lines(renderCostEstimateText(estimateTrainingCost(s, P4)));
    assert.deepEqual(text.slice(4, 9), [
      '  candidate: 1 × ml.p4d.24xlarge at $36.00/hour, ceiling $36.00',
      '  candidate: 1 × ml.g5.xlarge, no price known',
      '  candidate: 1 × ml.g6.xlarge, no price known',
      '  note: No price is known for ml.g5.xlarge, ml.g6.xlarge in us-east-1: the ceiling leaves them out and may be too low.',
      '  note: instance_preferences: SageMaker runs the job on whichever candidate has capacity first, so the ceiling is taken at the most expensive one (1 × ml.p4d.24xlarge).',
    ]);
  });

  it('of candidates that cost the same, takes the first SageMaker tries; with every one priced, names none as missing', () => {
    const G4 = quote('ml.g4dn.2xlarge', 1.8);
    const estimate = estimateTrainingCost(spec({ max_run: 3600, instance_preferences: ['ml.g5.xlarge', 'ml.g4dn.2xlarge'] }), [G4, G5]);
    assert.equal(estimate.instanceType, 'ml.g5.xlarge');
    assert.deepEqual(estimate.candidates, [
      { instanceType: 'ml.g5.xlarge', instanceCount: 1, hourlyUsd: 1.8, ceilingUsd: 1.8 },
      { instanceType: 'ml.g4dn.2xlarge', instanceCount: 1, hourlyUsd: 1.8, ceilingUsd: 1.8 },
    ]);
    assert.deepEqual(estimate.notes, [
      'instance_preferences: SageMaker runs the job on whichever candidate has capacity first, so the ceiling is taken at the most expensive one (1 × ml.g5.xlarge).',
      INSTANCE_TIME.slice('  note: '.length),
    ]);
  });

  it('refuses when no candidate has a price, naming them all', () => {
    assert.throws(() => estimateTrainingCost(spec({ instance_preferences: ['ml.g5.xlarge', 'ml.g6.xlarge'] }), [P4]), {
      name: 'RangeError',
      message: 'No price given for any of ml.g5.xlarge, ml.g6.xlarge',
    });
  });
});

describe('a tuning job: the ceiling for every trial', () => {
  const tuning = (t: object): TuningSpec => ({ objective_metric_name: 'loss', hyperparameter_ranges: { lr: { type: 'continuous', min_value: 1e-5, max_value: 1e-3 } }, ...t });
  const tuned = (t: object, s: object = {}) => spec({ instance_type: 'ml.g5.xlarge', max_run: 3600, tuning: tuning(t), ...s });

  it('max_jobs trials × one trial’s ceiling, word for word', () => {
    const estimate = estimateTrainingCost(tuned({ max_jobs: 4, max_parallel_jobs: 2 }), G5);
    assert.deepEqual(estimate.tuning, { trials: 4, trialsFrom: 'max_jobs', maxParallel: 2, perTrial: { seconds: 3600, usd: 1.8, limitedBy: 'max_run' } });
    assert.deepEqual(estimate.ceiling, { seconds: 3600, usd: 7.2, limitedBy: 'max_run' });
    assert.deepEqual(lines(renderCostEstimateText(estimate)), [
      HEADER,
      '  1 × ml.g5.xlarge in us-east-1 at $1.80/hour, on-demand',
      PRICE,
      '  ceiling: $7.20 — the whole tuning job: 4 trials (max_jobs) × $1.80 each (max_run 1 h × 1 instance)',
      INSTANCE_TIME,
      '',
    ]);
  });

  it('with spot and expected_run, the expected cost and the typical spot bill are for every trial', () => {
    const s = tuned({ max_jobs: 4 }, { instance_count: 2, expected_run: 1800, use_spot_instances: true, max_wait: 7200 });
    // $3.60/hour for a trial: $7.20 over max_wait, $1.80 over expected_run; × 4 trials; 30 % with spot.
    assert.deepEqual(lines(renderCostEstimateText(estimateTrainingCost(s, G5))), [
      HEADER,
      '  2 × ml.g5.xlarge in us-east-1 at $1.80/hour each, on-demand',
      PRICE,
      '  ceiling: $28.80 — the whole tuning job: 4 trials (max_jobs) × $7.20 each (max_wait 2 h × 2 instances)',
      '  expected: $7.20 — expected_run 30 min × 4 trials',
      '  spot: typically about 70% less, $2.16 over expected_run — typical, not guaranteed',
      SPOT_NOTE,
      INSTANCE_TIME,
      '',
    ]);
  });

  it('without max_jobs, one trial as the SDK defaults to; with Grid, one per point of the categorical grid', () => {
    const random = estimateTrainingCost(tuned({ strategy: 'Random' }, { instance_count: 2 }), G5);
    assert.equal(random.tuning?.trials, 1);
    assert.equal(random.tuning?.trialsFrom, 'default');
    assert.equal(lines(renderCostEstimateText(random))[3], '  ceiling: $3.60 — the whole tuning job: 1 trial (max_jobs defaults to 1) × $3.60 each (max_run 1 h × 2 instances)');
    assert.deepEqual(tuningTrials(tuning({})), { trials: 1, from: 'default' });
    const grid = tuning({
      strategy: 'Grid',
      hyperparameter_ranges: {
        lr: { type: 'categorical', values: [1e-5, 1e-4, 1e-3] },
        batch: { type: 'categorical', values: [8, 16] },
        warmup: { type: 'integer', min_value: 0, max_value: 100 },
      },
    });
    assert.deepEqual(tuningTrials(grid), { trials: 6, from: 'grid' }, 'the integer range is no point of the grid');
    assert.equal(
      lines(renderCostEstimateText(estimateTrainingCost(tuned({}, { tuning: grid }), G5)))[3],
      '  ceiling: $10.80 — the whole tuning job: 6 trials (every point of the grid) × $1.80 each (max_run 1 h × 1 instance)',
    );
  });

  it('max_runtime_in_seconds: the ceiling when it is the lower, and trials × one trial’s when that is lower or the same', () => {
    // 4 trials × $1.80 = $7.20; 2 at once for max_runtime_in_seconds: $1.80 for 30 min, $7.20 for 2 h, $36.00 for 10 h.
    const at = (max_runtime_in_seconds: number) => estimateTrainingCost(tuned({ max_jobs: 4, max_parallel_jobs: 2, max_runtime_in_seconds }), G5);
    const limited = at(1800);
    assert.deepEqual(limited.ceiling, { seconds: 1800, usd: 1.8, limitedBy: 'max_runtime_in_seconds' });
    assert.equal(
      lines(renderCostEstimateText(limited))[3],
      '  ceiling: $1.80 — the whole tuning job: at most 2 instances (max_parallel_jobs 2 × 1) for max_runtime_in_seconds 30 min, below 4 trials (max_jobs) × $1.80 each (max_run 1 h × 1 instance)',
    );
    for (const seconds of [7200, 36_000]) {
      const estimate = at(seconds);
      assert.deepEqual(estimate.tuning?.byRuntime, { seconds, usd: seconds / 1000 }, String(seconds));
      assert.deepEqual(estimate.ceiling, { seconds: 3600, usd: 7.2, limitedBy: 'max_run' }, String(seconds));
      assert.equal(
        lines(renderCostEstimateText(estimate))[3],
        '  ceiling: $7.20 — the whole tuning job: 4 trials (max_jobs) × $1.80 each (max_run 1 h × 1 instance)',
        String(seconds),
      );
    }
  });

  it('says that early stopping or completion criteria may end it sooner, only when one of them is set', () => {
    for (const t of [{ early_stopping_type: 'Auto' }, { strategy: 'Hyperband' }, { completion_criteria_config: { complete_on_convergence: true } }]) {
      assert.deepEqual(estimateTrainingCost(tuned({ max_jobs: 4, ...t }), G5).notes, [EARLY_STOPPING, INSTANCE_TIME.slice('  note: '.length)], JSON.stringify(t));
    }
    for (const t of [{}, { early_stopping_type: 'Off', strategy: 'Bayesian' }]) {
      assert.deepEqual(estimateTrainingCost(tuned({ max_jobs: 4, ...t }), G5).notes, [INSTANCE_TIME.slice('  note: '.length)], JSON.stringify(t));
    }
  });
});
