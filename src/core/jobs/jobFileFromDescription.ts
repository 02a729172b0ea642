/**
 * DescribeTrainingJob → the text of a `.sagemaker.yaml` that plans back to the same
 * CreateTrainingJob request ("Clone as Job File"). It undoes what the SDK (and our planner,
 * src/core/training/createTrainingJobRequest.ts) did on the way in:
 *
 * - hyperparameter strings are `json.loads`-decoded and written as the YAML values they came from
 *   (`1.0` stays a float, `"true"` a string, big integers keep their digits);
 * - the `sagemaker_*` keys go back to the estimator arguments that produced them: the entry point,
 *   the code (`source_dir` = the `sourcedir.tar.gz` the job ran, which the planner sends as is),
 *   `distribution`, `container_log_level`; the job name and region keys are dropped;
 * - the image goes back to `transformers_version` / `pytorch_version` / `py_version` when it is the
 *   catalog's image for them, and stays `image_uri` otherwise;
 * - values the planner would fill in by default (volume size, max run, the default bucket) are left out.
 *
 * What a job file cannot express is listed in `notes` and as comments at the top of the file.
 */
import { Document, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node } from 'yaml';
import { parseImageUri } from '../catalog/huggingfaceImages';
import type { PyValue } from '../contract/pythonValue';
import { DISTRIBUTION_HYPERPARAMETER_KEYS, distributionFromHyperparameters } from '../sagemaker/distribution';
import { decodeHyperparameters } from '../sagemaker/hyperparameters';
import { isSecretEntry } from '../sagemaker/secrets';
import { parseTrainingJobArn } from './trainingJobDescription';
import type { DescribedChannel, TrainingJobDescription } from './trainingJobDescription';

export interface JobFileClone {
  /** The `.sagemaker.yaml` text. */
  text: string;
  /** A file name for it: `{job name}.sagemaker.yaml`. */
  fileName: string;
  /** What the job had that the file cannot carry, in plain words (also comments in `text`). */
  notes: string[];
}

export interface JobFileCloneOptions {
  /** ListTags' answer for the job: DescribeTrainingJob does not return tags. */
  tags?: ReadonlyArray<{ Key?: string; Value?: string }>;
}

const DEFAULT_VOLUME_SIZE_GB = 30;
const DEFAULT_MAX_RUN_SECONDS = 86400;
const DEFAULT_LOG_LEVEL = 20;
const CODE_CHANNEL = 'code';
const CODE_CHANNEL_SUBMIT_DIR = '/opt/ml/input/data/code/sourcedir.tar.gz';
/** `name_from_base`'s suffix: `-%Y-%m-%d-%H-%M-%S-{ms}`. */
const TIMESTAMP_SUFFIX = /^(.+)-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-\d{3}$/;

/** The SDK's keys this module maps back to estimator arguments (anything else `sagemaker_*` stays a hyperparameter). */
const MAPPED_SDK_KEYS: ReadonlySet<string> = new Set([
  'sagemaker_submit_directory',
  'sagemaker_program',
  'sagemaker_container_log_level',
  'sagemaker_job_name',
  'sagemaker_region',
  ...DISTRIBUTION_HYPERPARAMETER_KEYS,
]);

