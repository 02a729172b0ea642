/**
 * A channel's options, one owner: the job file's `inputs.<name>` map is the keyword arguments of the
 * SDK's `TrainingInput` (sagemaker/inputs.py, SDK v2.257.6), and `trainingInputConfig` is its
 * `config` dict, key for key and in its order.
 *
 * `instance_groups` (S3DataSource.InstanceGroupNames) names the groups of a heterogeneous cluster
 * that receive the channel. The SDK sends the list as written, checking nothing; SageMaker's API
 * reference describes it as "a list of names of instance groups that get data from the S3 data
 * source", and its developer guide ("Configure a training job with a heterogeneous cluster",
 * awsdocs/amazon-sagemaker-developer-guide doc_source/train-heterogeneous-cluster.md) gives each
 * group's channel its groups in the same way. So a name must be one of the job's `instance_groups`,
 * and a job without them has no group to name: both are refused here, by the validator and by the
 * request builder (`channelInstanceGroupRefusals`).
 *
 * What a host outside a channel's groups sees is not documented. The training toolkit learns the
 * channels only from the platform's inputdataconfig.json (aws/sagemaker-training-toolkit
 * environment.py `read_input_data_config`, `channel_input_dirs`, SM_CHANNELS and SM_CHANNEL_<NAME>
 * from it, at 33839372faf8); a local run takes the strict reading and leaves the channel out of that
 * host's view entirely (`channelsForGroup`).
 *
 * `model_access_config` and `hub_access_config` are dicts the SDK puts into S3DataSource as they are
 * (`add_model_access_config`, `add_hub_access_config`), so the job file takes the API's own shapes
 * (`{AcceptEula: true}`, `{HubContentArn: …}`, checked by the schema against the API model). They
 * tell SageMaker that a gated model's licence is accepted or which private-hub model reference the
 * data is; a local run reads the data as before.
 *
 * Functions here take anything (the validator passes what the YAML says) and read only what has the
 * expected shape.
 */
import { isRecord } from '../isRecord';
import { closestMatch } from '../jobFile/didYouMean';
import type { ChannelInput } from '../jobFile/jobSpec';
import type { S3DataSource, TrainingChannel } from '../training/createTrainingJobRequest';
import type { TrainingPlanErrorCode } from '../training/trainingPlanError';

/** CreateTrainingJob's Channel for an S3 input, as `TrainingInput(...).config` plus `ChannelName` writes it (the SDK always sets a distribution). */
export type S3TrainingChannel = TrainingChannel & { DataSource: { S3DataSource: S3DataSource & { S3DataDistributionType: string } } };

/**
 * inputs.py `TrainingInput.__init__` then `_Job._convert_input_to_channel`: S3DataSource's keys in
 * the order the SDK sets them (type, URI, distribution, instance groups, attribute names, hub then
 * model access config), then the channel's own keys, then its name.
 */
export function trainingInputConfig(name: string, input: ChannelInput): S3TrainingChannel {
  return {
    DataSource: {
      S3DataSource: {
        S3DataType: input.s3_data_type ?? 'S3Prefix',
        S3Uri: input.s3_data,
        S3DataDistributionType: input.distribution ?? 'FullyReplicated',
        ...(input.instance_groups !== undefined ? { InstanceGroupNames: input.instance_groups } : {}),
        ...(input.attribute_names !== undefined ? { AttributeNames: input.attribute_names } : {}),
        ...(input.hub_access_config !== undefined ? { HubAccessConfig: input.hub_access_config } : {}),
        ...(input.model_access_config !== undefined ? { ModelAccessConfig: input.model_access_config } : {}),
      },
    },
    ...(input.compression !== undefined ? { CompressionType: input.compression } : {}),
    ...(input.content_type !== undefined ? { ContentType: input.content_type } : {}),
    ...(input.record_wrapping !== undefined ? { RecordWrapperType: input.record_wrapping } : {}),
    ...(input.input_mode !== undefined ? { InputMode: input.input_mode } : {}),
    ...(input.shuffle_seed !== undefined ? { ShuffleConfig: { Seed: input.shuffle_seed } } : {}),
    ChannelName: name,
  };
}

export interface ChannelRefusal {
  code: TrainingPlanErrorCode;
  message: string;
  path: ReadonlyArray<string | number>;
  value?: string;
  /** For an unknown group name: the job's group it is most likely a typo of. */
  suggestion?: string;
}

