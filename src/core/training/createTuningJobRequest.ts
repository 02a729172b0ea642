/**
 * Job file with a `tuning:` block → the CreateHyperParameterTuningJob request SageMaker Python SDK
 * v2.257.6 sends for `HyperparameterTuner(HuggingFace(...), **tuning).fit(inputs)` (tuner.py
 * `HyperparameterTuner.__init__`, `_prepare_for_tuning`, `_TuningJob._get_tuner_args` and
 * `_prepare_training_config`; session.py `_get_tuning_request`, `_map_tuning_config`,
 * `_map_training_config`), plus the source archive upload `fit()` performs first.
 *
 * The estimator's half is not built here: the tuner's `fit()` runs the estimator's
 * `_prepare_for_training` and `_Job._load_config`, the same code as a training job, so
 * `buildTrainingJobPlan` (createTrainingJobRequest.ts) builds the CreateTrainingJob request the
 * estimator would send, and the TrainingJobDefinition is taken from it field by field, as
 * `_map_training_config` takes them. Every estimator refusal is therefore the training builder's own.
 *
 * Pure, like the training builder: the clock, region and account come in through the context.
 */
import type { JobSpec, MetricDefinition } from '../jobFile/jobSpec';
import { isSdkHyperparameter } from '../sagemaker/hyperparameters';
import { TUNING_INSTANCE_PREFERENCES_REFUSAL } from '../sagemaker/instancePreferences';
import { TUNING_INSTANCE_GROUPS_REFUSAL } from '../sagemaker/instanceGroups';
import type { HyperparameterRange, TuningSpec } from '../sagemaker/tuningSpec';
import { buildTrainingJobPlan } from './createTrainingJobRequest';
import type { CreateTrainingJobRequest, SourceArchiveUpload, TrainingJobPlan, TrainingJobPlanInput } from './createTrainingJobRequest';
import { tuningJobName } from './jobName';
import { pythonJsonString, pythonStrOfParsed } from './pythonJson';
import type { EncodedTuningValues } from './pythonJson';
import { TrainingPlanError } from './trainingPlanError';

export interface ParameterRangeRequest {
  Name: string;
  MinValue: string;
  MaxValue: string;
  ScalingType: string;
}

/** HyperParameterTuningJobConfig.ParameterRanges, in the SDK's order of range types. */
export interface ParameterRangesRequest {
  ContinuousParameterRanges: ParameterRangeRequest[];
  CategoricalParameterRanges: Array<{ Name: string; Values: string[] }>;
  IntegerParameterRanges: ParameterRangeRequest[];
  AutoParameters?: Array<{ Name: string; ValueHint: string }>;
}

export interface TuningCompletionCriteria {
  BestObjectiveNotImproving?: { MaxNumberOfTrainingJobsNotImproving: number };
  TargetObjectiveMetricValue?: number;
  ConvergenceDetected?: { CompleteOnConvergence: 'Enabled' | 'Disabled' };
}

/** TrainingJobDefinition as `_map_training_config` builds it for one estimator, in its key order. */
export interface TrainingJobDefinition {
  StaticHyperParameters: Record<string, string>;
  RoleArn: string;
  OutputDataConfig: CreateTrainingJobRequest['OutputDataConfig'];
  StoppingCondition: CreateTrainingJobRequest['StoppingCondition'];
  HyperParameterTuningResourceConfig: { VolumeKmsKeyId?: string; InstanceCount: number; InstanceType: string; VolumeSizeInGB: number };
  AlgorithmSpecification: { TrainingInputMode: string; MetricDefinitions?: MetricDefinition[]; TrainingImage: string };
  InputDataConfig?: CreateTrainingJobRequest['InputDataConfig'];
  VpcConfig?: CreateTrainingJobRequest['VpcConfig'];
  EnableNetworkIsolation?: boolean;
  EnableInterContainerTrafficEncryption?: boolean;
  EnableManagedSpotTraining?: boolean;
  CheckpointConfig?: CreateTrainingJobRequest['CheckpointConfig'];
  RetryStrategy?: CreateTrainingJobRequest['RetryStrategy'];
  Environment?: Record<string, string>;
}

