/**
 * Job file → the CreateTrainingJob request SageMaker Python SDK v2.257 sends for the same
 * `HuggingFace(...)` estimator and `fit()` (estimator.py `_prepare_for_training`,
 * `_TrainingJob._get_train_args`; job.py `_Job._load_config`; session.py `_get_train_request`),
 * plus the source archive upload `fit()` performs first.
 *
 * Pure: the clock, region, account and any IAM/git results come in through `context`; the
 * caller does the S3 and SageMaker calls. Field order follows the SDK's request dict, so a JSON
 * dump of our request diffs cleanly with the one boto3 logs.
 */
import * as path from 'node:path';
import { regionPartition, resolveTrainingImage } from '../catalog/huggingfaceImages';
import { resolveTrainingCompilerImage } from '../catalog/trainingCompilerImages';
import type { ChannelInput, JobSpec, MetricDefinition } from '../jobFile/jobSpec';
import { containerLogLevel } from '../sagemaker/containerLogLevel';
import { debuggerRefusals, debuggerRequestFields } from '../sagemaker/debugger';
import type { DebuggerRequestFields } from '../sagemaker/debugger';
import { sdkDistributionHyperparameters, sdkDistributionRefusals } from '../sagemaker/distribution';
import { encodeHyperparameter } from '../sagemaker/hyperparameters';
import { instanceCandidates, instancePreferenceFindings, resourceInstanceFields, specOnCandidate, usesInstancePreferences } from '../sagemaker/instancePreferences';
import type { InstancePreferenceRequest } from '../sagemaker/instancePreferences';
import { secretValueKind } from '../sagemaker/secrets';
import { trainingCompilerFindings, trainingCompilerHyperparameters } from '../sagemaker/trainingCompiler';
import { instanceGroupRefusals, instanceGroupsRequest } from '../sagemaker/instanceGroups';
import { channelRefusals, trainingInputConfig } from '../sagemaker/channels';
import type { InstanceGroupRequest } from '../sagemaker/instanceGroups';
import { trainingJobName } from './jobName';
import { TrainingPlanError } from './trainingPlanError';
import type { TrainingPlanErrorCode } from './trainingPlanError';

export interface S3DataSource {
  S3DataType: string;
  S3Uri: string;
  S3DataDistributionType?: string;
  InstanceGroupNames?: string[];
  AttributeNames?: string[];
  HubAccessConfig?: { HubContentArn: string };
  ModelAccessConfig?: { AcceptEula: boolean };
}

export interface TrainingChannel {
  DataSource: { S3DataSource: S3DataSource };
  CompressionType?: string;
  ContentType?: string;
  RecordWrapperType?: string;
  InputMode?: string;
  ShuffleConfig?: { Seed: number };
  ChannelName: string;
}

