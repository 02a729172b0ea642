/**
 * The parts of SageMaker's DescribeTrainingJob and ListTrainingJobs answers the views, the log tail
 * and the job-file clone read, in the API's own PascalCase. The core may not import the AWS SDK, so
 * these mirror its output shapes structurally: an SDK `DescribeTrainingJobCommandOutput` or
 * `TrainingJobSummary` can be passed wherever these are expected. Timestamps are `Date`s, as the
 * SDK returns them.
 */

export interface SecondaryStatusTransition {
  Status?: string;
  StartTime?: Date;
  EndTime?: Date;
  StatusMessage?: string;
}

export interface RuleEvaluationStatus {
  RuleConfigurationName?: string;
  RuleEvaluationStatus?: string;
  StatusDetails?: string;
  LastModifiedTime?: Date;
}

export interface DescribedS3DataSource {
  S3DataType?: string;
  S3Uri?: string;
  S3DataDistributionType?: string;
  AttributeNames?: string[];
  InstanceGroupNames?: string[];
  ModelAccessConfig?: { AcceptEula?: boolean };
  HubAccessConfig?: { HubContentArn?: string };
}

export interface DescribedChannel {
  ChannelName?: string;
  DataSource?: { S3DataSource?: DescribedS3DataSource; FileSystemDataSource?: unknown };
  ContentType?: string;
  CompressionType?: string;
  RecordWrapperType?: string;
  InputMode?: string;
  ShuffleConfig?: { Seed?: number };
}

export interface DescribedInstanceGroup {
  InstanceType?: string;
  InstanceCount?: number;
  InstanceGroupName?: string;
}

export interface DescribedRuleConfiguration {
  RuleConfigurationName?: string;
  LocalPath?: string;
  S3OutputPath?: string;
  RuleEvaluatorImage?: string;
  InstanceType?: string;
  VolumeSizeInGB?: number;
  RuleParameters?: Record<string, string>;
}

