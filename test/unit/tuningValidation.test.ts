import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Problem } from '../../src/core/jobFile/problem';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import { compileDefinition, readDefinition, TrainerLogParser, trainerMetricDefinition, trainerMetricLines } from '../../src/core/metrics/trainerLog';

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
      problemsOf(text)
        .filter((p) => p.severity !== 'info')
        .map((p) => `${p.path}: ${p.message}`),
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

/** A tuning file: the estimator, `hyperparameters`, then `tuning` (each block given as its lines). */
function tuningFile(tuning: string, hyperparameters = '  learning_rate: 5e-5\n  num_train_epochs: 3\n'): string {
  return `${ESTIMATOR}hyperparameters:\n${hyperparameters}tuning:\n${tuning}`;
}

const DEFINED = `  objective_metric_name: eval_rouge1
  metric_definitions:
    - Name: eval_rouge1
      Regex: "'eval_rouge1': ([0-9.eE+-]+)"
  max_jobs: 4
`;

function problemAt(text: string, code: string): Problem {
  const found = problemsOf(text).filter((p) => p.code === code);
  assert.equal(found.length, 1, `one ${code}: ${JSON.stringify(problemsOf(text).map((p) => [p.code, p.path, p.message]))}`);
  return found[0]!;
}

/** The text after applying one fix. */
function applyFix(text: string, fix: { range: Problem['range']; newText: string }): string {
  const lines = text.split('\n');
  const off = (p: { line: number; character: number }) => lines.slice(0, p.line).reduce((a, l) => a + l.length + 1, 0) + p.character;
  return text.slice(0, off(fix.range.start)) + fix.newText + text.slice(off(fix.range.end));
}

