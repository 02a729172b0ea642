/**
 * What SageMaker and the SageMaker Python SDK v2.257.6 (`sagemaker/tuner.py`, `sagemaker/parameter.py`)
 * hold a job file's `tuning:` block to: CreateHyperParameterTuningJob's limits, the rules of its
 * strategies, and each ValueError `HyperparameterTuner` raises, as findings at the key or value they
 * are about. The validator reports them (core/jobFile/tuningChecks.ts); the request builder and the
 * local tuner may ask the same functions (which metric definitions the tuner sends, its job name).
 *
 * Sources, cited where each is used:
 * - [API] the SageMaker API model, botocore `data/sagemaker/2017-07-24/service-2.json` (the shapes
 *   HyperParameterTuningJobConfig, ParameterRanges, ResourceLimits, HyperbandStrategyConfig,
 *   HyperParameterTuningJobName, MetricDefinition) and the API reference pages of those shapes, whose
 *   text @aws-sdk/client-sagemaker repeats in dist-types/models;
 * - [DG] the developer guide: automatic-model-tuning-how-it-works.html (Grid search takes categorical
 *   ranges only and counts its own training jobs), automatic-model-tuning-define-ranges.html (scaling
 *   types; up to 100 hyperparameters, static plus tunable);
 * - [SDK] sagemaker-python-sdk v2.257.6.
 */
import type { JsonPath } from '../jobFile/jobDocument';
import type { JobSpec } from '../jobFile/jobSpec';
import { isRecord } from '../isRecord';
import { excerpt as q } from '../excerpt';
import { pythonJsonDumps, pyStr } from '../contract/pythonValue';
import type { HyperparameterRange, TuningSpec } from './tuningSpec';

export const TUNING_LIMITS = Object.freeze({
  /** [API] ParameterRanges: at most 30 ranges of each type, and "the sum … for all the ranges can't exceed" 30. */
  ranges: 30,
  /** [API] CategoricalParameterRange.Values: 1 to 30 values. */
  categoricalValues: 30,
  /** [API] ParameterValue (MinValue, MaxValue, each categorical value as sent): at most 256 characters. */
  parameterValueLength: 256,
  /** [API] ParameterKey (a range's Name): at most 256 characters. */
  parameterNameLength: 256,
  /** [DG] define-ranges: "up to 100 hyperparameters in total (static + tunable)". */
  hyperparametersInTotal: 100,
  /** [API] MetricRegex: 1 to 500 characters. */
  regexLength: 500,
  /** [API] HyperParameterTuningJobName: 1 to 32 characters. */
  tuningJobNameLength: 32,
  /** [API] HyperbandStrategyMaxResource and the HyperbandStrategyConfig text: "The maximum value is 20,000 epochs". */
  hyperbandMaxResource: 20000,
});

/** [SDK] utils.sagemaker_short_timestamp: `%y%m%d-%H%M`, 11 characters, appended after a hyphen. */
const SHORT_TIMESTAMP_LENGTH = 11;
/** [SDK] name_from_base(base, max_length=32, short=True) keeps this much of base_tuning_job_name. */
export const TUNING_BASE_NAME_KEPT = TUNING_LIMITS.tuningJobNameLength - SHORT_TIMESTAMP_LENGTH - 1;

/**
 * [API] HyperbandStrategyConfig.MaxResource: without it, SageMaker reads the resource from one of
 * these static hyperparameters and refuses the job when none is there.
 */
export const HYPERBAND_EPOCH_KEYS = ['epochs', 'numepochs', 'n-epochs', 'n_epochs', 'num_epochs'] as const;

/** Keys the SDK puts into every Hugging Face tuning job's StaticHyperParameters besides the file's (the oracle's request). */
const SDK_STATIC_KEYS = 7;

export interface TuningFinding {
  severity: 'error' | 'warning';
  code: string;
  path: JsonPath;
  message: string;
  on: 'key' | 'value';
}

