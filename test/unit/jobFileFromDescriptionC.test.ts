/**
 * Clone as Job File (src/core/jobs/jobFileFromDescription.ts), its second half, on whole job file texts:
 * `inputs` (a bare URI, the `training` channel alone as a string, each TrainingInput setting only when it
 * differs from the default, file system channels left out with a note), `tags` (the service's aws:* tags
 * dropped), the Debugger settings (rules built-in and custom, the hook: false, left out or its settings
 * where they differ from the SDK's default, TensorBoard) and the profiler (disable_profiler only where the
 * SDK would not turn it off anyway, profiler_config), with the notes word for word; and Clone Best Trial
 * as Job File's header line (src/core/jobs/bestTrialJobFile.ts).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { bestTrialJobFile } from '../../src/core/jobs/bestTrialJobFile';
import { jobFileFromDescription } from '../../src/core/jobs/jobFileFromDescription';
import type { JobFileCloneOptions } from '../../src/core/jobs/jobFileFromDescription';
import type { DescribedChannel, DescribedRuleConfiguration, TrainingJobDescription } from '../../src/core/jobs/trainingJobDescription';
import type { TuningJobView, TuningTrialView } from '../../src/core/jobs/tuningJobView';
import { ruleEvaluatorImage } from '../../src/core/sagemaker/debugger';

const OUT = 's3://bucket/out/';
/** A region where Debugger is, and one where it is not (fw_utils.DEBUGGER_UNSUPPORTED_REGIONS). */
const HERE = 'us-east-1';
const NOT_HERE = 'ap-southeast-3';
const RULES_IMAGE = ruleEvaluatorImage(HERE)!;
const MY_IMAGE = '111122223333.dkr.ecr.us-east-1.amazonaws.com/rules:1';

/** A job launched by a framework estimator in `region` (none: no ARN, no image, so no region). */
function described(region: string | undefined, extra: Partial<TrainingJobDescription>): TrainingJobDescription {
  return {
    TrainingJobName: 'job-a',
    ...(region !== undefined ? { TrainingJobArn: `arn:aws:sagemaker:${region}:111122223333:training-job/job-a` } : {}),
    HyperParameters: { sagemaker_program: '"train.py"' },
    OutputDataConfig: { S3OutputPath: OUT },
    ...extra,
  };
}

function clone(extra: Partial<TrainingJobDescription>, region: string | undefined = HERE, options: JobFileCloneOptions = { tags: [] }) {
  return jobFileFromDescription(described(region, extra), options);
}

/** The file's first lines: the comment with the notes, the script, the instance type, the region, the inputs and the output path. */
function top(region: string | undefined, notes: string[] = [], { instanceType, inputs = [] }: { instanceType?: string; inputs?: string[] } = {}): string[] {
  return [
    `# Cloned from the training job job-a${region !== undefined ? ` (${region})` : ''}.`,
    ...notes.map((n) => `# Note: ${n}`),
    '',
    'entry_point: train.py',
    ...(instanceType !== undefined ? [`instance_type: ${instanceType}`] : []),
    ...(region !== undefined ? [`region: ${region}`] : []),
    ...inputs,
    `output_path: ${OUT}`,
  ];
}

const lines = (...parts: string[]) => parts.join('\n') + '\n';

function s3Channel(name: string | undefined, uri: string, s3: Record<string, unknown> = {}, channel: Partial<DescribedChannel> = {}): DescribedChannel {
  return { ...(name !== undefined ? { ChannelName: name } : {}), DataSource: { S3DataSource: { S3Uri: uri, ...s3 } }, ...channel };
}

const fileSystemNote = (name: string) => `The input channel ${name} does not read from S3 (a file system source); job files take S3 inputs only, so it is left out.`;

