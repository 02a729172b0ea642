// The search of a local tuning job, called directly (sub-second): the refusals' and the not-honoured
// list's exact sentences, each scale of drawFromRange at its boundaries (Auto's order of magnitude, the
// Logarithmic and ReverseLogarithmic fallbacks to Linear), the seeded generator's sequence, the trial's
// hyperparameter order, Grid's refusal and size, the objective read from a log (carriage returns, blank
// and non-finite captures, a group that did not take part), the best trial's ties and the completion criteria.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import type { HyperparameterRange, TuningSpec } from '../../src/core/sagemaker/tuningSpec';
import {
  bestTrial,
  completionReached,
  drawFromRange,
  effectiveScaling,
  gridSize,
  gridTrials,
  localTuningRefusal,
  notHonouredLocally,
  objectiveFromLog,
  plannedTrials,
  seededRandom,
  trialHyperParameters,
} from '../../src/core/tuning/localSearch';

function spec(extra: Partial<TuningSpec>): TuningSpec {
  return { objective_metric_name: 'loss', hyperparameter_ranges: { lr: { type: 'continuous', min_value: 0.001, max_value: 0.1 } }, strategy: 'Random', max_jobs: 2, ...extra };
}

describe('localTuningRefusal and plannedTrials', () => {
  it('names every non-categorical range of a Grid search, comma-separated', () => {
    const ranges: Record<string, HyperparameterRange> = {
      lr: { type: 'continuous', min_value: 0.001, max_value: 0.1 },
      epochs: { type: 'integer', min_value: 1, max_value: 3 },
    };
    assert.equal(
      localTuningRefusal(spec({ strategy: 'Grid', hyperparameter_ranges: ranges })),
      "Grid search takes categorical ranges only (SageMaker's rule); lr is continuous, epochs is integer. Make them categorical lists of values, or use strategy: Random.",
    );
  });

  it('refuses empty hyperparameter_ranges', () => {
    assert.equal(localTuningRefusal(spec({ hyperparameter_ranges: {} })), 'hyperparameter_ranges is empty: name at least one hyperparameter to tune.');
    assert.equal(localTuningRefusal(spec({})), undefined);
  });

  it('asks a Random search for max_jobs', () => {
    assert.deepEqual(plannedTrials(spec({ max_jobs: undefined }), 1), { error: 'Random search needs max_jobs: how many trials to run.' });
  });
});

describe('notHonouredLocally', () => {
  it('is empty when everything is honoured (early stopping Off, convergence off)', () => {
    assert.deepEqual(notHonouredLocally(spec({})), []);
    assert.deepEqual(notHonouredLocally(spec({ early_stopping_type: 'Off', completion_criteria_config: { complete_on_convergence: false } })), []);
  });

  it('names each setting a local run does not carry out, in order', () => {
    assert.deepEqual(
      notHonouredLocally(
        spec({
          early_stopping_type: 'Auto',
          warm_start_config: { warm_start_type: 'TransferLearning', parents: ['parent-job'] },
          completion_criteria_config: { complete_on_convergence: true },
          tags: [{ Key: 'team', Value: 'nlp' }],
        }),
      ),
      [
        "early_stopping_type Auto: SageMaker's early stopping compares trials' intermediate metrics in its service; locally every trial runs to its end.",
        'warm_start_config: the parent tuning jobs live in SageMaker; a local run starts from nothing.',
        "completion_criteria_config.complete_on_convergence: convergence is detected by SageMaker's service; locally the run ends at max_jobs (or the other criteria).",
        'tags: a local run has no resources to tag.',
      ],
    );
  });
});

describe('trialHyperParameters', () => {
  it("drops the tuned names from the file's, then adds the estimator keys, then the tuned values", () => {
    const hp = trialHyperParameters({ lr: '1', epochs: '3' }, { lr: { type: 'continuous', min_value: 0, max_value: 1 } }, { lr: '0.5' });
    assert.deepEqual(Object.entries(hp), [
      ['epochs', '3'],
      ['sagemaker_estimator_class_name', '"HuggingFace"'],
      ['sagemaker_estimator_module', '"sagemaker.huggingface.estimator"'],
      ['lr', '0.5'],
    ]);
  });
});

