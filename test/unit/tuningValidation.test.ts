import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Problem } from '../../src/core/jobFile/problem';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';

/** A valid estimator the tuning blocks below are added to. */
const ESTIMATOR = `entry_point: train.py
instance_type: ml.g5.xlarge
transformers_version: "4.36.0"
pytorch_version: "2.1.0"
py_version: py310
role: SageMakerRole
`;

/** The range of the `nth` (0-based) occurrence of `needle` on the line that contains `lineMarker`. */
function rangeOf(text: string, lineMarker: string, needle: string, nth = 0) {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes(lineMarker));
  assert.ok(line >= 0, `no line contains ${lineMarker}`);
  let character = -1;
  for (let i = 0; i <= nth; i++) character = lines[line]!.indexOf(needle, character + 1);
  assert.ok(character >= 0, `${needle} is not on line ${line + 1}`);
  return { start: { line, character }, end: { line, character: character + needle.length } };
}

function problemsOf(text: string): Problem[] {
  const problems = validateJobFile(text).problems;
  const lines = text.split('\n');
  for (const p of problems) {
    for (const pos of [p.range.start, p.range.end]) {
      assert.ok(pos.line < lines.length && pos.character <= lines[pos.line]!.length, `${p.code} range ${JSON.stringify(p.range)} is outside the document`);
    }
  }
  return problems;
}

function only(problems: Problem[], path: string): Problem {
  const at = problems.filter((p) => p.path === path);
  assert.equal(at.length, 1, `one problem at ${path}: ${JSON.stringify(problems.map((p) => [p.path, p.message]))}`);
  return at[0]!;
}

describe('tuning: the schema', () => {
  it('accepts a complete tuning block with every HyperparameterTuner argument', () => {
    const text = `${ESTIMATOR}hyperparameters:
  learning_rate: 5e-5
  output_dir: /opt/ml/model
tuning:
  objective_metric_name: eval_loss
  objective_type: Minimize
  hyperparameter_ranges:
    warmup_ratio: {type: continuous, min_value: 0.0, max_value: 0.2, scaling_type: Linear}
    num_train_epochs: {type: integer, min_value: 1, max_value: 4}
    per_device_train_batch_size: {type: categorical, values: [8, 16]}
  metric_definitions:
    - Name: eval_loss
      Regex: "'eval_loss': ([0-9.eE+-]+)"
  strategy: Bayesian
  max_jobs: 8
  max_parallel_jobs: 2
  max_runtime_in_seconds: 86400
  early_stopping_type: Auto
  base_tuning_job_name: bart-lr
  warm_start_config:
    warm_start_type: TransferLearning
    parents: [bart-lr-2412011200]
  completion_criteria_config:
    max_number_of_training_jobs_not_improving: 3
    complete_on_convergence: true
    target_objective_metric_value: 0.3
  random_seed: 7
  tags: {sweep: lr}
`;
    assert.deepEqual(
      problemsOf(text).filter((p) => p.severity !== 'info').map((p) => `${p.path}: ${p.message}`),
      [],
    );
  });

  it('puts schema errors inside tuning at the exact key or value', () => {
    const text = `${ESTIMATOR}tuning:
  objective_metric_name: eval_loss
  objective_type: minimize
  max_jobs: 0
  max_runtime_in_seconds: 60
  hyperparameter_ranges:
    learning_rate: {type: continous, min_value: 1e-5, max_value: 1e-3}
    epochs: {type: integer, min_value: 1.5, max_value: 3}
    bs: {type: categorical}
    wd: {type: continuous, min_value: "a", max_value: 2}
    x: {type: categorical, values: []}
    y: {type: integer, min_value: 1}
    z: {type: continuous, min_value: 1, max_value: 2, extra: 3}
  warm_start_config:
    warm_start_type: TransferLearning
    parents: [bad_name]
  strategy_config:
    hyperband_strategy_config: {min_resource: 0, max_resource: 30000}
  foo: 1
`;
    const problems = problemsOf(text);
    const cases: Array<[string, string, string, RegExp]> = [
      ['tuning.objective_type', 'objective_type:', 'minimize', /must be one of Maximize, Minimize \(did you mean `Minimize`\?\)/],
      ['tuning.max_jobs', 'max_jobs:', '0', /must be ≥ 1 \(got 0\)/],
      ['tuning.max_runtime_in_seconds', 'max_runtime_in_seconds', '60', /must be ≥ 120/],
      ['tuning.hyperparameter_ranges.learning_rate.type', 'learning_rate:', 'continous', /did you mean `continuous`/],
      ['tuning.hyperparameter_ranges.epochs.min_value', 'epochs:', '1.5', /must be an integer, not the number 1.5/],
      ['tuning.hyperparameter_ranges.bs.values', '    bs:', 'bs', /Missing required key `values`/],
      ['tuning.hyperparameter_ranges.wd.min_value', '    wd:', '"a"', /must be a number, not the string "a"/],
      ['tuning.hyperparameter_ranges.x.values', '    x:', '[]', /fewer than 1 items/],
      ['tuning.hyperparameter_ranges.y.max_value', '    y:', 'y', /Missing required key `max_value`/],
      ['tuning.hyperparameter_ranges.z.extra', '    z:', 'extra', /Unknown key `extra`/],
      ['tuning.warm_start_config.parents[0]', 'parents:', 'bad_name', /invalid value "bad_name"; for example `bart-samsum-lr-2412011200`/],
      ['tuning.strategy_config.hyperband_strategy_config.min_resource', 'min_resource', '0', /must be ≥ 1/],
      ['tuning.strategy_config.hyperband_strategy_config.max_resource', 'max_resource', '30000', /must be ≤ 20000/],
      ['tuning.foo', 'foo:', 'foo', /Unknown key `foo` in `tuning`/],
    ];
    for (const [path, line, needle, message] of cases) {
      const p = only(problems, path);
      assert.equal(p.severity, 'error', path);
      assert.deepEqual(p.range, rangeOf(text, line, needle), path);
      assert.match(p.message, message, path);
    }
  });

  it('requires objective_metric_name, and tuning tags take the estimator tags shapes', () => {
    const text = `${ESTIMATOR}tuning:\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 1, max_value: 2}\n  tags: [{key: a}]\n`;
    const problems = problemsOf(text);
    const missing = only(problems, 'tuning.objective_metric_name');
    assert.match(missing.message, /Missing required key `objective_metric_name` in `tuning`/);
    assert.deepEqual(missing.range, rangeOf(text, 'tuning:', 'tuning'));
    assert.ok(problems.some((p) => p.path.startsWith('tuning.tags[0]') && p.severity === 'error'));
  });
});