describe('Clone as Job File: inputs', () => {
  it('writes a lone plain training channel (named or not, defaults spelled out or not) as a bare URI', () => {
    const expected = lines(...top(HERE, [], { inputs: ['inputs: s3://bucket/train/'] }), 'debugger_hook_config: false');
    assert.equal(clone({ InputDataConfig: [s3Channel(undefined, 's3://bucket/train/')] }).text, expected);
    assert.equal(clone({ InputDataConfig: [s3Channel('training', 's3://bucket/train/')] }).text, expected);
    const defaults = s3Channel('training', 's3://bucket/train/', { S3DataDistributionType: 'FullyReplicated', S3DataType: 'S3Prefix' });
    assert.equal(clone({ InputDataConfig: [defaults] }).text, expected);
  });

  it('writes a lone training channel with settings, or a lone channel of another name, under its name', () => {
    const sharded = s3Channel('training', 's3://bucket/train/', { S3DataDistributionType: 'ShardedByS3Key' });
    assert.equal(
      clone({ InputDataConfig: [sharded] }).text,
      lines(...top(HERE, [], { inputs: ['inputs:', '  training:', '    s3_data: s3://bucket/train/', '    distribution: ShardedByS3Key'] }), 'debugger_hook_config: false'),
    );
    assert.equal(
      clone({ InputDataConfig: [s3Channel('train', 's3://bucket/train/')] }).text,
      lines(...top(HERE, [], { inputs: ['inputs:', '  train: s3://bucket/train/'] }), 'debugger_hook_config: false'),
    );
  });

  it('carries every TrainingInput setting a channel had, and leaves out channels that do not read from S3, saying so', () => {
    const full = s3Channel(
      'train',
      's3://bucket/manifest',
      { S3DataDistributionType: 'ShardedByS3Key', S3DataType: 'AugmentedManifestFile', AttributeNames: ['source-ref', 'label'], InstanceGroupNames: ['gpus'] },
      { InputMode: 'FastFile', ContentType: 'text/csv', CompressionType: 'Gzip', RecordWrapperType: 'RecordIO', ShuffleConfig: { Seed: 7 } },
    );
    const channels: DescribedChannel[] = [
      full,
      s3Channel('test', 's3://bucket/test/'),
      { ChannelName: 'fs', DataSource: { FileSystemDataSource: { FileSystemId: 'fs-1' } } },
      { ChannelName: 'bare' },
    ];
    const result = clone({ InputDataConfig: channels });
    assert.deepEqual(result.notes, [fileSystemNote('fs'), fileSystemNote('bare')]);
    assert.equal(
      result.text,
      lines(
        ...top(HERE, result.notes, {
          inputs: [
            'inputs:',
            '  train:',
            '    s3_data: s3://bucket/manifest',
            '    distribution: ShardedByS3Key',
            '    input_mode: FastFile',
            '    content_type: text/csv',
            '    compression: Gzip',
            '    record_wrapping: RecordIO',
            '    s3_data_type: AugmentedManifestFile',
            '    attribute_names:',
            '      - source-ref',
            '      - label',
            '    shuffle_seed: 7',
            '    instance_groups:',
            '      - gpus',
            '  test: s3://bucket/test/',
          ],
        }),
        'debugger_hook_config: false',
      ),
    );
  });

  it('writes no inputs when no channel reads from S3', () => {
    const result = clone({ InputDataConfig: [{ ChannelName: 'fs', DataSource: { FileSystemDataSource: { FileSystemId: 'fs-1' } } }] });
    assert.deepEqual(result.notes, [fileSystemNote('fs')]);
    assert.equal(result.text, lines(...top(HERE, result.notes), 'debugger_hook_config: false'));
  });
});

describe('Clone as Job File: tags', () => {
  it("keeps the job's own tags (an empty value as an empty string) and drops aws:* tags and tags without a key", () => {
    const tags = [{ Key: 'aws:cloudformation:stack-name', Value: 'stack' }, { Key: 'team', Value: 'nlp' }, { Value: 'orphan' }, { Key: 'empty' }];
    assert.equal(clone({}, HERE, { tags }).text, lines(...top(HERE), 'tags:', '  team: nlp', '  empty: ""', 'debugger_hook_config: false'));
  });

  it('writes no tags when the job had only aws:* tags, and says to add them when ListTags was not asked', () => {
    assert.equal(clone({}, HERE, { tags: [{ Key: 'aws:cloudformation:stack-name', Value: 'stack' }] }).text, lines(...top(HERE), 'debugger_hook_config: false'));
    const result = clone({}, HERE, {});
    assert.deepEqual(result.notes, ['Tags are not part of DescribeTrainingJob; add tags: if the job had some.']);
    assert.equal(result.text, lines(...top(HERE, result.notes), 'debugger_hook_config: false'));
  });
});

