/**
 * The instance-type catalog (src/core/catalog/instanceTypes.ts): every row of the table by name, in
 * order, with its vCPUs, memory, accelerator count and EFA flag; the GPU counts and memory checked
 * against sagemaker-python-sdk v2.257.6 `image_uri_config/instance_gpu_info.json`; the one-line
 * hardware summaries (vendor and model words, local mode); isGpuInstanceType's fallback rule for
 * unknown types (the SDK's `_processor`: g* and p* families); isSmddpUnsupported; and the SDK's
 * version lists (v2.257.6 `fw_utils.py`) copied word for word.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  describeInstanceType,
  findInstanceType,
  isGpuInstanceType,
  isSmddpUnsupported,
  listInstanceTypes,
  SMDDP_SUPPORTED_FRAMEWORK_VERSIONS,
  TORCH_DISTRIBUTED_GPU_FRAMEWORK_VERSIONS,
  TORCH_DISTRIBUTED_TRAINIUM_FRAMEWORK_VERSIONS,
} from '../../src/core/catalog/instanceTypes';

// The table as it is (name, vCPUs, memory GiB, accelerators, EFA). vCPUs, memory and EFA are the
// catalog's EC2 figures and are pinned as the table has them; the accelerator counts are checked below
// against the SDK where the SDK lists the type.
const TABLE: [string, number, number, number, boolean][] = [
  ['ml.p2.xlarge', 4, 61, 1, false],
  ['ml.p2.8xlarge', 32, 488, 8, false],
  ['ml.p2.16xlarge', 64, 732, 16, false],
  ['ml.p3.2xlarge', 8, 61, 1, false],
  ['ml.p3.8xlarge', 32, 244, 4, false],
  ['ml.p3.16xlarge', 64, 488, 8, false],
  ['ml.p3dn.24xlarge', 96, 768, 8, true],
  ['ml.p4d.24xlarge', 96, 1152, 8, true],
  ['ml.p4de.24xlarge', 96, 1152, 8, true],
  ['ml.p5.48xlarge', 192, 2048, 8, true],
  ['ml.p5e.48xlarge', 192, 2048, 8, true],
  ['ml.p5en.48xlarge', 192, 2048, 8, true],
  ['ml.g4dn.xlarge', 4, 16, 1, false],
  ['ml.g4dn.2xlarge', 8, 32, 1, false],
  ['ml.g4dn.4xlarge', 16, 64, 1, false],
  ['ml.g4dn.8xlarge', 32, 128, 1, true],
  ['ml.g4dn.12xlarge', 48, 192, 4, true],
  ['ml.g4dn.16xlarge', 64, 256, 1, true],
  ['ml.g5.xlarge', 4, 16, 1, false],
  ['ml.g5.2xlarge', 8, 32, 1, false],
  ['ml.g5.4xlarge', 16, 64, 1, false],
  ['ml.g5.8xlarge', 32, 128, 1, true],
  ['ml.g5.12xlarge', 48, 192, 4, true],
  ['ml.g5.16xlarge', 64, 256, 1, true],
  ['ml.g5.24xlarge', 96, 384, 4, true],
  ['ml.g5.48xlarge', 192, 768, 8, true],
  ['ml.g6.xlarge', 4, 16, 1, false],
  ['ml.g6.2xlarge', 8, 32, 1, false],
  ['ml.g6.4xlarge', 16, 64, 1, false],
  ['ml.g6.8xlarge', 32, 128, 1, true],
  ['ml.g6.12xlarge', 48, 192, 4, true],
  ['ml.g6.16xlarge', 64, 256, 1, true],
  ['ml.g6.24xlarge', 96, 384, 4, true],
  ['ml.g6.48xlarge', 192, 768, 8, true],
  ['ml.g6e.xlarge', 4, 32, 1, false],
  ['ml.g6e.2xlarge', 8, 64, 1, false],
  ['ml.g6e.4xlarge', 16, 128, 1, false],
  ['ml.g6e.8xlarge', 32, 256, 1, true],
  ['ml.g6e.12xlarge', 48, 384, 4, true],
  ['ml.g6e.16xlarge', 64, 512, 1, true],
  ['ml.g6e.24xlarge', 96, 768, 4, true],
  ['ml.g6e.48xlarge', 192, 1536, 8, true],
  ['ml.trn1.2xlarge', 8, 32, 1, false],
  ['ml.trn1.32xlarge', 128, 512, 16, true],
  ['ml.trn1n.32xlarge', 128, 512, 16, true],
  ['ml.m4.xlarge', 4, 16, 0, false],
  ['ml.m4.2xlarge', 8, 32, 0, false],
  ['ml.m4.4xlarge', 16, 64, 0, false],
  ['ml.m4.10xlarge', 40, 160, 0, false],
  ['ml.m4.16xlarge', 64, 256, 0, false],
  ['ml.m5.large', 2, 8, 0, false],
  ['ml.m5.xlarge', 4, 16, 0, false],
  ['ml.m5.2xlarge', 8, 32, 0, false],
  ['ml.m5.4xlarge', 16, 64, 0, false],
  ['ml.m5.12xlarge', 48, 192, 0, false],
  ['ml.m5.24xlarge', 96, 384, 0, false],
  ['ml.c5.xlarge', 4, 8, 0, false],
  ['ml.c5.2xlarge', 8, 16, 0, false],
  ['ml.c5.4xlarge', 16, 32, 0, false],
  ['ml.c5.9xlarge', 36, 72, 0, false],
  ['ml.c5.18xlarge', 72, 144, 0, false],
];

// sagemaker-python-sdk v2.257.6 image_uri_config/instance_gpu_info.json: Count per type.
const SDK_GPU_COUNT: Record<string, number> = {
  'ml.p2.xlarge': 1,
  'ml.p2.8xlarge': 8,
  'ml.p2.16xlarge': 16,
  'ml.p3.2xlarge': 1,
  'ml.p3.8xlarge': 4,
  'ml.p3.16xlarge': 8,
  'ml.p3dn.24xlarge': 8,
  'ml.p4d.24xlarge': 8,
  'ml.p4de.24xlarge': 8,
  'ml.p5.48xlarge': 8,
  'ml.g4dn.xlarge': 1,
  'ml.g4dn.2xlarge': 1,
  'ml.g4dn.4xlarge': 1,
  'ml.g4dn.8xlarge': 1,
  'ml.g4dn.12xlarge': 4,
  'ml.g4dn.16xlarge': 1,
  'ml.g5.xlarge': 1,
  'ml.g5.2xlarge': 1,
  'ml.g5.4xlarge': 1,
  'ml.g5.8xlarge': 1,
  'ml.g5.12xlarge': 4,
  'ml.g5.16xlarge': 1,
  'ml.g5.24xlarge': 4,
  'ml.g5.48xlarge': 8,
};

describe('instance type table', () => {
  it('lists every row in table order, GPU families first, with its figures and EFA flag', () => {
    const rows = listInstanceTypes().map((t) => [t.name, t.vcpus, t.memoryGiB, t.acceleratorCount, t.efa]);
    assert.deepEqual(rows, TABLE);
  });

  it('finds each row by name, and its family is the middle word of the name', () => {
    for (const [name] of TABLE) {
      const type = findInstanceType(name);
      assert.ok(type, name);
      assert.equal(type.name, name);
      assert.equal(type.family, name.split('.')[1]);
    }
  });

  it('has the GPU counts of the SDK (v2.257.6 instance_gpu_info.json) for the types the SDK lists', () => {
    for (const [name, count] of Object.entries(SDK_GPU_COUNT)) {
      assert.equal(findInstanceType(name)?.acceleratorCount, count, name);
    }
  });
});

describe('describeInstanceType', () => {
  it('names the vendor and model of each GPU family, and AWS Trainium', () => {
    assert.equal(describeInstanceType('ml.p2.xlarge'), '1 × NVIDIA K80 12 GB, 4 vCPU, 61 GiB');
    assert.equal(describeInstanceType('ml.p2.16xlarge'), '16 × NVIDIA K80 12 GB, 64 vCPU, 732 GiB');
    assert.equal(describeInstanceType('ml.p3dn.24xlarge'), '8 × NVIDIA V100 32 GB, 96 vCPU, 768 GiB');
    assert.equal(describeInstanceType('ml.p4de.24xlarge'), '8 × NVIDIA A100 80 GB, 96 vCPU, 1152 GiB');
    assert.equal(describeInstanceType('ml.p5.48xlarge'), '8 × NVIDIA H100 80 GB, 192 vCPU, 2048 GiB');
    assert.equal(describeInstanceType('ml.p5e.48xlarge'), '8 × NVIDIA H200 141 GB, 192 vCPU, 2048 GiB');
    assert.equal(describeInstanceType('ml.p5en.48xlarge'), '8 × NVIDIA H200 141 GB, 192 vCPU, 2048 GiB');
    assert.equal(describeInstanceType('ml.g4dn.12xlarge'), '4 × NVIDIA T4 16 GB, 48 vCPU, 192 GiB');
    assert.equal(describeInstanceType('ml.g5.48xlarge'), '8 × NVIDIA A10G 24 GB, 192 vCPU, 768 GiB');
    assert.equal(describeInstanceType('ml.g6.xlarge'), '1 × NVIDIA L4 24 GB, 4 vCPU, 16 GiB');
    assert.equal(describeInstanceType('ml.g6e.48xlarge'), '8 × NVIDIA L40S 48 GB, 192 vCPU, 1536 GiB');
    assert.equal(describeInstanceType('ml.trn1.2xlarge'), '1 × AWS Trainium 32 GB, 8 vCPU, 32 GiB');
    assert.equal(describeInstanceType('ml.trn1n.32xlarge'), '16 × AWS Trainium 32 GB, 128 vCPU, 512 GiB');
  });

  it('says "no GPU" for CPU types and nothing for unknown ones', () => {
    assert.equal(describeInstanceType('ml.m4.xlarge'), '4 vCPU, 16 GiB, no GPU');
    assert.equal(describeInstanceType('ml.c5.18xlarge'), '72 vCPU, 144 GiB, no GPU');
    assert.equal(describeInstanceType('ml.g7.xlarge'), undefined);
  });

  it('describes local mode', () => {
    assert.equal(describeInstanceType('local'), 'this machine, CPU (SageMaker local mode)');
    assert.equal(describeInstanceType('local_gpu'), 'this machine, its GPUs (SageMaker local mode)');
  });
});

describe('isGpuInstanceType', () => {
  it('is true for NVIDIA types and local_gpu, false for Trainium, CPU types and local', () => {
    assert.equal(isGpuInstanceType('ml.g5.xlarge'), true);
    assert.equal(isGpuInstanceType('ml.p5en.48xlarge'), true);
    assert.equal(isGpuInstanceType('local_gpu'), true);
    assert.equal(isGpuInstanceType('ml.trn1.32xlarge'), false);
    assert.equal(isGpuInstanceType('ml.m5.large'), false);
    assert.equal(isGpuInstanceType('local'), false);
  });

  it('looks known types up with the name trimmed', () => {
    assert.equal(isGpuInstanceType(' ml.g5.xlarge '), true);
  });

  it('falls back to the SDK rule for unknown ml.* types: the family starts with g or p', () => {
    assert.equal(isGpuInstanceType('ml.g7e.xlarge'), true);
    assert.equal(isGpuInstanceType('ml.p6.48xlarge'), true);
    assert.equal(isGpuInstanceType('ml.m7i.xlarge'), false);
    // Graviton: a g that is not the first letter of the family.
    assert.equal(isGpuInstanceType('ml.c7g.xlarge'), false);
  });

  it('is false for names that are not ml.<family>.<size>', () => {
    assert.equal(isGpuInstanceType('gpu'), false);
    assert.equal(isGpuInstanceType(''), false);
    assert.equal(isGpuInstanceType('x-ml.g5.xlarge'), false);
  });
});

describe('isSmddpUnsupported', () => {
  it('is true for the p5 families and g5.12xlarge, with the name trimmed', () => {
    assert.equal(isSmddpUnsupported('ml.p5.48xlarge'), true);
    assert.equal(isSmddpUnsupported('ml.p5en.48xlarge'), true);
    assert.equal(isSmddpUnsupported(' ml.g5.12xlarge '), true);
    assert.equal(isSmddpUnsupported(' ml.p5e.48xlarge'), true);
  });

  it('is false for other types and for names that only contain ml.p5', () => {
    assert.equal(isSmddpUnsupported('ml.p4d.24xlarge'), false);
    assert.equal(isSmddpUnsupported('ml.g5.24xlarge'), false);
    assert.equal(isSmddpUnsupported('xml.p5.48xlarge'), false);
  });
});

describe('SDK framework version lists (sagemaker-python-sdk v2.257.6 fw_utils.py)', () => {
  it('SM_DATAPARALLEL_SUPPORTED_FRAMEWORK_VERSIONS', () => {
    assert.deepEqual(SMDDP_SUPPORTED_FRAMEWORK_VERSIONS, {
      pytorch: [
        '1.6',
        '1.6.0',
        '1.7',
        '1.7.1',
        '1.8',
        '1.8.0',
        '1.8.1',
        '1.9',
        '1.9.0',
        '1.9.1',
        '1.10',
        '1.10.0',
        '1.10.2',
        '1.11',
        '1.11.0',
        '1.12',
        '1.12.0',
        '1.12.1',
        '1.13.1',
        '2.0.0',
        '2.0.1',
        '2.1.0',
        '2.1.2',
        '2.2.0',
      ],
      tensorflow: [
        '2.3',
        '2.3.1',
        '2.3.2',
        '2.4',
        '2.4.1',
        '2.4.3',
        '2.5',
        '2.5.0',
        '2.5.1',
        '2.6',
        '2.6.0',
        '2.6.2',
        '2.6.3',
        '2.7',
        '2.7.1',
        '2.8',
        '2.8.0',
        '2.9',
        '2.9.1',
        '2.9.2',
        '2.10',
        '2.10.1',
        '2.11',
        '2.11.0',
      ],
    });
  });

  it('TORCH_DISTRIBUTED_GPU_SUPPORTED_FRAMEWORK_VERSIONS', () => {
    assert.deepEqual(TORCH_DISTRIBUTED_GPU_FRAMEWORK_VERSIONS, [
      '1.13.1',
      '2.0.0',
      '2.0.1',
      '2.1.0',
      '2.1.2',
      '2.2.0',
      '2.3.0',
      '2.3.1',
      '2.4.1',
      '2.5.1',
      '2.6.0',
      '2.7.1',
      '2.8.0',
    ]);
  });

  it('TRAINIUM_SUPPORTED_TORCH_DISTRIBUTED_FRAMEWORK_VERSIONS', () => {
    assert.deepEqual(TORCH_DISTRIBUTED_TRAINIUM_FRAMEWORK_VERSIONS, ['1.11', '1.11.0', '1.12', '1.12.0', '1.12.1', '1.13.1', '2.0.0']);
  });
});
