import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { completionsAt, cursorContext, hoverAt } from '../../src/core/jobFile/assist';

/** Splits `text` at the `|` marker: the text without it and the marker's position. */
function at(marked: string) {
  const offset = marked.indexOf('|');
  const text = marked.slice(0, offset) + marked.slice(offset + 1);
  const before = text.slice(0, offset).split('\n');
  return { text, position: { line: before.length - 1, character: before[before.length - 1]!.length } };
}

describe('completion', () => {
  it('offers top-level keys not yet present, required ones first', () => {
    const { text, position } = at('entry_point: train.py\ninst|\n');
    const labels = completionsAt(text, position).map((s) => s.label);
    assert.ok(labels.includes('instance_type'));
    assert.ok(labels.includes('instance_count'));
    assert.ok(!labels.includes('entry_point'), 'existing keys are not offered again');
    const items = completionsAt(text, position);
    const required = items.filter((s) => s.detail?.includes('required')).map((s) => s.label);
    assert.ok(required.includes('role') && required.includes('instance_type'));
    assert.ok(items.find((s) => s.label === 'role')!.sortText! < items.find((s) => s.label === 'volume_size')!.sortText!);
  });

  it('offers nested keys from the enclosing map', () => {
    const { text, position } = at('distribution:\n  smdistributed:\n    |\n');
    assert.deepEqual(
      completionsAt(text, position)
        .map((s) => s.label)
        .sort(),
      ['dataparallel', 'modelparallel'],
    );
  });

  it('offers instance types with their GPUs in the detail', () => {
    const { text, position } = at('instance_type: ml.p3|\n');
    const items = completionsAt(text, position);
    const p3dn = items.find((s) => s.label === 'ml.p3dn.24xlarge');
    assert.ok(p3dn, 'ml.p3dn.24xlarge is offered');
    assert.match(p3dn.detail!, /8 × NVIDIA V100 32 GB/);
    assert.deepEqual(p3dn.replace, { start: { line: 0, character: 15 }, end: { line: 0, character: 20 } });
  });

  it('offers only the PyTorch versions that exist for the chosen transformers version, quoted', () => {
    const { text, position } = at('transformers_version: "4.6.1"\npytorch_version: |\n');
    const items = completionsAt(text, position);
    assert.deepEqual(items.map((s) => s.label).sort(), ['1.6.0', '1.7.1', '1.8.1']);
    assert.equal(items[0]!.insertText.startsWith('"'), true);
  });

  it('offers the py versions of the chosen image, and enum values from the schema', () => {
    const pv = at('transformers_version: "4.4.2"\npytorch_version: "1.6.0"\npy_version: |\n');
    assert.deepEqual(
      completionsAt(pv.text, pv.position).map((s) => s.label),
      ['py36'],
    );
    const mode = at('inputs:\n  train:\n    s3_data: s3://b/k\n    input_mode: |\n');
    assert.deepEqual(
      completionsAt(mode.text, mode.position)
        .map((s) => s.label)
        .sort(),
      ['FastFile', 'File', 'Pipe'],
    );
  });

  it('offers nothing inside comments', () => {
    const { text, position } = at('# instance_type: ml.|\n');
    assert.equal(cursorContext(text, position), undefined);
    assert.deepEqual(completionsAt(text, position), []);
  });
});