export function jobFileFromDescription(d: TrainingJobDescription, options: JobFileCloneOptions = {}): JobFileClone {
  const notes: string[] = [];
  const name = d.TrainingJobName ?? 'training-job';
  const arn = parseTrainingJobArn(d.TrainingJobArn);
  const image = d.AlgorithmSpecification?.TrainingImage;
  const parsedImage = image ? parseImageUri(image) : undefined;
  const region = arn?.region ?? parsedImage?.region;

  const decodedDict = decodeHyperparameters(d.HyperParameters ?? {});
  const decoded = new Map<string, PyValue>(decodedDict.entries);
  const str = (key: string): string | undefined => {
    const v = decoded.get(key);
    return v?.type === 'str' ? v.value : undefined;
  };

  const doc = new Document({});
  const root = doc.contents as YAMLMap;
  const set = (key: string, value: unknown) => {
    if (value === undefined) return;
    root.set(key, value instanceof Scalar || value instanceof YAMLMap || value instanceof YAMLSeq ? value : doc.createNode(value));
  };

  // Code: the archive the job ran is a valid S3 source_dir, so the clone trains exactly that code.
  const program = str('sagemaker_program');
  const channels = d.InputDataConfig ?? [];
  let submitDirectory = str('sagemaker_submit_directory');
  const isolatedCode = d.EnableNetworkIsolation === true && submitDirectory === CODE_CHANNEL_SUBMIT_DIR;
  if (isolatedCode) submitDirectory = channels.find((c) => c.ChannelName === CODE_CHANNEL)?.DataSource?.S3DataSource?.S3Uri;
  if (program === undefined) notes.push('The job has no sagemaker_program hyperparameter (it was not launched by a framework estimator): set entry_point to your training script.');
  set('entry_point', program ?? 'train.py');
  if (submitDirectory !== undefined && /^s3:\/\//i.test(submitDirectory)) {
    set('source_dir', submitDirectory);
  } else if (submitDirectory !== undefined) {
    notes.push(`The job's code was at ${submitDirectory}, which a SageMaker job cannot read: set source_dir to the folder with ${program ?? 'your script'}.`);
  }

  // Resources.
  const resources = d.ResourceConfig ?? {};
  const groups = resources.InstanceGroups ?? [];
  if (groups.length > 0) {
    notes.push(
      `The job ran heterogeneous instance groups (${groups.map((g) => `${g.InstanceGroupName ?? '?'}: ${g.InstanceType ?? '?'} × ${g.InstanceCount ?? 0}`).join(', ')}); a job file describes one instance type, so the first group is used.`,
    );
  }
  const instanceType = resources.InstanceType ?? groups[0]?.InstanceType;
  const instanceCount = resources.InstanceCount ?? groups[0]?.InstanceCount;
  set('instance_type', instanceType);
  if (instanceCount !== undefined && instanceCount !== 1) set('instance_count', instanceCount);

  // Image: versions when the catalog yields exactly this URI in this region.
  if (parsedImage?.inCatalog && (region === undefined || parsedImage.region === region)) {
    set('transformers_version', parsedImage.transformersVersion);
    set(parsedImage.baseFramework === 'pytorch' ? 'pytorch_version' : 'tensorflow_version', parsedImage.baseVersion);
    set('py_version', parsedImage.pyVersion);
  } else if (image !== undefined) {
    set('image_uri', image);
  } else if (d.AlgorithmSpecification?.AlgorithmName) {
    notes.push(`The job used the algorithm ${d.AlgorithmSpecification.AlgorithmName}, not a training image; a job file needs an image.`);
  }
  set('role', d.RoleArn);
  set('region', region);
  const base = baseJobName(name);
  if (base !== undefined && base !== parsedImage?.repository && base !== imageRepository(image)) set('base_job_name', base);

  // Hyperparameters: the user's, decoded; secrets are not copied into a file.
  const userKeys = [...decoded.keys()].filter((k) => !MAPPED_SDK_KEYS.has(k));
  const hyperparameters = new YAMLMap();
  for (const key of userKeys) {
    if (isSecretEntry(key, d.HyperParameters?.[key])) {
      notes.push(`The hyperparameter ${key} looks like a secret and was left out: pass it through environment (e.g. HF_TOKEN: \${env:HF_TOKEN}) instead.`);
      continue;
    }
    hyperparameters.set(new Scalar(key), pyNode(decoded.get(key)!));
  }
  const unmappedSdkKeys = userKeys.filter((k) => k.startsWith('sagemaker_'));
  if (unmappedSdkKeys.length > 0) {
    notes.push(`Kept as hyperparameters, since a job file has no setting for them: ${unmappedSdkKeys.join(', ')}.`);
  }
  if (hyperparameters.items.length > 0) set('hyperparameters', hyperparameters);

  // Distribution, from the keys HuggingFace._distribution_configuration wrote: block maps down to
  // the model parallel parameters, whose own values stay in flow style.
  const distribution = distributionFromHyperparameters(decodedDict);
  if (distribution) set('distribution', pyNode(distribution, 4));

  set(
    'inputs',
    inputsValue(
      channels.filter((c) => !(isolatedCode && c.ChannelName === CODE_CHANNEL)),
      notes,
    ),
  );

  // Output and storage: defaults left out so the file reads like one a person wrote.
  const output = d.OutputDataConfig ?? {};
  const defaultOutput = arn ? `s3://sagemaker-${arn.region}-${arn.accountId}/` : undefined;
  if (output.S3OutputPath !== undefined && output.S3OutputPath !== defaultOutput) set('output_path', output.S3OutputPath);
  set('output_kms_key', output.KmsKeyId);
  if (output.CompressionType === 'NONE') set('disable_output_compression', true);
  if (resources.VolumeSizeInGB !== undefined && resources.VolumeSizeInGB !== DEFAULT_VOLUME_SIZE_GB) set('volume_size', resources.VolumeSizeInGB);
  set('volume_kms_key', resources.VolumeKmsKeyId);
  const stopping = d.StoppingCondition ?? {};
  if (stopping.MaxRuntimeInSeconds !== undefined && stopping.MaxRuntimeInSeconds !== DEFAULT_MAX_RUN_SECONDS) set('max_run', stopping.MaxRuntimeInSeconds);
  if (d.EnableManagedSpotTraining) set('use_spot_instances', true);
  set('max_wait', stopping.MaxWaitTimeInSeconds);
  if (stopping.MaxPendingTimeInSeconds !== undefined) notes.push(`MaxPendingTimeInSeconds (${stopping.MaxPendingTimeInSeconds}) has no job-file setting and is not carried over.`);
  set('checkpoint_s3_uri', d.CheckpointConfig?.S3Uri);
  set('checkpoint_local_path', d.CheckpointConfig?.LocalPath);
  set('keep_alive_period_in_seconds', resources.KeepAlivePeriodInSeconds);
  set('max_retry_attempts', d.RetryStrategy?.MaximumRetryAttempts);

  if (d.Environment && Object.keys(d.Environment).length > 0) {
    const environment: Record<string, string> = {};
    for (const [key, value] of Object.entries(d.Environment)) {
      if (isSecretEntry(key, value)) {
        environment[key] = `\${env:${key}}`;
        notes.push(`environment.${key} looked like a secret: the file takes it from your environment (\${env:${key}}) instead of copying it.`);
      } else {
        environment[key] = value;
      }
    }
    set('environment', environment);
  }
  set('tags', tagsValue(options.tags, notes));
  set('subnets', d.VpcConfig?.Subnets);
  set('security_group_ids', d.VpcConfig?.SecurityGroupIds);
  const metrics = d.AlgorithmSpecification?.MetricDefinitions;
  if (metrics && metrics.length > 0)
    set(
      'metric_definitions',
      metrics.map((m) => ({ Name: m.Name ?? '', Regex: m.Regex ?? '' })),
    );
  if (d.EnableNetworkIsolation) set('enable_network_isolation', true);
  if (d.EnableInterContainerTrafficEncryption) set('encrypt_inter_container_traffic', true);
  if (d.ProfilerConfig?.DisableProfiler) set('disable_profiler', true);
  // The SDK's attach (estimator.py _prepare_init_params_from_job_description) reads RemoteDebugConfig back the same way.
  if (d.RemoteDebugConfig?.EnableRemoteDebug !== undefined) set('enable_remote_debug', d.RemoteDebugConfig.EnableRemoteDebug);
  if (d.InfraCheckConfig?.EnableInfraCheck !== undefined) set('enable_infra_check', d.InfraCheckConfig.EnableInfraCheck);
  const logLevel = decoded.get('sagemaker_container_log_level');
  if (logLevel?.type === 'int' && Number(logLevel.value) !== DEFAULT_LOG_LEVEL) set('container_log_level', Number(logLevel.value));
  else if (logLevel?.type === 'str') set('container_log_level', logLevel.value);

  notes.push(...unsupportedSettings(d, output.S3OutputPath));

  const header = [`Cloned from the training job ${name}${region ? ` (${region})` : ''}${d.CreationTime ? `, created ${d.CreationTime.toISOString()}` : ''}.`];
  if (root.has('source_dir') && /^s3:\/\//i.test(String(root.get('source_dir')))) {
    header.push('source_dir is the code archive that job ran; point it at your local folder to train changed code.');
  }
  doc.commentBefore = [...header, ...notes.map((n) => `Note: ${n}`)].map((line) => ` ${line}`).join('\n');
  const text = doc.toString({ lineWidth: 0 });
  return { text, fileName: `${name}.sagemaker.yaml`, notes };
}