describe('Clone as Job File: the Debugger hook', () => {
  it('writes debugger_hook_config: false for a job without a hook where Debugger is, and nothing where it is not', () => {
    assert.equal(clone({}).text, lines(...top(HERE), 'debugger_hook_config: false'));
    assert.equal(clone({}, NOT_HERE).text, lines(...top(NOT_HERE)));
    assert.equal(clone({ DebugRuleConfigurations: [] }, NOT_HERE).text, lines(...top(NOT_HERE)));
  });

  it('writes false where Debugger is not when the job had a Debugger rule (the rule would turn the hook on)', () => {
    const rule: DescribedRuleConfiguration = { RuleConfigurationName: 'mine', RuleEvaluatorImage: MY_IMAGE, InstanceType: 'ml.m5.xlarge' };
    assert.equal(
      clone({ DebugRuleConfigurations: [rule] }, NOT_HERE).text,
      lines(
        ...top(NOT_HERE),
        'rules:',
        '  - rule: Rule.custom',
        '    name: mine',
        `    image_uri: ${MY_IMAGE}`,
        '    instance_type: ml.m5.xlarge',
        '    volume_size_in_gb: 0',
        'debugger_hook_config: false',
      ),
    );
  });

  it("leaves out a hook with the SDK's defaults (no settings, or the job's output path)", () => {
    assert.equal(clone({ DebugHookConfig: {} }).text, lines(...top(HERE)));
    assert.equal(clone({ DebugHookConfig: { S3OutputPath: OUT } }).text, lines(...top(HERE)));
  });

  it('writes an empty hook where Debugger is not (the SDK would send none)', () => {
    assert.equal(clone({ DebugHookConfig: {} }, NOT_HERE).text, lines(...top(NOT_HERE), 'debugger_hook_config: {}'));
  });

  it("carries the hook's own path, local path, parameters and collections", () => {
    const hook = {
      S3OutputPath: 's3://bucket/debug/',
      LocalPath: '/opt/ml/output/tensors',
      HookParameters: { save_interval: '100' },
      CollectionConfigurations: [{ CollectionName: 'losses' }, { CollectionName: 'gradients', CollectionParameters: { save_interval: '50' } }],
    };
    assert.equal(
      clone({ DebugHookConfig: hook }).text,
      lines(
        ...top(HERE),
        'debugger_hook_config:',
        '  s3_output_path: s3://bucket/debug/',
        '  container_local_output_path: /opt/ml/output/tensors',
        '  hook_parameters:',
        '    save_interval: "100"',
        '  collection_configs:',
        '    - name: losses',
        '    - name: gradients',
        '      parameters:',
        '        save_interval: "50"',
      ),
    );
  });
});

describe('Clone as Job File: TensorBoard', () => {
  it('carries the TensorBoard output path, and the local path when the job had one', () => {
    assert.equal(
      clone({ TensorBoardOutputConfig: { S3OutputPath: 's3://bucket/tb/' } }).text,
      lines(...top(HERE), 'debugger_hook_config: false', 'tensorboard_output_config:', '  s3_output_path: s3://bucket/tb/'),
    );
    assert.equal(
      clone({ TensorBoardOutputConfig: { S3OutputPath: 's3://bucket/tb/', LocalPath: '/opt/ml/output/tb' } }).text,
      lines(...top(HERE), 'debugger_hook_config: false', 'tensorboard_output_config:', '  s3_output_path: s3://bucket/tb/', '  container_local_output_path: /opt/ml/output/tb'),
    );
  });
});