export interface CreateHyperParameterTuningJobRequest {
  HyperParameterTuningJobName: string;
  HyperParameterTuningJobConfig: {
    Strategy: string;
    ResourceLimits: { MaxNumberOfTrainingJobs?: number; MaxParallelTrainingJobs: number; MaxRuntimeInSeconds?: number };
    TrainingJobEarlyStoppingType: string;
    RandomSeed?: number;
    HyperParameterTuningJobObjective: { Type: string; MetricName: string };
    ParameterRanges: ParameterRangesRequest;
    StrategyConfig?: { HyperbandStrategyConfig: { MinResource: number; MaxResource: number } };
    TuningJobCompletionCriteria?: TuningCompletionCriteria;
  };
  Autotune?: { Mode: 'Enabled' };
  TrainingJobDefinition: TrainingJobDefinition;
  WarmStartConfig?: { WarmStartType: string; ParentHyperParameterTuningJobs: Array<{ HyperParameterTuningJobName: string }> };
  Tags?: Array<{ Key: string; Value: string }>;
}

export interface TuningJobPlanInput extends TrainingJobPlanInput {
  /** The `tuning:` values the SDK sends as `str()`, encoded from the YAML nodes; without it, from the spec's values. */
  tuningValues?: EncodedTuningValues;
}

/** A job-file setting the estimator would send in CreateTrainingJob that the tuner leaves out of the tuning request. */
export interface NotSentUnderTuning {
  /** The job-file key. */
  path: string;
  why: string;
}

export interface TuningJobPlan {
  createHyperParameterTuningJob: CreateHyperParameterTuningJobRequest;
  /** The same uploads as the estimator's own fit() (the code archive under the estimator's job name). */
  uploads: SourceArchiveUpload[];
  defaultBucket?: string;
  /** What the estimator alone would send: the request the TrainingJobDefinition was taken from. */
  trainingPlan: TrainingJobPlan;
  /** Settings of the job file the SDK's tuner does not send (it sends them for a training job). */
  notSent: NotSentUnderTuning[];
}

/** tuner.py `SAGEMAKER_ESTIMATOR_CLASS_NAME` / `SAGEMAKER_ESTIMATOR_MODULE`, which the tuner adds for a Framework estimator. */
export const TUNER_ESTIMATOR_KEYS = {
  sagemaker_estimator_class_name: pythonJsonString('HuggingFace'),
  sagemaker_estimator_module: pythonJsonString('sagemaker.huggingface.estimator'),
} as const;

/** parameter.py `ParameterRange.__all_types__`: the order the SDK lists the range types in. */
const RANGE_TYPES = ['continuous', 'categorical', 'integer'] as const;