/** CreateTrainingJob's request, in the SDK's PascalCase; only the fields a Hugging Face job file can set. */
export interface CreateTrainingJobRequest {
  AlgorithmSpecification: {
    TrainingInputMode: 'File' | 'Pipe' | 'FastFile';
    TrainingImage: string;
    TrainingImageConfig?: { TrainingRepositoryAccessMode: 'Platform' | 'Vpc'; TrainingRepositoryAuthConfig?: { TrainingRepositoryCredentialsProviderArn: string } };
    ContainerEntrypoint?: string[];
    ContainerArguments?: string[];
    MetricDefinitions?: MetricDefinition[];
    EnableSageMakerMetricsTimeSeries?: boolean;
  };
  InfraCheckConfig?: { EnableInfraCheck: boolean };
  OutputDataConfig: { S3OutputPath: string; KmsKeyId?: string; CompressionType?: 'NONE' };
  TrainingJobName: string;
  StoppingCondition: { MaxRuntimeInSeconds: number; MaxWaitTimeInSeconds?: number };
  ResourceConfig: {
    VolumeSizeInGB: number;
    VolumeKmsKeyId?: string;
    KeepAlivePeriodInSeconds?: number;
    /** Absent with InstanceGroups, and when every instance preference carries its own count. */
    InstanceCount?: number;
    /** Absent when InstanceGroups or InstancePreferences is sent instead. */
    InstanceType?: string;
    InstanceGroups?: InstanceGroupRequest[];
    /** Beyond SDK v2.257.6 (instance_preferences): the API's ResourceConfig.InstancePreferences. */
    InstancePreferences?: InstancePreferenceRequest[];
    TrainingPlanArn?: string;
    InstancePlacementConfig?: JobSpec['instance_placement_config'];
  };
  RoleArn: string;
  InputDataConfig?: TrainingChannel[];
  HyperParameters?: Record<string, string>;
  Environment?: Record<string, string>;
  Tags?: Array<{ Key: string; Value: string }>;
  VpcConfig?: { Subnets: string[]; SecurityGroupIds: string[] };
  EnableNetworkIsolation?: boolean;
  EnableInterContainerTrafficEncryption?: boolean;
  EnableManagedSpotTraining?: boolean;
  CheckpointConfig?: { S3Uri: string; LocalPath?: string };
  DebugRuleConfigurations?: DebuggerRequestFields['DebugRuleConfigurations'];
  DebugHookConfig?: DebuggerRequestFields['DebugHookConfig'];
  TensorBoardOutputConfig?: DebuggerRequestFields['TensorBoardOutputConfig'];
  ProfilerRuleConfigurations?: DebuggerRequestFields['ProfilerRuleConfigurations'];
  ProfilerConfig?: DebuggerRequestFields['ProfilerConfig'];
  RemoteDebugConfig?: { EnableRemoteDebug: boolean };
  SessionChainingConfig?: { EnableSessionTagChaining: boolean };
  RetryStrategy?: { MaximumRetryAttempts: number };
}

/** The `sourcedir.tar.gz` that `fit()` builds and uploads before CreateTrainingJob (fw_utils.py `tar_and_upload_dir`). */
export interface SourceArchiveUpload {
  /**
   * What goes into the archive: a directory whose top-level entries become the archive root, or,
   * without `source_dir`, the entry point file alone. Relative to the job file's folder unless
   * `context.baseDir` or a git clone made it absolute.
   */
  from: string;
  fromKind: 'directory' | 'file';
  /** The estimator's `dependencies`, each added at the archive root under its base name. */
  dependencies: string[];
  /** `s3://{bucket}/{key}`. */
  to: string;
  bucket: string;
  key: string;
  /** PutObject arguments the SDK passes to `upload_file`. */
  extraArgs: { ServerSideEncryption: 'aws:kms'; SSEKMSKeyId?: string; ExpectedBucketOwner?: string };
  /** Present when `from` lies in a `git_config` repository not cloned yet (a preview): the path is inside the repo. */
  git?: { repo: string; branch?: string; commit?: string };
}

export interface TrainingPlanContext {
  /** The session's region (the caller picks `spec.region`, else the profile's). */
  region: string;
  /** The caller's account (STS GetCallerIdentity): names the default bucket. */
  accountId: string;
  now: Date;
  /** `fit(job_name=…)`: used as is. */
  jobName?: string;
  /** The ARN IAM returned for a bare role name; without it the ARN is built offline. */
  roleArn?: string;
  /** Where `git_config.repo` was cloned (and checked out) on this machine. */
  sourceDirIsGit?: { repo: string };
  /** Folder the job file's relative paths are relative to; when set, `from` and dependencies are absolute. */
  baseDir?: string;
  /**
   * The plan is for a run on this machine (Run Locally, `launch --local`), which takes the request's
   * hyperparameters and image: `instance_type: local` and `local_gpu` are accepted, as the SDK's
   * local mode accepts them. Without it they are refused, since SageMaker has no such instance type.
   */
  localRun?: boolean;
}