/**
 * [SDK] The metric definitions the tuning job's TrainingJobDefinition gets: the tuner's own
 * `metric_definitions` only. `_prepare_training_config` sets `metric_definitions=tuner.metric_definitions`
 * and never reads the estimator's (which stay with plain training jobs); checked with the SDK oracle.
 */
export function tunerMetricDefinitions(tuning: TuningSpec): Array<{ Name: string; Regex: string }> {
  return Array.isArray(tuning.metric_definitions) ? tuning.metric_definitions.filter((d) => isRecord(d) && typeof d.Name === 'string' && typeof d.Regex === 'string') : [];
}

/** [SDK] The tuning job's name for a base name: the base cut to 20 characters, `-yymmdd-HHMM` (UTC here) appended. */
export function tuningJobName(base: string, now: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${two(now.getUTCFullYear() % 100)}${two(now.getUTCMonth() + 1)}${two(now.getUTCDate())}-${two(now.getUTCHours())}${two(now.getUTCMinutes())}`;
  return `${base.slice(0, TUNING_BASE_NAME_KEPT)}-${stamp}`;
}

/** The names the tuner fixes in every trial: the file's hyperparameters without the ranged ones (the SDK pops those). */
export function staticHyperparameterNames(spec: JobSpec): string[] {
  const ranges = isRecord(spec.tuning?.hyperparameter_ranges) ? spec.tuning.hyperparameter_ranges : {};
  return Object.keys(isRecord(spec.hyperparameters) ? spec.hyperparameters : {}).filter((k) => !Object.prototype.hasOwnProperty.call(ranges, k));
}

/** Everything the SDK refuses or SageMaker enforces about `spec.tuning`, and what would silently differ from the file. */
export function tuningFindings(spec: JobSpec): TuningFinding[] {
  const tuning = spec.tuning;
  if (!isRecord(tuning)) return [];
  const out: TuningFinding[] = [];
  const add = (severity: TuningFinding['severity'], code: string, path: JsonPath, message: string, on: 'key' | 'value' = 'value') =>
    out.push({ severity, code, path: ['tuning', ...path], message, on });
  const hyperparameters = isRecord(spec.hyperparameters) ? spec.hyperparameters : {};
  const ranges: Record<string, unknown> = isRecord(tuning.hyperparameter_ranges) ? tuning.hyperparameter_ranges : {};
  const names = Object.keys(ranges);
  const autotune = tuning.autotune === true;
  const strategy = typeof tuning.strategy === 'string' ? tuning.strategy : 'Bayesian';

  // [SDK] HyperparameterTuner.__init__'s ValueErrors.
  if (names.length === 0 && !autotune) {
    add(
      'error',
      'tuning.noRanges',
      tuning.hyperparameter_ranges === undefined ? [] : ['hyperparameter_ranges'],
      'The SDK refuses a tuner without ranges: "Need to specify hyperparameter ranges or set autotune=True." Add hyperparameter_ranges (for example `learning_rate: {type: continuous, min_value: 1e-5, max_value: 1e-3}`), or set `autotune: true` to let SageMaker choose them.',
      'key',
    );
  }
  const keepStatic = Array.isArray(tuning.hyperparameters_to_keep_static) ? tuning.hyperparameters_to_keep_static : undefined;
  if (keepStatic && !autotune) {
    add(
      'error',
      'tuning.keepStaticWithoutAutotune',
      ['hyperparameters_to_keep_static'],
      'The SDK refuses hyperparameters_to_keep_static without Autotune: "hyperparameters_to_keep_static parameter is set, however Autotune mode is not enabled." Set `autotune: true`, or remove hyperparameters_to_keep_static (without Autotune every hyperparameter not ranged stays fixed anyway).',
      'key',
    );
  }
  if (keepStatic) {
    const seen = new Set<unknown>();
    keepStatic.forEach((name, i) => {
      if (seen.has(name)) {
        add(
          'error',
          'tuning.keepStaticDuplicate',
          ['hyperparameters_to_keep_static', i],
          `\`${q(String(name))}\` is listed twice. The SDK refuses: "Please remove duplicate names in hyperparameters_to_keep_static." Remove this one.`,
        );
      }
      seen.add(name);
      if (!autotune || typeof name !== 'string' || name.startsWith('sagemaker_')) return;
      // [SDK] _prepare_auto_parameters: the names must be among the static hyperparameters, which no longer hold the ranged ones.
      if (Object.prototype.hasOwnProperty.call(ranges, name)) {
        add(
          'error',
          'tuning.keepStaticRanged',
          ['hyperparameters_to_keep_static', i],
          `\`${q(name)}\` has a range in hyperparameter_ranges, so it is not a static hyperparameter: the SDK refuses with "Names in hyperparameters_to_keep_static must be members of estimator's hyperparameters." Keep it static (remove its range) or tune it (remove it here).`,
        );
      } else if (!Object.prototype.hasOwnProperty.call(hyperparameters, name)) {
        add(
          'error',
          'tuning.keepStaticUnknown',
          ['hyperparameters_to_keep_static', i],
          `\`${q(name)}\` is not in hyperparameters: the SDK refuses with "Names in hyperparameters_to_keep_static must be members of estimator's hyperparameters." Add it to hyperparameters with the value to keep, or remove it here.`,
        );
      }
    });
  }

  // [SDK] max_jobs defaults to 1 for every strategy but Grid: a "tuning job" of one training job.
  if (tuning.max_jobs === undefined && strategy !== 'Grid' && !autotune) {
    add(
      'warning',
      'tuning.maxJobsDefault',
      [],
      `max_jobs is not set, so the SDK's default applies: the tuning job starts 1 training job and tunes nothing. Set max_jobs to the number of trials to run (for example \`max_jobs: ${Math.max(4, 2 * names.length)}\`).`,
      'key',
    );
  }
  if (typeof tuning.max_jobs === 'number' && typeof tuning.max_parallel_jobs === 'number' && tuning.max_parallel_jobs > tuning.max_jobs) {
    add(
      'warning',
      'tuning.parallelAboveJobs',
      ['max_parallel_jobs'],
      `max_parallel_jobs (${tuning.max_parallel_jobs}) is more than max_jobs (${tuning.max_jobs}): at most ${tuning.max_jobs} trials ever run at once. Lower max_parallel_jobs to ${tuning.max_jobs}, or raise max_jobs.`,
    );
  }

  // [API] ParameterRanges: 30 ranges in all.
  if (names.length > TUNING_LIMITS.ranges) {
    add(
      'error',
      'tuning.tooManyRanges',
      ['hyperparameter_ranges'],
      `${names.length} hyperparameter ranges: CreateHyperParameterTuningJob takes at most ${TUNING_LIMITS.ranges} in all (continuous, integer and categorical together). Tune fewer hyperparameters at once; fix the others in hyperparameters.`,
      'key',
    );
  }
  // [DG] define-ranges: static plus tunable hyperparameters, the SDK's own included.
  const staticCount = staticHyperparameterNames(spec).length + SDK_STATIC_KEYS;
  if (staticCount + names.length > TUNING_LIMITS.hyperparametersInTotal) {
    add(
      'error',
      'tuning.tooManyHyperparameters',
      ['hyperparameter_ranges'],
      `${staticCount - SDK_STATIC_KEYS} fixed hyperparameters, ${SDK_STATIC_KEYS} the SDK adds and ${names.length} ranged make ${staticCount + names.length}: a tuning job takes at most ${TUNING_LIMITS.hyperparametersInTotal} hyperparameters in all. Leave out fixed hyperparameters whose value is the script's default.`,
      'key',
    );
  }

  let gridCombinations = 1;
  let gridCountable = true;
  for (const name of names) {
    const range = ranges[name];
    if (!isRecord(range)) {
      gridCountable = false;
      continue;
    }
    rangeFindings(name, range as Partial<HyperparameterRange> & Record<string, unknown>, strategy, add);
    if (range.type === 'categorical' && Array.isArray(range.values)) gridCombinations *= new Set(range.values.map(String)).size;
    else gridCountable = false;
    if (name.length > TUNING_LIMITS.parameterNameLength) {
      add(
        'error',
        'tuning.rangeNameTooLong',
        ['hyperparameter_ranges', name],
        `A hyperparameter name has at most ${TUNING_LIMITS.parameterNameLength} characters (CreateHyperParameterTuningJob's ParameterKey); this one has ${name.length}.`,
        'key',
      );
    }
    // [SDK] _prepare_static_hyperparameters pops every ranged name from the estimator's hyperparameters.
    if (Object.prototype.hasOwnProperty.call(hyperparameters, name)) {
      out.push({
        severity: 'warning',
        code: 'tuning.rangedAndFixed',
        path: ['hyperparameters', name],
        on: 'key',
        message: `\`${q(name)}\` has a range in tuning.hyperparameter_ranges, so the tuner leaves this fixed value out (the SDK drops it from the static hyperparameters): each trial gets a value from the range instead. Remove it here, or remove its range to keep it fixed.`,
      });
    }
  }

  // [DG] how-it-works, Grid search: categorical ranges only; the number of training jobs is the number of combinations.
  if (strategy === 'Grid' && gridCountable && names.length > 0 && typeof tuning.max_jobs === 'number' && tuning.max_jobs !== gridCombinations) {
    add(
      'error',
      'tuning.gridMaxJobs',
      ['max_jobs'],
      `With strategy Grid, SageMaker runs every combination of the categorical values once, ${gridCombinations} here, and refuses a max_jobs other than that. Remove max_jobs (the SDK then leaves it to SageMaker).`,
    );
  }

  // [API] HyperParameterTuningJobConfig.StrategyConfig: "should be provided only if Hyperband is selected".
  if (tuning.strategy_config !== undefined && strategy !== 'Hyperband') {
    add(
      'error',
      'tuning.strategyConfigWithoutHyperband',
      ['strategy_config'],
      `strategy_config configures Hyperband only, and the strategy is ${strategy}${tuning.strategy === undefined ? " (the SDK's default)" : ''}: SageMaker refuses it. Set \`strategy: Hyperband\`, or remove strategy_config.`,
      'key',
    );
  }
  if (strategy === 'Hyperband') hyperbandFindings(tuning, hyperparameters, ranges, add);

  // [SDK] name_from_base(base, max_length=32, short=True) cuts the base silently.
  if (typeof tuning.base_tuning_job_name === 'string' && tuning.base_tuning_job_name.length > TUNING_BASE_NAME_KEPT) {
    const kept = tuning.base_tuning_job_name.slice(0, TUNING_BASE_NAME_KEPT);
    add(
      'warning',
      'tuning.baseNameCut',
      ['base_tuning_job_name'],
      `A tuning job's name has at most ${TUNING_LIMITS.tuningJobNameLength} characters, and the SDK appends -yymmdd-HHMM: it keeps only the first ${TUNING_BASE_NAME_KEPT} characters, "${q(kept)}". Shorten it to ${TUNING_BASE_NAME_KEPT} characters or fewer so that the name says what you meant.`,
    );
  }

  // [SDK] WarmStartConfig keeps its parents in a set.
  if (isRecord(tuning.warm_start_config) && Array.isArray(tuning.warm_start_config.parents)) {
    const seen = new Set<unknown>();
    tuning.warm_start_config.parents.forEach((parent, i) => {
      if (seen.has(parent))
        add(
          'warning',
          'tuning.warmStartParentTwice',
          ['warm_start_config', 'parents', i],
          `\`${q(String(parent))}\` is listed twice; the SDK keeps its parents in a set and sends it once. Remove this one.`,
        );
      seen.add(parent);
    });
  }

  // [API] MetricDefinition: Name ≤ 255 and Regex ≤ 500 characters, at most 40 definitions: the schema holds these.

  // The SDK's default objective_type is Maximize: a loss would be driven up.
  if (
    typeof tuning.objective_metric_name === 'string' &&
    /loss|perplexity|error|(^|_)(wer|cer|mse|rmse|mae)$/i.test(tuning.objective_metric_name) &&
    (tuning.objective_type === undefined || tuning.objective_type === 'Maximize')
  ) {
    add(
      'warning',
      'tuning.maximizeLoss',
      tuning.objective_type === undefined ? ['objective_metric_name'] : ['objective_type'],
      `\`${q(tuning.objective_metric_name)}\` reads as lower-is-better, but the objective is maximized${tuning.objective_type === undefined ? " (the SDK's default objective_type)" : ''}: the tuner would pick the trial with the highest value. Set \`objective_type: Minimize\`.`,
      tuning.objective_type === undefined ? 'key' : 'value',
    );
  }
  return out;
}

