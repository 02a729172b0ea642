// max_cost_usd in plain node (no moto, a fraction of a second): which budgets count, the refusal of a
// ceiling over one word for word (homogeneous, spot, instance groups, tuning), the max_run and max_jobs
// it names, and BudgetWatch's levels and sentences. budget.test.ts runs the same through plan, launch
// and a job in moto.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BudgetWatch, budgetOf, budgetRefusal } from '../../src/core/cost/budget';
import { estimateTrainingCost } from '../../src/core/cost/costEstimate';
import type { JobSpec } from '../../src/core/jobFile/jobSpec';
import { testQuote } from './testPrices';

const G5 = testQuote('ml.g5.xlarge', 1.8);
const P4 = testQuote('ml.p4d.24xlarge', 36);

const spec = (s: object): JobSpec => s as JobSpec;

describe('budgetOf', () => {
  it('counts only a positive, finite number', () => {
    assert.equal(budgetOf(undefined), undefined);
    assert.equal(budgetOf({}), undefined);
    assert.equal(budgetOf({ max_cost_usd: 50 }), 50);
    assert.equal(budgetOf({ max_cost_usd: 0.01 }), 0.01);
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY, '50', null, true]) {
      assert.equal(budgetOf({ max_cost_usd: bad as never }), undefined, String(bad));
    }
  });
});

describe('budgetRefusal of a training job', () => {
  it('is undefined without a budget, and when the ceiling is at or under it', () => {
    const s = spec({ instance_type: 'ml.g5.xlarge', instance_count: 2, max_run: 3600 });
    // 2 × $1.80 × 1 h = $3.60
    assert.equal(budgetRefusal(s, estimateTrainingCost(s, G5)), undefined);
    const exact = spec({ ...s, max_cost_usd: 3.6 });
    assert.equal(estimateTrainingCost(exact, G5).ceiling.usd, 3.6);
    assert.equal(budgetRefusal(exact, estimateTrainingCost(exact, G5)), undefined, 'a ceiling equal to the budget fits');
    assert.equal(budgetRefusal(spec({ ...s, max_cost_usd: 0 }), estimateTrainingCost(s, G5)), undefined, 'a budget of 0 is no budget');
  });

  it('names the longest max_run that fits, word for word', () => {
    const s = spec({ instance_type: 'ml.g5.xlarge', instance_count: 2, max_run: 3600, max_cost_usd: 3 });
    const refusal = budgetRefusal(s, estimateTrainingCost(s, G5))!;
    // $3.60/hour for the job: $3 buys 3000 s.
    assert.deepEqual(refusal, {
      budgetUsd: 3,
      ceilingUsd: 3.6,
      fittingMaxRun: 3000,
      message:
        'The cost ceiling $3.60 (max_run 1 h × 2 × ml.g5.xlarge at $1.80/hour) exceeds max_cost_usd $3.00. max_run: 3000 (50 min) would fit; or raise max_cost_usd, or use fewer or cheaper instances.',
    });
  });

  it('with spot, takes the ceiling at max_wait and says to lower max_wait as well', () => {
    const s = spec({ instance_type: 'ml.g5.xlarge', instance_count: 1, max_run: 3600, use_spot_instances: true, max_wait: 7200, max_cost_usd: 3 });
    const refusal = budgetRefusal(s, estimateTrainingCost(s, G5))!;
    assert.equal(refusal.ceilingUsd, 3.6);
    assert.equal(refusal.fittingMaxRun, 6000);
    assert.equal(
      refusal.message,
      'The cost ceiling $3.60 (max_wait 2 h × 1 × ml.g5.xlarge at $1.80/hour) exceeds max_cost_usd $3.00. max_run: 6000 (1 h 40 min) would fit (with spot, the ceiling is taken at max_wait: set max_wait to 6000 too, and max_run no higher); or raise max_cost_usd, or use fewer or cheaper instances.',
    );
  });

  it('never names a max_run under 1 s', () => {
    const s = spec({ instance_type: 'ml.p4d.24xlarge', instance_count: 100, max_run: 3600, max_cost_usd: 0.01 });
    const refusal = budgetRefusal(s, estimateTrainingCost(s, P4))!;
    assert.equal(refusal.fittingMaxRun, 1);
    assert.match(refusal.message, /max_run: 1 \(1 s\) would fit;/);
  });

  it('with instance groups, prices each group and the job in all', () => {
    const s = spec({
      instance_groups: [
        { instance_group_name: 'gpu', instance_type: 'ml.p4d.24xlarge', instance_count: 1 },
        { instance_group_name: 'data', instance_type: 'ml.g5.xlarge', instance_count: 2 },
      ],
      max_run: 3600,
      max_cost_usd: 19.8,
    });
    const estimate = estimateTrainingCost(s, [P4, G5]);
    // $36 + 2 × $1.80 = $39.60 an hour: $19.80 buys half an hour.
    assert.equal(estimate.hourlyUsd, 39.6);
    const refusal = budgetRefusal(s, estimate)!;
    // 1799.9999999999998 s in floating point: the named max_run is the longest that fits all the same.
    assert.equal(refusal.fittingMaxRun, 1800);
    const fitted = spec({ ...(s as object), max_run: 1800 });
    assert.equal(budgetRefusal(fitted, estimateTrainingCost(fitted, [P4, G5])), undefined);
    assert.equal(
      refusal.message,
      'The cost ceiling $39.60 (max_run 1 h × 1 × ml.p4d.24xlarge at $36.00/hour + 2 × ml.g5.xlarge at $1.80/hour, $39.60/hour in all) exceeds max_cost_usd $19.80. max_run: 1800 (30 min) would fit; or raise max_cost_usd, or use fewer or cheaper instances.',
    );
  });

  it('with one instance group, words it as a homogeneous job', () => {
    const s = spec({ instance_groups: [{ instance_group_name: 'gpu', instance_type: 'ml.g5.xlarge', instance_count: 2 }], max_run: 3600, max_cost_usd: 3 });
    assert.match(budgetRefusal(s, estimateTrainingCost(s, G5))!.message, /^The cost ceiling \$3\.60 \(max_run 1 h × 2 × ml\.g5\.xlarge at \$1\.80\/hour\) exceeds/);
  });

  it('falls back to price × count when an estimate has no job total', () => {
    const s = spec({ instance_type: 'ml.g5.xlarge', instance_count: 2, max_run: 3600, max_cost_usd: 3 });
    const { hourlyUsd: _dropped, groups: _groups, ...partial } = estimateTrainingCost(s, G5);
    const refusal = budgetRefusal(s, partial as never)!;
    assert.equal(refusal.fittingMaxRun, 3000);
    assert.match(refusal.message, /\(max_run 1 h × 2 × ml\.g5\.xlarge at \$1\.80\/hour\)/);
  });
});