export interface TrainingJobPlanInput {
  spec: JobSpec;
  /** The user's hyperparameters, already `json.dumps`-encoded from the YAML (`encodeHyperparameters`). */
  hyperparameters: Record<string, string>;
  /**
   * `json.dumps` of `distribution.smdistributed.modelparallel.parameters` encoded from the YAML
   * (`encodeJobFileValues`), so `1.0` stays a float; otherwise encoded from the spec's values.
   */
  modelParallelParameters?: string;
  /** Python's `str()` of each `tags:` map value made from the YAML nodes (`encodeJobFileValues`), so `1.0` stays "1.0". */
  tagValues?: Record<string, string>;
  /** Python's `str()` of each profiler rule `base_config` argument, by `rules` index (`encodeJobFileValues`), so `60.0` stays "60.0". */
  ruleParameterValues?: Array<Record<string, string> | undefined>;
  context: TrainingPlanContext;
}

export interface TrainingJobPlan {
  createTrainingJob: CreateTrainingJobRequest;
  uploads: SourceArchiveUpload[];
  /** Set when the SDK would use (and create if missing) `sagemaker-{region}-{account}`. */
  defaultBucket?: string;
}

const DEFAULT_VOLUME_SIZE_GB = 30;
const DEFAULT_MAX_RUN_SECONDS = 24 * 60 * 60;
const CODE_CHANNEL = 'code';
const CODE_CHANNEL_SUBMIT_DIR = '/opt/ml/input/data/code/sourcedir.tar.gz';
const SOURCE_ARCHIVE = 'sourcedir.tar.gz';