function rangeFindings(
  name: string,
  range: Partial<HyperparameterRange> & Record<string, unknown>,
  strategy: string,
  add: (severity: TuningFinding['severity'], code: string, path: JsonPath, message: string, on?: 'key' | 'value') => void,
): void {
  const at = (...rest: string[]): JsonPath => ['hyperparameter_ranges', name, ...rest];
  const type = range.type;
  if (type === 'categorical') {
    // [SDK] CategoricalParameter(values) takes no bounds or scale.
    for (const key of ['min_value', 'max_value', 'scaling_type']) {
      if (key in range)
        add(
          'error',
          'tuning.rangeKeyForType',
          at(key),
          `\`${key}\` belongs to continuous and integer ranges; a categorical range (CategoricalParameter) takes only \`values\`. Remove it, or change the type.`,
          'key',
        );
    }
    if (Array.isArray(range.values)) {
      range.values.forEach((v, i) => {
        // [SDK] as_json_range: each value is sent as json.dumps(str(v)); [API] ParameterValue ≤ 256 characters.
        const sent = pythonJsonDumps(pyStr(typeof v === 'boolean' ? (v ? 'True' : 'False') : String(v)));
        if (sent.length > TUNING_LIMITS.parameterValueLength) {
          add(
            'error',
            'tuning.valueTooLong',
            ['hyperparameter_ranges', name, 'values', i],
            `A categorical value is sent JSON-encoded and may have at most ${TUNING_LIMITS.parameterValueLength} characters so; this one has ${sent.length}. Shorten it (or pass a short key your script maps to the long value).`,
          );
        }
      });
    }
    return;
  }
  if (type !== 'continuous' && type !== 'integer') return;
  if ('values' in range)
    add(
      'error',
      'tuning.rangeKeyForType',
      at('values'),
      `\`values\` belongs to categorical ranges; a ${type} range (${type === 'continuous' ? 'ContinuousParameter' : 'IntegerParameter'}) takes min_value, max_value and scaling_type. Remove it, or change the type to categorical.`,
      'key',
    );
  // [DG] how-it-works: Grid search takes categorical ranges only.
  if (strategy === 'Grid') {
    add(
      'error',
      'tuning.gridNeedsCategorical',
      at('type'),
      `Grid search takes categorical ranges only, and \`${q(name)}\` is ${type === 'integer' ? 'an integer' : 'a continuous'} range: SageMaker refuses it. List the values to try (\`{type: categorical, values: [...]}\`), or use strategy Random or Bayesian.`,
    );
  }
  const min = typeof range.min_value === 'number' ? range.min_value : undefined;
  const max = typeof range.max_value === 'number' ? range.max_value : undefined;
  if (min !== undefined && max !== undefined && min > max) {
    add('error', 'tuning.minAboveMax', at('min_value'), `min_value (${min}) is above max_value (${max}): the range is empty and SageMaker refuses it. Swap them.`);
  }
  const scaling = range.scaling_type;
  // [API] ContinuousParameterRange.ScalingType: "Logarithmic scaling works only for ranges that have only values greater than 0."
  if (scaling === 'Logarithmic' && min !== undefined && min <= 0) {
    add(
      'error',
      'tuning.logScaleNotPositive',
      at('scaling_type'),
      `Logarithmic scaling needs a range above 0, and min_value is ${min}: SageMaker refuses it. Raise min_value above 0 (for example 1e-6), or use Linear.`,
    );
  }
  if (scaling === 'ReverseLogarithmic') {
    if (type === 'integer') {
      // [API] IntegerParameterRange.ScalingType lists Auto, Linear and Logarithmic only.
      add(
        'error',
        'tuning.reverseLogInteger',
        at('scaling_type'),
        'ReverseLogarithmic scaling is for continuous ranges only; an integer range takes Auto, Linear or Logarithmic. Change the scaling, or make the range continuous.',
      );
    } else if ((min !== undefined && min < 0) || (max !== undefined && max >= 1)) {
      // [API] ContinuousParameterRange.ScalingType: "Reverse logarithmic scaling works only for ranges that are entirely within the range 0<=x<1.0."
      add(
        'error',
        'tuning.reverseLogOutside',
        at('scaling_type'),
        `ReverseLogarithmic scaling needs a range within 0 ≤ x < 1, and this one is ${min ?? '?'} to ${max ?? '?'}: SageMaker refuses it. Keep the range inside [0, 1) (for example 0.9 to 0.999), or use Linear.`,
      );
    }
  }
}

