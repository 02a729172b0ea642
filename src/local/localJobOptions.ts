/**
 * A validated job file (JobSpec) turned into the options of a local run: paths resolved against the
 * job file's folder, `inputs` turned into channels the way `estimator.fit()` names them.
 */

import * as path from 'node:path';

import type { ChannelInput, JobSpec } from '../core/jobFile/jobSpec';
import { containerLogLevel, DEFAULT_CONTAINER_LOG_LEVEL } from '../core/sagemaker/containerLogLevel';
import { sdkDistributionHyperparameters } from '../core/sagemaker/distribution';
import { firstCandidate } from '../core/sagemaker/instancePreferences';
import { encodeHyperparameter } from '../core/sagemaker/hyperparameters';
import type { ChannelFetcher } from '../core/contract/channelFetcher';
import type { LocalChannel, LocalJobOptions } from './localJob';
import { LocalJobError } from './localJobError';

export interface LocalJobSpecInput {
  spec: JobSpec;
  /** Folder of the job file; relative paths in it start there. */
  jobFileDir: string;
  jobName: string;
  /** Where local jobs live, e.g. defaultLocalRoot(workspaceFolder). */
  root: string;
  /**
   * CreateTrainingJob.HyperParameters exactly as a launch would send them. Pass them when you have
   * them (the request builder makes them); otherwise the job file's hyperparameters are encoded here
   * and the distribution keys added the way the SDK adds them.
   */
  hyperparameters?: Record<string, string>;
  /** For a job with git_config: the folder the repository is checked out in. */
  checkoutDir?: string;
  channelFetcher?: ChannelFetcher;
  interpreter?: string;
  installRequirements?: boolean;
  stopGraceMs?: number;
  numGpus?: number;
}

export function localJobOptionsFromSpec(input: LocalJobSpecInput): LocalJobOptions {
  const { spec, jobFileDir } = input;
  let codeRoot = jobFileDir;
  if (spec.git_config) {
    if (!input.checkoutDir) {
      throw new LocalJobError('UnsupportedForLocalRun', 'This job takes its code from git_config: clone the repository first and pass the checkout folder.', {
        repo: spec.git_config.repo,
      });
    }
    codeRoot = input.checkoutDir;
  }
  if (spec.container_entry_point !== undefined || spec.container_arguments !== undefined) {
    // A local run is the training toolkit's contract run on this machine; a command of one's own replaces exactly that.
    const key = spec.container_entry_point !== undefined ? 'container_entry_point' : 'container_arguments';
    throw new LocalJobError(
      'UnsupportedForLocalRun',
      `${key} replaces how the training image starts; local runs emulate SageMaker's training toolkit, which it replaces, so they cannot run it. Remove container_entry_point and container_arguments for a local run.`,
      {
        key,
      },
    );
  }
  if (spec.source_dir?.startsWith('s3://')) {
    throw new LocalJobError('UnsupportedForLocalRun', 'source_dir is in S3; a local run needs the code on this machine. Point source_dir at a local folder.', {
      sourceDir: spec.source_dir,
    });
  }
  const sourceDir = spec.source_dir !== undefined ? path.resolve(codeRoot, spec.source_dir) : undefined;
  const entryPoint = sourceDir !== undefined ? spec.entry_point : path.resolve(codeRoot, spec.entry_point);

  return {
    jobName: input.jobName,
    sourceDir,
    entryPoint,
    dependencies: (spec.dependencies ?? []).map((d) => path.resolve(codeRoot, d)),
    hyperparameters: input.hyperparameters ?? encodeSpecHyperparameters(spec),
    ...localInstancesOf(spec),
    channels: channelsOf(spec),
    environment: spec.environment,
    region: spec.region,
    root: input.root,
    baseDir: jobFileDir,
    interpreter: input.interpreter,
    installRequirements: input.installRequirements,
    channelFetcher: input.channelFetcher,
    stopGraceMs: input.stopGraceMs,
    // SageMaker local mode's `local` runs its container without GPUs; `local_gpu` and ml.* types get this machine's.
    numGpus: input.numGpus ?? (spec.instance_type === 'local' ? 0 : undefined),
    trainingImage: spec.image_uri,
  };
}

