/**
 * SageMaker training instance types: the hardware a job file's `instance_type` buys, for
 * completion details, hovers, the cost estimate and the distributed-training checks.
 *
 * GPU counts and memory agree with sagemaker-python-sdk v2.257.6 `image_uri_config/instance_gpu_info.json`
 * where it lists the type; GPU models, vCPUs and memory are the EC2 instance specifications. Memory
 * per GPU is the nominal figure AWS quotes (the SDK's JSON reports g5.48xlarge as 183104 MiB, the
 * usable rather than the nominal 8 × 24 GB).
 */

export type Accelerator = 'K80' | 'V100' | 'A100' | 'H100' | 'H200' | 'T4' | 'A10G' | 'L4' | 'L40S' | 'Trainium';

export interface InstanceType {
  /** e.g. `ml.p3dn.24xlarge`. */
  name: string;
  /** e.g. `p3dn`. */
  family: string;
  vcpus: number;
  memoryGiB: number;
  /** GPUs, or Trainium chips for trn1; 0 for CPU instances. */
  acceleratorCount: number;
  accelerator?: Accelerator;
  /** Memory of one GPU (or Trainium chip) in GB. */
  acceleratorMemoryGB?: number;
  /** Elastic Fabric Adapter: the instance has the low-latency interconnect multi-node NCCL wants. */
  efa: boolean;
}

type Row = [name: string, vcpus: number, memoryGiB: number, acceleratorCount: number, efa: boolean];

interface FamilySpec {
  family: string;
  accelerator?: Accelerator;
  acceleratorMemoryGB?: number;
  rows: Row[];
}

