import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import Ajv from 'ajv';
import jobSchema from '../../schemas/sagemaker-job.schema.json';
import {
  canonicalBaseVersion,
  canonicalTransformersVersion,
  ecrHostname,
  listBaseFrameworkVersions,
  listImageRegions,
  listPyVersions,
  listTrainingImages,
  listTransformersVersions,
  parseImageUri,
  regionPartition,
  resolveTrainingImage,
} from '../../src/core/catalog/huggingfaceImages';
import type { ImageResolution } from '../../src/core/catalog/huggingfaceImages';
import {
  describeInstanceType,
  findInstanceType,
  isGpuInstanceType,
  isSmddpUnsupported,
  listInstanceTypes,
  SMDDP_SUPPORTED_FRAMEWORK_VERSIONS,
  SMDDP_SUPPORTED_INSTANCE_TYPES,
  totalAcceleratorMemoryGB,
} from '../../src/core/catalog/instanceTypes';

const BLOG_URI = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04';

function uriOf(result: ImageResolution): string {
  if (!result.ok) assert.fail(`expected an image, got ${result.field}: ${result.message}`);
  return result.uri;
}

function failureOf(result: ImageResolution): Extract<ImageResolution, { ok: false }> {
  if (result.ok) assert.fail(`expected a failure, got ${result.uri}`);
  return result;
}