describe('seededRandom', () => {
  it('is mulberry32: the same seed gives the same sequence', () => {
    const zero = seededRandom(0);
    assert.deepEqual([zero(), zero()], [0.26642920868471265, 0.0003297457005828619]);
    const next = seededRandom(42);
    assert.deepEqual([next(), next(), next()], [0.6011037519201636, 0.44829055899754167, 0.8524657934904099]);
  });
});

describe('drawFromRange', () => {
  const cont = (min_value: number, max_value: number, scaling_type?: 'Linear' | 'Logarithmic' | 'ReverseLogarithmic'): HyperparameterRange => ({
    type: 'continuous',
    min_value,
    max_value,
    scaling_type,
  });
  const int = (min_value: number, max_value: number, scaling_type?: 'Linear' | 'Logarithmic'): HyperparameterRange => ({ type: 'integer', min_value, max_value, scaling_type });

  it('Auto is Logarithmic from exactly one order of magnitude', () => {
    assert.equal(effectiveScaling({ type: 'continuous', min_value: 1, max_value: 10 }), 'Logarithmic');
    assert.equal(effectiveScaling({ type: 'continuous', min_value: 1, max_value: 9.99 }), 'Linear');
  });

  it('categorical: u picks the value at floor(u * count)', () => {
    const r: HyperparameterRange = { type: 'categorical', values: ['a', 'b', 'c'] };
    assert.deepEqual(
      [0, 0.5, 0.99].map((u) => drawFromRange(r, u)),
      ['"a"', '"b"', '"c"'],
    );
  });

  it('integer: Linear over [lo, hi + 1), Logarithmic over [lo, hi + 1) on the log scale', () => {
    assert.equal(drawFromRange(int(2, 10, 'Linear'), 0.5), '6');
    assert.equal(drawFromRange(int(1, 100, 'Linear'), 0.5), '51');
    assert.equal(drawFromRange(int(2, 200, 'Logarithmic'), 0.5), '20'); // floor(sqrt(2 * 201))
    assert.equal(drawFromRange(int(2, 200, 'Logarithmic'), 0.999999), '200');
  });

  it('integer Logarithmic from 0 falls back to Linear', () => {
    assert.equal(drawFromRange(int(0, 10, 'Logarithmic'), 0.5), '5');
  });

  it('continuous: Linear, and Logarithmic from 0 falls back to Linear', () => {
    assert.equal(drawFromRange(cont(0, 10, 'Linear'), 0.5), '5.0');
    assert.equal(drawFromRange(cont(2, 10, 'Linear'), 0.5), '6.0');
    assert.equal(drawFromRange(cont(0, 0.5, 'Linear'), 0.5), '0.25');
    assert.equal(drawFromRange(cont(0, 1, 'Logarithmic'), 0.5), '0.5');
  });

  it('continuous ReverseLogarithmic in [0, 1), else Linear', () => {
    assert.equal(drawFromRange(cont(0.5, 0.99, 'ReverseLogarithmic'), 0.5), '0.9292893218813452'); // 1 - sqrt(0.5 * 0.01)
    assert.equal(drawFromRange(cont(-1, 0.5, 'ReverseLogarithmic'), 0.5), '-0.25');
    assert.equal(drawFromRange(cont(0, 1, 'ReverseLogarithmic'), 0.5), '0.5');
  });
});

describe('gridTrials and gridSize', () => {
  it('refuses a non-categorical range, and counts it as no combination', () => {
    const ranges: Record<string, HyperparameterRange> = { lr: { type: 'continuous', min_value: 0, max_value: 1 } };
    assert.throws(() => gridTrials(ranges), { message: 'Grid search takes categorical ranges only; lr is continuous.' });
    assert.equal(gridSize(ranges), 0);
  });
});