describe('Clone as Job File: rules', () => {
  const vanishingGradient: DescribedRuleConfiguration = {
    RuleConfigurationName: 'VanishingGradient',
    RuleEvaluatorImage: RULES_IMAGE,
    RuleParameters: { rule_to_invoke: 'VanishingGradient' },
  };

  it('writes a built-in rule without collections_to_save when the hook has no collections', () => {
    assert.equal(
      clone({ DebugHookConfig: {}, DebugRuleConfigurations: [vanishingGradient] }).text,
      lines(...top(HERE), 'rules:', '  - rule: Rule.sagemaker', '    base_config: vanishing_gradient'),
    );
  });

  it('keeps a hook collection without a name as the empty name, in the rule and in the hook', () => {
    const hook = { CollectionConfigurations: [{ CollectionParameters: { save_interval: '10' } }] };
    assert.equal(
      clone({ DebugHookConfig: hook, DebugRuleConfigurations: [vanishingGradient] }).text,
      lines(
        ...top(HERE),
        'rules:',
        '  - rule: Rule.sagemaker',
        '    base_config: vanishing_gradient',
        '    collections_to_save:',
        '      - name: ""',
        '        parameters:',
        '          save_interval: "10"',
        'debugger_hook_config:',
        '  collection_configs:',
        '    - name: ""',
        '      parameters:',
        '        save_interval: "10"',
      ),
    );
  });

  it('says which rules it cannot carry and why', () => {
    const result = clone({
      DebugRuleConfigurations: [
        { RuleConfigurationName: 'Mine', RuleEvaluatorImage: RULES_IMAGE, RuleParameters: { rule_to_invoke: 'NoSuchRule' } },
        { RuleEvaluatorImage: RULES_IMAGE },
        { RuleConfigurationName: 'NoImage', InstanceType: 'ml.m5.xlarge' },
        { InstanceType: 'ml.m5.xlarge' },
      ],
    });
    const notBuiltin = (name: string) =>
      `The rule ${name} runs SageMaker's rule image but is no built-in rule a job file can write (parameters no rule_configs class call or ActionList sends, or an image of another region); it is not carried over.`;
    assert.deepEqual(result.notes, [
      notBuiltin('Mine'),
      notBuiltin('(unnamed)'),
      'The rule NoImage has no evaluator image or instance type in the description; it is not carried over.',
      'The rule (unnamed) has no evaluator image or instance type in the description; it is not carried over.',
    ]);
    assert.equal(result.text, lines(...top(HERE, result.notes), 'debugger_hook_config: false'));
  });

  it('says when a custom rule is left out for an action_json no actions list sends, rather than for a missing image or instance type', () => {
    const rule: DescribedRuleConfiguration = {
      RuleConfigurationName: 'Acts',
      RuleEvaluatorImage: MY_IMAGE,
      InstanceType: 'ml.m5.xlarge',
      RuleParameters: { action_json: '[{"name": "reboot"}]' },
    };
    const result = clone({ DebugRuleConfigurations: [rule] });
    assert.deepEqual(result.notes, [
      'The rule Acts has an action_json that no actions list a job file can write sends (StopTraining, Email and SMS, as the SDK serializes them); it is not carried over.',
    ]);
    assert.equal(result.text, lines(...top(HERE, result.notes), 'debugger_hook_config: false'));
  });

  it('writes custom rules with source and rule_to_invoke as a pair, other trials as a list, and the rest as rule_parameters', () => {
    const custom = (name: string, more: Partial<DescribedRuleConfiguration> = {}): DescribedRuleConfiguration => ({
      RuleConfigurationName: name,
      RuleEvaluatorImage: MY_IMAGE,
      InstanceType: 'ml.m5.xlarge',
      ...more,
    });
    const result = clone({
      DebugRuleConfigurations: [
        custom('Full', {
          VolumeSizeInGB: 10,
          LocalPath: '/opt/ml/processing/output/rule',
          S3OutputPath: 's3://bucket/rules/',
          RuleParameters: { source_s3_uri: 's3://bucket/rule.py', rule_to_invoke: 'MyRule', other_trial_0: 's3://bucket/t0/', other_trial_1: 's3://bucket/t1/', threshold: '0.5' },
        }),
        custom('Invoke', { RuleParameters: { rule_to_invoke: 'MyRule', other_trial_0: 's3://bucket/t0/' } }),
        custom('Source', { RuleParameters: { source_s3_uri: 's3://bucket/rule.py' } }),
        custom('Bare'),
      ],
      // ProfilerRule.custom takes no other_trials_s3_input_paths: such a parameter stays a parameter.
      ProfilerRuleConfigurations: [custom('Prof', { RuleParameters: { other_trial_0: 's3://bucket/t0/' } })],
    });
    assert.deepEqual(result.notes, []);
    const head = (kind: string, name: string, volume = 0) => [
      `  - rule: ${kind}`,
      `    name: ${name}`,
      `    image_uri: ${MY_IMAGE}`,
      '    instance_type: ml.m5.xlarge',
      `    volume_size_in_gb: ${volume}`,
    ];
    assert.equal(
      result.text,
      lines(
        ...top(HERE),
        'rules:',
        ...head('Rule.custom', 'Full', 10),
        '    source: s3://bucket/rule.py',
        '    rule_to_invoke: MyRule',
        '    container_local_output_path: /opt/ml/processing/output/rule',
        '    s3_output_path: s3://bucket/rules/',
        '    other_trials_s3_input_paths:',
        '      - s3://bucket/t0/',
        '      - s3://bucket/t1/',
        '    rule_parameters:',
        '      threshold: "0.5"',
        ...head('Rule.custom', 'Invoke'),
        '    other_trials_s3_input_paths:',
        '      - s3://bucket/t0/',
        '    rule_parameters:',
        '      rule_to_invoke: MyRule',
        ...head('Rule.custom', 'Source'),
        '    rule_parameters:',
        '      source_s3_uri: s3://bucket/rule.py',
        ...head('Rule.custom', 'Bare'),
        ...head('ProfilerRule.custom', 'Prof'),
        '    rule_parameters:',
        '      other_trial_0: s3://bucket/t0/',
        'debugger_hook_config: false',
      ),
    );
  });
});