/** Everything `HuggingFace(**spec).fit(inputs)` would upload and send, without doing it. */
export function buildTrainingJobPlan(input: TrainingJobPlanInput): TrainingJobPlan {
  const { spec, context } = input;
  const region = context.region;
  if ((spec.instance_type === 'local' || spec.instance_type === 'local_gpu') && !context.localRun) {
    throw new TrainingPlanError(
      'instanceType.local',
      `instance_type ${spec.instance_type} runs the job on this machine; SageMaker has no such instance type. Run it with \`sagemaker-hf launch FILE --local\` (or Run Locally in the editor), or pick an ml.* instance type (e.g. ml.g5.xlarge) to train on SageMaker.`,
      { path: 'instance_type', value: spec.instance_type },
    );
  }
  const partition = regionPartition(region);
  if (!partition) {
    throw new TrainingPlanError('region.unknown', `"${region}" is not an AWS region name (expected something like us-east-1).`, { path: 'region', value: region });
  }

  // instance_preferences (beyond the SDK): what CreateTrainingJob would refuse about it.
  const preferenceRefusal = instancePreferenceFindings(spec)[0];
  if (preferenceRefusal) {
    throw new TrainingPlanError(preferenceRefusal.code as TrainingPlanErrorCode, preferenceRefusal.message, { path: preferenceRefusal.path.join('.') });
  }
  // The SDK's checks of one instance_type hold for every type SageMaker may pick: each preference is
  // checked as if it were the job's instance_type, and refusals about it name its place in the list.
  const candidates = instanceCandidates(spec);
  const checked = usesInstancePreferences(spec) ? candidates.map((c) => ({ spec: specOnCandidate(spec, c), path: c.path.join('.') })) : [{ spec, path: 'instance_type' }];
  const where = (refusalPath: ReadonlyArray<string | number>, candidatePath: string) => (refusalPath[0] === 'instance_type' ? candidatePath : refusalPath.join('.'));
  for (const one of checked) {
    // HuggingFace.__init__ (validate_distribution) and fit() (_distribution_configuration) raise these.
    const refusal = sdkDistributionRefusals(one.spec)[0];
    if (refusal)
      throw new TrainingPlanError(refusal.code, refusal.message, { path: where(refusal.path, one.path), ...(refusal.value !== undefined ? { value: refusal.value } : {}) });

    // HuggingFace.__init__ then runs TrainingCompilerConfig.validate.
    const compilerRefusal = trainingCompilerFindings(one.spec).find((f) => f.severity === 'error');
    if (compilerRefusal) throw new TrainingPlanError(compilerRefusal.code as TrainingPlanErrorCode, compilerRefusal.message, { path: where(compilerRefusal.path, one.path) });
  }
  // What the SDK derives from the one instance type (profiler, distribution hyperparameters) uses the
  // first preference, the type SageMaker takes whenever it has capacity.
  const sdkSpec = checked[0]?.spec ?? spec;

  // fit(): the image's instance type (_get_instance_type) and the ResourceConfig (_prepare_resource_config).
  const groupRefusal = instanceGroupRefusals(spec)[0];
  if (groupRefusal) throw new TrainingPlanError(groupRefusal.code, groupRefusal.message, { path: groupRefusal.path.join('.') });
  // Not the SDK's: boto3 refuses target_attribute_name's field; the SDK sends a channel's instance_groups as written,
  // but groups the job does not have cannot receive a channel.
  const channelRefusal = channelRefusals(spec)[0];
  if (channelRefusal)
    throw new TrainingPlanError(channelRefusal.code, channelRefusal.message, {
      path: channelRefusal.path.join('.'),
      ...(channelRefusal.value !== undefined ? { value: channelRefusal.value } : {}),
      ...(channelRefusal.suggestion !== undefined ? { suggestions: [channelRefusal.suggestion] } : {}),
    });

  const image = trainingImage(spec, region);
  for (const one of checked) {
    // EstimatorBase._prepare_for_training (rules, Debugger hook, profiler) raises these in fit().
    const debuggerRefusal = debuggerRefusals(one.spec, region)[0];
    if (debuggerRefusal) throw new TrainingPlanError(debuggerRefusal.code, debuggerRefusal.message, { path: where(debuggerRefusal.path, one.path) });
  }
  const jobName = trainingJobName({ jobName: context.jobName, baseJobName: spec.base_job_name, image, now: context.now });

  // _prepare_for_training: output_path defaults to the default bucket, which the SDK then creates.
  const defaultBucket = `sagemaker-${region}-${context.accountId}`;
  const outputDefaulted = spec.output_path === undefined;
  const outputPath = spec.output_path ?? s3PathJoin(['s3://', defaultBucket], true);
  const outputBucket = parseS3Url(outputPath, 'output_path').bucket;

  const code = stageSourceCode(spec, context, { jobName, outputPath, outputBucket, outputDefaulted, defaultBucket });
  const networkIsolation = spec.enable_network_isolation === true;

  refuseSecrets(input.hyperparameters);
  // Framework._script_mode_hyperparam_update, then HuggingFace.hyperparameters() adds the distribution keys.
  const hyperParameters: Record<string, string> = { ...input.hyperparameters };
  hyperParameters.sagemaker_submit_directory = encodeHyperparameter(networkIsolation ? CODE_CHANNEL_SUBMIT_DIR : code.submitDirectory);
  hyperParameters.sagemaker_program = encodeHyperparameter(code.scriptName);
  hyperParameters.sagemaker_container_log_level = encodeHyperparameter(logLevel(spec.container_log_level));
  hyperParameters.sagemaker_job_name = encodeHyperparameter(jobName);
  hyperParameters.sagemaker_region = encodeHyperparameter(region);
  const distributionContext = {
    instanceType: sdkSpec.instance_type,
    instanceGroups: spec.instance_groups,
    ...(input.modelParallelParameters !== undefined ? { modelParallelParameters: input.modelParallelParameters } : {}),
  };
  for (const [key, value] of sdkDistributionHyperparameters(spec.distribution, distributionContext)) {
    hyperParameters[key] = value;
  }
  for (const [key, value] of trainingCompilerHyperparameters(spec.compiler_config)) hyperParameters[key] = value;

  const channels = inputChannels(spec.inputs);
  // job.py _Job._load_config: model_uri is one more channel after the user's, before the code channel.
  if (spec.model_uri) {
    const name = spec.model_channel_name ?? 'model';
    if (channels.some((c) => c.ChannelName === name)) {
      throw new TrainingPlanError(
        'inputs.duplicateChannel',
        `model_uri is sent as the input channel "${name}", which inputs already has; set model_channel_name to another name.`,
        { path: spec.model_channel_name !== undefined ? 'model_channel_name' : 'model_uri' },
      );
    }
    channels.push(s3Channel(name, { s3_data: requireS3Input(spec.model_uri, 'model_uri'), content_type: 'application/x-sagemaker-model', input_mode: 'File' }));
  }
  if (networkIsolation) {
    if (channels.some((c) => c.ChannelName === CODE_CHANNEL)) {
      throw new TrainingPlanError('inputs.duplicateChannel', 'With enable_network_isolation the code travels in an input channel named "code"; rename your "code" input channel.', {
        path: 'inputs.code',
      });
    }
    channels.push(s3Channel(CODE_CHANNEL, { s3_data: code.submitDirectory }));
  }

  const request: CreateTrainingJobRequest = {
    // _TrainingJob._get_train_args: the estimator's input_mode (a dict of channels never overrides it).
    AlgorithmSpecification: {
      TrainingInputMode: spec.input_mode ?? 'File',
      TrainingImage: image,
      ...trainingImageConfig(spec),
      ...(spec.container_entry_point !== undefined ? { ContainerEntrypoint: spec.container_entry_point } : {}),
      ...(spec.container_arguments !== undefined ? { ContainerArguments: spec.container_arguments } : {}),
    },
    OutputDataConfig: { S3OutputPath: outputPath },
    TrainingJobName: jobName,
    StoppingCondition: { MaxRuntimeInSeconds: spec.max_run ?? DEFAULT_MAX_RUN_SECONDS },
    ResourceConfig: {
      VolumeSizeInGB: spec.volume_size ?? DEFAULT_VOLUME_SIZE_GB,
      ...(spec.volume_kms_key !== undefined ? { VolumeKmsKeyId: spec.volume_kms_key } : {}),
      ...(spec.keep_alive_period_in_seconds !== undefined ? { KeepAlivePeriodInSeconds: spec.keep_alive_period_in_seconds } : {}),
      // job.py _prepare_resource_config: the groups, or the type and count; or (beyond the SDK) the preferences.
      ...(spec.instance_groups !== undefined ? { InstanceGroups: instanceGroupsRequest(spec.instance_groups) } : resourceInstanceFields(spec)),
      ...(spec.training_plan !== undefined ? { TrainingPlanArn: spec.training_plan } : {}),
      ...(spec.instance_placement_config !== undefined ? { InstancePlacementConfig: spec.instance_placement_config } : {}),
    },
    RoleArn: roleArn(spec.role, context, partition.partition),
  };
  // session.py _get_train_request puts InfraCheckConfig right after the six fields every request has.
  if (spec.enable_infra_check !== undefined) request.InfraCheckConfig = { EnableInfraCheck: spec.enable_infra_check };
  if (spec.output_kms_key !== undefined) request.OutputDataConfig.KmsKeyId = spec.output_kms_key;
  if (spec.disable_output_compression) request.OutputDataConfig.CompressionType = 'NONE';
  if (spec.max_wait) request.StoppingCondition.MaxWaitTimeInSeconds = spec.max_wait;

  // `inputs: {}` still sends an (empty) InputDataConfig, as the SDK's `input_config is not None` does.
  if (channels.length > 0 || (spec.inputs !== undefined && spec.inputs !== null)) request.InputDataConfig = channels;
  if (spec.metric_definitions !== undefined) request.AlgorithmSpecification.MetricDefinitions = spec.metric_definitions;
  // The HuggingFace estimator turns SageMaker metrics on unless enable_sagemaker_metrics is given.
  request.AlgorithmSpecification.EnableSageMakerMetricsTimeSeries = spec.enable_sagemaker_metrics ?? true;
  request.HyperParameters = hyperParameters;
  if (spec.environment !== undefined) request.Environment = spec.environment;
  if (spec.tags !== undefined) request.Tags = tagList(spec.tags, input.tagValues);
  const vpc = vpcConfig(spec);
  if (vpc) request.VpcConfig = vpc;
  if (networkIsolation) request.EnableNetworkIsolation = true;
  if (spec.encrypt_inter_container_traffic) request.EnableInterContainerTrafficEncryption = true;
  if (spec.use_spot_instances) request.EnableManagedSpotTraining = true;
  if (spec.checkpoint_s3_uri) {
    request.CheckpointConfig = { S3Uri: spec.checkpoint_s3_uri };
    if (spec.checkpoint_local_path) request.CheckpointConfig.LocalPath = spec.checkpoint_local_path;
  }
  // Debugger's hook is on by default where the region has Debugger. Framework drops it for
  // checkpointing + distributed jobs only for mxnet/pytorch/tensorflow estimators; HuggingFace's
  // framework name is "huggingface", so a Hugging Face job keeps it.
  Object.assign(
    request,
    debuggerRequestFields(sdkSpec, region, outputPath, { jobName, ...(input.ruleParameterValues !== undefined ? { ruleParameterValues: input.ruleParameterValues } : {}) }),
  );
  if (spec.enable_remote_debug !== undefined) request.RemoteDebugConfig = { EnableRemoteDebug: spec.enable_remote_debug };
  if (spec.enable_session_tag_chaining !== undefined) request.SessionChainingConfig = { EnableSessionTagChaining: spec.enable_session_tag_chaining };
  if (spec.max_retry_attempts !== undefined) request.RetryStrategy = { MaximumRetryAttempts: spec.max_retry_attempts };

  const plan: TrainingJobPlan = { createTrainingJob: request, uploads: code.upload ? [code.upload] : [] };
  if (outputDefaulted) plan.defaultBucket = defaultBucket;
  return plan;
}