describe('budgetRefusal of a tuning job', () => {
  const tuning = (t: object, s: object = {}) =>
    spec({
      instance_type: 'ml.g5.xlarge',
      instance_count: 2,
      max_run: 3600,
      tuning: { objective_metric_name: 'eval_loss', max_jobs: 10, max_parallel_jobs: 2, hyperparameter_ranges: {}, ...t },
      ...s,
    });

  it('names the max_jobs and the max_run that fit, word for word', () => {
    // One trial: 2 × $1.80 × 1 h = $3.60; ten: $36. $12 holds three trials (3.33).
    const s = tuning({}, { max_cost_usd: 12 });
    const refusal = budgetRefusal(s, estimateTrainingCost(s, G5))!;
    assert.deepEqual(refusal, {
      budgetUsd: 12,
      ceilingUsd: 36,
      fittingMaxRun: 1200,
      fittingMaxJobs: 3,
      message:
        "The tuning job's cost ceiling $36.00 (the whole tuning job: 10 trials (max_jobs) × $3.60 each (max_run 1 h × 2 instances), at $1.80/hour per ml.g5.xlarge) exceeds max_cost_usd $12.00, which holds for the whole tuning job. tuning.max_jobs: 3 would fit at this max_run; or max_run: 1200 (20 min) with 10 trials; or raise max_cost_usd, or use fewer or cheaper instances.",
    });
  });

  it('counts a budget of exactly n trials as n, despite float noise', () => {
    // 3 × $3.60 = $10.80, which is 2.9999999999999996 trials in floating point.
    const s = tuning({}, { max_cost_usd: 10.8 });
    assert.equal(budgetRefusal(s, estimateTrainingCost(s, G5))!.fittingMaxJobs, 3);
    const under = tuning({}, { max_cost_usd: 10.79 });
    assert.equal(budgetRefusal(under, estimateTrainingCost(under, G5))!.fittingMaxJobs, 2);
  });

  it('says when not even one trial fits, and with spot counts each trial at max_wait', () => {
    const s = tuning({}, { max_cost_usd: 3, use_spot_instances: true, max_wait: 7200 });
    const refusal = budgetRefusal(s, estimateTrainingCost(s, G5))!;
    assert.equal(refusal.fittingMaxJobs, 0);
    assert.equal(refusal.fittingMaxRun, 300);
    assert.equal(
      refusal.message,
      "The tuning job's cost ceiling $72.00 (the whole tuning job: 10 trials (max_jobs) × $7.20 each (max_wait 2 h × 2 instances), at $1.80/hour per ml.g5.xlarge) exceeds max_cost_usd $3.00, which holds for the whole tuning job. not even one trial fits at this max_wait; or max_run: 300 (5 min) with 10 trials (with spot, each trial is counted at max_wait: set max_wait to it too, and max_run no higher); or raise max_cost_usd, or use fewer or cheaper instances.",
    );
  });

  it('names one trial as fitting when exactly one does', () => {
    const s = tuning({}, { max_cost_usd: 3.6 });
    const refusal = budgetRefusal(s, estimateTrainingCost(s, G5))!;
    assert.equal(refusal.fittingMaxJobs, 1);
    assert.match(refusal.message, / tuning\.max_jobs: 1 would fit at this max_run; or max_run: 360 \(6 min\) with 10 trials;/);
  });

  it("prices a trial from the job's hourly total with instance groups, else from price × count", () => {
    const groups = spec({
      instance_groups: [
        { instance_group_name: 'gpu', instance_type: 'ml.p4d.24xlarge', instance_count: 1 },
        { instance_group_name: 'data', instance_type: 'ml.g5.xlarge', instance_count: 2 },
      ],
      max_run: 3600,
      max_cost_usd: 39.6,
      tuning: { objective_metric_name: 'eval_loss', max_jobs: 2, max_parallel_jobs: 1, hyperparameter_ranges: {} },
    });
    // $39.60 an hour for the job: the budget buys one trial of an hour, or two of 30 min.
    const refusal = budgetRefusal(groups, estimateTrainingCost(groups, [P4, G5]))!;
    assert.equal(refusal.fittingMaxJobs, 1);
    assert.equal(refusal.fittingMaxRun, 1800);
    const s = tuning({}, { max_cost_usd: 12 });
    const { hourlyUsd: _dropped, ...partial } = estimateTrainingCost(s, G5);
    assert.equal(budgetRefusal(s, partial as never)!.fittingMaxRun, 1200);
  });

  it('with a trial that costs nothing, names every trial as fitting', () => {
    const s = tuning({}, { max_cost_usd: 1 });
    const estimate = estimateTrainingCost(s, G5);
    const free = { ...estimate, tuning: { ...estimate.tuning!, perTrial: { ...estimate.tuning!.perTrial, usd: 0 } } };
    assert.equal(budgetRefusal(s, free)!.fittingMaxJobs, 10);
  });
});