function hyperbandFindings(
  tuning: TuningSpec,
  hyperparameters: Record<string, unknown>,
  ranges: Record<string, unknown>,
  add: (severity: TuningFinding['severity'], code: string, path: JsonPath, message: string, on?: 'key' | 'value') => void,
): void {
  // [API] TrainingJobEarlyStoppingType: "TrainingJobEarlyStoppingType must be OFF to use Hyperband".
  if (tuning.early_stopping_type === 'Auto') {
    add(
      'error',
      'tuning.hyperbandEarlyStopping',
      ['early_stopping_type'],
      'Hyperband stops weak trials itself, and SageMaker refuses early_stopping_type Auto with it. Set `early_stopping_type: Off` (or remove it).',
    );
  }
  const config = isRecord(tuning.strategy_config) && isRecord(tuning.strategy_config.hyperband_strategy_config) ? tuning.strategy_config.hyperband_strategy_config : undefined;
  const min = typeof config?.min_resource === 'number' ? config.min_resource : undefined;
  const max = typeof config?.max_resource === 'number' ? config.max_resource : undefined;
  if (min !== undefined && max !== undefined && min > max) {
    add(
      'error',
      'tuning.hyperbandMinAboveMax',
      ['strategy_config', 'hyperband_strategy_config', 'min_resource'],
      `min_resource (${min}) is above max_resource (${max}): no trial could reach it. Lower min_resource or raise max_resource.`,
    );
  }
  if (max === undefined) {
    // [API] HyperbandStrategyConfig.MaxResource: inferred from epochs, numepochs, n-epochs, n_epochs or num_epochs among the static hyperparameters.
    const found = HYPERBAND_EPOCH_KEYS.find((k) => Object.prototype.hasOwnProperty.call(hyperparameters, k) && !Object.prototype.hasOwnProperty.call(ranges, k));
    if (!found) {
      add(
        'error',
        'tuning.hyperbandNoMaxResource',
        config ? ['strategy_config', 'hyperband_strategy_config'] : ['strategy'],
        `Hyperband needs the most epochs a trial may run: without max_resource SageMaker looks for a fixed ${HYPERBAND_EPOCH_KEYS.join(', ')} hyperparameter and refuses the job when there is none (the Trainer's num_train_epochs is not one of them). Set strategy_config.hyperband_strategy_config.max_resource, for example to your num_train_epochs.`,
        config ? 'key' : 'value',
      );
    }
  }
}