/** _TrainingJob._get_train_args: the credentials provider is sent only inside an access mode. */
function trainingImageConfig(spec: JobSpec): Pick<CreateTrainingJobRequest['AlgorithmSpecification'], 'TrainingImageConfig'> {
  if (spec.training_repository_access_mode === undefined) return {};
  const config: NonNullable<CreateTrainingJobRequest['AlgorithmSpecification']['TrainingImageConfig']> = { TrainingRepositoryAccessMode: spec.training_repository_access_mode };
  if (spec.training_repository_credentials_provider_arn !== undefined) {
    config.TrainingRepositoryAuthConfig = { TrainingRepositoryCredentialsProviderArn: spec.training_repository_credentials_provider_arn };
  }
  return { TrainingImageConfig: config };
}

// Hyperparameters are shown in plain text by DescribeTrainingJob and the console, so the SDK would
// happily leak a token written there; we refuse instead.
function refuseSecrets(hyperparameters: Record<string, string>): void {
  for (const [name, value] of Object.entries(hyperparameters)) {
    const kind = secretValueKind(value);
    if (kind) {
      throw new TrainingPlanError(
        'hyperparameters.secret',
        `hyperparameters.${name} looks like ${kind}. Hyperparameters are visible to anyone who can describe the job; pass secrets through environment, written as ${'$'}{env:NAME} so the value comes from your environment at launch.`,
        { path: `hyperparameters.${name}` },
      );
    }
  }
}

