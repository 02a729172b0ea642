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
 *   catalog's image for them, and stays `image_uri` otherwise; a Training Compiler image with the
 *   compiler's hyperparameters goes back to the versions and `compiler_config`;
 * - values the planner would fill in by default (volume size, max run, the default bucket) are left out.
 *
 * What a job file cannot express is listed in `notes` and as comments at the top of the file.
 */
import { Document, Scalar, YAMLMap, YAMLSeq } from 'yaml';
import type { Node } from 'yaml';
import { parseImageUri } from '../catalog/huggingfaceImages';
import { parseTrainingCompilerImageUri } from '../catalog/trainingCompilerImages';
import { dictGet, pyDict, pyList, pyStr } from '../contract/pythonValue';
import type { PyValue } from '../contract/pythonValue';
import { builtinRuleArguments, profilerDisabled, regionSupportsDebugger, takeActions } from '../sagemaker/debugger';
import { DISTRIBUTION_HYPERPARAMETER_KEYS, distributionFromHyperparameters } from '../sagemaker/distribution';
import { decodeHyperparameters } from '../sagemaker/hyperparameters';
import { isSecretEntry } from '../sagemaker/secrets';
import { compilerConfigFromHyperparameters, HP_COMPILER_DEBUG, HP_COMPILER_ENABLED } from '../sagemaker/trainingCompiler';
import { parseTrainingJobArn } from './trainingJobDescription';
import type { DescribedChannel, DescribedRuleConfiguration, TrainingJobDescription } from './trainingJobDescription';

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
  /**
   * For a job that ran from instance_preferences: write the type and count SageMaker chose as
   * instance_type / instance_count instead of the list (Relaunch in Warm Pool: the pool holds those).
   */
  chosenInstance?: boolean;
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
  // With network isolation the SDK sends the archive as a channel named code and points the submit directory
  // at it: the code is that channel's archive (whatever the job's isolation, if a job points there).
  const codeInChannel = submitDirectory === CODE_CHANNEL_SUBMIT_DIR;
  if (codeInChannel) submitDirectory = channels.find((c) => c.ChannelName === CODE_CHANNEL)?.DataSource?.S3DataSource?.S3Uri;
  if (program === undefined) notes.push('The job has no sagemaker_program hyperparameter (it was not launched by a framework estimator): set entry_point to your training script.');
  set('entry_point', program ?? 'train.py');
  if (submitDirectory !== undefined && /^s3:\/\//i.test(submitDirectory)) {
    set('source_dir', submitDirectory);
  } else if (submitDirectory !== undefined) {
    notes.push(`The job's code was at ${submitDirectory}, which a SageMaker job cannot read: set source_dir to the folder with ${program ?? 'your script'}.`);
  } else if (codeInChannel) {
    notes.push(`The job's code was in its ${CODE_CHANNEL} channel, which has no S3 URI in the description: set source_dir to the folder with ${program ?? 'your script'}.`);
  }

  // Resources.
  const resources = d.ResourceConfig ?? {};
  const groups = resources.InstanceGroups ?? [];
  const preferences = (resources.InstancePreferences ?? []).filter((p): p is { InstanceType: string; InstanceCount?: number } => typeof p.InstanceType === 'string');
  // The one type the SDK-derived settings (the profiler's Trainium rule) read: None with instance groups, as in the SDK.
  let instanceType: string | undefined;
  if (options.chosenInstance === true && resources.SelectedInstanceType !== undefined && resources.InstanceType === undefined) {
    instanceType = resources.SelectedInstanceType;
    const count = resources.SelectedInstanceCount ?? preferences.find((p) => p.InstanceType === instanceType)?.InstanceCount ?? resources.InstanceCount;
    set('instance_type', instanceType);
    if (count !== undefined && count !== 1) set('instance_count', count);
    notes.push(`The job ran on ${instanceType}, chosen from instance_preferences; the relaunch asks for it alone, as the warm pool holds it.`);
  } else if (groups.length > 0) {
    // A heterogeneous cluster: InstanceGroup(name, type, count) for each, in the request's order.
    set(
      'instance_groups',
      groups.map((g) => ({ instance_group_name: g.InstanceGroupName, instance_type: g.InstanceType, instance_count: g.InstanceCount })),
    );
  } else if (preferences.length > 0 && resources.InstanceType === undefined) {
    // instance_preferences: the list as sent (counts per entry when every entry had one), not the type
    // SageMaker chose, so the clone may again run on whichever has capacity.
    const perPreference = preferences.every((p) => p.InstanceCount !== undefined);
    set(
      'instance_preferences',
      preferences.map((p) => (perPreference ? { instance_type: p.InstanceType, instance_count: p.InstanceCount } : p.InstanceType)),
    );
    if (!perPreference && resources.InstanceCount !== undefined && resources.InstanceCount !== 1) set('instance_count', resources.InstanceCount);
    if (resources.SelectedInstanceType) {
      notes.push(
        `SageMaker ran the job on ${resources.SelectedInstanceType}${resources.SelectedInstanceCount !== undefined ? ` × ${resources.SelectedInstanceCount}` : ''}, chosen from instance_preferences; the clone keeps the whole list (set instance_type: ${resources.SelectedInstanceType} instead to insist on it).`,
      );
    }
    // What the SDK derives from one type (the profiler's Trainium rule) follows the first preference, as the plan does.
    instanceType = preferences[0]!.InstanceType;
  } else {
    instanceType = resources.InstanceType;
    set('instance_type', resources.InstanceType);
    if (resources.InstanceCount !== undefined && resources.InstanceCount !== 1) set('instance_count', resources.InstanceCount);
  }

  // Image: versions when the catalog yields exactly this URI in this region.
  const compilerImage = image ? parseTrainingCompilerImageUri(image) : undefined;
  const compilerConfig = compilerImage && (region === undefined || compilerImage.region === region) ? compilerConfigFromHyperparameters(d.HyperParameters ?? {}) : undefined;
  if (compilerImage && compilerConfig) {
    set('transformers_version', compilerImage.transformersVersion);
    set(compilerImage.baseFramework === 'pytorch' ? 'pytorch_version' : 'tensorflow_version', compilerImage.baseVersion);
    set('py_version', compilerImage.pyVersion);
  } else if (parsedImage?.inCatalog && (region === undefined || parsedImage.region === region)) {
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
  const userKeys = [...decoded.keys()].filter((k) => !MAPPED_SDK_KEYS.has(k) && !(compilerConfig && (k === HP_COMPILER_ENABLED || k === HP_COMPILER_DEBUG)));
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
  let distribution = distributionFromHyperparameters(decodedDict);
  // With several groups and torchrun (or pytorchddp) the SDK needs the training group named, and
  // sends no name: any group's name makes the same request.
  const launcherOnly = distribution !== undefined && dictGet(distribution, 'instance_groups') === undefined;
  if (distribution && launcherOnly && groups.length > 1 && (dictGet(distribution, 'torch_distributed') ?? dictGet(distribution, 'pytorchddp')) !== undefined) {
    const named = groups.find((g) => /^ml\.[gp]/.test(g.InstanceType ?? '')) ?? groups[0]!;
    distribution = pyDict([...distribution.entries, ['instance_groups', pyList([pyStr(named.InstanceGroupName ?? '')])]]);
    notes.push(
      `distribution.instance_groups names ${named.InstanceGroupName ?? '?'}: the SDK needs one group named with several, and the job's request does not record which (with torchrun or pytorchddp it sends no group name, so any name sends the same request).`,
    );
  }
  if (distribution) set('distribution', pyNode(distribution, 4));
  set('compiler_config', compilerConfig);

  set(
    'inputs',
    inputsValue(
      channels.filter((c) => !(codeInChannel && c.ChannelName === CODE_CHANNEL)),
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
  const logLevel = decoded.get('sagemaker_container_log_level');
  if (logLevel?.type === 'int' && Number(logLevel.value) !== DEFAULT_LOG_LEVEL) set('container_log_level', Number(logLevel.value));
  else if (logLevel?.type === 'str') set('container_log_level', logLevel.value);

  // The estimator arguments sent as their own request fields, each only when the job had it.
  const algorithm = d.AlgorithmSpecification ?? {};
  if (algorithm.TrainingInputMode !== undefined && algorithm.TrainingInputMode !== 'File') set('input_mode', algorithm.TrainingInputMode);
  if (algorithm.EnableSageMakerMetricsTimeSeries === false) set('enable_sagemaker_metrics', false);
  set('container_entry_point', algorithm.ContainerEntrypoint);
  set('container_arguments', algorithm.ContainerArguments);
  set('training_repository_access_mode', algorithm.TrainingImageConfig?.TrainingRepositoryAccessMode);
  set('training_repository_credentials_provider_arn', algorithm.TrainingImageConfig?.TrainingRepositoryAuthConfig?.TrainingRepositoryCredentialsProviderArn);
  set('enable_infra_check', d.InfraCheckConfig?.EnableInfraCheck);
  set('enable_remote_debug', d.RemoteDebugConfig?.EnableRemoteDebug);
  set('enable_session_tag_chaining', d.SessionChainingConfig?.EnableSessionTagChaining);
  set('training_plan', resources.TrainingPlanArn);
  set('instance_placement_config', resources.InstancePlacementConfig);
  debuggerSettings(d, { region, outputPath: output.S3OutputPath, instanceType }, set, notes);

  if (d.ExperimentConfig !== undefined) notes.push('ExperimentConfig is not carried over.');

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
    // TrainingInput's instance_groups and its two access-config dicts, read back as they were sent.
    if (s3.InstanceGroupNames !== undefined) input['instance_groups'] = s3.InstanceGroupNames;
    if (s3.ModelAccessConfig?.AcceptEula !== undefined) input['model_access_config'] = { AcceptEula: s3.ModelAccessConfig.AcceptEula };
    if (s3.HubAccessConfig?.HubContentArn !== undefined) input['hub_access_config'] = { HubContentArn: s3.HubAccessConfig.HubContentArn };
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

type Setter = (key: string, value: unknown) => void;

/**
 * DebugRuleConfigurations, DebugHookConfig, TensorBoardOutputConfig, ProfilerRuleConfigurations and
 * ProfilerConfig → rules, debugger_hook_config, tensorboard_output_config, profiler_config and
 * disable_profiler, so that the planner (core/sagemaker/debugger.ts) sends them back unchanged.
 */
function debuggerSettings(
  d: TrainingJobDescription,
  job: { region: string | undefined; outputPath: string | undefined; instanceType: string | undefined },
  set: Setter,
  notes: string[],
): void {
  const rules: Array<Record<string, unknown>> = [];
  const hookCollections = d.DebugHookConfig?.CollectionConfigurations?.map((c) => ({
    name: c.CollectionName ?? '',
    ...(c.CollectionParameters !== undefined ? { parameters: c.CollectionParameters } : {}),
  }));
  for (const [kind, configs] of [
    ['Rule.custom', d.DebugRuleConfigurations ?? []],
    ['ProfilerRule.custom', d.ProfilerRuleConfigurations ?? []],
  ] as const) {
    for (const config of configs) {
      // A built-in rule (the region's sagemaker-debugger-rules image running a rule_configs rule) comes back as one.
      const rule =
        builtinRuleArguments(
          kind === 'Rule.custom' ? 'debugger' : 'profiler',
          config,
          job.region,
          d.DebugHookConfig !== undefined ? (hookCollections ?? []) : undefined,
          d.TrainingJobName,
        ) ?? ruleArguments(kind, config, d.TrainingJobName);
      if (rule) rules.push(withPythonValues(rule));
      else if (config.RuleEvaluatorImage !== undefined && config.InstanceType === undefined)
        notes.push(
          `The rule ${config.RuleConfigurationName ?? '(unnamed)'} runs SageMaker's rule image but is no built-in rule a job file can write (parameters no rule_configs class call or ActionList sends, or an image of another region); it is not carried over.`,
        );
      // With a name, an image and an instance type, only its action_json stopped ruleArguments.
      else if (config.RuleConfigurationName !== undefined && config.RuleEvaluatorImage !== undefined)
        notes.push(
          `The rule ${config.RuleConfigurationName} has an action_json that no actions list a job file can write sends (StopTraining, Email and SMS, as the SDK serializes them); it is not carried over.`,
        );
      else notes.push(`The rule ${config.RuleConfigurationName ?? '(unnamed)'} has no evaluator image or instance type in the description; it is not carried over.`);
    }
  }
  if (rules.length > 0) set('rules', rules);

  // The hook: none where Debugger is means `false`; the SDK's default (output_path, no settings) is left out.
  const hook = d.DebugHookConfig;
  const debuggerHere = job.region === undefined || regionSupportsDebugger(job.region);
  if (hook === undefined) {
    // Where Debugger is not, a Debugger rule would turn the hook on (and the SDK then refuses): say false there too.
    if (debuggerHere || (d.DebugRuleConfigurations ?? []).length > 0) set('debugger_hook_config', false);
  } else {
    const collections = (hook.CollectionConfigurations ?? []).map((c) => ({
      name: c.CollectionName ?? '',
      ...(c.CollectionParameters !== undefined ? { parameters: c.CollectionParameters } : {}),
    }));
    const config: Record<string, unknown> = {};
    if (hook.S3OutputPath !== undefined && hook.S3OutputPath !== job.outputPath) config['s3_output_path'] = hook.S3OutputPath;
    if (hook.LocalPath !== undefined) config['container_local_output_path'] = hook.LocalPath;
    if (hook.HookParameters !== undefined) config['hook_parameters'] = hook.HookParameters;
    // The rules' collections_to_save and the hook's own end up in one set: the hook carries them all.
    if (collections.length > 0) config['collection_configs'] = collections;
    if (Object.keys(config).length > 0 || !debuggerHere) set('debugger_hook_config', config);
  }

  const tensorboard = d.TensorBoardOutputConfig;
  if (tensorboard?.S3OutputPath !== undefined) {
    set('tensorboard_output_config', {
      s3_output_path: tensorboard.S3OutputPath,
      ...(tensorboard.LocalPath !== undefined ? { container_local_output_path: tensorboard.LocalPath } : {}),
    });
  }

  const profiler = d.ProfilerConfig;
  if (profiler?.ProfilingParameters !== undefined)
    notes.push('The job had ProfilingParameters (framework or SageMaker Profiler settings), which a job file has no key for; they are not carried over.');
  if (profiler?.DisableProfiler === true) {
    const forced = job.region !== undefined && profilerDisabled(job.instanceType !== undefined ? { instance_type: job.instanceType } : {}, job.region);
    if (!forced) set('disable_profiler', true);
    if (profiler.ProfilingIntervalInMilliseconds !== undefined)
      set('profiler_config', { disable_profiler: true, system_monitor_interval_millis: profiler.ProfilingIntervalInMilliseconds });
  } else if (profiler !== undefined) {
    const config: Record<string, unknown> = {};
    if (profiler.S3OutputPath !== undefined && profiler.S3OutputPath !== job.outputPath) config['s3_output_path'] = profiler.S3OutputPath;
    if (profiler.ProfilingIntervalInMilliseconds !== undefined) config['system_monitor_interval_millis'] = profiler.ProfilingIntervalInMilliseconds;
    if (Object.keys(config).length > 0) set('profiler_config', config);
  }
}

/** A rule configuration → the `Rule.custom` / `ProfilerRule.custom` keyword arguments that send it. */
/** A built-in profiler rule's `base_config: {Class: {key: PyValue}}` as YAML that denotes the same values. */
function withPythonValues(rule: Record<string, unknown>): Record<string, unknown> {
  const baseConfig = rule['base_config'];
  if (typeof baseConfig !== 'object' || baseConfig === null) return rule;
  const map = new YAMLMap();
  for (const [name, args] of Object.entries(baseConfig as Record<string, Record<string, PyValue>>)) {
    const values = new YAMLMap();
    for (const [key, value] of Object.entries(args)) values.set(new Scalar(key), pyNode(value));
    map.set(new Scalar(name), values);
  }
  return { ...rule, base_config: map };
}

function ruleArguments(kind: 'Rule.custom' | 'ProfilerRule.custom', config: DescribedRuleConfiguration, jobName: string | undefined): Record<string, unknown> | undefined {
  if (config.RuleConfigurationName === undefined || config.RuleEvaluatorImage === undefined || config.InstanceType === undefined) return undefined;
  const params = { ...(config.RuleParameters ?? {}) };
  const rule: Record<string, unknown> = {
    rule: kind,
    name: config.RuleConfigurationName,
    image_uri: config.RuleEvaluatorImage,
    instance_type: config.InstanceType,
    volume_size_in_gb: config.VolumeSizeInGB ?? 0,
  };
  // source_s3_uri and rule_to_invoke come back as the pair the SDK makes them from.
  if (params['source_s3_uri'] !== undefined && params['rule_to_invoke'] !== undefined) {
    rule['source'] = params['source_s3_uri'];
    rule['rule_to_invoke'] = params['rule_to_invoke'];
    delete params['source_s3_uri'];
    delete params['rule_to_invoke'];
  }
  if (config.LocalPath !== undefined) rule['container_local_output_path'] = config.LocalPath;
  if (config.S3OutputPath !== undefined) rule['s3_output_path'] = config.S3OutputPath;
  if (kind === 'Rule.custom') {
    const trials: string[] = [];
    while (params[`other_trial_${trials.length}`] !== undefined) {
      trials.push(params[`other_trial_${trials.length}`]!);
      delete params[`other_trial_${trials.length - 1}`];
    }
    if (trials.length > 0) rule['other_trials_s3_input_paths'] = trials;
    // prepare_actions: action_json comes back as the actions (a Debugger rule without them sends none).
    if (!takeActions(params, rule, jobName)) return undefined;
  }
  if (Object.keys(params).length > 0) rule['rule_parameters'] = params;
  return rule;
}