describe('the estimator arguments issue 16 made supported', () => {
  const added = [
    'enable_sagemaker_metrics',
    'input_mode',
    'enable_remote_debug',
    'enable_infra_check',
    'container_entry_point',
    'container_arguments',
    'enable_session_tag_chaining',
    'training_repository_access_mode',
    'training_repository_credentials_provider_arn',
    'model_uri',
    'model_channel_name',
    'training_plan',
    'instance_placement_config',
    'rules',
    'debugger_hook_config',
    'tensorboard_output_config',
    'profiler_config',
    'compiler_config',
  ];

  it('are offered as keys, with their values where the schema lists them, and hover with their request field', () => {
    const keys = at('entry_point: train.py\n|\n');
    const labels = completionsAt(keys.text, keys.position).map((s) => s.label);
    for (const key of added) assert.ok(labels.includes(key), key);
    const mode = at('input_mode: |\n');
    assert.deepEqual(
      completionsAt(mode.text, mode.position)
        .map((s) => s.label)
        .sort(),
      ['FastFile', 'File', 'Pipe'],
    );
    const access = at('training_repository_access_mode: |\n');
    assert.deepEqual(
      completionsAt(access.text, access.position)
        .map((s) => s.label)
        .sort(),
      ['Platform', 'Vpc'],
    );
    const placement = at('instance_placement_config:\n  |\n');
    assert.deepEqual(
      completionsAt(placement.text, placement.position)
        .map((s) => s.label)
        .sort(),
      ['EnableMultipleJobs', 'PlacementSpecifications'],
    );
    const profiler = at('profiler_config:\n  |\n');
    assert.deepEqual(
      completionsAt(profiler.text, profiler.position)
        .map((s) => s.label)
        .sort(),
      ['disable_profiler', 's3_output_path', 'system_monitor_interval_millis'],
    );
    assert.match(hoverAt('tensorboard_output_config:\n  s3_output_path: s3://b/tb\n', { line: 0, character: 3 })!.markdown, /TensorBoardOutputConfig/);
    assert.match(hoverAt('debugger_hook_config: false\n', { line: 0, character: 3 })!.markdown, /DebugHookConfig/);
    const compiler = at('compiler_config:\n  |\n');
    assert.deepEqual(
      completionsAt(compiler.text, compiler.position)
        .map((s) => s.label)
        .sort(),
      ['debug', 'enabled'],
    );
    assert.match(hoverAt('compiler_config: {}\n', { line: 0, character: 3 })!.markdown, /TrainingCompilerConfig/);
    assert.match(hoverAt('enable_infra_check: true\n', { line: 0, character: 3 })!.markdown, /InfraCheckConfig\.EnableInfraCheck/);
    assert.match(hoverAt('model_uri: s3://my-bucket/m/\n', { line: 0, character: 3 })!.markdown, /application\/x-sagemaker-model/);
  });
});

describe('hover', () => {
  it('shows the schema documentation of a key', () => {
    const { text, position } = at('instance_c|ount: 2\n');
    const info = hoverAt(text, position)!;
    assert.match(info.markdown, /\*\*instance_count\*\*/);
    assert.match(info.markdown, /Default: `1`/);
    assert.deepEqual(info.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 14 } });
  });

  it('documents nested keys', () => {
    const { text, position } = at('distribution:\n  smdistributed:\n    datapar|allel:\n      enabled: true\n');
    assert.match(hoverAt(text, position)!.markdown, /distribution\.smdistributed\.dataparallel/);
  });

  it('shows the hardware behind an instance type and the image behind versions', () => {
    const it1 = at('instance_type: ml.p3dn.24x|large\n');
    assert.match(hoverAt(it1.text, it1.position)!.markdown, /8 × NVIDIA V100 32 GB/);
    const it2 = at('transformers_version: "4.4|.2"\npytorch_version: "1.6.0"\npy_version: py36\n');
    assert.match(hoverAt(it2.text, it2.position)!.markdown, /huggingface-pytorch-training:1\.6\.0-transformers4\.4\.2-gpu-py36-cu110-ubuntu18\.04/);
  });

  it('counts lines as the editor does: a lone \\r ends one', () => {
    const text = 'entry_point: a.py\rinstance_type: ml.p3dn.24xlarge\r\nrole: x\n';
    const info = hoverAt(text, { line: 1, character: 20 })!;
    assert.match(info.markdown, /8 × NVIDIA V100 32 GB/);
    assert.deepEqual(info.range, { start: { line: 1, character: 15 }, end: { line: 1, character: 31 } });
    assert.deepEqual(
      completionsAt(text, { line: 2, character: 2 })
        .map((s) => s.replace.start.line)
        .slice(0, 1),
      [2],
    );
  });

  it('reads a value whose merge keys and aliases the validator resolves', () => {
    const text = 'x: &v {transformers_version: "4.4.2"}\n<<: *v\npytorch_version: "1.6.0"\npy_version: py36\n';
    assert.match(hoverAt(text, { line: 2, character: 20 })!.markdown, /transformers4\.4\.2-gpu-py36/);
  });
});