describe('Clone as Job File: the profiler', () => {
  it('says ProfilingParameters are not carried over', () => {
    const result = clone({ ProfilerConfig: { ProfilingParameters: { DataloaderProfilingConfig: '{}' } } });
    assert.deepEqual(result.notes, ['The job had ProfilingParameters (framework or SageMaker Profiler settings), which a job file has no key for; they are not carried over.']);
    assert.equal(result.text, lines(...top(HERE, result.notes), 'debugger_hook_config: false'));
  });

  it('writes disable_profiler: true where the SDK would leave the profiler on, and its interval as profiler_config', () => {
    const resources = { ResourceConfig: { InstanceType: 'ml.p3.2xlarge', InstanceCount: 1, VolumeSizeInGB: 30 } };
    assert.equal(
      clone({ ...resources, ProfilerConfig: { DisableProfiler: true } }).text,
      lines(...top(HERE, [], { instanceType: 'ml.p3.2xlarge' }), 'debugger_hook_config: false', 'disable_profiler: true'),
    );
    assert.equal(
      clone({ ...resources, ProfilerConfig: { DisableProfiler: true, ProfilingIntervalInMilliseconds: 100 } }).text,
      lines(
        ...top(HERE, [], { instanceType: 'ml.p3.2xlarge' }),
        'debugger_hook_config: false',
        'disable_profiler: true',
        'profiler_config:',
        '  disable_profiler: true',
        '  system_monitor_interval_millis: 100',
      ),
    );
    // With no region known, nothing says the SDK turns it off.
    assert.equal(
      jobFileFromDescription(described(undefined, { ProfilerConfig: { DisableProfiler: true } }), { tags: [] }).text,
      lines(...top(undefined), 'debugger_hook_config: false', 'disable_profiler: true'),
    );
  });

  it('leaves disable_profiler out where the SDK turns the profiler off anyway: on Trainium, where Debugger is not', () => {
    const trainium = { ResourceConfig: { InstanceType: 'ml.trn1.2xlarge', InstanceCount: 1 } };
    assert.equal(
      clone({ ...trainium, ProfilerConfig: { DisableProfiler: true } }).text,
      lines(...top(HERE, [], { instanceType: 'ml.trn1.2xlarge' }), 'debugger_hook_config: false'),
    );
    assert.equal(clone({ ProfilerConfig: { DisableProfiler: true } }, NOT_HERE).text, lines(...top(NOT_HERE)));
  });

  it("writes profiler_config only for settings that differ from the SDK's defaults", () => {
    assert.equal(clone({ ProfilerConfig: { DisableProfiler: false } }).text, lines(...top(HERE), 'debugger_hook_config: false'));
    assert.equal(clone({ ProfilerConfig: { S3OutputPath: OUT } }).text, lines(...top(HERE), 'debugger_hook_config: false'));
    assert.equal(
      clone({ ProfilerConfig: { S3OutputPath: 's3://bucket/prof/', ProfilingIntervalInMilliseconds: 100 } }).text,
      lines(...top(HERE), 'debugger_hook_config: false', 'profiler_config:', '  s3_output_path: s3://bucket/prof/', '  system_monitor_interval_millis: 100'),
    );
  });
});