/** The base name before `name_from_base`'s timestamp, when the name has one. */
export function baseJobName(jobName: string): string | undefined {
  return TIMESTAMP_SUFFIX.exec(jobName)?.[1];
}

function imageRepository(image: string | undefined): string | undefined {
  return /\/([^/:@]+)[:@][^/]*$/.exec(image ?? '')?.[1];
}

/**
 * A YAML node that denotes `value` as the job-file reader sees it: floats keep a fraction so they
 * stay floats, ints are written with all their digits; lists and maps in flow style below the
 * first `blockLevels` levels.
 */
function pyNode(value: PyValue, blockLevels = 0): Node {
  switch (value.type) {
    case 'none':
      return new Scalar(null);
    case 'bool':
      return new Scalar(value.value);
    case 'int':
      return new Scalar(Number.isSafeInteger(Number(value.value)) ? Number(value.value) : value.value);
    case 'float': {
      const scalar = new Scalar(value.value);
      const magnitude = Math.abs(value.value);
      // Python's repr switches to an exponent below 1e-4 and from 1e16: so does the file (5e-5, as in the notebooks).
      if (magnitude !== 0 && Number.isFinite(magnitude) && (magnitude < 1e-4 || magnitude >= 1e16)) scalar.format = 'EXP';
      else if (Number.isInteger(value.value)) scalar.minFractionDigits = 1;
      return scalar;
    }
    case 'str':
      return new Scalar(value.value);
    case 'list': {
      const seq = new YAMLSeq();
      seq.flow = blockLevels <= 0;
      for (const item of value.items) seq.items.push(pyNode(item, blockLevels - 1));
      return seq;
    }
    case 'dict': {
      const map = new YAMLMap();
      map.flow = blockLevels <= 0;
      for (const [k, v] of value.entries) map.set(new Scalar(k), pyNode(v, blockLevels - 1));
      return map;
    }
  }
}