/** The `logging` number the SDK sends: a level name stands for its constant (`WARNING` is 30). */
function logLevel(value: JobSpec['container_log_level']): number {
  const level = containerLogLevel(value);
  if (level === undefined) {
    throw new TrainingPlanError(
      'containerLogLevel.unknown',
      `container_log_level ${String(value)} is not a Python logging level: use DEBUG, INFO, WARNING, ERROR, CRITICAL or their numbers 10 to 50.`,
      { path: 'container_log_level', value: String(value) },
    );
  }
  return level;
}

/** `s3_path_join` (s3_utils.py): joins with single slashes, keeps a leading `s3://`, trims slashes at the ends. */
export function s3PathJoin(parts: ReadonlyArray<string | undefined>, withEndSlash = false): string {
  const args = parts.filter((p): p is string => p !== undefined && p !== '');
  let merged = '';
  args.forEach((p, i) => {
    merged += i === 0 || merged.endsWith('/') || p.startsWith('/') ? p : `/${p}`;
  });
  if (withEndSlash && merged !== '' && !merged.endsWith('/')) merged += '/';
  let filtered = merged;
  if (filtered !== '') {
    // After `s3://` the next slashes also collapse into its own, so `s3:////foo` is `s3://foo`.
    filtered = filtered.startsWith('s3://') ? `s3://${collapseSlashes(filtered.slice(5)).replace(/^\//, '')}` : collapseSlashes(filtered);
  }
  filtered = filtered.replace(/^\/+/, '');
  if (!withEndSlash && filtered !== 's3://') filtered = filtered.replace(/\/+$/, '');
  return filtered;
}