describe('completion and hover inside tuning', () => {
  it("offers HyperparameterTuner's arguments, a range's keys and the enums of nested keys", () => {
    const keys = at('tuning:\n  objective_metric_name: eval_loss\n  |\n');
    const labels = completionsAt(keys.text, keys.position).map((s) => s.label);
    assert.ok(
      ['hyperparameter_ranges', 'strategy', 'max_jobs', 'max_parallel_jobs', 'warm_start_config', 'hyperparameters_to_keep_static'].every((k) => labels.includes(k)),
      labels.join(', '),
    );
    assert.ok(!labels.includes('objective_metric_name'), 'a key already written is not offered again');
    assert.ok(!labels.includes('entry_point'), 'estimator keys are not offered inside tuning');
    const range = at('tuning:\n  hyperparameter_ranges:\n    learning_rate:\n      |\n');
    assert.deepEqual(
      completionsAt(range.text, range.position).map((s) => s.label),
      ['type', 'min_value', 'max_value', 'scaling_type', 'values'],
    );
    const type = at('tuning:\n  hyperparameter_ranges:\n    learning_rate:\n      type: |\n');
    assert.deepEqual(
      completionsAt(type.text, type.position).map((s) => s.label),
      ['continuous', 'integer', 'categorical'],
    );
    const scaling = at('tuning:\n  hyperparameter_ranges:\n    lr:\n      type: continuous\n      scaling_type: |\n');
    assert.deepEqual(
      completionsAt(scaling.text, scaling.position).map((s) => s.label),
      ['Auto', 'Linear', 'Logarithmic', 'ReverseLogarithmic'],
    );
    const hyperband = at('tuning:\n  strategy: Hyperband\n  strategy_config:\n    hyperband_strategy_config:\n      |\n');
    assert.deepEqual(
      completionsAt(hyperband.text, hyperband.position).map((s) => s.label),
      ['min_resource', 'max_resource'],
    );
    const strategy = at('tuning:\n  strategy: |\n');
    assert.deepEqual(
      completionsAt(strategy.text, strategy.position).map((s) => s.label),
      ['Bayesian', 'Random', 'Hyperband', 'Grid'],
    );
  });

  it('hovers nested tuning keys and range keys with their schema text', () => {
    const text =
      'tuning:\n  strategy: Grid\n  hyperparameter_ranges:\n    learning_rate:\n      scaling_type: Logarithmic\n  strategy_config:\n    hyperband_strategy_config:\n      max_resource: 3\n';
    assert.match(hoverAt(text, { line: 1, character: 4 })!.markdown, /\*\*tuning\.strategy\*\*[\s\S]*`Grid` takes categorical ranges only/);
    assert.match(
      hoverAt(text, { line: 4, character: 8 })!.markdown,
      /\*\*tuning\.hyperparameter_ranges\.learning_rate\.scaling_type\*\*[\s\S]*`Logarithmic` needs `min_value > 0`/,
    );
    assert.match(hoverAt(text, { line: 7, character: 8 })!.markdown, /\*\*tuning\.strategy_config\.hyperband_strategy_config\.max_resource\*\*[\s\S]*20,000/);
  });
});