describe('BudgetWatch', () => {
  it('is silent under 80 %, warns once from 80 %, and reports "over" once from 100 %', () => {
    const watch = new BudgetWatch('bart-samsum-1', 50);
    assert.equal(watch.observe(0), undefined);
    assert.equal(watch.observe(39.99), undefined);
    assert.deepEqual(watch.observe(40), {
      level: 'warning',
      usd: 40,
      budgetUsd: 50,
      message: 'bart-samsum-1 has cost ≈ $40.00 so far, 80 % of its budget (max_cost_usd $50.00).',
    });
    assert.equal(watch.observe(45), undefined, 'the warning is given once');
    assert.deepEqual(watch.observe(50), {
      level: 'over',
      usd: 50,
      budgetUsd: 50,
      message: 'bart-samsum-1 has reached its budget: ≈ $50.00 of max_cost_usd $50.00.',
    });
    assert.equal(watch.observe(60), undefined, '"over" is reported once');
    assert.equal(watch.observe(45), undefined, 'no warning after "over"');
    assert.equal(watch.observe(10), undefined, 'nor anything when a later figure is lower');
    const warned = new BudgetWatch('j', 50);
    assert.equal(warned.observe(41)?.level, 'warning');
    assert.equal(warned.observe(5), undefined, 'a lower figure after the warning says nothing');
  });

  it('goes straight to "over" when the first cost seen is over, and floors the percentage', () => {
    assert.equal(new BudgetWatch('j', 50).observe(75)?.level, 'over');
    assert.match(new BudgetWatch('j', 30).observe(29.99)!.message, /, 99 % of its budget/);
  });
});