/** Bucket and key prefix of an `s3://` URL (s3_utils.py `parse_s3_url`). */
export function parseS3Url(url: string, key: string): { bucket: string; prefix: string } {
  const m = /^s3:\/\/([^/?#]*)([^?#]*)/i.exec(url);
  if (!m) {
    throw new TrainingPlanError('s3.notS3Uri', `${key} must be an s3:// URI (got "${url}").`, { path: key, value: url });
  }
  return { bucket: m[1]!, prefix: m[2]!.replace(/^\/+/, '') };
}

function collapseSlashes(s: string): string {
  return s.replace(/\/{2,}/g, '/');
}

function trainingImage(spec: JobSpec, region: string): string {
  if (spec.image_uri) return spec.image_uri;
  const versions = {
    transformersVersion: spec.transformers_version ?? '',
    pytorchVersion: spec.pytorch_version,
    tensorflowVersion: spec.tensorflow_version,
    pyVersion: spec.py_version,
  };
  // image_uris.retrieve looks in the Training Compiler's table when a compiler_config is given.
  const resolved = spec.compiler_config !== undefined ? resolveTrainingCompilerImage(versions, region) : resolveTrainingImage(versions, region);
  if (!resolved.ok) {
    throw new TrainingPlanError('image.unresolved', `No training image: ${resolved.message}.`, { path: resolved.field, suggestions: resolved.suggestions });
  }
  return resolved.uri;
}

/** session.py `expand_role`: anything with a `/` is taken as an ARN; a bare name becomes the account's role. */
function roleArn(role: string, context: TrainingPlanContext, partition: string): string {
  if (role.includes('/')) return role;
  return context.roleArn ?? `arn:${partition}:iam::${context.accountId}:role/${role}`;
}

interface StagedCode {
  /** What `sagemaker_submit_directory` names when the code is not in a channel: the archive's S3 URI. */
  submitDirectory: string;
  scriptName: string;
  upload?: SourceArchiveUpload;
}

/** estimator.py `_stage_user_code_in_s3` + fw_utils.py `tar_and_upload_dir`, minus the I/O. */
function stageSourceCode(
  spec: JobSpec,
  context: TrainingPlanContext,
  out: { jobName: string; outputPath: string; outputBucket: string; outputDefaulted: boolean; defaultBucket: string },
): StagedCode {
  const sourceDir = spec.source_dir;
  if (sourceDir !== undefined && /^s3:\/\//i.test(sourceDir)) {
    // Code already in S3 (a sourcedir.tar.gz): nothing is built or uploaded.
    return { submitDirectory: sourceDir, scriptName: spec.entry_point };
  }

  let bucket: string;
  let prefix: string;
  let kmsKey: string | undefined;
  if (spec.code_location === undefined) {
    bucket = out.outputBucket;
    // Only a defaulted output path lends its prefix (default_bucket_prefix, empty here); a user's
    // output_path puts the code at the root of its bucket.
    const keyPrefix = out.outputDefaulted ? parseS3Url(out.outputPath, 'output_path').prefix : '';
    prefix = s3PathJoin([keyPrefix, out.jobName, 'source']);
    kmsKey = spec.output_kms_key;
  } else {
    const location = parseS3Url(spec.code_location, 'code_location');
    bucket = location.bucket;
    prefix = s3PathJoin([location.prefix, out.jobName, 'source']);
    kmsKey = bucket === out.outputBucket ? spec.output_kms_key : undefined;
  }
  const key = `${prefix}/${SOURCE_ARCHIVE}`;

  const extraArgs: SourceArchiveUpload['extraArgs'] = { ServerSideEncryption: 'aws:kms' };
  if (kmsKey) extraArgs.SSEKMSKeyId = kmsKey;
  // The SDK asserts ownership only of the default bucket it named itself, against bucket squatting.
  if (out.outputDefaulted && bucket === out.defaultBucket) extraArgs.ExpectedBucketOwner = context.accountId;

  const local = localSources(spec, context);
  const upload: SourceArchiveUpload = {
    from: local.from,
    fromKind: sourceDir === undefined ? 'file' : 'directory',
    dependencies: local.dependencies,
    to: `s3://${bucket}/${key}`,
    bucket,
    key,
    extraArgs,
  };
  if (local.git) upload.git = local.git;
  return {
    submitDirectory: upload.to,
    // Without source_dir only the script itself is archived, so it runs by its base name.
    scriptName: sourceDir === undefined ? baseName(spec.entry_point) : spec.entry_point,
    upload,
  };
}

function localSources(spec: JobSpec, context: TrainingPlanContext): { from: string; dependencies: string[]; git?: SourceArchiveUpload['git'] } {
  const inTree = spec.source_dir ?? spec.entry_point;
  const deps = spec.dependencies ?? [];
  if (spec.git_config) {
    if (context.sourceDirIsGit) {
      const root = context.sourceDirIsGit.repo;
      return { from: path.join(root, inTree), dependencies: deps.map((d) => path.join(root, d)) };
    }
    const git: NonNullable<SourceArchiveUpload['git']> = { repo: withoutCredentials(spec.git_config.repo) };
    if (spec.git_config.branch !== undefined) git.branch = spec.git_config.branch;
    if (spec.git_config.commit !== undefined) git.commit = spec.git_config.commit;
    return { from: inTree, dependencies: deps, git };
  }
  if (context.baseDir) {
    const base = context.baseDir;
    return { from: path.resolve(base, inTree), dependencies: deps.map((d) => path.resolve(base, d)) };
  }
  return { from: inTree, dependencies: deps };
}

/** A repository URL without `user:password@`: plans are shown and logged. */
function withoutCredentials(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/]*@/i, '$1');
}

