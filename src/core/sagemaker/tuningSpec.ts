/**
 * A job file's `tuning:` block: the keyword arguments of the SageMaker Python SDK's
 * `HyperparameterTuner` (v2.257.6), in snake_case, with the SDK objects written as maps of their own
 * keyword arguments. The rest of the job file is the estimator. The JSON schema is the authority on
 * what is allowed; this type mirrors it for code that reads a file that has already been validated.
 */

/** `scaling_type` of ContinuousParameter / IntegerParameter (the SDK's default is `Auto`). */
export type RangeScalingType = 'Auto' | 'Linear' | 'Logarithmic' | 'ReverseLogarithmic';

/** `ContinuousParameter(min_value, max_value, scaling_type)`. */
export interface ContinuousRange {
  type: 'continuous';
  min_value: number;
  max_value: number;
  scaling_type?: RangeScalingType;
}

/** `IntegerParameter(min_value, max_value, scaling_type)`. */
export interface IntegerRange {
  type: 'integer';
  min_value: number;
  max_value: number;
  scaling_type?: RangeScalingType;
}

/** `CategoricalParameter(values)`. */
export interface CategoricalRange {
  type: 'categorical';
  values: Array<string | number | boolean>;
}

export type HyperparameterRange = ContinuousRange | IntegerRange | CategoricalRange;

export type TuningStrategy = 'Bayesian' | 'Random' | 'Hyperband' | 'Grid';

/** `WarmStartConfig(warm_start_type=WarmStartTypes(...), parents={...})`. */
export interface WarmStartConfigArg {
  warm_start_type: 'IdenticalDataAndAlgorithm' | 'TransferLearning';
  parents: string[];
}

/** `StrategyConfig(hyperband_strategy_config=HyperbandStrategyConfig(...))`. */
export interface StrategyConfigArg {
  hyperband_strategy_config: { min_resource?: number; max_resource?: number };
}

/** `TuningJobCompletionCriteriaConfig(...)`. */
export interface CompletionCriteriaConfigArg {
  max_number_of_training_jobs_not_improving?: number;
  complete_on_convergence?: boolean;
  target_objective_metric_value?: number;
}

export interface TuningSpec {
  objective_metric_name: string;
  /** The SDK's default is `Maximize`. */
  objective_type?: 'Maximize' | 'Minimize';
  hyperparameter_ranges: Record<string, HyperparameterRange>;
  /** The tuner's own, and the only ones the tuning job gets: SDK v2.257.6 does not fall back to the estimator's (checked with the oracle; core/sagemaker/tuning.ts). */
  metric_definitions?: Array<{ Name: string; Regex: string }>;
  /** The SDK's default is `Bayesian`. */
  strategy?: TuningStrategy;
  strategy_config?: StrategyConfigArg;
  max_jobs?: number;
  /** The SDK's default is 1. */
  max_parallel_jobs?: number;
  max_runtime_in_seconds?: number;
  /** The SDK's default is `Off`. */
  early_stopping_type?: 'Off' | 'Auto';
  base_tuning_job_name?: string;
  warm_start_config?: WarmStartConfigArg;
  completion_criteria_config?: CompletionCriteriaConfigArg;
  random_seed?: number;
  autotune?: boolean;
  hyperparameters_to_keep_static?: string[];
  /** As the estimator's `tags`: a list of {Key, Value} or a map. */
  tags?: Array<{ Key: string; Value: string }> | Record<string, string | number | boolean>;
}