const FAMILIES: readonly FamilySpec[] = [
  {
    family: 'p2',
    accelerator: 'K80',
    acceleratorMemoryGB: 12,
    rows: [
      ['xlarge', 4, 61, 1, false],
      ['8xlarge', 32, 488, 8, false],
      ['16xlarge', 64, 732, 16, false],
    ],
  },
  {
    family: 'p3',
    accelerator: 'V100',
    acceleratorMemoryGB: 16,
    rows: [
      ['2xlarge', 8, 61, 1, false],
      ['8xlarge', 32, 244, 4, false],
      ['16xlarge', 64, 488, 8, false],
    ],
  },
  // The blog calls these "8x NVIDIA A100"; they are V100s with 32 GB each (SDK: 8 GPUs, 262144 MiB).
  { family: 'p3dn', accelerator: 'V100', acceleratorMemoryGB: 32, rows: [['24xlarge', 96, 768, 8, true]] },
  { family: 'p4d', accelerator: 'A100', acceleratorMemoryGB: 40, rows: [['24xlarge', 96, 1152, 8, true]] },
  { family: 'p4de', accelerator: 'A100', acceleratorMemoryGB: 80, rows: [['24xlarge', 96, 1152, 8, true]] },
  { family: 'p5', accelerator: 'H100', acceleratorMemoryGB: 80, rows: [['48xlarge', 192, 2048, 8, true]] },
  { family: 'p5e', accelerator: 'H200', acceleratorMemoryGB: 141, rows: [['48xlarge', 192, 2048, 8, true]] },
  { family: 'p5en', accelerator: 'H200', acceleratorMemoryGB: 141, rows: [['48xlarge', 192, 2048, 8, true]] },
  {
    family: 'g4dn',
    accelerator: 'T4',
    acceleratorMemoryGB: 16,
    rows: [
      ['xlarge', 4, 16, 1, false],
      ['2xlarge', 8, 32, 1, false],
      ['4xlarge', 16, 64, 1, false],
      ['8xlarge', 32, 128, 1, true],
      ['12xlarge', 48, 192, 4, true],
      ['16xlarge', 64, 256, 1, true],
    ],
  },
  {
    family: 'g5',
    accelerator: 'A10G',
    acceleratorMemoryGB: 24,
    rows: [
      ['xlarge', 4, 16, 1, false],
      ['2xlarge', 8, 32, 1, false],
      ['4xlarge', 16, 64, 1, false],
      ['8xlarge', 32, 128, 1, true],
      ['12xlarge', 48, 192, 4, true],
      ['16xlarge', 64, 256, 1, true],
      ['24xlarge', 96, 384, 4, true],
      ['48xlarge', 192, 768, 8, true],
    ],
  },
  {
    family: 'g6',
    accelerator: 'L4',
    acceleratorMemoryGB: 24,
    rows: [
      ['xlarge', 4, 16, 1, false],
      ['2xlarge', 8, 32, 1, false],
      ['4xlarge', 16, 64, 1, false],
      ['8xlarge', 32, 128, 1, true],
      ['12xlarge', 48, 192, 4, true],
      ['16xlarge', 64, 256, 1, true],
      ['24xlarge', 96, 384, 4, true],
      ['48xlarge', 192, 768, 8, true],
    ],
  },
  {
    family: 'g6e',
    accelerator: 'L40S',
    acceleratorMemoryGB: 48,
    rows: [
      ['xlarge', 4, 32, 1, false],
      ['2xlarge', 8, 64, 1, false],
      ['4xlarge', 16, 128, 1, false],
      ['8xlarge', 32, 256, 1, true],
      ['12xlarge', 48, 384, 4, true],
      ['16xlarge', 64, 512, 1, true],
      ['24xlarge', 96, 768, 4, true],
      ['48xlarge', 192, 1536, 8, true],
    ],
  },
  {
    family: 'trn1',
    accelerator: 'Trainium',
    acceleratorMemoryGB: 32,
    rows: [
      ['2xlarge', 8, 32, 1, false],
      ['32xlarge', 128, 512, 16, true],
    ],
  },
  { family: 'trn1n', accelerator: 'Trainium', acceleratorMemoryGB: 32, rows: [['32xlarge', 128, 512, 16, true]] },
  {
    family: 'm4',
    rows: [
      ['xlarge', 4, 16, 0, false],
      ['2xlarge', 8, 32, 0, false],
      ['4xlarge', 16, 64, 0, false],
      ['10xlarge', 40, 160, 0, false],
      ['16xlarge', 64, 256, 0, false],
    ],
  },
  {
    family: 'm5',
    rows: [
      ['large', 2, 8, 0, false],
      ['xlarge', 4, 16, 0, false],
      ['2xlarge', 8, 32, 0, false],
      ['4xlarge', 16, 64, 0, false],
      ['12xlarge', 48, 192, 0, false],
      ['24xlarge', 96, 384, 0, false],
    ],
  },
  {
    family: 'c5',
    rows: [
      ['xlarge', 4, 8, 0, false],
      ['2xlarge', 8, 16, 0, false],
      ['4xlarge', 16, 32, 0, false],
      ['9xlarge', 36, 72, 0, false],
      ['18xlarge', 72, 144, 0, false],
    ],
  },
];

const INSTANCE_TYPES: readonly InstanceType[] = FAMILIES.flatMap((spec) =>
  spec.rows.map(([size, vcpus, memoryGiB, acceleratorCount, efa]): InstanceType => ({
    name: `ml.${spec.family}.${size}`,
    family: spec.family,
    vcpus,
    memoryGiB,
    acceleratorCount,
    ...(spec.accelerator ? { accelerator: spec.accelerator, acceleratorMemoryGB: spec.acceleratorMemoryGB } : {}),
    efa,
  })),
);

const BY_NAME = new Map(INSTANCE_TYPES.map((t) => [t.name, t]));

/** The catalog entry of an `ml.*` type, or undefined for unknown types and `local`/`local_gpu`. */
export function findInstanceType(name: string): InstanceType | undefined {
  return BY_NAME.get(name.trim());
}

/** Every known training instance type, GPU families first, in table order. */
export function listInstanceTypes(): readonly InstanceType[] {
  return INSTANCE_TYPES;
}

/** Total accelerator memory of an instance in GB (0 for CPU instances). */
export function totalAcceleratorMemoryGB(type: InstanceType): number {
  return type.acceleratorCount * (type.acceleratorMemoryGB ?? 0);
}

const VENDOR: Record<Accelerator, string> = {
  K80: 'NVIDIA',
  V100: 'NVIDIA',
  A100: 'NVIDIA',
  H100: 'NVIDIA',
  H200: 'NVIDIA',
  T4: 'NVIDIA',
  A10G: 'NVIDIA',
  L4: 'NVIDIA',
  L40S: 'NVIDIA',
  Trainium: 'AWS',
};