function baseName(p: string): string {
  const parts = p.split(/[\\/]/);
  return parts[parts.length - 1] ?? p;
}

/** job.py `_format_inputs_to_input_config`: a bare string is the `training` channel. */
function inputChannels(inputs: JobSpec['inputs']): TrainingChannel[] {
  if (inputs === undefined || inputs === null) return [];
  if (typeof inputs === 'string') return [s3Channel('training', { s3_data: requireS3Input(inputs, 'inputs') })];
  return Object.entries(inputs).map(([name, value]) =>
    typeof value === 'string' ? s3Channel(name, { s3_data: requireS3Input(value, `inputs.${name}`) }) : s3Channel(name, value),
  );
}

function requireS3Input(uri: string, key: string): string {
  if (uri.startsWith('s3://')) return uri;
  const why = uri.startsWith('file://') ? 'file:// inputs work only in local mode' : 'it must start with s3://';
  throw new TrainingPlanError('inputs.notS3Uri', `Input ${uri} cannot be sent to SageMaker: ${why}.`, { path: key, value: uri });
}

/** inputs.py `TrainingInput(...).config` plus `ChannelName`, in that dict order (core/sagemaker/channels.ts). */
function s3Channel(name: string, input: ChannelInput): TrainingChannel {
  return trainingInputConfig(name, input);
}

/** utils.py `format_tags`: a mapping becomes `[{Key: str(k), Value: str(v)}]`; a list is sent as written. */
function tagList(tags: NonNullable<JobSpec['tags']>, strValues: Record<string, string> | undefined): Array<{ Key: string; Value: string }> {
  if (Array.isArray(tags)) return tags;
  return Object.entries(tags).map(([k, v]) => ({ Key: k, Value: strValues?.[k] ?? pythonStr(v) }));
}

function pythonStr(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  return String(v);
}

function vpcConfig(spec: JobSpec): CreateTrainingJobRequest['VpcConfig'] {
  const { subnets, security_group_ids: groups } = spec;
  if (subnets === undefined && groups === undefined) return undefined;
  if (subnets === undefined || groups === undefined) {
    throw new TrainingPlanError('vpc.incomplete', 'A custom VPC needs both subnets and security_group_ids.', { path: subnets === undefined ? 'subnets' : 'security_group_ids' });
  }
  return { Subnets: subnets, SecurityGroupIds: groups };
}