describe('completion and hover inside one-line flow mappings', () => {
  const labels = (marked: string) => {
    const { text, position } = at(marked);
    return completionsAt(text, position).map((s) => s.label);
  };
  it("offers a range's keys not yet written (before and after the cursor), inserted flow style", () => {
    const { text, position } = at('tuning:\n  hyperparameter_ranges:\n    lr: {type: continuous, m|, scaling_type: Linear}\n');
    const items = completionsAt(text, position);
    assert.deepEqual(
      items.map((s) => s.label),
      ['min_value', 'max_value', 'values'],
    );
    assert.equal(items[0]!.insertText, 'min_value: $0');
    assert.deepEqual(items[0]!.replace, { start: { line: 2, character: 27 }, end: { line: 2, character: 28 } });
    // The key the cursor is in is being replaced, so it is offered.
    assert.ok(labels('tuning:\n  hyperparameter_ranges:\n    lr: {|type: continuous}\n').includes('type'));
  });
  it('offers the enum of the key whose value is typed, quoted or not, in nested flow maps and list items', () => {
    assert.deepEqual(labels('tuning:\n  hyperparameter_ranges:\n    lr: {type: con|}\n'), ['continuous', 'integer', 'categorical']);
    assert.deepEqual(labels("tuning:\n  hyperparameter_ranges:\n    lr: {type: 'con|'}\n"), ['continuous', 'integer', 'categorical']);
    assert.deepEqual(labels('tuning:\n  hyperparameter_ranges:\n    lr: {min_value: 0.1, scaling_type: |, max_value: 1}\n'), [
      'Auto',
      'Linear',
      'Logarithmic',
      'ReverseLogarithmic',
    ]);
    assert.deepEqual(labels('tuning: {hyperparameter_ranges: {lr: {type: |}}}\n'), ['continuous', 'integer', 'categorical']);
    assert.ok(labels('instance_groups:\n  - {instance_group_name: a, instance_type: ml.g5|}\n').includes('ml.g5.2xlarge'));
    assert.deepEqual(labels('instance_groups:\n  - {instance_group_name: a, |}\n'), ['instance_type', 'instance_count']);
  });
  it('offers nothing inside a flow sequence, a comment, or after the map closes', () => {
    assert.deepEqual(labels('tuning:\n  hyperparameter_ranges:\n    lr: {type: categorical, values: [a, |b]}\n'), []);
    assert.deepEqual(labels('tuning:\n  hyperparameter_ranges:\n    lr: {type: continuous}|\n'), []);
    assert.deepEqual(labels('tuning:\n  hyperparameter_ranges:\n    lr: {type: continuous} # {type: |\n'), []);
  });
  it('hovers a key with its path and a value with what it means', () => {
    const text =
      'tuning:\n  hyperparameter_ranges:\n    lr: {type: continuous, scaling_type: Logarithmic}\ninstance_groups:\n  - {instance_group_name: a, instance_type: ml.g5.2xlarge}\n';
    const key = hoverAt(text, { line: 2, character: 30 })!;
    assert.match(key.markdown, /^\*\*tuning\.hyperparameter_ranges\.lr\.scaling_type\*\* — string/);
    assert.deepEqual(key.range, { start: { line: 2, character: 27 }, end: { line: 2, character: 39 } });
    assert.match(hoverAt(text, { line: 4, character: 30 })!.markdown, /^\*\*instance_groups\[\]\.instance_type\*\*/);
    assert.match(hoverAt(text, { line: 4, character: 50 })!.markdown, /^\*\*ml\.g5\.2xlarge\*\*: 1 × NVIDIA A10G/);
    assert.equal(hoverAt(text, { line: 2, character: 20 }), undefined, 'a value with nothing more to say');
  });
});