/**
 * Where the local hosts stand in for: instance_type × instance_count; instance_preferences' first
 * entry, the type SageMaker takes whenever it has capacity (reported as the job's instance type,
 * with that preference's count); or every group of instance_groups, each host seeing its own group
 * and ml.* type in resourceconfig.json and SM_* (their GPUs are this machine's, as for any ml.* type).
 */
function localInstancesOf(spec: JobSpec): Pick<LocalJobOptions, 'instanceType' | 'instanceCount' | 'instanceGroups'> {
  if (spec.instance_groups !== undefined) {
    return { instanceGroups: spec.instance_groups.map((g) => ({ name: g.instance_group_name, instanceType: g.instance_type, instanceCount: g.instance_count })) };
  }
  const instance = firstCandidate(spec);
  return { instanceType: instance?.instanceType ?? 'local', instanceCount: instance?.instanceCount ?? 1 };
}

/** `estimator.fit(inputs)`: a bare string is the `training` channel. */
function channelsOf(spec: JobSpec): Record<string, LocalChannel> {
  const channels = inputChannelsOf(spec);
  // The SDK's model channel (model_uri), a File-mode channel like the others; duplicates are refused by validation and plan.
  if (spec.model_uri) channels[spec.model_channel_name ?? 'model'] = { source: spec.model_uri, contentType: 'application/x-sagemaker-model', inputMode: 'File' };
  return channels;
}

function inputChannelsOf(spec: JobSpec): Record<string, LocalChannel> {
  if (spec.inputs === undefined) return {};
  // A channel without its own input_mode takes the job's (TrainingInputMode), as on SageMaker.
  const jobMode = spec.input_mode !== undefined ? { inputMode: spec.input_mode } : {};
  if (typeof spec.inputs === 'string') return { training: { source: spec.inputs, ...jobMode } };
  const channels: Record<string, LocalChannel> = {};
  for (const [name, value] of Object.entries(spec.inputs)) {
    channels[name] = typeof value === 'string' ? { source: value, ...jobMode } : { ...jobMode, ...channelFromInput(name, value) };
  }
  return channels;
}

function channelFromInput(name: string, input: ChannelInput): LocalChannel {
  // The SDK's own local mode refuses these too: they only mean something to SageMaker's data service.
  if (input.s3_data_type && input.s3_data_type !== 'S3Prefix') {
    throw new LocalJobError('UnsupportedForLocalRun', `Channel ${name} uses s3_data_type ${input.s3_data_type}; local runs support S3Prefix data only.`, { channel: name });
  }
  if (input.compression === 'Gzip' || input.record_wrapping === 'RecordIO') {
    throw new LocalJobError('UnsupportedForLocalRun', `Channel ${name} uses Gzip compression or RecordIO wrapping, which local runs do not support.`, { channel: name });
  }
  return {
    source: input.s3_data,
    ...(input.content_type ? { contentType: input.content_type } : {}),
    ...(input.distribution ? { distribution: input.distribution } : {}),
    ...(input.input_mode ? { inputMode: input.input_mode } : {}),
    // Only these groups' hosts get the channel. model_access_config and hub_access_config tell SageMaker about a
    // gated or private-hub model; a local run reads the data the same way without them.
    ...(input.instance_groups ? { instanceGroups: input.instance_groups } : {}),
  };
}

/**
 * The SDK's `_json_encode_hyperparameters` over the job file's hyperparameters, plus the
 * `sagemaker_*` keys of its distribution configuration (src/core/sagemaker/distribution.ts). The
 * local run sets `sagemaker_program`, `sagemaker_submit_directory` and `sagemaker_job_name` itself.
 */
export function encodeSpecHyperparameters(spec: JobSpec): Record<string, string> {
  const encoded: Record<string, string> = {};
  for (const [key, value] of Object.entries(spec.hyperparameters ?? {})) encoded[key] = encodeHyperparameter(value);
  encoded.sagemaker_container_log_level = encodeHyperparameter(containerLogLevel(spec.container_log_level) ?? DEFAULT_CONTAINER_LOG_LEVEL);
  if (spec.region) encoded.sagemaker_region = encodeHyperparameter(spec.region);
  for (const [key, value] of sdkDistributionHyperparameters(spec.distribution, { instanceType: firstCandidate(spec)?.instanceType, instanceGroups: spec.instance_groups }))
    encoded[key] = value;
  return encoded;
}