/** Everything `HyperparameterTuner(HuggingFace(**spec), **spec.tuning).fit(inputs)` would upload and send, without doing it. */
export function buildTuningJobPlan(input: TuningJobPlanInput): TuningJobPlan {
  const tuning = input.spec.tuning;
  if (!tuning) throw new Error('buildTuningJobPlan needs a job file with a tuning: block');
  // The estimator is made (and refuses) first; then its fit() runs inside the tuner's.
  const trainingPlan = buildTrainingJobPlan(input);
  const training = trainingPlan.createTrainingJob;
  const ranges = tuning.hyperparameter_ranges ?? {};
  const autotune = tuning.autotune === true;
  refuseTunerArguments(tuning, ranges, autotune);

  const name = tuningJobName({
    ...(input.context.jobName !== undefined ? { jobName: input.context.jobName } : {}),
    ...(tuning.base_tuning_job_name !== undefined ? { baseTuningJobName: tuning.base_tuning_job_name } : {}),
    image: training.AlgorithmSpecification.TrainingImage,
    now: input.context.now,
  });

  // _prepare_static_hyperparameters: the estimator's hyperparameters() less the ranged ones, plus the class keys.
  let staticHyperparameters: Record<string, string> = {};
  for (const [key, value] of Object.entries(training.HyperParameters ?? {})) {
    if (!Object.prototype.hasOwnProperty.call(ranges, key)) staticHyperparameters[key] = value;
  }
  Object.assign(staticHyperparameters, TUNER_ESTIMATOR_KEYS);
  let autoParameters: Record<string, string> | undefined;
  if (autotune) ({ staticHyperparameters, autoParameters } = splitAutoParameters(staticHyperparameters, tuning.hyperparameters_to_keep_static));

  const parameterRanges = parameterRangesRequest(ranges, input.tuningValues);
  if (autoParameters) parameterRanges.AutoParameters = Object.entries(autoParameters).map(([Name, ValueHint]) => ({ Name, ValueHint }));

  const metricDefinitions = tuning.metric_definitions;
  refuseUndefinedObjective(tuning, input.spec);

  const strategy = tuning.strategy ?? 'Bayesian';
  const config: CreateHyperParameterTuningJobRequest['HyperParameterTuningJobConfig'] = {
    Strategy: strategy,
    // Grid without max_jobs: the SDK sends None, which boto3's own validation refuses before the call;
    // SageMaker computes Grid's number of jobs when it is left out, so it is left out.
    ResourceLimits: {
      ...(tuning.max_jobs !== undefined ? { MaxNumberOfTrainingJobs: tuning.max_jobs } : strategy === 'Grid' ? {} : { MaxNumberOfTrainingJobs: 1 }),
      MaxParallelTrainingJobs: tuning.max_parallel_jobs ?? 1,
    },
    TrainingJobEarlyStoppingType: tuning.early_stopping_type ?? 'Off',
    HyperParameterTuningJobObjective: { Type: tuning.objective_type ?? 'Maximize', MetricName: tuning.objective_metric_name },
    ParameterRanges: parameterRanges,
  };
  if (tuning.max_runtime_in_seconds !== undefined) config.ResourceLimits.MaxRuntimeInSeconds = tuning.max_runtime_in_seconds;
  // _map_tuning_config's order: RandomSeed before the objective, the ranges, StrategyConfig and the criteria.
  const ordered: CreateHyperParameterTuningJobRequest['HyperParameterTuningJobConfig'] = {
    Strategy: config.Strategy,
    ResourceLimits: config.ResourceLimits,
    TrainingJobEarlyStoppingType: config.TrainingJobEarlyStoppingType,
    ...(tuning.random_seed !== undefined ? { RandomSeed: tuning.random_seed } : {}),
    HyperParameterTuningJobObjective: config.HyperParameterTuningJobObjective,
    ParameterRanges: config.ParameterRanges,
  };
  if (tuning.strategy_config !== undefined) ordered.StrategyConfig = strategyConfig(tuning.strategy_config);
  if (tuning.completion_criteria_config !== undefined) ordered.TuningJobCompletionCriteria = completionCriteria(tuning.completion_criteria_config);

  const request: CreateHyperParameterTuningJobRequest = {
    HyperParameterTuningJobName: name,
    HyperParameterTuningJobConfig: ordered,
    ...(autotune ? { Autotune: { Mode: 'Enabled' as const } } : {}),
    TrainingJobDefinition: trainingJobDefinition(training, staticHyperparameters, metricDefinitions),
  };
  if (tuning.warm_start_config !== undefined) {
    request.WarmStartConfig = {
      WarmStartType: tuning.warm_start_config.warm_start_type,
      // WarmStartConfig keeps its parents as a set: a name written twice is sent once.
      ParentHyperParameterTuningJobs: [...new Set(tuning.warm_start_config.parents)].map((parent) => ({ HyperParameterTuningJobName: parent })),
    };
  }
  const tags = tuningTags(tuning, input.tuningValues?.tagValues, training.Tags);
  if (tags) request.Tags = tags;

  const plan: TuningJobPlan = {
    createHyperParameterTuningJob: request,
    uploads: trainingPlan.uploads,
    trainingPlan,
    notSent: notSentUnderTuning(input.spec),
  };
  if (trainingPlan.defaultBucket !== undefined) plan.defaultBucket = trainingPlan.defaultBucket;
  return plan;
}