describe('completion and hover inside list items', () => {
  it("offers a rule item's keys and enums, and only the keys its own item lacks", () => {
    const base = 'entry_point: train.py\ninstance_type: ml.g5.xlarge\nrules:\n  - rule: Rule.sagemaker\n    base_config: vanishing_gradient\n';
    let { text, position } = at(`entry_point: train.py\nrules:\n  - rule: |\n`);
    assert.deepEqual(
      completionsAt(text, position).map((s) => s.label),
      ['Rule.custom', 'ProfilerRule.custom', 'Rule.sagemaker', 'ProfilerRule.sagemaker'],
    );
    ({ text, position } = at(`${base}  - rule: Rule.sagemaker\n    base_config: |\n`));
    const names = completionsAt(text, position).map((s) => s.label);
    assert.ok(names.includes('vanishing_gradient') && names.includes('overfit'), names.join(', '));
    // Under the second item: its own keys are offered again (the first item's base_config is not its sibling), `rule` is not.
    ({ text, position } = at(`${base}  - rule: ProfilerRule.sagemaker\n    |\n`));
    const keys = completionsAt(text, position).map((s) => s.label);
    assert.ok(keys.includes('base_config'), keys.join(', '));
    assert.ok(!keys.includes('rule'), keys.join(', '));
  });

  it("offers a profiler rule's classes and their keyword arguments under base_config, the action classes under actions, and hovers an argument (issue 16)", () => {
    const rule = 'entry_point: train.py\ninstance_type: ml.g5.xlarge\nrules:\n  - rule: ProfilerRule.sagemaker\n    base_config:\n';
    let { text, position } = at(`${rule}      |\n`);
    assert.deepEqual(
      completionsAt(text, position).map((s) => s.label),
      [
        'BatchSize',
        'CPUBottleneck',
        'GPUMemoryIncrease',
        'IOBottleneck',
        'LoadBalancing',
        'LowGPUUtilization',
        'MaxInitializationTime',
        'OverallSystemUsage',
        'ProfilerReport',
        'StepOutlier',
      ],
    );
    ({ text, position } = at(`${rule}      CPUBottleneck:\n        threshold: 60\n        |\n`));
    const args = completionsAt(text, position);
    assert.deepEqual(
      args.map((s) => s.label),
      ['gpu_threshold', 'cpu_threshold', 'patience', 'scan_interval_us'],
    );
    assert.match(args.find((s) => s.label === 'patience')!.detail ?? '', /default 1000/);
    ({ text, position } = at(`${rule}      ProfilerReport:\n        |\n`));
    const keys = completionsAt(text, position).map((s) => s.label);
    assert.ok(keys.includes('CPUBottleneck_threshold') && keys.includes('Dataloader_min_threshold') && keys.includes('StepOutlier_mode'), keys.join(', '));
    // The name form is still offered as a value.
    ({ text, position } = at('rules:\n  - rule: ProfilerRule.sagemaker\n    base_config: |\n'));
    assert.ok(completionsAt(text, position).some((s) => s.label === 'ProfilerReport'));
    ({ text, position } = at('rules:\n  - rule: Rule.sagemaker\n    base_config: overfit\n    actions:\n      - |\n'));
    assert.deepEqual(
      completionsAt(text, position).map((s) => s.label),
      ['StopTraining', 'Email', 'SMS'],
    );
    const hover = hoverAt(`${rule}      CPUBottleneck:\n        gpu_threshold: 20\n`, { line: 6, character: 10 });
    assert.match(hover?.markdown ?? '', /^\*\*rules\[\]\.base_config\.CPUBottleneck\.gpu_threshold\*\*[\s\S]*under-utilized[\s\S]*Default `10`; must be a percentile/);
    assert.match(hoverAt('rules:\n  - rule: Rule.sagemaker\n    actions:\n      - SMS: "+15555550100"\n', { line: 3, character: 9 })?.markdown ?? '', /E\.164/);
  });

  it('offers instance types inside instance_groups, and hovers an item key with its path', () => {
    const { text, position } = at('entry_point: train.py\ninstance_groups:\n  - instance_group_name: data\n    instance_type: |\n');
    assert.ok(
      completionsAt(text, position).some((s) => s.label === 'ml.g5.xlarge'),
      'ml.g5.xlarge is offered',
    );
    const hover = hoverAt('rules:\n  - rule: Rule.sagemaker\n    base_config: overfit\n', { line: 2, character: 6 });
    assert.match(hover?.markdown ?? '', /^\*\*rules\[\]\.base_config\*\*/);
  });
});