/** InputDataConfig → `inputs`: a bare URI for a plain channel, the `training` channel alone as a string. */
function inputsValue(channels: readonly DescribedChannel[], notes: string[]): unknown {
  const entries: Array<[string, unknown]> = [];
  for (const channel of channels) {
    const name = channel.ChannelName ?? 'training';
    const s3 = channel.DataSource?.S3DataSource;
    if (!s3?.S3Uri) {
      notes.push(`The input channel ${name} does not read from S3 (a file system source); job files take S3 inputs only, so it is left out.`);
      continue;
    }
    const input: Record<string, unknown> = { s3_data: s3.S3Uri };
    if (s3.S3DataDistributionType !== undefined && s3.S3DataDistributionType !== 'FullyReplicated') input['distribution'] = s3.S3DataDistributionType;
    if (channel.InputMode !== undefined) input['input_mode'] = channel.InputMode;
    if (channel.ContentType !== undefined) input['content_type'] = channel.ContentType;
    if (channel.CompressionType !== undefined) input['compression'] = channel.CompressionType;
    if (channel.RecordWrapperType !== undefined) input['record_wrapping'] = channel.RecordWrapperType;
    if (s3.S3DataType !== undefined && s3.S3DataType !== 'S3Prefix') input['s3_data_type'] = s3.S3DataType;
    if (s3.AttributeNames !== undefined) input['attribute_names'] = s3.AttributeNames;
    if (channel.ShuffleConfig?.Seed !== undefined) input['shuffle_seed'] = channel.ShuffleConfig.Seed;
    entries.push([name, Object.keys(input).length === 1 ? s3.S3Uri : input]);
  }
  if (entries.length === 0) return undefined;
  if (entries.length === 1 && entries[0]![0] === 'training' && typeof entries[0]![1] === 'string') return entries[0]![1];
  return Object.fromEntries(entries);
}

function tagsValue(tags: JobFileCloneOptions['tags'], notes: string[]): Record<string, string> | undefined {
  if (tags === undefined) {
    notes.push('Tags are not part of DescribeTrainingJob; add tags: if the job had some.');
    return undefined;
  }
  // aws:* tags are the service's own; CreateTrainingJob refuses them.
  const mine = tags.filter((t) => t.Key !== undefined && !t.Key.startsWith('aws:'));
  if (mine.length === 0) return undefined;
  return Object.fromEntries(mine.map((t) => [t.Key!, t.Value ?? '']));
}

/** Settings of the job that the planner always sets its own way, or that a job file has no key for. */
function unsupportedSettings(d: TrainingJobDescription, outputPath: string | undefined): string[] {
  const notes: string[] = [];
  const mode = d.AlgorithmSpecification?.TrainingInputMode;
  if (mode !== undefined && mode !== 'File') notes.push(`The job used TrainingInputMode ${mode}; a job file launches with File (per-channel input_mode can still say ${mode}).`);
  if (d.AlgorithmSpecification?.EnableSageMakerMetricsTimeSeries === false)
    notes.push('The job had SageMaker metrics time series off; the Hugging Face estimator always turns them on.');
  const hook = d.DebugHookConfig;
  if (hook && (hook.S3OutputPath !== outputPath || hook.LocalPath !== undefined || hook.HookParameters !== undefined || (hook.CollectionConfigurations?.length ?? 0) > 0)) {
    notes.push('The job had its own Debugger hook settings; the clone gets the SDK default (tensors saved under output_path).');
  }
  const profiler = d.ProfilerConfig;
  if (
    profiler &&
    !profiler.DisableProfiler &&
    (profiler.S3OutputPath !== outputPath || profiler.ProfilingIntervalInMilliseconds !== undefined || profiler.ProfilingParameters !== undefined)
  ) {
    notes.push('The job had its own profiler settings; the clone gets the SDK default.');
  }
  if ((d.DebugRuleConfigurations?.length ?? 0) > 0 || (d.ProfilerRuleConfigurations?.length ?? 0) > 0) notes.push('Debugger and profiler rules are not carried over.');
  if (d.TensorBoardOutputConfig !== undefined) notes.push('TensorBoardOutputConfig is not carried over.');
  if (d.ExperimentConfig !== undefined) notes.push('ExperimentConfig is not carried over.');
  return notes;
}