/** `_map_training_config` over what `_Job._load_config` and `_prepare_training_config` take from the estimator. */
function trainingJobDefinition(
  training: CreateTrainingJobRequest,
  staticHyperparameters: Record<string, string>,
  metricDefinitions: MetricDefinition[] | undefined,
): TrainingJobDefinition {
  const resource = training.ResourceConfig;
  if (resource.InstancePreferences !== undefined) {
    throw new TrainingPlanError('tuning.instancePreferences', TUNING_INSTANCE_PREFERENCES_REFUSAL, { path: 'instance_preferences' });
  }
  if (resource.InstanceType === undefined || resource.InstanceCount === undefined) {
    // _prepare_hp_resource_config sends the estimator's instance_type and instance_count, which are None with instance_groups.
    throw new TrainingPlanError('tuning.instanceGroups', TUNING_INSTANCE_GROUPS_REFUSAL, { path: 'tuning' });
  }
  const definition: TrainingJobDefinition = {
    StaticHyperParameters: staticHyperparameters,
    RoleArn: training.RoleArn,
    OutputDataConfig: training.OutputDataConfig,
    StoppingCondition: training.StoppingCondition,
    // _prepare_hp_resource_config: only these four; keep-alive, training plan and placement are not sent.
    HyperParameterTuningResourceConfig: {
      ...(resource.VolumeKmsKeyId !== undefined ? { VolumeKmsKeyId: resource.VolumeKmsKeyId } : {}),
      InstanceCount: resource.InstanceCount,
      InstanceType: resource.InstanceType,
      VolumeSizeInGB: resource.VolumeSizeInGB,
    },
    // The tuner's metric_definitions, never the estimator's.
    AlgorithmSpecification: {
      TrainingInputMode: training.AlgorithmSpecification.TrainingInputMode,
      ...(metricDefinitions !== undefined ? { MetricDefinitions: metricDefinitions } : {}),
      TrainingImage: training.AlgorithmSpecification.TrainingImage,
    },
  };
  if (training.InputDataConfig !== undefined) definition.InputDataConfig = training.InputDataConfig;
  if (training.VpcConfig !== undefined) definition.VpcConfig = training.VpcConfig;
  if (training.EnableNetworkIsolation) definition.EnableNetworkIsolation = true;
  if (training.EnableInterContainerTrafficEncryption) definition.EnableInterContainerTrafficEncryption = true;
  if (training.EnableManagedSpotTraining) definition.EnableManagedSpotTraining = true;
  if (training.CheckpointConfig !== undefined) definition.CheckpointConfig = training.CheckpointConfig;
  if (training.RetryStrategy !== undefined) definition.RetryStrategy = training.RetryStrategy;
  if (training.Environment !== undefined) definition.Environment = training.Environment;
  return definition;
}