describe('tuning: checks beyond the schema', () => {
  it('a valid tuning file has no problems', () => {
    const text = tuningFile(
      `${DEFINED}  hyperparameter_ranges:\n    learning_rate: {type: continuous, min_value: 1e-5, max_value: 1e-3, scaling_type: Logarithmic}\n`,
      '  num_train_epochs: 3\n',
    );
    assert.deepEqual(
      problemsOf(text).map((p) => `${p.code} ${p.path}`),
      [],
    );
  });

  it('warns at the fixed hyperparameter that a range replaces', () => {
    const text = tuningFile(`${DEFINED}  hyperparameter_ranges:\n    learning_rate: {type: continuous, min_value: 1e-5, max_value: 1e-3}\n`);
    const p = problemAt(text, 'tuning.rangedAndFixed');
    assert.equal(p.severity, 'warning');
    assert.equal(p.path, 'hyperparameters.learning_rate');
    assert.deepEqual(p.range, rangeOf(text, '  learning_rate: 5e-5', 'learning_rate'));
    assert.match(p.message, /the SDK drops it from the static hyperparameters/);
  });

  it('refuses an objective no tuner metric definition defines, and fixes it for the Trainer', () => {
    const text = tuningFile(`  objective_metric_name: eval_rouge1\n  max_jobs: 4\n  hyperparameter_ranges:\n    warmup_ratio: {type: continuous, min_value: 0, max_value: 0.2}\n`);
    const p = problemAt(text, 'tuning.objectiveUndefined');
    assert.equal(p.severity, 'error');
    assert.deepEqual(p.range, rangeOf(text, 'objective_metric_name', 'eval_rouge1'));
    assert.match(
      p.message,
      /No metric definition of the tuning block is named `eval_rouge1`: SageMaker refuses the tuning job \("A metric is required for this hyperparameter tuning job objective"\)/,
    );
    assert.equal(p.fixes?.length, 1);
    const fixed = applyFix(text, p.fixes![0]!);
    assert.match(fixed, / {2}objective_metric_name: eval_rouge1\n {2}metric_definitions:\n {4}- Name: eval_rouge1\n {6}Regex: "'eval_rouge1': /);
    assert.deepEqual(
      problemsOf(fixed).map((x) => x.code),
      [],
      'the fixed file has no problems: the regex reads the Trainer lines',
    );
  });

  it("says the SDK does not send the estimator's metric definitions, and offers to copy them", () => {
    const text = `${ESTIMATOR}metric_definitions:\n  - Name: eval_loss\n    Regex: "'eval_loss': ([0-9.eE+-]+)"\ntuning:\n  objective_metric_name: eval_loss\n  objective_type: Minimize\n  max_jobs: 2\n  metric_definitions:\n    - Name: loss\n      Regex: "'loss': ([0-9.eE+-]+)"\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 0.2}\n`;
    const p = problemAt(text, 'tuning.objectiveUndefined');
    assert.match(p.message, /the SDK's HyperparameterTuner sends only its own metric_definitions/);
    assert.deepEqual(
      p.fixes!.map((f) => f.title),
      ["Copy the estimator's eval_loss definition into tuning.metric_definitions", "Add a metric definition for eval_loss (the Hugging Face Trainer's log format)"],
    );
    const fixed = applyFix(text, p.fixes![0]!);
    assert.match(fixed, / {6}Regex: "'loss': \(\[0-9.eE\+-\]\+\)"\n {4}- Name: eval_loss\n {6}Regex: "'eval_loss': \(\[0-9.eE\+-\]\+\)"\n {2}hyperparameter_ranges:/);
    assert.deepEqual(
      problemsOf(fixed).map((x) => x.code),
      [],
    );
    // a flow list gets one more entry
    const flow = text.replace(/ {2}metric_definitions:\n {4}- Name: loss\n {6}Regex: "'loss': \(\[0-9.eE\+-\]\+\)"\n/, '  metric_definitions: []\n');
    const flowFixed = applyFix(flow, problemAt(flow, 'tuning.objectiveUndefined').fixes![1]!);
    assert.match(flowFixed, / {2}metric_definitions: \[\{Name: eval_loss, Regex: "'eval_loss': /);
    assert.deepEqual(
      problemsOf(flowFixed).map((x) => x.code),
      [],
    );
  });

  it('warns when a regex cannot read the lines the Trainer prints, and fixes it', () => {
    const cases: Array<[string, RegExp]> = [
      ['eval_rouge1=([0-9.]+)', /matches none of the lines the Trainer prints `eval_rouge1` in, such as `\{'eval_rouge1': 0.4123, 'epoch': 1.0\}`/],
      ["'eval_rouge1': (.*)", /captures "0.4123, 'epoch': 1.0}" from `\{'eval_rouge1': 0.4123, 'epoch': 1.0\}`, which is not a number/],
      ["'eval_rouge1': ([0-9])", /reads 0 from `\{'eval_rouge1': 0.4123, 'epoch': 1.0\}`, not 0.4123/],
    ];
    for (const [regex, message] of cases) {
      const text = tuningFile(`${DEFINED.replace("'eval_rouge1': ([0-9.eE+-]+)", regex)}  hyperparameter_ranges:\n    seed: {type: integer, min_value: 1, max_value: 9}\n`);
      const p = problemAt(text, 'tuning.regexMissesTrainer');
      assert.equal(p.severity, 'warning');
      assert.equal(p.path, 'tuning.metric_definitions[0].Regex');
      assert.deepEqual(p.range, rangeOf(text, 'Regex:', `"${regex}"`));
      assert.match(p.message, message);
      assert.match(p.message, /no eval_rouge1 values and no best training job/);
      const fixed = applyFix(text, p.fixes![0]!);
      assert.deepEqual(
        problemsOf(fixed).map((x) => x.code),
        [],
        regex,
      );
    }
    // ([0-9.]+) reads the common forms; that it cuts 1.5e-05 short is a hint only
    const partial = tuningFile(`${DEFINED.replace('[0-9.eE+-]', '[0-9.]')}  hyperparameter_ranges:\n    seed: {type: integer, min_value: 1, max_value: 9}\n`);
    const hint = problemAt(partial, 'tuning.regexExponent');
    assert.equal(hint.severity, 'info');
    assert.match(hint.message, /reads 1.5 from `\{'eval_rouge1': 1.5e-05, 'epoch': 1.0\}`/);
  });

  it('refuses what SageMaker and the SDK refuse, at the key or value', () => {
    const cases: Array<[string, string, string, string, string, RegExp]> = [
      // [tuning block, code, path, line marker, needle, message]
      [
        '  strategy: Grid\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 0.2}\n',
        'tuning.gridNeedsCategorical',
        'tuning.hyperparameter_ranges.lr.type',
        '    lr:',
        'continuous',
        /Grid search takes categorical ranges only/,
      ],
      [
        '  strategy: Grid\n  hyperparameter_ranges:\n    n: {type: integer, min_value: 1, max_value: 2}\n',
        'tuning.gridNeedsCategorical',
        'tuning.hyperparameter_ranges.n.type',
        '    n:',
        'integer',
        /`n` is an integer range/,
      ],
      [
        '  strategy: Grid\n  hyperparameter_ranges:\n    a: {type: categorical, values: [1, 2]}\n    b: {type: categorical, values: [x, y, z]}\n',
        'tuning.gridMaxJobs',
        'tuning.max_jobs',
        'max_jobs',
        '4',
        /every combination of the categorical values once, 6 here/,
      ],
      [
        '  strategy_config:\n    hyperband_strategy_config: {max_resource: 3}\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 0.2}\n',
        'tuning.strategyConfigWithoutHyperband',
        'tuning.strategy_config',
        'strategy_config',
        'strategy_config',
        /the strategy is Bayesian \(the SDK's default\)/,
      ],
      [
        '  strategy: Hyperband\n  early_stopping_type: Auto\n  strategy_config:\n    hyperband_strategy_config: {max_resource: 3}\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 0.2}\n',
        'tuning.hyperbandEarlyStopping',
        'tuning.early_stopping_type',
        'early_stopping_type',
        'Auto',
        /refuses early_stopping_type Auto/,
      ],
      [
        '  strategy: Hyperband\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 0.2}\n',
        'tuning.hyperbandNoMaxResource',
        'tuning.strategy',
        'strategy:',
        'Hyperband',
        /the Trainer's num_train_epochs is not one of them/,
      ],
      [
        '  strategy: Hyperband\n  strategy_config:\n    hyperband_strategy_config: {min_resource: 5, max_resource: 3}\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 0.2}\n',
        'tuning.hyperbandMinAboveMax',
        'tuning.strategy_config.hyperband_strategy_config.min_resource',
        'min_resource',
        '5',
        /min_resource \(5\) is above max_resource \(3\)/,
      ],
      [
        '  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.2, max_value: 0.1}\n',
        'tuning.minAboveMax',
        'tuning.hyperparameter_ranges.lr.min_value',
        '    lr:',
        '0.2',
        /min_value \(0.2\) is above max_value \(0.1\)/,
      ],
      [
        '  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0, max_value: 0.1, scaling_type: Logarithmic}\n',
        'tuning.logScaleNotPositive',
        'tuning.hyperparameter_ranges.lr.scaling_type',
        '    lr:',
        'Logarithmic',
        /Logarithmic scaling needs a range above 0, and min_value is 0/,
      ],
      [
        '  hyperparameter_ranges:\n    m: {type: continuous, min_value: 0.5, max_value: 1, scaling_type: ReverseLogarithmic}\n',
        'tuning.reverseLogOutside',
        'tuning.hyperparameter_ranges.m.scaling_type',
        '    m:',
        'ReverseLogarithmic',
        /within 0 ≤ x < 1, and this one is 0.5 to 1/,
      ],
      [
        '  hyperparameter_ranges:\n    n: {type: integer, min_value: 1, max_value: 4, scaling_type: ReverseLogarithmic}\n',
        'tuning.reverseLogInteger',
        'tuning.hyperparameter_ranges.n.scaling_type',
        '    n:',
        'ReverseLogarithmic',
        /for continuous ranges only/,
      ],
      [
        '  hyperparameter_ranges:\n    bs: {type: categorical, values: [8], scaling_type: Linear}\n',
        'tuning.rangeKeyForType',
        'tuning.hyperparameter_ranges.bs.scaling_type',
        '    bs:',
        'scaling_type',
        /a categorical range \(CategoricalParameter\) takes only `values`/,
      ],
      [
        '  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 0.2, values: [1]}\n',
        'tuning.rangeKeyForType',
        'tuning.hyperparameter_ranges.lr.values',
        '    lr:',
        'values',
        /`values` belongs to categorical ranges; a continuous range/,
      ],
      [
        '  hyperparameter_ranges: {}\n',
        'tuning.noRanges',
        'tuning.hyperparameter_ranges',
        'hyperparameter_ranges',
        'hyperparameter_ranges',
        /"Need to specify hyperparameter ranges or set autotune=True\."/,
      ],
      [
        '  hyperparameters_to_keep_static: [num_train_epochs]\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 0.2}\n',
        'tuning.keepStaticWithoutAutotune',
        'tuning.hyperparameters_to_keep_static',
        'hyperparameters_to_keep_static',
        'hyperparameters_to_keep_static',
        /Autotune mode is not enabled/,
      ],
      [
        '  autotune: true\n  hyperparameters_to_keep_static: [num_train_epochs, num_train_epochs]\n',
        'tuning.keepStaticDuplicate',
        'tuning.hyperparameters_to_keep_static[1]',
        'hyperparameters_to_keep_static',
        'num_train_epochs',
        /"Please remove duplicate names in hyperparameters_to_keep_static\."/,
      ],
      [
        '  autotune: true\n  hyperparameters_to_keep_static: [learning_rate]\n  hyperparameter_ranges:\n    learning_rate: {type: continuous, min_value: 0.1, max_value: 0.2}\n',
        'tuning.keepStaticRanged',
        'tuning.hyperparameters_to_keep_static[0]',
        'hyperparameters_to_keep_static',
        'learning_rate',
        /has a range in hyperparameter_ranges, so it is not a static hyperparameter/,
      ],
      [
        '  autotune: true\n  hyperparameters_to_keep_static: [warmup]\n',
        'tuning.keepStaticUnknown',
        'tuning.hyperparameters_to_keep_static[0]',
        'hyperparameters_to_keep_static',
        'warmup',
        /`warmup` is not in hyperparameters/,
      ],
      [
        '  base_tuning_job_name: bart-samsum-learning-rate\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 0.2}\n',
        'tuning.baseNameCut',
        'tuning.base_tuning_job_name',
        'base_tuning_job_name',
        'bart-samsum-learning-rate',
        /keeps only the first 20 characters, "bart-samsum-learning"/,
      ],
      [
        '  warm_start_config:\n    warm_start_type: TransferLearning\n    parents: [p1, p1]\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 0.2}\n',
        'tuning.warmStartParentTwice',
        'tuning.warm_start_config.parents[1]',
        'parents:',
        'p1',
        /sends it once/,
      ],
      [
        `  hyperparameter_ranges:\n    bs: {type: categorical, values: [${'x'.repeat(255)}]}\n`,
        'tuning.valueTooLong',
        'tuning.hyperparameter_ranges.bs.values[0]',
        '    bs:',
        'x'.repeat(255),
        /at most 256 characters so; this one has 257/,
      ],
    ];
    for (const [block, code, path, line, needle, message] of cases) {
      const text = tuningFile(
        `  objective_metric_name: eval_rouge1\n  metric_definitions:\n    - Name: eval_rouge1\n      Regex: "'eval_rouge1': ([0-9.eE+-]+)"\n  max_jobs: 4\n${block}`,
      );
      const p = problemAt(text, code);
      assert.equal(p.path, path, code);
      const nth = code === 'tuning.keepStaticDuplicate' || code === 'tuning.warmStartParentTwice' ? 1 : 0;
      assert.deepEqual(p.range, rangeOf(text, line, needle, nth), code);
      assert.match(p.message, message, code);
    }
  });

  it('warns about what would silently differ: one training job, a maximized loss, more parallel jobs than jobs', () => {
    const text = tuningFile(
      '  objective_metric_name: eval_loss\n  metric_definitions:\n    - Name: eval_loss\n      Regex: "\'eval_loss\': ([0-9.eE+-]+)"\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 0.2}\n',
    );
    const one = problemAt(text, 'tuning.maxJobsDefault');
    assert.deepEqual(one.range, rangeOf(text, 'tuning:', 'tuning'));
    assert.match(one.message, /the tuning job starts 1 training job and tunes nothing/);
    const loss = problemAt(text, 'tuning.maximizeLoss');
    assert.deepEqual(loss.range, rangeOf(text, 'objective_metric_name', 'objective_metric_name'));
    assert.match(loss.message, /Set `objective_type: Minimize`/);
    const parallel = tuningFile(`${DEFINED}  max_parallel_jobs: 8\n  hyperparameter_ranges:\n    lr: {type: continuous, min_value: 0.1, max_value: 0.2}\n`);
    const p = problemAt(parallel, 'tuning.parallelAboveJobs');
    assert.deepEqual(p.range, rangeOf(parallel, 'max_parallel_jobs', '8'));
  });

  it('refuses more than 30 ranges', () => {
    const ranges = Array.from({ length: 31 }, (_, i) => `    h${i}: {type: integer, min_value: 1, max_value: 2}\n`).join('');
    const text = tuningFile(`${DEFINED}  hyperparameter_ranges:\n${ranges}`);
    const p = problemAt(text, 'tuning.tooManyRanges');
    assert.deepEqual(p.range, rangeOf(text, 'hyperparameter_ranges', 'hyperparameter_ranges'));
    assert.match(p.message, /31 hyperparameter ranges: CreateHyperParameterTuningJob takes at most 30/);
  });
});

describe("tuning: the Trainer's metric lines", () => {
  it('are lines the Trainer log parser reads the metric from, and the generated definition reads them all', () => {
    for (const name of ['eval_loss', 'eval_rouge1', 'loss', 'test_accuracy']) {
      const definition = trainerMetricDefinition(name);
      const compiled = compileDefinition(definition);
      assert.ok(typeof compiled !== 'string', String(compiled));
      for (const sample of trainerMetricLines(name)) {
        const parser = new TrainerLogParser();
        if (sample.printedBy === 'Trainer.log_metrics') parser.feed('algo-1', 1, '***** eval metrics *****');
        parser.feed('algo-1', 2, sample.line);
        const series = parser.allSeries().find((s) => s.name === name);
        assert.deepEqual(series?.points, [[2, sample.value]], `the parser reads ${name} from ${sample.line}`);
        if (sample.printedBy !== 'Trainer.log_metrics') assert.equal(readDefinition(compiled.regex, sample.line)?.value, sample.value, sample.line);
      }
    }
  });
});