export interface TrainingJobDescription {
  TrainingJobName?: string;
  TrainingJobArn?: string;
  TrainingJobStatus?: string;
  SecondaryStatus?: string;
  FailureReason?: string;
  CreationTime?: Date;
  TrainingStartTime?: Date;
  TrainingEndTime?: Date;
  LastModifiedTime?: Date;
  SecondaryStatusTransitions?: SecondaryStatusTransition[];
  HyperParameters?: Record<string, string>;
  AlgorithmSpecification?: {
    TrainingImage?: string;
    AlgorithmName?: string;
    TrainingInputMode?: string;
    MetricDefinitions?: Array<{ Name?: string; Regex?: string }>;
    EnableSageMakerMetricsTimeSeries?: boolean;
    TrainingImageConfig?: { TrainingRepositoryAccessMode?: string; TrainingRepositoryAuthConfig?: { TrainingRepositoryCredentialsProviderArn?: string } };
    ContainerEntrypoint?: string[];
    ContainerArguments?: string[];
  };
  RoleArn?: string;
  InputDataConfig?: DescribedChannel[];
  OutputDataConfig?: { S3OutputPath?: string; KmsKeyId?: string; CompressionType?: string };
  ResourceConfig?: {
    InstanceType?: string;
    InstanceCount?: number;
    VolumeSizeInGB?: number;
    VolumeKmsKeyId?: string;
    KeepAlivePeriodInSeconds?: number;
    InstanceGroups?: DescribedInstanceGroup[];
    TrainingPlanArn?: string;
    InstancePlacementConfig?: { EnableMultipleJobs?: boolean; PlacementSpecifications?: Array<{ UltraServerId?: string; InstanceCount?: number }> };
    /** Instance fallback (CreateTrainingJob's ResourceConfig.InstancePreferences); mutually exclusive with InstanceType. */
    InstancePreferences?: Array<{ InstanceType?: string; InstanceCount?: number }>;
    /** What SageMaker chose from InstancePreferences (read-only, DescribeTrainingJob only); the job is billed for it. */
    SelectedInstanceType?: string;
    SelectedInstanceCount?: number;
  };
  InfraCheckConfig?: { EnableInfraCheck?: boolean };
  RemoteDebugConfig?: { EnableRemoteDebug?: boolean };
  SessionChainingConfig?: { EnableSessionTagChaining?: boolean };
  StoppingCondition?: { MaxRuntimeInSeconds?: number; MaxWaitTimeInSeconds?: number; MaxPendingTimeInSeconds?: number };
  VpcConfig?: { Subnets?: string[]; SecurityGroupIds?: string[] };
  EnableNetworkIsolation?: boolean;
  EnableInterContainerTrafficEncryption?: boolean;
  EnableManagedSpotTraining?: boolean;
  CheckpointConfig?: { S3Uri?: string; LocalPath?: string };
  DebugHookConfig?: {
    S3OutputPath?: string;
    LocalPath?: string;
    HookParameters?: Record<string, string>;
    CollectionConfigurations?: Array<{ CollectionName?: string; CollectionParameters?: Record<string, string> }>;
  };
  ProfilerConfig?: { S3OutputPath?: string; DisableProfiler?: boolean; ProfilingIntervalInMilliseconds?: number; ProfilingParameters?: Record<string, string> };
  DebugRuleConfigurations?: DescribedRuleConfiguration[];
  ProfilerRuleConfigurations?: DescribedRuleConfiguration[];
  TensorBoardOutputConfig?: { S3OutputPath?: string; LocalPath?: string };
  ExperimentConfig?: unknown;
  Environment?: Record<string, string>;
  RetryStrategy?: { MaximumRetryAttempts?: number };
  ModelArtifacts?: { S3ModelArtifacts?: string };
  FinalMetricDataList?: Array<{ MetricName?: string; Value?: number; Timestamp?: Date }>;
  TrainingTimeInSeconds?: number;
  BillableTimeInSeconds?: number;
  DebugRuleEvaluationStatuses?: RuleEvaluationStatus[];
  ProfilerRuleEvaluationStatuses?: RuleEvaluationStatus[];
  /** The job's warm pool, when ResourceConfig.KeepAlivePeriodInSeconds asked for one. */
  WarmPoolStatus?: { Status?: string; ResourceRetainedBillableTimeInSeconds?: number; ReusedByJob?: string };
}

/** One row of ListTrainingJobs. */
export interface TrainingJobSummaryLike {
  TrainingJobName?: string;
  TrainingJobArn?: string;
  CreationTime?: Date;
  TrainingEndTime?: Date;
  LastModifiedTime?: Date;
  TrainingJobStatus?: string;
  SecondaryStatus?: string;
}

/** How many instances the job runs on: InstanceCount, or the sum over heterogeneous instance groups (as the SDK's `_logs_init` counts). */
export function instanceCountOf(description: Pick<TrainingJobDescription, 'ResourceConfig'>): number {
  const resources = description.ResourceConfig;
  if (resources?.InstanceGroups && resources.InstanceGroups.length > 0) {
    return resources.InstanceGroups.reduce((n, g) => n + (g.InstanceCount ?? 0), 0);
  }
  return resources?.InstanceCount ?? 1;
}

export interface TrainingJobArnParts {
  partition: string;
  region: string;
  accountId: string;
  name: string;
}

/** `arn:{partition}:sagemaker:{region}:{account}:training-job/{name}`; undefined for anything else. */
export function parseTrainingJobArn(arn: string | undefined): TrainingJobArnParts | undefined {
  const m = /^arn:([a-z-]+):sagemaker:([a-z0-9-]+):(\d{12}):training-job\/(.+)$/.exec(arn ?? '');
  if (!m) return undefined;
  return { partition: m[1]!, region: m[2]!, accountId: m[3]!, name: m[4]! };
}
