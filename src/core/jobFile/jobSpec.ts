/**
 * The job file's data model: the `HuggingFace` estimator's keyword arguments, in snake_case, as a
 * user would carry them over from a notebook. The JSON schema (schemas/sagemaker-job.schema.json)
 * is the authority on what is allowed; this type mirrors it for the code that reads a file that
 * has already been validated.
 */

import type { DebuggerHookConfigArg, ProfilerConfigArg, RuleArg, TensorBoardOutputConfigArg } from '../sagemaker/debugger';
import type { Distribution } from '../sagemaker/distribution';
import type { CompilerConfigArg } from '../sagemaker/trainingCompiler';
import type { InstanceGroupArg } from '../sagemaker/instanceGroups';
import type { HyperparameterValue } from '../sagemaker/hyperparameters';
import type { InstancePreferenceArg } from '../sagemaker/instancePreferences';
import type { TuningSpec } from '../sagemaker/tuningSpec';

// Owned by the SageMaker concept modules; re-exported for the code that reads a JobSpec.
export type { Distribution, MpiDistribution, SmDataParallel, SmModelParallel } from '../sagemaker/distribution';
export type { HyperparameterValue } from '../sagemaker/hyperparameters';
export type { DebuggerHookConfigArg, ProfilerConfigArg, RuleArg, TensorBoardOutputConfigArg } from '../sagemaker/debugger';
export type { CompilerConfigArg } from '../sagemaker/trainingCompiler';
export type { InstancePreferenceArg } from '../sagemaker/instancePreferences';
export type { InstanceGroupArg } from '../sagemaker/instanceGroups';
export type { HyperparameterRange, TuningSpec } from '../sagemaker/tuningSpec';

export interface GitConfig {
  repo: string;
  branch?: string;
  commit?: string;
  /** Values may be `${env:NAME}` references; never written out in clear. */
  token?: string;
  username?: string;
  password?: string;
  '2FA_enabled'?: boolean;
}

/** One input channel, as the SDK's `TrainingInput` takes it. */
export interface ChannelInput {
  s3_data: string;
  distribution?: 'FullyReplicated' | 'ShardedByS3Key';
  input_mode?: 'File' | 'Pipe' | 'FastFile';
  content_type?: string;
  compression?: 'None' | 'Gzip';
  record_wrapping?: 'None' | 'RecordIO';
  s3_data_type?: 'S3Prefix' | 'ManifestFile' | 'AugmentedManifestFile';
  attribute_names?: string[];
  shuffle_seed?: number;
  /** S3DataSource.InstanceGroupNames: the job's instance groups that receive the channel (core/sagemaker/channels.ts). */
  instance_groups?: string[];
  /** S3DataSource.ModelAccessConfig, as the SDK passes the dict: the API's own shape. */
  model_access_config?: { AcceptEula: boolean };
  /** S3DataSource.HubAccessConfig, as the SDK passes the dict: the API's own shape. */
  hub_access_config?: { HubContentArn: string };
}

export interface MetricDefinition {
  Name: string;
  Regex: string;
}

export interface JobSpec {
  entry_point: string;
  source_dir?: string;
  git_config?: GitConfig;
  dependencies?: string[];
  /** Exactly one of instance_type, instance_groups and instance_preferences says where the job runs. */
  instance_type?: string;
  instance_count?: number;
  /**
   * Beyond SDK v2.257.6: ResourceConfig.InstancePreferences, the types SageMaker picks from by
   * capacity, in order (core/sagemaker/instancePreferences.ts owns the rules).
   */
  instance_preferences?: InstancePreferenceArg[];
  transformers_version?: string;
  pytorch_version?: string;
  tensorflow_version?: string;
  py_version?: string;
  image_uri?: string;
  role: string;
  region?: string;
  hyperparameters?: Record<string, HyperparameterValue>;
  distribution?: Distribution;
  /** A bare string is the `training` channel, as in `estimator.fit("s3://…")`. */
  inputs?: string | Record<string, string | ChannelInput>;
  output_path?: string;
  code_location?: string;
  base_job_name?: string;
  volume_size?: number;
  max_run?: number;
  use_spot_instances?: boolean;
  max_wait?: number;
  checkpoint_s3_uri?: string;
  checkpoint_local_path?: string;
  environment?: Record<string, string>;
  /** A map's values may be numbers or booleans: the SDK sends `str()` of them. */
  tags?: Array<{ Key: string; Value: string }> | Record<string, string | number | boolean>;
  subnets?: string[];
  security_group_ids?: string[];
  metric_definitions?: MetricDefinition[];
  enable_network_isolation?: boolean;
  encrypt_inter_container_traffic?: boolean;
  disable_profiler?: boolean;
  keep_alive_period_in_seconds?: number;
  max_retry_attempts?: number;
  output_kms_key?: string;
  volume_kms_key?: string;
  container_log_level?: number | string;
  disable_output_compression?: boolean;
  /** Sent as AlgorithmSpecification.EnableSageMakerMetricsTimeSeries; the HuggingFace estimator's default is true. */
  enable_sagemaker_metrics?: boolean;
  /** The job's TrainingInputMode, for every channel without its own input_mode. */
  input_mode?: 'File' | 'Pipe' | 'FastFile';
  enable_remote_debug?: boolean;
  enable_infra_check?: boolean;
  /** AlgorithmSpecification.ContainerEntrypoint: replaces the image's entry point (and with it the training toolkit). */
  container_entry_point?: string[];
  /** AlgorithmSpecification.ContainerArguments. */
  container_arguments?: string[];
  enable_session_tag_chaining?: boolean;
  training_repository_access_mode?: 'Platform' | 'Vpc';
  /** Sent only together with training_repository_access_mode (as the SDK does). */
  training_repository_credentials_provider_arn?: string;
  /** A model artifact sent as one more channel (model_channel_name), after the inputs' channels. */
  model_uri?: string;
  model_channel_name?: string;
  /** ResourceConfig.TrainingPlanArn. */
  training_plan?: string;
  /** ResourceConfig.InstancePlacementConfig, the SDK's dict in the API's keys, sent as written. */
  instance_placement_config?: { EnableMultipleJobs?: boolean; PlacementSpecifications?: Array<{ UltraServerId?: string; InstanceCount: number }> };
  /** Debugger and profiler rules: `Rule.custom(...)` / `ProfilerRule.custom(...)` keyword arguments, chosen by `rule:`. */
  rules?: RuleArg[];
  /** `true`/`false`, or `DebuggerHookConfig(...)` keyword arguments. */
  debugger_hook_config?: boolean | DebuggerHookConfigArg;
  tensorboard_output_config?: TensorBoardOutputConfigArg;
  profiler_config?: ProfilerConfigArg;
  /** SageMaker Training Compiler: `TrainingCompilerConfig(**compiler_config)`. */
  compiler_config?: CompilerConfigArg;
  /** Not an estimator argument: the expected wall time, used only for the cost estimate. */
  expected_run?: number;
  /** Not sent to SageMaker: the budget in USD that plan, Launch and the running job's watch hold the job to. */
  max_cost_usd?: number;
  /** Not an estimator argument: a hyperparameter tuning job over this estimator (`HyperparameterTuner` keyword arguments). */
  tuning?: TuningSpec;
  /** A heterogeneous cluster: `[InstanceGroup(**item) for item in instance_groups]`, instead of instance_type and instance_count. */
  instance_groups?: InstanceGroupArg[];
}