/** HyperparameterTuner.__init__'s refusals, and those of the SDK objects a job file writes as maps. */
function refuseTunerArguments(tuning: TuningSpec, ranges: Record<string, HyperparameterRange>, autotune: boolean): void {
  const hyperband = tuning.strategy_config?.hyperband_strategy_config;
  if (tuning.strategy_config !== undefined && (hyperband?.min_resource === undefined || hyperband.max_resource === undefined)) {
    const missing = hyperband?.min_resource === undefined ? 'min_resource' : 'max_resource';
    throw new TrainingPlanError(
      'tuning.hyperbandResources',
      `tuning.strategy_config.hyperband_strategy_config needs both min_resource and max_resource: the SDK's HyperbandStrategyConfig takes both (${missing} is missing). Give the fewest and the most epochs a trial may run.`,
      { path: `tuning.strategy_config.hyperband_strategy_config` },
    );
  }
  if (tuning.warm_start_config !== undefined && tuning.warm_start_config.parents.length === 0) {
    throw new TrainingPlanError(
      'tuning.warmStartParents',
      'tuning.warm_start_config.parents is empty: WarmStartConfig needs the names of one or more tuning jobs to start from. Name them, or remove warm_start_config.',
      { path: 'tuning.warm_start_config.parents' },
    );
  }
  if (Object.keys(ranges).length === 0 && !autotune) {
    throw new TrainingPlanError(
      'tuning.noRanges',
      'tuning.hyperparameter_ranges is empty: the SDK needs hyperparameter ranges or autotune: true ("Need to specify hyperparameter ranges or set autotune=True"). Add a range, e.g. learning_rate: {type: continuous, min_value: 1e-5, max_value: 1e-3, scaling_type: Logarithmic}.',
      { path: 'tuning.hyperparameter_ranges' },
    );
  }
  const keep = tuning.hyperparameters_to_keep_static;
  if (keep !== undefined && !autotune) {
    throw new TrainingPlanError(
      'tuning.keepStaticWithoutAutotune',
      'tuning.hyperparameters_to_keep_static is set but autotune is not: the SDK refuses it. Remove hyperparameters_to_keep_static (hyperparameters without a range are static anyway), or set autotune: true.',
      { path: 'tuning.hyperparameters_to_keep_static' },
    );
  }
  if (keep !== undefined && new Set(keep).size !== keep.length) {
    const twice = keep.find((k, i) => keep.indexOf(k) !== i);
    throw new TrainingPlanError('tuning.keepStaticDuplicate', `tuning.hyperparameters_to_keep_static names ${twice} twice: the SDK asks to remove duplicate names.`, {
      path: 'tuning.hyperparameters_to_keep_static',
      ...(twice !== undefined ? { value: twice } : {}),
    });
  }
}

/**
 * `_prepare_auto_parameters`: under Autotune only the names kept static stay static; every other
 * static hyperparameter becomes an AutoParameter with its value as the hint.
 */
function splitAutoParameters(
  staticHyperparameters: Record<string, string>,
  keep: string[] | undefined,
): { staticHyperparameters: Record<string, string>; autoParameters: Record<string, string> } {
  const kept = new Set(keep ?? []);
  const unknown = [...kept].filter((k) => !Object.prototype.hasOwnProperty.call(staticHyperparameters, k));
  if (unknown.length > 0) {
    throw new TrainingPlanError(
      'tuning.keepStaticUnknown',
      `tuning.hyperparameters_to_keep_static names ${unknown.join(', ')}, which ${unknown.length === 1 ? 'is' : 'are'} not among the estimator's hyperparameters (the SDK refuses: "Names in hyperparameters_to_keep_static must be members of estimator's hyperparameters"). Static ones are: ${Object.keys(staticHyperparameters).join(', ')}.`,
      { path: 'tuning.hyperparameters_to_keep_static', value: unknown[0]! },
    );
  }
  const out = { staticHyperparameters: {} as Record<string, string>, autoParameters: {} as Record<string, string> };
  for (const [key, value] of Object.entries(staticHyperparameters)) {
    if (kept.has(key)) out.staticHyperparameters[key] = value;
    else out.autoParameters[key] = value;
  }
  // Differs from the SDK, which sends them: the keys the SDK itself writes (where the code is, which
  // script, the job name) would be handed to Autotune as values to vary, and the container needs them as they are.
  const sdkKeys = Object.keys(out.autoParameters).filter(isSdkHyperparameter);
  if (sdkKeys.length > 0) {
    throw new TrainingPlanError(
      'tuning.autotuneSdkKeys',
      `With autotune, every hyperparameter not in tuning.hyperparameters_to_keep_static is handed to Autotune to vary, and that would include ${sdkKeys.join(', ')}, which the SDK writes for the container (where the code is, which script runs) and which must not change. Add ${sdkKeys.length === 1 ? 'it' : 'them'} to tuning.hyperparameters_to_keep_static.`,
      { path: 'tuning.hyperparameters_to_keep_static', value: sdkKeys[0]! },
    );
  }
  return out;
}