/**
 * A one-line hardware summary, e.g. "8 × NVIDIA V100 32 GB, 96 vCPU, 768 GiB"; undefined for
 * types the catalog does not know.
 */
export function describeInstanceType(name: string): string | undefined {
  if (name === 'local') return 'this machine, CPU (SageMaker local mode)';
  if (name === 'local_gpu') return 'this machine, its GPUs (SageMaker local mode)';
  const type = findInstanceType(name);
  if (!type) return undefined;
  const host = `${type.vcpus} vCPU, ${type.memoryGiB} GiB`;
  if (!type.accelerator) return `${host}, no GPU`;
  return `${type.acceleratorCount} × ${VENDOR[type.accelerator]} ${type.accelerator} ${type.acceleratorMemoryGB} GB, ${host}`;
}

/** True for types with NVIDIA GPUs, and for `local_gpu`. */
export function isGpuInstanceType(name: string): boolean {
  if (name === 'local_gpu') return true;
  const type = findInstanceType(name);
  if (type) return type.acceleratorCount > 0 && type.accelerator !== 'Trainium';
  // Unknown but well-formed types: the SDK's rule (`_processor`) is that g* and p* families are GPU.
  const family = /^ml\.([a-z0-9-]+)\./.exec(name)?.[1];
  return family !== undefined && /^[gp]/.test(family);
}

/**
 * The instance types SageMaker's data-parallel library (smdistributed.dataparallel) was built for:
 * the SDK's `SM_DATAPARALLEL_SUPPORTED_INSTANCE_TYPES` (plus `local_gpu`). The SDK enforced this list
 * until v2.222 and now only keeps the constant, so it is grounds for a warning, not an error.
 */
export const SMDDP_SUPPORTED_INSTANCE_TYPES: readonly string[] = ['ml.p3.16xlarge', 'ml.p3dn.24xlarge', 'ml.p4d.24xlarge', 'ml.p4de.24xlarge'];

/**
 * Types on which SMDDP is known not to work: the SDK refuses smdistributed on p5.48xlarge unless
 * torch_distributed is on ("SMModelParallel and SMDataParallel currently do not support p5
 * instances"), and sagemaker-python-sdk #4988 / discussion #4412 report no SMDDP on p5 or g5.12xlarge.
 */
export function isSmddpUnsupported(instanceType: string): boolean {
  const name = instanceType.trim();
  return /^ml\.p5[a-z]*\./.test(name) || name === 'ml.g5.12xlarge';
}

/**
 * Base framework versions smdistributed.dataparallel supports (SDK `SM_DATAPARALLEL_SUPPORTED_FRAMEWORK_VERSIONS`);
 * the SDK checks the HuggingFace estimator's pytorch_version / tensorflow_version against it when
 * no image_uri is given. TensorFlow stops at 2.11: smdataparallel has no TF >= 2.12 support.
 */
export const SMDDP_SUPPORTED_FRAMEWORK_VERSIONS: Readonly<Record<'pytorch' | 'tensorflow', readonly string[]>> = {
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
};

/**
 * PyTorch versions the SDK accepts for `torch_distributed` on GPU instances
 * (`TORCH_DISTRIBUTED_GPU_SUPPORTED_FRAMEWORK_VERSIONS` in v2.257.6). 2.9.0 (transformers 5.3.0,
 * known only to SDK v3) is absent because v2 predates it, not because it is unsupported.
 */
export const TORCH_DISTRIBUTED_GPU_FRAMEWORK_VERSIONS: readonly string[] = [
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
];

/** PyTorch versions the SDK accepts for `torch_distributed` on Trainium (`TRAINIUM_SUPPORTED_TORCH_DISTRIBUTED_FRAMEWORK_VERSIONS` in v2.257.6). */
export const TORCH_DISTRIBUTED_TRAINIUM_FRAMEWORK_VERSIONS: readonly string[] = ['1.11', '1.11.0', '1.12', '1.12.0', '1.12.1', '1.13.1', '2.0.0'];