/**
 * Why `target_attribute_name` is refused: the schema's `x-unsupportedArguments` entry
 * `inputs.<name>.target_attribute_name` says the same words (a test holds them equal), for the
 * validator; this is the request builder's.
 */
export const TARGET_ATTRIBUTE_NAME_REFUSAL =
  'A TrainingInput keyword argument for SageMaker AutoML jobs only (the attribute an AutoML job predicts): the SDK puts it into the channel as TargetAttributeName, which CreateTrainingJob\'s Channel does not have (only AutoMLChannel does), so boto3 refuses the request before it is sent ("Unknown parameter in InputDataConfig[0]: \\"TargetAttributeName\\""). A training job has no target attribute: pass the label column to the script as a hyperparameter.';

/** The estimator arguments these checks read (a JobSpec has them; anything may be malformed). */
export interface ChannelArguments {
  inputs?: unknown;
  instance_groups?: unknown;
}

/**
 * What the request builder refuses about the channels, in the order of the file: TrainingInput
 * arguments a training job cannot take (`target_attribute_name`; the validator reports it from the
 * schema), then `channelInstanceGroupRefusals`.
 */
export function channelRefusals(args: ChannelArguments): ChannelRefusal[] {
  const out: ChannelRefusal[] = [];
  if (isRecord(args.inputs)) {
    for (const [channel, value] of Object.entries(args.inputs)) {
      if (isRecord(value) && value.target_attribute_name !== undefined) {
        out.push({
          code: 'inputs.targetAttributeName',
          message: `inputs.${channel}.target_attribute_name cannot be sent: ${TARGET_ATTRIBUTE_NAME_REFUSAL}`,
          path: ['inputs', channel, 'target_attribute_name'],
        });
      }
    }
  }
  return [...out, ...channelInstanceGroupRefusals(args)];
}

/**
 * Channels whose `instance_groups` SageMaker cannot honour: written in a job without instance_groups,
 * or naming a group the job does not have (with the closest group name when there is one). In the
 * order of the file.
 */
export function channelInstanceGroupRefusals(args: ChannelArguments): ChannelRefusal[] {
  const out: ChannelRefusal[] = [];
  if (!isRecord(args.inputs)) return out;
  const groupNames = Array.isArray(args.instance_groups)
    ? args.instance_groups.flatMap((g: unknown) => (isRecord(g) && typeof g.instance_group_name === 'string' ? [g.instance_group_name] : []))
    : undefined;
  for (const [channel, value] of Object.entries(args.inputs)) {
    if (!isRecord(value) || !Array.isArray(value.instance_groups)) continue;
    const at = ['inputs', channel, 'instance_groups'];
    if (groupNames === undefined) {
      out.push({
        code: 'inputs.instanceGroupsWithoutGroups',
        message: `inputs.${channel}.instance_groups names the groups of a heterogeneous cluster that receive this channel (S3DataSource.InstanceGroupNames), and this job has no instance_groups, so there is no group to name. The SageMaker SDK sends it anyway; remove it (every instance then gets the channel), or describe the cluster with instance_groups.`,
        path: at,
      });
      continue;
    }
    for (const [i, name] of value.instance_groups.entries()) {
      if (typeof name !== 'string' || groupNames.includes(name)) continue; // the schema says what a name is
      const suggestion = closestMatch(name, groupNames);
      out.push({
        code: 'inputs.instanceGroupUnknown',
        message: `${name} is not one of this job's instance groups (${groupNames.join(', ')})${suggestion !== undefined ? `; did you mean ${suggestion}?` : '.'} The SageMaker SDK sends the name as written, but only the job's own groups can receive the channel ${channel}: name one of them.`,
        path: [...at, i],
        value: name,
        ...(suggestion !== undefined ? { suggestion } : {}),
      });
    }
  }
  return out;
}

/** Just what `channelsForGroup` reads of a channel. */
export interface GroupedChannel {
  name: string;
  /** The groups that receive it; undefined: every group. */
  instanceGroups?: readonly string[];
}

/**
 * The channels a host of `group` receives, in request order: those without instance_groups, and those
 * naming the group. The rest are not in this host's inputdataconfig.json, so it has no folder, no
 * SM_CHANNEL_<NAME> and no entry in SM_CHANNELS for them (see the header for why).
 */
export function channelsForGroup<T extends GroupedChannel>(channels: readonly T[], group: string): T[] {
  return channels.filter((c) => c.instanceGroups === undefined || c.instanceGroups.includes(group));
}