/**
 * The SDK sends the tuner's metric_definitions and no others: without one for the objective,
 * SageMaker refuses the job ("A metric is required for this hyperparameter tuning job objective").
 * The SDK sends it anyway; we refuse before anything is uploaded.
 */
function refuseUndefinedObjective(tuning: TuningSpec, spec: JobSpec): void {
  const defined = tuning.metric_definitions ?? [];
  if (defined.some((m) => m.Name === tuning.objective_metric_name)) return;
  const onEstimator = (spec.metric_definitions ?? []).find((m) => m.Name === tuning.objective_metric_name);
  const fix = onEstimator
    ? `The estimator's metric_definitions define it, but the tuner sends only its own: add it under tuning.metric_definitions (Name: ${onEstimator.Name}, Regex: ${JSON.stringify(onEstimator.Regex)}).`
    : `Add it under tuning.metric_definitions, with a Regex that captures its value from the training log (for the Trainer: ${JSON.stringify(`'${tuning.objective_metric_name}': ([0-9.eE+-]+)`)}).`;
  throw new TrainingPlanError(
    'tuning.objectiveMetricUndefined',
    `The objective metric ${tuning.objective_metric_name} is not defined by tuning.metric_definitions, so SageMaker would refuse the tuning job ("A metric is required for this hyperparameter tuning job objective"). ${fix}`,
    { path: tuning.metric_definitions === undefined ? 'tuning.objective_metric_name' : 'tuning.metric_definitions', value: tuning.objective_metric_name },
  );
}

/**
 * A categorical value as the SDK sends it for a Framework estimator, and so as a trial receives it:
 * CategoricalParameter keeps `str(v)` and as_json_range sends `json.dumps` of that string (`adamw` →
 * `"adamw"`, `1` → `"1"`, `true` → `"True"`).
 */
export function categoricalRangeValue(v: string | number | boolean): string {
  return pythonJsonString(pythonStrOfParsed(v));
}

/**
 * `_prepare_parameter_ranges_for_tuning`: Continuous, Categorical, Integer; categorical values JSON-encoded
 * for a Framework estimator. `encoded`: the values as the file wrote them (a `1.0` needs its YAML node).
 */
export function parameterRangesRequest(ranges: Record<string, HyperparameterRange>, encoded: EncodedTuningValues | undefined): ParameterRangesRequest {
  const out: ParameterRangesRequest = { ContinuousParameterRanges: [], CategoricalParameterRanges: [], IntegerParameterRanges: [] };
  for (const type of RANGE_TYPES) {
    for (const [name, range] of Object.entries(ranges)) {
      if (range.type !== type) continue;
      const written = encoded?.ranges[name];
      if (range.type === 'categorical') {
        // CategoricalParameter keeps str(v); as_json_range sends json.dumps of that string.
        out.CategoricalParameterRanges.push({ Name: name, Values: written?.values ? written.values.map(pythonJsonString) : range.values.map(categoricalRangeValue) });
      } else {
        const target = range.type === 'continuous' ? out.ContinuousParameterRanges : out.IntegerParameterRanges;
        target.push({
          Name: name,
          MinValue: written?.min_value ?? pythonStrOfParsed(range.min_value),
          MaxValue: written?.max_value ?? pythonStrOfParsed(range.max_value),
          ScalingType: range.scaling_type ?? 'Auto',
        });
      }
    }
  }
  return out;
}

/** StrategyConfig(HyperbandStrategyConfig(...)).to_input_req(): MinResource first. */
function strategyConfig(config: NonNullable<TuningSpec['strategy_config']>): NonNullable<CreateHyperParameterTuningJobRequest['HyperParameterTuningJobConfig']['StrategyConfig']> {
  const hyperband = config.hyperband_strategy_config;
  return { HyperbandStrategyConfig: { MinResource: hyperband.min_resource!, MaxResource: hyperband.max_resource! } };
}