describe('resolveTrainingImage', () => {
  it('gives the blog image for transformers 4.4.2 + pytorch 1.6.0 + py36 in us-east-1 (cuda/os injected as the SDK does)', () => {
    const result = resolveTrainingImage({ transformersVersion: '4.4.2', pytorchVersion: '1.6.0', pyVersion: 'py36' }, 'us-east-1');
    assert.deepEqual(result, {
      ok: true,
      uri: BLOG_URI,
      repository: 'huggingface-pytorch-training',
      tag: '1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04',
      transformersVersion: '4.4.2',
      baseFramework: 'pytorch',
      baseVersion: '1.6.0',
      pyVersion: 'py36',
    });
  });

  it('gives a TensorFlow image from the tensorflow repository', () => {
    const result = resolveTrainingImage({ transformersVersion: '4.17.0', tensorflowVersion: '2.6.3' }, 'eu-west-1');
    assert.equal(uriOf(result), '763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-tensorflow-training:2.6.3-transformers4.17.0-gpu-py38-cu112-ubuntu20.04');
  });

  it('uses the China account and the amazonaws.com.cn host in cn-north-1', () => {
    const result = resolveTrainingImage({ transformersVersion: '4.26.0', pytorchVersion: '1.13.1', pyVersion: 'py39' }, 'cn-north-1');
    assert.equal(uriOf(result), '727897471807.dkr.ecr.cn-north-1.amazonaws.com.cn/huggingface-pytorch-training:1.13.1-transformers4.26.0-gpu-py39-cu117-ubuntu20.04');
  });

  it('uses the GovCloud accounts in us-gov-west-1 and us-gov-east-1', () => {
    const req = { transformersVersion: '4.56.2', pytorchVersion: '2.8.0' };
    assert.equal(
      uriOf(resolveTrainingImage(req, 'us-gov-west-1')),
      '442386744353.dkr.ecr.us-gov-west-1.amazonaws.com/huggingface-pytorch-training:2.8.0-transformers4.56.2-gpu-py312-cu129-ubuntu22.04',
    );
    assert.match(uriOf(resolveTrainingImage(req, 'us-gov-east-1')), /^446045086412\.dkr\.ecr\.us-gov-east-1\.amazonaws\.com\//);
  });

  it('uses the regional account where the default account does not serve the region', () => {
    const req = { transformersVersion: '4.49.0', pytorchVersion: '2.5.1' };
    assert.match(uriOf(resolveTrainingImage(req, 'af-south-1')), /^626614931356\.dkr\.ecr\.af-south-1\.amazonaws\.com\//);
    assert.match(uriOf(resolveTrainingImage(req, 'me-central-1')), /^914824155844\./);
  });

  it('knows 5.3.0 (SDK v3) with pytorch 2.9.0, py312, cu130-ubuntu22.04', () => {
    const result = resolveTrainingImage({ transformersVersion: '5.3.0', pytorchVersion: '2.9.0' }, 'us-west-2');
    assert.equal(uriOf(result).split(':')[1], '2.9.0-transformers5.3.0-gpu-py312-cu130-ubuntu22.04');
  });

  it('injects cu110-ubuntu18.04 for 4.5.0, which has no container version in the SDK table', () => {
    const result = resolveTrainingImage({ transformersVersion: '4.5.0', tensorflowVersion: '2.4.1' }, 'us-east-1');
    assert.equal(uriOf(result).split(':')[1], '2.4.1-transformers4.5.0-gpu-py37-cu110-ubuntu18.04');
  });

  it('picks the image row through aliases but tags with the versions as written, as the SDK does', () => {
    assert.equal(
      uriOf(resolveTrainingImage({ transformersVersion: '4.4', pytorchVersion: '1.6' }, 'us-east-1')),
      BLOG_URI.replace(':1.6.0-transformers4.4.2-', ':1.6-transformers4.4-'),
    );
    const aliased = resolveTrainingImage({ transformersVersion: '4.56', pytorchVersion: '2.8' }, 'us-east-1');
    assert.equal(uriOf(aliased).split(':')[1], '2.8-transformers4.56-gpu-py312-cu129-ubuntu22.04');
    assert.ok(aliased.ok && aliased.transformersVersion === '4.56.2' && aliased.baseVersion === '2.8.0');
    // Under 4.12.3 the SDK maps pytorch1.9 to 1.9.1, not 1.9.0.
    const r412 = resolveTrainingImage({ transformersVersion: '4.12', pytorchVersion: '1.9' }, 'us-east-1');
    assert.ok(r412.ok && r412.baseVersion === '1.9.1' && r412.transformersVersion === '4.12.3');
  });

  it('refuses a short version beside a full one, as HuggingFace._validate_args does', () => {
    const mixed = resolveTrainingImage({ transformersVersion: '4.56', pytorchVersion: '2.8.0' }, 'us-east-1');
    assert.ok(!mixed.ok && mixed.field === 'pytorch_version' && /both in full or both shortened/.test(mixed.message), JSON.stringify(mixed));
    const other = resolveTrainingImage({ transformersVersion: '4.56.2', pytorchVersion: '2.8' }, 'us-east-1');
    assert.ok(!other.ok && other.field === 'pytorch_version');
  });

  it("defaults py_version to the image's only Python version", () => {
    const result = resolveTrainingImage({ transformersVersion: '4.10.2', pytorchVersion: '1.9.0' }, 'us-east-1');
    assert.ok(result.ok);
    assert.equal(result.pyVersion, 'py38');
    assert.equal(result.tag, '1.9.0-transformers4.10.2-gpu-py38-cu111-ubuntu20.04');
  });

  it('names transformers_version when it is missing or unknown, nearest versions first', () => {
    const missing = failureOf(resolveTrainingImage({ transformersVersion: '' }, 'us-east-1'));
    assert.equal(missing.field, 'transformers_version');
    assert.match(missing.message, /transformers_version is required/);
    const unknown = failureOf(resolveTrainingImage({ transformersVersion: '4.30.0', pytorchVersion: '2.0.0' }, 'us-east-1'));
    assert.equal(unknown.field, 'transformers_version');
    assert.match(unknown.message, /^transformers 4\.30\.0 has no Hugging Face training image; available transformers versions: 5\.3\.0, 4\.56\.2,/);
    assert.equal(unknown.suggestions[0], '4.28.1');
    assert.equal(unknown.suggestions.length, listTransformersVersions().length);
  });

  it('names pytorch_version when the PyTorch version was not built for that transformers version', () => {
    const result = failureOf(resolveTrainingImage({ transformersVersion: '4.4.2', pytorchVersion: '1.7.1' }, 'us-east-1'));
    assert.equal(result.field, 'pytorch_version');
    assert.equal(result.message, 'transformers 4.4.2 with pytorch 1.7.1 has no training image; available pytorch versions: 1.6.0');
    assert.deepEqual(result.suggestions, ['1.6.0']);
  });

  it('names pytorch_version when neither base framework is set, listing both choices', () => {
    const result = failureOf(resolveTrainingImage({ transformersVersion: '4.4.2', pyVersion: 'py36' }, 'us-east-1'));
    assert.equal(result.field, 'pytorch_version');
    assert.match(result.message, /set pytorch_version or tensorflow_version; transformers 4\.4\.2 has training images for pytorch 1\.6\.0 and tensorflow 2\.4\.1/);
    assert.deepEqual(result.suggestions, ['1.6.0']);
  });

  it('names tensorflow_version when both base frameworks are set, or TensorFlow has no image for that version', () => {
    const both = failureOf(resolveTrainingImage({ transformersVersion: '4.4.2', pytorchVersion: '1.6.0', tensorflowVersion: '2.4.1' }, 'us-east-1'));
    assert.equal(both.field, 'tensorflow_version');
    assert.match(both.message, /not both/);
    const noTf = failureOf(resolveTrainingImage({ transformersVersion: '4.26.0', tensorflowVersion: '2.11.0' }, 'us-east-1'));
    assert.equal(noTf.field, 'tensorflow_version');
    assert.match(noTf.message, /transformers 4\.26\.0 has no TensorFlow training image; it has pytorch 1\.13\.1\..*4\.17\.0/);
    const wrongTf = failureOf(resolveTrainingImage({ transformersVersion: '4.17.0', tensorflowVersion: '2.5.1' }, 'us-east-1'));
    assert.equal(wrongTf.field, 'tensorflow_version');
    assert.deepEqual(wrongTf.suggestions, ['2.6.3']);
  });

  it('names py_version when the image is built for another Python', () => {
    const result = failureOf(resolveTrainingImage({ transformersVersion: '4.4.2', pytorchVersion: '1.6.0', pyVersion: 'py38' }, 'us-east-1'));
    assert.equal(result.field, 'py_version');
    assert.equal(result.message, 'transformers 4.4.2 with pytorch 1.6.0 has a training image only for py36 (got py38)');
    assert.deepEqual(result.suggestions, ['py36']);
  });

  it('names region when it is not a region, or the images are not published there', () => {
    const malformed = failureOf(resolveTrainingImage({ transformersVersion: '4.56.2', pytorchVersion: '2.8.0' }, 'us-east'));
    assert.equal(malformed.field, 'region');
    assert.match(malformed.message, /not an AWS region name/);
    // ap-south-2 is listed for the 4.4.2–4.17.0 images only.
    assert.ok(resolveTrainingImage({ transformersVersion: '4.17.0', pytorchVersion: '1.10.2' }, 'ap-south-2').ok);
    const unpublished = failureOf(resolveTrainingImage({ transformersVersion: '4.56.2', pytorchVersion: '2.8.0' }, 'ap-south-2'));
    assert.equal(unpublished.field, 'region');
    assert.match(unpublished.message, /not published in ap-south-2; available regions: .*us-east-1/);
    assert.ok(unpublished.suggestions.includes('us-east-1') && !unpublished.suggestions.includes('ap-south-2'));
  });
});

describe('catalog listings', () => {
  it('lists every training version SDK v2.257 knows plus 5.3.0, newest first', () => {
    assert.deepEqual(listTransformersVersions(), [
      '5.3.0',
      '4.56.2',
      '4.55.0',
      '4.49.0',
      '4.48.0',
      '4.46.1',
      '4.36.0',
      '4.28.1',
      '4.26.0',
      '4.17.0',
      '4.12.3',
      '4.11.0',
      '4.10.2',
      '4.6.1',
      '4.5.0',
      '4.4.2',
    ]);
    assert.equal(listTrainingImages()[0]?.transformersVersion, '5.3.0');
  });

  it('lists base framework and Python versions for completion, accepting aliases', () => {
    assert.deepEqual(listBaseFrameworkVersions('4.6.1', 'pytorch'), ['1.8.1', '1.7.1', '1.6.0']);
    assert.deepEqual(listBaseFrameworkVersions('4.10', 'tensorflow'), ['2.5.1', '2.4.1']);
    assert.deepEqual(listBaseFrameworkVersions('4.36.0', 'tensorflow'), []);
    assert.deepEqual(listPyVersions('4.4.2', 'tensorflow', '2.4.1'), ['py37']);
    assert.deepEqual(listPyVersions('4.4.2', 'pytorch', '1.7.1'), []);
    assert.equal(canonicalTransformersVersion('4.56'), '4.56.2');
    assert.equal(canonicalTransformersVersion('4.30'), undefined);
    assert.equal(canonicalBaseVersion('4.10.2', 'pytorch', '1.9'), '1.9.0');
    assert.ok(listImageRegions('4.4.2').includes('eu-south-2'));
    assert.ok(!listImageRegions('4.28.1').includes('eu-south-2'));
  });

  it('maps regions to partitions and ECR hosts', () => {
    assert.deepEqual(regionPartition('us-east-1'), { partition: 'aws', dnsSuffix: 'amazonaws.com' });
    assert.deepEqual(regionPartition('cn-northwest-1'), { partition: 'aws-cn', dnsSuffix: 'amazonaws.com.cn' });
    assert.deepEqual(regionPartition('us-gov-west-1'), { partition: 'aws-us-gov', dnsSuffix: 'amazonaws.com' });
    assert.deepEqual(regionPartition('us-iso-east-1'), { partition: 'aws-iso', dnsSuffix: 'c2s.ic.gov' });
    assert.deepEqual(regionPartition('us-isob-east-1'), { partition: 'aws-iso-b', dnsSuffix: 'sc2s.sgov.gov' });
    assert.equal(regionPartition('moon-base-1'), undefined);
    assert.equal(ecrHostname('cn-north-1'), 'ecr.cn-north-1.amazonaws.com.cn');
  });
});

describe('parseImageUri', () => {
  it('reads the versions back from the blog image and knows it is the catalog image', () => {
    assert.deepEqual(parseImageUri(BLOG_URI), {
      account: '763104351884',
      region: 'us-east-1',
      repository: 'huggingface-pytorch-training',
      tag: '1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04',
      transformersVersion: '4.4.2',
      baseFramework: 'pytorch',
      baseVersion: '1.6.0',
      pyVersion: 'py36',
      cudaOs: 'cu110-ubuntu18.04',
      inCatalog: true,
    });
  });

  it('round-trips every catalog image in a China region', () => {
    for (const image of listTrainingImages()) {
      const req =
        image.baseFramework === 'pytorch'
          ? { transformersVersion: image.transformersVersion, pytorchVersion: image.baseVersion }
          : { transformersVersion: image.transformersVersion, tensorflowVersion: image.baseVersion };
      const uri = uriOf(resolveTrainingImage(req, 'cn-northwest-1'));
      const parsed = parseImageUri(uri);
      assert.ok(parsed?.inCatalog, uri);
      assert.equal(parsed.baseFramework, image.baseFramework);
      assert.equal(parsed.transformersVersion, image.transformersVersion);
    }
  });

  it('reads pinned tags but marks them as not the catalog image, and ignores other images', () => {
    const pinned = parseImageUri('763104351884.dkr.ecr.us-west-2.amazonaws.com/huggingface-pytorch-training:2.1.0-transformers4.36.0-gpu-py310-cu121-ubuntu20.04-v1.0');
    assert.equal(pinned?.transformersVersion, '4.36.0');
    assert.equal(pinned?.cudaOs, 'cu121-ubuntu20.04');
    assert.equal(pinned?.inCatalog, false);
    assert.equal(parseImageUri('111122223333.dkr.ecr.us-east-1.amazonaws.com/my-trainer:latest'), undefined);
    assert.equal(parseImageUri('763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-inference:1.13.1-transformers4.26.0-gpu-py39-cu117-ubuntu20.04'), undefined);
  });
});

describe('instance types', () => {
  it('knows p3dn.24xlarge is 8 × V100 32 GB (not A100, as the blog says)', () => {
    const p3dn = findInstanceType('ml.p3dn.24xlarge');
    assert.ok(p3dn);
    assert.equal(p3dn.accelerator, 'V100');
    assert.equal(p3dn.acceleratorCount, 8);
    assert.equal(totalAcceleratorMemoryGB(p3dn), 256);
    assert.equal(p3dn.efa, true);
    assert.equal(describeInstanceType('ml.p3dn.24xlarge'), '8 × NVIDIA V100 32 GB, 96 vCPU, 768 GiB');
  });

  it('describes the other GPU generations, Trainium and CPU types', () => {
    assert.equal(describeInstanceType('ml.p4d.24xlarge'), '8 × NVIDIA A100 40 GB, 96 vCPU, 1152 GiB');
    assert.equal(describeInstanceType('ml.p5.48xlarge'), '8 × NVIDIA H100 80 GB, 192 vCPU, 2048 GiB');
    assert.equal(describeInstanceType('ml.g5.12xlarge'), '4 × NVIDIA A10G 24 GB, 48 vCPU, 192 GiB');
    assert.equal(describeInstanceType('ml.trn1.32xlarge'), '16 × AWS Trainium 32 GB, 128 vCPU, 512 GiB');
    assert.equal(describeInstanceType('ml.m5.xlarge'), '4 vCPU, 16 GiB, no GPU');
    assert.equal(describeInstanceType('ml.x9.huge'), undefined);
    assert.equal(findInstanceType('ml.p3dn.24xlarge ')?.name, 'ml.p3dn.24xlarge');
  });

  it('covers the families the extension suggests', () => {
    const families = new Set(listInstanceTypes().map((t) => t.family));
    for (const f of ['p2', 'p3', 'p3dn', 'p4d', 'p4de', 'p5', 'p5e', 'p5en', 'g4dn', 'g5', 'g6', 'g6e', 'trn1', 'trn1n', 'm5', 'c5']) {
      assert.ok(families.has(f), f);
    }
  });

  it('tells GPU types apart from CPU and Trainium types', () => {
    assert.equal(isGpuInstanceType('ml.g6e.xlarge'), true);
    assert.equal(isGpuInstanceType('ml.c5.xlarge'), false);
    assert.equal(isGpuInstanceType('ml.trn1.32xlarge'), false);
    assert.equal(isGpuInstanceType('local_gpu'), true);
    assert.equal(isGpuInstanceType('ml.p6-b200.48xlarge'), true);
  });

  it('lists the SMDDP instance types, all known and all with EFA', () => {
    assert.deepEqual([...SMDDP_SUPPORTED_INSTANCE_TYPES], ['ml.p3.16xlarge', 'ml.p3dn.24xlarge', 'ml.p4d.24xlarge', 'ml.p4de.24xlarge']);
    for (const name of SMDDP_SUPPORTED_INSTANCE_TYPES) assert.equal(findInstanceType(name)?.acceleratorCount, 8, name);
  });

  it('flags p5 and g5.12xlarge as unsupported by SMDDP', () => {
    assert.equal(isSmddpUnsupported('ml.p5.48xlarge'), true);
    assert.equal(isSmddpUnsupported('ml.p5en.48xlarge'), true);
    assert.equal(isSmddpUnsupported('ml.g5.12xlarge'), true);
    assert.equal(isSmddpUnsupported('ml.p3dn.24xlarge'), false);
    assert.equal(isSmddpUnsupported('ml.g5.48xlarge'), false);
  });

  it('lists SMDDP framework versions from PyTorch 1.6 to 2.2.0 and TensorFlow 2.3 to 2.11', () => {
    assert.ok(SMDDP_SUPPORTED_FRAMEWORK_VERSIONS.pytorch.includes('1.6.0'));
    assert.ok(SMDDP_SUPPORTED_FRAMEWORK_VERSIONS.pytorch.includes('2.2.0'));
    assert.ok(!SMDDP_SUPPORTED_FRAMEWORK_VERSIONS.pytorch.includes('2.3.0'));
    assert.ok(SMDDP_SUPPORTED_FRAMEWORK_VERSIONS.tensorflow.includes('2.11.0'));
    assert.ok(!SMDDP_SUPPORTED_FRAMEWORK_VERSIONS.tensorflow.includes('2.12.0'));
  });
});

// The blog's estimator, as a job file would carry it.
const SEED_JOB = {
  entry_point: 'run_summarization.py',
  source_dir: './examples/seq2seq',
  git_config: { repo: 'https://github.com/philschmid/transformers.git', branch: 'master' },
  instance_type: 'ml.p3dn.24xlarge',
  instance_count: 2,
  role: 'arn:aws:iam::111122223333:role/SageMakerExecutionRole',
  transformers_version: '4.4.2',
  pytorch_version: '1.6.0',
  py_version: 'py36',
  hyperparameters: {
    per_device_train_batch_size: 4,
    per_device_eval_batch_size: 4,
    model_name_or_path: 'facebook/bart-large-cnn',
    dataset_name: 'samsum',
    do_train: true,
    do_predict: true,
    predict_with_generate: true,
    output_dir: '/opt/ml/model',
    num_train_epochs: 3,
    learning_rate: 5e-5,
    seed: 7,
    fp16: true,
  },
  distribution: { smdistributed: { dataparallel: { enabled: true } } },
};

type SchemaNode = Record<string, unknown> & { properties?: Record<string, SchemaNode> };

describe('job file schema', () => {
  const validate = new Ajv({ strict: false, allErrors: true }).compile(jobSchema);

  it('accepts the blog estimator', () => {
    assert.equal(validate(SEED_JOB), true, JSON.stringify(validate.errors));
  });

  it('rejects an unknown top-level key and names it', () => {
    assert.equal(validate({ ...SEED_JOB, instance_typ: 'ml.p3.2xlarge' }), false);
    const unknown = validate.errors?.find((e) => e.keyword === 'additionalProperties');
    assert.deepEqual(unknown?.params, { additionalProperty: 'instance_typ' });
    assert.equal(unknown?.instancePath, '');
  });

  it('rejects unknown keys inside distribution but not inside hyperparameters', () => {
    assert.equal(validate({ ...SEED_JOB, distribution: { smdistributed: { dataparalel: { enabled: true } } } }), false);
    assert.equal(validate.errors?.[0]?.instancePath, '/distribution/smdistributed');
    assert.equal(validate({ ...SEED_JOB, hyperparameters: { anything: { nested: [1, 'two', null] } } }), true);
  });

  it('requires entry_point and role (exactly one of instance_type, instance_groups and instance_preferences is a semantic check)', () => {
    assert.equal(validate({ transformers_version: '4.4.2' }), false);
    const missing = (validate.errors ?? []).filter((e) => e.keyword === 'required').map((e) => (e.params as { missingProperty: string }).missingProperty);
    assert.deepEqual(missing.sort(), ['entry_point', 'role']);
  });

  it('describes instance_preferences as beyond the SDK, sent as ResourceConfig.InstancePreferences, with 1 to 5 entries of a type or a type with its count', () => {
    const node = (jobSchema as unknown as SchemaNode).properties!['instance_preferences']!;
    for (const text of [node['description'], node['markdownDescription']] as string[]) {
      assert.match(text, /Beyond SageMaker Python SDK v2\.257\.6/);
      assert.match(text, /ResourceConfig\.InstancePreferences/);
      assert.match(text, /1 to 5/);
      assert.match(text, /SelectedInstanceType/);
    }
    const { instance_type: _type, ...withoutType } = SEED_JOB as Record<string, unknown>;
    for (const example of node['examples'] as unknown[]) assert.equal(validate({ ...withoutType, instance_preferences: example }), true, JSON.stringify(validate.errors));
    assert.equal(validate({ ...withoutType, instance_preferences: [] }), false, 'at least one entry');
    assert.equal(validate({ ...withoutType, instance_preferences: ['local_gpu'] }), false, 'SageMaker types only: a local run takes instance_type');
    assert.equal(validate({ ...withoutType, instance_preferences: [{ instance_type: 'ml.g5.2xlarge', instance_count: 0 }] }), false);
  });

  it('checks instance_groups items: name, type and count, up to 5 groups', () => {
    const { instance_type: _type, ...noType } = SEED_JOB as Record<string, unknown>;
    const group = { instance_group_name: 'train', instance_type: 'ml.p4d.24xlarge', instance_count: 2 };
    assert.equal(validate({ ...noType, instance_groups: [group] }), true, JSON.stringify(validate.errors));
    assert.equal(validate({ ...noType, instance_groups: [] }), false);
    assert.equal(validate({ ...noType, instance_groups: Array.from({ length: 6 }, (_, i) => ({ ...group, instance_group_name: `g${i}` })) }), false);
    assert.equal(validate({ ...noType, instance_groups: [{ ...group, instance_type: 'local_gpu' }] }), false);
    assert.equal(validate({ ...noType, instance_groups: [{ ...group, instance_count: 0 }] }), false);
    assert.equal(validate({ ...noType, instance_groups: [{ instance_type: 'ml.p4d.24xlarge', instance_count: 1 }] }), false);
    assert.equal(validate({ ...noType, instance_groups: [{ ...group, instance_group_name: 'x'.repeat(65) }] }), false);
    assert.equal(validate({ ...noType, instance_groups: [group], distribution: { mpi: { enabled: true }, instance_groups: ['train'] } }), true);
  });

  it('checks py_version, instance_type, instance_count and max_retry_attempts shapes', () => {
    assert.equal(validate({ ...SEED_JOB, py_version: 'python3' }), false);
    assert.equal(validate({ ...SEED_JOB, instance_type: 'p3dn.24xlarge' }), false);
    assert.equal(validate({ ...SEED_JOB, instance_type: 'local_gpu' }), true);
    assert.equal(validate({ ...SEED_JOB, instance_count: 0 }), false);
    assert.equal(validate({ ...SEED_JOB, max_retry_attempts: 31 }), false);
    assert.equal(validate({ ...SEED_JOB, transformers_version: 4.4 }), false);
  });

  it('accepts every catalog instance type', () => {
    for (const t of listInstanceTypes()) assert.equal(validate({ ...SEED_JOB, instance_type: t.name }), true, t.name);
  });

  it('accepts inputs as one string or as a map of locations and channel options', () => {
    assert.equal(validate({ ...SEED_JOB, inputs: 's3://bucket/samsum' }), true);
    const channels = {
      train: 's3://bucket/samsum/train',
      test: { s3_data: 'file://./data/test', input_mode: 'FastFile', distribution: 'ShardedByS3Key' },
    };
    assert.equal(validate({ ...SEED_JOB, inputs: channels }), true, JSON.stringify(validate.errors));
    assert.equal(validate({ ...SEED_JOB, inputs: { train: { s3_data: 's3://b/x', input_mode: 'Stream' } } }), false);
    assert.equal(validate({ ...SEED_JOB, inputs: { train: { input_mode: 'File' } } }), false);
  });

  it('accepts tags as a list of Key/Value pairs or as a map', () => {
    assert.equal(validate({ ...SEED_JOB, tags: [{ Key: 'project', Value: 'samsum' }] }), true);
    assert.equal(validate({ ...SEED_JOB, tags: { project: 'samsum' } }), true);
    assert.equal(validate({ ...SEED_JOB, tags: [{ key: 'project', value: 'samsum' }] }), false);
  });

  it('documents every property for hover and completion, with enum descriptions', () => {
    const undocumented: string[] = [];
    const walk = (node: SchemaNode, path: string): void => {
      for (const [key, child] of Object.entries(node.properties ?? {})) {
        const where = `${path}${key}`;
        if (typeof child.description !== 'string' || typeof child.markdownDescription !== 'string' || !Array.isArray(child.examples)) {
          undocumented.push(where);
        }
        walk(child, `${where}.`);
        for (const branch of (child.anyOf as SchemaNode[] | undefined) ?? []) walk(branch, `${where}.`);
        const items = child.items as SchemaNode | undefined;
        if (items) walk(items, `${where}[].`);
      }
      const enumValues = node.enum as unknown[] | undefined;
      if (enumValues && (node.enumDescriptions as unknown[] | undefined)?.length !== enumValues.length) undocumented.push(`${path}(enum)`);
    };
    const root = jobSchema as unknown as SchemaNode;
    walk(root, '');
    for (const [name, def] of Object.entries((root.definitions ?? {}) as Record<string, SchemaNode>)) walk(def, `#${name}.`);
    assert.deepEqual(undocumented, []);
  });

  it('has exactly the keys of the job file model', () => {
    const keys = Object.keys((jobSchema as unknown as SchemaNode).properties ?? {});
    assert.deepEqual(keys.sort(), [
      'base_job_name',
      'checkpoint_local_path',
      'checkpoint_s3_uri',
      'code_location',
      'compiler_config',
      'container_arguments',
      'container_entry_point',
      'container_log_level',
      'debugger_hook_config',
      'dependencies',
      'disable_output_compression',
      'disable_profiler',
      'distribution',
      'enable_infra_check',
      'enable_network_isolation',
      'enable_remote_debug',
      'enable_sagemaker_metrics',
      'enable_session_tag_chaining',
      'encrypt_inter_container_traffic',
      'entry_point',
      'environment',
      'expected_run',
      'git_config',
      'hyperparameters',
      'image_uri',
      'input_mode',
      'inputs',
      'instance_count',
      'instance_groups',
      'instance_placement_config',
      'instance_preferences',
      'instance_type',
      'keep_alive_period_in_seconds',
      'max_cost_usd',
      'max_retry_attempts',
      'max_run',
      'max_wait',
      'metric_definitions',
      'model_channel_name',
      'model_uri',
      'output_kms_key',
      'output_path',
      'profiler_config',
      'py_version',
      'pytorch_version',
      'region',
      'role',
      'rules',
      'security_group_ids',
      'source_dir',
      'subnets',
      'tags',
      'tensorboard_output_config',
      'tensorflow_version',
      'training_plan',
      'training_repository_access_mode',
      'training_repository_credentials_provider_arn',
      'transformers_version',
      'tuning',
      'use_spot_instances',
      'volume_kms_key',
      'volume_size',
    ]);
  });
});