describe('Clone Best Trial as Job File: the header', () => {
  const trial: TrainingJobDescription & { TuningJobArn?: string } = {
    ...described(HERE, {}),
    TrainingJobName: 'sweep-a-003-abcdef12',
    TuningJobArn: 'arn:aws:sagemaker:us-east-1:111122223333:hyper-parameter-tuning-job/sweep-a',
    HyperParameters: { sagemaker_program: '"train.py"', learning_rate: '0.5', _tuning_objective_metric: '"eval_loss"' },
  };
  const bestTrial = (name: string, objective?: number): TuningTrialView => ({
    name,
    status: 'Completed',
    ...(objective !== undefined ? { objective } : {}),
    tuned: [],
    tunedHyperParameters: {},
    best: true,
    earlyStopped: false,
    inFlight: false,
  });
  const tuning = (extra: Partial<Pick<TuningJobView, 'objective' | 'best'>>): Pick<TuningJobView, 'name' | 'objective' | 'best'> => ({ name: 'sweep-a', ...extra });
  const tail = ": its hyperparameters, without the tuner's `_tuning_objective_metric` and estimator keys.";
  const firstLine = (text: string) => text.slice(0, text.indexOf('\n'));

  it("names the tuning job and the trial's objective value, above the clone of the trial without the tuner's keys", () => {
    const clone = bestTrialJobFile(trial, tuning({ objective: { name: 'eval_loss', type: 'Minimize' }, best: bestTrial(trial.TrainingJobName!, 0.25) }), { tags: [] });
    const { TuningJobArn: _arn, ...plain } = trial;
    const expected = jobFileFromDescription({ ...plain, HyperParameters: { sagemaker_program: '"train.py"', learning_rate: '0.5' } }, { tags: [] });
    assert.deepEqual(clone, { ...expected, text: `# The best trial of the tuning job sweep-a (Minimize eval_loss 0.25)${tail}\n${expected.text}` });
  });

  it('shows the bare value when the objective is not known', () => {
    const clone = bestTrialJobFile(trial, tuning({ best: bestTrial(trial.TrainingJobName!, 0.25) }), { tags: [] });
    assert.equal(firstLine(clone.text), `# The best trial of the tuning job sweep-a (0.25)${tail}`);
  });

  it('shows no value when the trial is not the best one, or the tuning job has none', () => {
    const objective = { name: 'eval_loss', type: 'Minimize' as const };
    assert.equal(firstLine(bestTrialJobFile(trial, tuning({ objective, best: bestTrial('sweep-a-001-00000000', 0.1) })).text), `# The best trial of the tuning job sweep-a${tail}`);
    assert.equal(firstLine(bestTrialJobFile(trial, tuning({ objective })).text), `# The best trial of the tuning job sweep-a${tail}`);
    const { TrainingJobName: _name, ...nameless } = trial;
    assert.equal(firstLine(bestTrialJobFile(nameless, tuning({})).text), `# The best trial of the tuning job sweep-a${tail}`);
  });
});