/** TuningJobCompletionCriteriaConfig.to_input_req(), in its order. */
function completionCriteria(config: NonNullable<TuningSpec['completion_criteria_config']>): TuningCompletionCriteria {
  const out: TuningCompletionCriteria = {};
  if (config.max_number_of_training_jobs_not_improving !== undefined && config.max_number_of_training_jobs_not_improving !== null) {
    out.BestObjectiveNotImproving = { MaxNumberOfTrainingJobsNotImproving: config.max_number_of_training_jobs_not_improving };
  }
  if (config.target_objective_metric_value !== undefined && config.target_objective_metric_value !== null) out.TargetObjectiveMetricValue = config.target_objective_metric_value;
  if (config.complete_on_convergence !== undefined && config.complete_on_convergence !== null) {
    out.ConvergenceDetected = { CompleteOnConvergence: config.complete_on_convergence ? 'Enabled' : 'Disabled' };
  }
  return out;
}

/** `_prepare_tags_for_tuning`: the tuner's tags, then each of the estimator's not already among them. */
function tuningTags(
  tuning: TuningSpec,
  strValues: Record<string, string> | undefined,
  estimatorTags: CreateTrainingJobRequest['Tags'],
): Array<{ Key: string; Value: string }> | undefined {
  let tags: Array<{ Key: string; Value: string }> | undefined;
  if (tuning.tags !== undefined) {
    tags = Array.isArray(tuning.tags) ? [...tuning.tags] : Object.entries(tuning.tags).map(([Key, v]) => ({ Key, Value: strValues?.[Key] ?? pythonStrOfParsed(v) }));
  }
  if (estimatorTags && estimatorTags.length > 0) {
    tags ??= [];
    for (const tag of estimatorTags) {
      if (!tags.some((t) => t.Key === tag.Key && t.Value === tag.Value)) tags.push(tag);
    }
  }
  return tags;
}

/**
 * The job file's settings that CreateTrainingJob would carry but the SDK's tuner does not put in
 * TrainingJobDefinition (the API's TrainingJobDefinition has no place for most of them): said in the
 * plan so nobody expects them on the trials.
 */
function notSentUnderTuning(spec: JobSpec): NotSentUnderTuning[] {
  const notSent: NotSentUnderTuning[] = [];
  const say = (path: keyof JobSpec, why: string) => {
    if (spec[path] !== undefined) notSent.push({ path, why });
  };
  say('metric_definitions', "the tuner sends tuning.metric_definitions only; the trials' metrics are those");
  say('keep_alive_period_in_seconds', 'the tuner sends instance count, type, volume size and volume key only (no warm pools for tuning trials)');
  say('training_plan', 'the tuner sends instance count, type, volume size and volume key only');
  say('instance_placement_config', 'the tuner sends instance count, type, volume size and volume key only');
  for (const key of ['debugger_hook_config', 'rules', 'profiler_config', 'tensorboard_output_config'] as const)
    say(key, 'the tuner sends no Debugger, profiler or TensorBoard configuration');
  say('enable_sagemaker_metrics', 'the tuner does not send EnableSageMakerMetricsTimeSeries');
  say('container_entry_point', 'the tuner sends only the input mode, image and metric definitions of the algorithm');
  say('container_arguments', 'the tuner sends only the input mode, image and metric definitions of the algorithm');
  say('training_repository_access_mode', 'the tuner sends only the input mode, image and metric definitions of the algorithm');
  say('training_repository_credentials_provider_arn', 'the tuner sends only the input mode, image and metric definitions of the algorithm');
  say('enable_infra_check', 'the tuner does not send InfraCheckConfig');
  say('enable_remote_debug', 'the tuner does not send RemoteDebugConfig');
  say('enable_session_tag_chaining', 'the tuner does not send SessionChainingConfig');
  say('tags', "the estimator's tags go on the tuning job (after the tuner's), not on each trial");
  return notSent;
}