describe("completion and hover of a channel's options (TrainingInput, issue 16)", () => {
  const groups = [
    'entry_point: train.py',
    'role: SageMakerRole',
    'instance_groups:',
    '  - instance_group_name: data',
    '    instance_type: ml.c5.18xlarge',
    '    instance_count: 2',
    '  - instance_group_name: train',
    '    instance_type: ml.p4d.24xlarge',
    '    instance_count: 1',
    'inputs:',
    '  raw:',
    '    s3_data: s3://my-bucket/raw',
    '',
  ].join('\n');

  it("offers a channel's keys, the new ones among them, without those already written", () => {
    const { text, position } = at(`${groups}    |\n`);
    const labels = completionsAt(text, position).map((s) => s.label);
    for (const key of ['instance_groups', 'model_access_config', 'hub_access_config', 'distribution', 'shuffle_seed'])
      assert.ok(labels.includes(key), `${key} in ${labels.join(', ')}`);
    assert.ok(!labels.includes('s3_data'), 'written already');
    assert.ok(!labels.includes('target_attribute_name'), 'refused by name, never offered');
  });

  it("offers the job's instance groups, with their type and count, as list items and as a flow list", () => {
    const item = at(`${groups}    instance_groups:\n      - tr|\n`);
    assert.deepEqual(
      completionsAt(item.text, item.position).map((s) => [s.label, s.insertText, s.detail]),
      [
        ['data', 'data', '2 × ml.c5.18xlarge'],
        ['train', 'train', '1 × ml.p4d.24xlarge'],
      ],
    );
    assert.deepEqual(cursorContext(item.text, item.position), {
      kind: 'value',
      keyPath: ['inputs', 'raw', 'instance_groups', 0],
      prefix: 'tr',
      replace: { start: { line: 13, character: 8 }, end: { line: 13, character: 10 } },
    });
    const flow = at(`${groups}    instance_groups: |\n`);
    assert.deepEqual(
      completionsAt(flow.text, flow.position).map((s) => s.insertText),
      ['[data]', '[train]'],
    );
    // A list of mappings keeps its keys: `- i` in instance_groups is still the start of a group.
    const group = at('instance_groups:\n  - instance_g|\n');
    assert.deepEqual(
      completionsAt(group.text, group.position).map((s) => s.label),
      ['instance_group_name', 'instance_type', 'instance_count'],
    );
  });

  it("offers AcceptEula's booleans, and hovers the new keys with their request field", () => {
    const eula = at(`${groups}    model_access_config:\n      AcceptEula: |\n`);
    assert.deepEqual(
      completionsAt(eula.text, eula.position).map((s) => s.label),
      ['true', 'false'],
    );
    const text = `${groups}    instance_groups: [data]\n    hub_access_config:\n      HubContentArn: arn:aws:sagemaker:us-east-1:111122223333:hub-content/h/ModelReference/m/1.0.0\n`;
    const hover = (line: number) => hoverAt(text, { line, character: 6 })?.markdown ?? '';
    assert.match(hover(12), /^\*\*inputs\.raw\.instance_groups\*\* — array\n\n.*S3DataSource\.InstanceGroupNames/);
    assert.match(hover(12), /Run Locally gives the channel only to the hosts of these groups/);
    assert.match(hover(13), /^\*\*inputs\.raw\.hub_access_config\*\* — object\n\n.*S3DataSource\.HubAccessConfig/);
    assert.match(hoverAt(text, { line: 14, character: 8 })?.markdown ?? '', /^\*\*inputs\.raw\.hub_access_config\.HubContentArn\*\* — string/);
  });
});
