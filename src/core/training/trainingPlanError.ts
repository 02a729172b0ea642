/** Why a job file could not be turned into the CreateTrainingJob request the SDK would send. */
export type TrainingPlanErrorCode =
  | 'hyperparameters.notMapping'
  | 'hyperparameters.notJson'
  | 'hyperparameters.badKey'
  | 'hyperparameters.secret'
  | 'env.variableMissing'
  | 'yaml.unresolvedAlias'
  | 'image.unresolved'
  | 'region.unknown'
  | 'instanceType.local'
  | 's3.notS3Uri'
  | 'inputs.notS3Uri'
  | 'inputs.duplicateChannel'
  | 'vpc.incomplete'
  | 'containerLogLevel.unknown'
  // instance_type / instance_preferences (src/core/sagemaker/instancePreferences.ts).
  | 'schema.required'
  | 'instancePreferences.exclusive'
  | 'instancePreferences.tooMany'
  | 'instancePreferences.duplicate'
  | 'instancePreferences.countTwice'
  | 'instancePreferences.countMissing'
  // The SDK's distribution refusals (src/core/sagemaker/distribution.ts).
  | 'distribution.multipleSmdistributed'
  | 'distribution.trainium'
  | 'smdistributed.frameworkVersion'
  | 'smdistributed.python'
  | 'distribution.p5Unsupported'
  | 'distribution.imageUnsupported'
  | 'torch_distributed.python'
  | 'torch_distributed.instanceType'
  | 'torch_distributed.frameworkVersion'
  | 'torch_distributed.entryPoint'
  // The SDK's Debugger and profiler refusals (src/core/sagemaker/debugger.ts).
  | 'rules.sourceWithoutRuleToInvoke'
  | 'rules.sourceNotS3'
  | 'rules.debuggerRuleOnly'
  | 'rules.notAKeyword'
  | 'rules.builtinArguments'
  | 'rules.profilerParameter'
  | 'rules.action'
  | 'rules.unknownBuiltin'
  | 'rules.builtinRuleToInvoke'
  | 'rules.detailedProfilerName'
  | 'rules.builtinRegionUnsupported'
  | 'debugger.regionUnsupported'
  | 'profiler.disabled'
  // What TrainingCompilerConfig.validate refuses (src/core/sagemaker/trainingCompiler.ts).
  | 'compiler.instanceType'
  | 'compiler.smdistributed'
  | 'compiler.frameworkVersion'
  | 'compiler.imageUri'
  | 'compiler.distribution'
  // HyperparameterTuner's refusals, and ours where the SDK sends a tuning job SageMaker cannot run
  // (src/core/training/createTuningJobRequest.ts).
  | 'tuning.noRanges'
  | 'tuning.keepStaticWithoutAutotune'
  | 'tuning.keepStaticDuplicate'
  | 'tuning.keepStaticUnknown'
  | 'tuning.autotuneSdkKeys'
  | 'tuning.hyperbandResources'
  | 'tuning.warmStartParents'
  | 'tuning.objectiveMetricUndefined'
  | 'tuning.instanceGroups'
  | 'tuning.instancePreferences'
  | 'compiler.instanceGroups'
  // What the SDK refuses about instance_groups (src/core/sagemaker/instanceGroups.ts, distribution.ts).
  | 'instanceGroups.missing'
  | 'instanceGroups.withInstanceType'
  | 'instanceGroups.instanceType'
  | 'distribution.instanceGroupsWithoutGroups'
  | 'distribution.instanceGroupsOversubscribed'
  | 'distribution.instanceGroupsOne'
  | 'distribution.instanceGroupUnknown'
  | 'distribution.instanceGroupsWithoutStrategy'
  // A channel's instance_groups (src/core/sagemaker/channels.ts): not the SDK's refusals, see there.
  | 'inputs.instanceGroupsWithoutGroups'
  | 'inputs.instanceGroupUnknown'
  | 'inputs.targetAttributeName';

/**
 * Thrown by the training-request core. `context` names the job-file key (`path`) and the offending
 * value where that helps a UI point at it; it never carries secrets (git tokens, passwords).
 */
export class TrainingPlanError extends Error {
  override readonly name = 'TrainingPlanError';

  constructor(
    readonly code: TrainingPlanErrorCode,
    message: string,
    readonly context: { path?: string; value?: string; suggestions?: string[] } = {},
  ) {
    super(message);
  }
}