describe('objectiveFromLog', () => {
  const defs = (Regex: string) => [{ Name: 'loss', Regex }];

  it('refuses a definition without a capture group', () => {
    assert.deepEqual(objectiveFromLog(['loss=1'], defs('loss=\\d+'), 'loss'), {
      error: 'The objective\'s definition cannot be used: the regular expression "loss=\\\\d+" has no capture group: SageMaker takes the value from the first group.',
    });
  });

  it('reads what a line shows after its last carriage return', () => {
    assert.deepEqual(objectiveFromLog(['loss=1\rloss=2'], defs('^loss=(\\S+)'), 'loss'), { value: 2 });
    assert.deepEqual(objectiveFromLog(['loss=3', 'loss=1\r'], defs('loss=(\\S+)'), 'loss'), { value: 3 });
  });

  it('skips a group that did not take part, a blank capture and a non-finite one', () => {
    assert.deepEqual(objectiveFromLog(['loss=3', 'loss'], defs('loss(?:=(\\S+))?'), 'loss'), { value: 3 });
    assert.deepEqual(objectiveFromLog(['loss=3', 'loss=', 'loss=   ', 'loss=nan', 'loss=inf'], defs('loss=(.*)'), 'loss'), { value: 3 });
    assert.deepEqual(objectiveFromLog(['loss= 4 '], defs('loss=(.*)'), 'loss'), { value: 4 });
  });
});

describe('bestTrial', () => {
  const t = (name: string, objective: number | undefined, index: number) => ({ name, objective, index });

  it('Minimize: the lowest; a tie goes to the earlier trial whatever the list order', () => {
    assert.equal(bestTrial([t('a', 2, 0), t('b', 3, 1)], 'Minimize')?.name, 'a');
    assert.equal(bestTrial([t('a', 1, 0), t('b', 1, 1)], 'Minimize')?.name, 'a');
    assert.equal(bestTrial([t('b', 1, 1), t('a', 1, 0)], 'Minimize')?.name, 'a');
  });

  it('Maximize: an earlier trial with a worse objective does not win', () => {
    assert.equal(bestTrial([t('b', 5, 1), t('a', 1, 0)], 'Maximize')?.name, 'b');
    assert.equal(bestTrial([t('a', undefined, 0)], 'Maximize'), undefined);
  });
});

describe('completionReached', () => {
  const cc = (config: TuningSpec['completion_criteria_config'], objective_type?: 'Maximize' | 'Minimize') => spec({ completion_criteria_config: config, objective_type });

  it('target: reached when equalled or beaten in the objective direction (Maximize by default)', () => {
    assert.equal(completionReached(cc({ target_objective_metric_value: 0.9 }), [0.95]), 'a trial reached the target objective value 0.9');
    assert.equal(completionReached(cc({ target_objective_metric_value: 0.9 }), [0.9]), 'a trial reached the target objective value 0.9');
    assert.equal(completionReached(cc({ target_objective_metric_value: 0.9 }), [0.5, undefined]), undefined);
    assert.equal(completionReached(cc({ target_objective_metric_value: 0.1 }, 'Minimize'), [0.5]), undefined);
    assert.equal(completionReached(cc({ target_objective_metric_value: 0.1 }, 'Minimize'), [0.05]), 'a trial reached the target objective value 0.1');
  });

  it('patience: an equal objective is no improvement', () => {
    const patience = { max_number_of_training_jobs_not_improving: 2 };
    assert.equal(completionReached(cc(patience), [1, 1, 1]), '2 trials in a row did not improve on the best objective (1)');
    assert.equal(completionReached(cc(patience), [1, 2, 3]), undefined);
    assert.equal(completionReached(cc(patience, 'Minimize'), [1, 1, 1]), '2 trials in a row did not improve on the best objective (1)');
    assert.equal(completionReached(cc(patience, 'Minimize'), [1, 2, 3]), '2 trials in a row did not improve on the best objective (1)');
    assert.equal(completionReached(cc(patience, 'Minimize'), [3, 2, 1]), undefined);
  });

  it('patience: no trial with an objective ends nothing, and 0 turns the criterion off', () => {
    assert.equal(completionReached(cc({ max_number_of_training_jobs_not_improving: 2 }), [undefined, undefined]), undefined);
    assert.equal(completionReached(cc({ max_number_of_training_jobs_not_improving: 0 }), [1]), undefined);
  });
});
