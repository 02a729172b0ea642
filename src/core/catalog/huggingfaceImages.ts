/**
 * The Hugging Face training Deep Learning Containers: which transformers / PyTorch / TensorFlow /
 * Python combinations have an image, in which regions, and the image URI the SageMaker Python SDK
 * would pick for them.
 *
 * Source: sagemaker-python-sdk v2.257.6 `image_uri_config/huggingface.json` (training scope) and
 * `image_uris.py` (`retrieve`, `get_training_image_uri`), plus 5.3.0 from the v3 rewrite's
 * `sagemaker-core/.../image_uri_config/huggingface.json`. Only GPU images exist for training.
 */

import { excerpt } from '../excerpt';

export type BaseFramework = 'pytorch' | 'tensorflow';

/** Which registry table an image is published under (see `registryAccount`). */
type RegistrySet = 'early' | 'current';

export interface TrainingImage {
  transformersVersion: string;
  baseFramework: BaseFramework;
  baseVersion: string;
  pyVersion: string;
  /** The `{cuda}-{os}` tag suffix, e.g. `cu110-ubuntu18.04`. */
  cudaOs: string;
  /** Repository name in the DLC registry, e.g. `huggingface-pytorch-training`. */
  repository: string;
}

interface ImageRow {
  transformers: string;
  framework: BaseFramework;
  version: string;
  py: string;
  cudaOs: string;
  registries: RegistrySet;
}

// 4.4.2 and 4.5.0 carry no `container_version` in the SDK's JSON: `get_training_image_uri` injects
// `cu110-ubuntu18.04` for every native GPU Hugging Face image, which is what those images are tagged with.
const IMAGE_ROWS: readonly ImageRow[] = [
  { transformers: '4.4.2', framework: 'pytorch', version: '1.6.0', py: 'py36', cudaOs: 'cu110-ubuntu18.04', registries: 'early' },
  { transformers: '4.4.2', framework: 'tensorflow', version: '2.4.1', py: 'py37', cudaOs: 'cu110-ubuntu18.04', registries: 'early' },
  { transformers: '4.5.0', framework: 'pytorch', version: '1.6.0', py: 'py36', cudaOs: 'cu110-ubuntu18.04', registries: 'early' },
  { transformers: '4.5.0', framework: 'tensorflow', version: '2.4.1', py: 'py37', cudaOs: 'cu110-ubuntu18.04', registries: 'early' },
  { transformers: '4.6.1', framework: 'pytorch', version: '1.6.0', py: 'py36', cudaOs: 'cu110-ubuntu18.04', registries: 'early' },
  { transformers: '4.6.1', framework: 'pytorch', version: '1.7.1', py: 'py36', cudaOs: 'cu110-ubuntu18.04', registries: 'early' },
  { transformers: '4.6.1', framework: 'pytorch', version: '1.8.1', py: 'py36', cudaOs: 'cu111-ubuntu18.04', registries: 'early' },
  { transformers: '4.6.1', framework: 'tensorflow', version: '2.4.1', py: 'py37', cudaOs: 'cu110-ubuntu18.04', registries: 'early' },
  { transformers: '4.10.2', framework: 'pytorch', version: '1.8.1', py: 'py36', cudaOs: 'cu110-ubuntu18.04', registries: 'early' },
  { transformers: '4.10.2', framework: 'pytorch', version: '1.9.0', py: 'py38', cudaOs: 'cu111-ubuntu20.04', registries: 'early' },
  { transformers: '4.10.2', framework: 'tensorflow', version: '2.4.1', py: 'py37', cudaOs: 'cu110-ubuntu18.04', registries: 'early' },
  { transformers: '4.10.2', framework: 'tensorflow', version: '2.5.1', py: 'py37', cudaOs: 'cu112-ubuntu18.04', registries: 'early' },
  { transformers: '4.11.0', framework: 'pytorch', version: '1.9.0', py: 'py38', cudaOs: 'cu111-ubuntu20.04', registries: 'early' },
  { transformers: '4.11.0', framework: 'tensorflow', version: '2.5.1', py: 'py37', cudaOs: 'cu112-ubuntu18.04', registries: 'early' },
  { transformers: '4.12.3', framework: 'pytorch', version: '1.9.1', py: 'py38', cudaOs: 'cu111-ubuntu20.04', registries: 'early' },
  { transformers: '4.12.3', framework: 'tensorflow', version: '2.5.1', py: 'py37', cudaOs: 'cu112-ubuntu18.04', registries: 'early' },
  { transformers: '4.17.0', framework: 'pytorch', version: '1.10.2', py: 'py38', cudaOs: 'cu113-ubuntu20.04', registries: 'early' },
  { transformers: '4.17.0', framework: 'tensorflow', version: '2.6.3', py: 'py38', cudaOs: 'cu112-ubuntu20.04', registries: 'early' },
  { transformers: '4.26.0', framework: 'pytorch', version: '1.13.1', py: 'py39', cudaOs: 'cu117-ubuntu20.04', registries: 'current' },
  { transformers: '4.28.1', framework: 'pytorch', version: '2.0.0', py: 'py310', cudaOs: 'cu118-ubuntu20.04', registries: 'current' },
  { transformers: '4.36.0', framework: 'pytorch', version: '2.1.0', py: 'py310', cudaOs: 'cu121-ubuntu20.04', registries: 'current' },
  { transformers: '4.46.1', framework: 'pytorch', version: '2.3.0', py: 'py311', cudaOs: 'cu121-ubuntu20.04', registries: 'current' },
  { transformers: '4.48.0', framework: 'pytorch', version: '2.3.0', py: 'py311', cudaOs: 'cu121-ubuntu20.04', registries: 'current' },
  { transformers: '4.49.0', framework: 'pytorch', version: '2.5.1', py: 'py311', cudaOs: 'cu124-ubuntu22.04', registries: 'current' },
  { transformers: '4.55.0', framework: 'pytorch', version: '2.7.1', py: 'py312', cudaOs: 'cu128-ubuntu22.04', registries: 'current' },
  { transformers: '4.56.2', framework: 'pytorch', version: '2.8.0', py: 'py312', cudaOs: 'cu129-ubuntu22.04', registries: 'current' },
  { transformers: '5.3.0', framework: 'pytorch', version: '2.9.0', py: 'py312', cudaOs: 'cu130-ubuntu22.04', registries: 'current' },
];

/** The account most commercial regions pull DLCs from. */
export const DEFAULT_DLC_ACCOUNT = '763104351884';

const DEFAULT_ACCOUNT_REGIONS: readonly string[] = [
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-south-1',
  'ap-southeast-1',
  'ap-southeast-2',
  'ca-central-1',
  'eu-central-1',
  'eu-north-1',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'sa-east-1',
  'us-east-1',
  'us-east-2',
  'us-west-1',
  'us-west-2',
];

/** Regions whose DLC registry is a regional account, for every Hugging Face training image. */
const REGIONAL_ACCOUNTS: Readonly<Record<string, string>> = {
  'af-south-1': '626614931356',
  'ap-east-1': '871362719292',
  'ap-northeast-3': '364406365360',
  'ap-southeast-3': '907027046896',
  'ca-west-1': '204538143572',
  'cn-north-1': '727897471807',
  'cn-northwest-1': '727897471807',
  'eu-south-1': '692866216735',
  'il-central-1': '780543022126',
  'me-central-1': '914824155844',
  'me-south-1': '217643126080',
  'us-gov-east-1': '446045086412',
  'us-gov-west-1': '442386744353',
  'us-iso-east-1': '886529160074',
  'us-isob-east-1': '094389454867',
};

/** Listed only for the 4.4.2–4.17.0 images; the SDK's 4.26.0+ entries leave these regions out. */
const EARLY_ONLY_ACCOUNTS: Readonly<Record<string, string>> = {
  'ap-south-2': '772153158452',
  'ap-southeast-4': '457447274322',
  'eu-central-2': '380420809688',
  'eu-south-2': '503227376785',
};

export interface RegionPartition {
  partition: 'aws' | 'aws-cn' | 'aws-us-gov' | 'aws-iso' | 'aws-iso-b' | 'aws-iso-e' | 'aws-iso-f' | 'aws-eusc';
  dnsSuffix: string;
}

// Ordered so that the specific prefixes win over the commercial pattern; regexes as in the AWS
// SDK's partitions table (@aws-sdk/core util-endpoints partitions).
const PARTITIONS: ReadonlyArray<RegionPartition & { pattern: RegExp }> = [
  { partition: 'aws-cn', dnsSuffix: 'amazonaws.com.cn', pattern: /^cn-\w+-\d+$/ },
  { partition: 'aws-us-gov', dnsSuffix: 'amazonaws.com', pattern: /^us-gov-\w+-\d+$/ },
  { partition: 'aws-iso', dnsSuffix: 'c2s.ic.gov', pattern: /^us-iso-\w+-\d+$/ },
  { partition: 'aws-iso-b', dnsSuffix: 'sc2s.sgov.gov', pattern: /^us-isob-\w+-\d+$/ },
  { partition: 'aws-iso-e', dnsSuffix: 'cloud.adc-e.uk', pattern: /^eu-isoe-\w+-\d+$/ },
  { partition: 'aws-iso-f', dnsSuffix: 'csp.hci.ic.gov', pattern: /^us-isof-\w+-\d+$/ },
  { partition: 'aws-eusc', dnsSuffix: 'amazonaws.eu', pattern: /^eusc-de-\w+-\d+$/ },
  { partition: 'aws', dnsSuffix: 'amazonaws.com', pattern: /^(us|eu|ap|sa|ca|me|af|il|mx)-\w+-\d+$/ },
];

/** The partition and DNS suffix of a region name, or undefined when it is not shaped like one. */
export function regionPartition(region: string): RegionPartition | undefined {
  const match = PARTITIONS.find((p) => p.pattern.test(region));
  return match ? { partition: match.partition, dnsSuffix: match.dnsSuffix } : undefined;
}

/** The ECR registry host of a region, e.g. `ecr.cn-north-1.amazonaws.com.cn`. */
export function ecrHostname(region: string): string | undefined {
  const partition = regionPartition(region);
  return partition ? `ecr.${region}.${partition.dnsSuffix}` : undefined;
}

function registryAccount(set: RegistrySet, region: string): string | undefined {
  if (DEFAULT_ACCOUNT_REGIONS.includes(region)) return DEFAULT_DLC_ACCOUNT;
  return REGIONAL_ACCOUNTS[region] ?? (set === 'early' ? EARLY_ONLY_ACCOUNTS[region] : undefined);
}

function registryRegions(set: RegistrySet): string[] {
  const regions = [...DEFAULT_ACCOUNT_REGIONS, ...Object.keys(REGIONAL_ACCOUNTS)];
  if (set === 'early') regions.push(...Object.keys(EARLY_ONLY_ACCOUNTS));
  return regions.sort();
}

function versionKey(version: string): number[] {
  return version.split('.').map((part) => Number.parseInt(part, 10) || 0);
}

function compareVersions(a: string, b: string): number {
  const ka = versionKey(a);
  const kb = versionKey(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    const diff = (ka[i] ?? 0) - (kb[i] ?? 0);
    if (diff !== 0) return diff;
  }
  return 0;
}

function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

function unique<T>(values: Iterable<T>): T[] {
  return [...new Set(values)];
}

function toImage(row: ImageRow): TrainingImage {
  return {
    transformersVersion: row.transformers,
    baseFramework: row.framework,
    baseVersion: row.version,
    pyVersion: row.py,
    cudaOs: row.cudaOs,
    repository: `huggingface-${row.framework}-training`,
  };
}

/** Every training image, newest transformers first. */
export function listTrainingImages(): TrainingImage[] {
  return [...IMAGE_ROWS].sort((a, b) => compareVersions(b.transformers, a.transformers)).map(toImage);
}

let transformersVersions: readonly string[] | undefined;

/** Sorted once: every validation resolves the job's image through it. */
function transformersVersionsNewestFirst(): readonly string[] {
  transformersVersions ??= Object.freeze(unique(IMAGE_ROWS.map((r) => r.transformers)).sort((a, b) => compareVersions(b, a)));
  return transformersVersions;
}

/** The transformers versions that have a training image, newest first. */
export function listTransformersVersions(): string[] {
  return [...transformersVersionsNewestFirst()];
}

/**
 * The full transformers version a user's string stands for: itself, or the one version a
 * `major.minor` alias names (the SDK's `version_aliases`, e.g. "4.26" -> "4.26.0", "4.4" -> "4.4.2").
 */
export function canonicalTransformersVersion(version: string): string | undefined {
  const v = version.trim();
  const versions = transformersVersionsNewestFirst();
  if (versions.includes(v)) return v;
  // Each major.minor has exactly one image version, so the SDK's alias table is this derivation.
  return v.split('.').length === 2 ? versions.find((full) => majorMinor(full) === v) : undefined;
}

function rowsFor(transformersVersion: string): ImageRow[] {
  const canonical = canonicalTransformersVersion(transformersVersion);
  return canonical ? IMAGE_ROWS.filter((r) => r.transformers === canonical) : [];
}

/**
 * The base framework version a user's string stands for, given a transformers version: itself or
 * its `major.minor` alias (the per-version `version_aliases`, e.g. "pytorch1.9" -> "1.9.1" under 4.12.3).
 */
export function canonicalBaseVersion(transformersVersion: string, framework: BaseFramework, version: string): string | undefined {
  const v = version.trim();
  const versions = listBaseFrameworkVersions(transformersVersion, framework);
  if (versions.includes(v)) return v;
  return v.split('.').length === 2 ? versions.find((full) => majorMinor(full) === v) : undefined;
}

/** The PyTorch or TensorFlow versions paired with a transformers version (aliases accepted), newest first. */
export function listBaseFrameworkVersions(transformersVersion: string, framework: BaseFramework): string[] {
  return unique(
    rowsFor(transformersVersion)
      .filter((r) => r.framework === framework)
      .map((r) => r.version),
  ).sort((a, b) => compareVersions(b, a));
}

/** The Python versions of one image (aliases accepted); empty when there is no such image. */
export function listPyVersions(transformersVersion: string, framework: BaseFramework, baseVersion: string): string[] {
  const base = canonicalBaseVersion(transformersVersion, framework, baseVersion);
  return unique(
    rowsFor(transformersVersion)
      .filter((r) => r.framework === framework && r.version === base)
      .map((r) => r.py),
  );
}

/** The regions that publish the images of a transformers version (aliases accepted), sorted. */
export function listImageRegions(transformersVersion: string): string[] {
  const row = rowsFor(transformersVersion)[0];
  return row ? registryRegions(row.registries) : [];
}

export interface TrainingImageRequest {
  transformersVersion: string;
  pytorchVersion?: string;
  tensorflowVersion?: string;
  /** Defaults to the image's only Python version, as the SDK does. */
  pyVersion?: string;
}

export type ImageField = 'transformers_version' | 'pytorch_version' | 'tensorflow_version' | 'py_version' | 'region';

export type ImageResolution =
  | {
      ok: true;
      uri: string;
      repository: string;
      tag: string;
      transformersVersion: string;
      baseFramework: BaseFramework;
      baseVersion: string;
      pyVersion: string;
    }
  | { ok: false; field: ImageField; message: string; suggestions: string[] };

function failure(field: ImageField, message: string, suggestions: string[]): ImageResolution {
  return { ok: false, field, message, suggestions };
}

/** Candidates ordered by distance to what the user wrote, so a quick fix offers the likely intent first. */
function nearestFirst(wanted: string, candidates: string[]): string[] {
  const scalar = (v: string): number =>
    versionKey(v)
      .slice(0, 3)
      .reduce((acc, part, i) => acc + part * 1000 ** (2 - i), 0);
  const target = scalar(wanted);
  return [...candidates].sort((a, b) => Math.abs(scalar(a) - target) - Math.abs(scalar(b) - target) || compareVersions(b, a));
}

function fieldOf(framework: BaseFramework): ImageField {
  return framework === 'pytorch' ? 'pytorch_version' : 'tensorflow_version';
}

function frameworkLabel(framework: BaseFramework): string {
  return framework === 'pytorch' ? 'PyTorch' : 'TensorFlow';
}

/**
 * The Hugging Face training image for a version combination in a region, or the first thing that
 * is wrong with it, phrased for the user, with the values that would work.
 *
 * As the SDK does (image_uris.py `retrieve`), the tag carries the versions as written: aliases
 * pick the image row, so "4.56" + "2.8" gives a `2.8-transformers4.56-…` tag, which the registry
 * publishes beside the full one. Like `HuggingFace._validate_args`, a short version beside a full
 * one is refused.
 */
export function resolveTrainingImage(req: TrainingImageRequest, region: string): ImageResolution {
  const requested = (req.transformersVersion ?? '').trim();
  const transformersVersions = listTransformersVersions();
  if (requested === '') {
    return failure(
      'transformers_version',
      `transformers_version is required to pick a Hugging Face training image (or set image_uri); available: ${transformersVersions.join(', ')}`,
      transformersVersions,
    );
  }
  const transformersVersion = canonicalTransformersVersion(requested);
  if (!transformersVersion) {
    return failure(
      'transformers_version',
      `transformers ${excerpt(requested)} has no Hugging Face training image; available transformers versions: ${transformersVersions.join(', ')}`,
      nearestFirst(requested, transformersVersions),
    );
  }

  const pytorch = req.pytorchVersion?.trim() || undefined;
  const tensorflow = req.tensorflowVersion?.trim() || undefined;
  if (pytorch && tensorflow) {
    return failure(
      'tensorflow_version',
      `set either pytorch_version or tensorflow_version, not both: each Hugging Face image is built on one framework (pytorch_version is ${excerpt(pytorch)}, tensorflow_version is ${excerpt(tensorflow)})`,
      [],
    );
  }
  if (!pytorch && !tensorflow) {
    const framework: BaseFramework = listBaseFrameworkVersions(transformersVersion, 'pytorch').length > 0 ? 'pytorch' : 'tensorflow';
    const choices = describeChoices(transformersVersion);
    return failure(
      fieldOf(framework),
      `set pytorch_version or tensorflow_version; transformers ${transformersVersion} has training images for ${choices}`,
      listBaseFrameworkVersions(transformersVersion, framework),
    );
  }

  const framework: BaseFramework = pytorch ? 'pytorch' : 'tensorflow';
  const requestedBase = (pytorch ?? tensorflow) as string;
  const field = fieldOf(framework);
  if (requested.split('.').length !== requestedBase.split('.').length) {
    return failure(
      field,
      `write transformers_version and ${field} both in full or both shortened, as the SageMaker SDK requires (it refuses transformers_version ${excerpt(requested)} with ${field} ${excerpt(requestedBase)}); for example ${transformersVersion} with ${listBaseFrameworkVersions(transformersVersion, framework)[0] ?? excerpt(requestedBase)}`,
      [],
    );
  }
  const baseVersions = listBaseFrameworkVersions(transformersVersion, framework);
  if (baseVersions.length === 0) {
    const withFramework = unique(IMAGE_ROWS.filter((r) => r.framework === framework).map((r) => r.transformers));
    return failure(
      field,
      `transformers ${transformersVersion} has no ${frameworkLabel(framework)} training image; it has ${describeChoices(transformersVersion)}. ${frameworkLabel(framework)} images exist for transformers ${withFramework.join(', ')}`,
      [],
    );
  }
  const baseVersion = canonicalBaseVersion(transformersVersion, framework, requestedBase);
  if (!baseVersion) {
    return failure(
      field,
      `transformers ${transformersVersion} with ${framework} ${excerpt(requestedBase)} has no training image; available ${framework} versions: ${baseVersions.join(', ')}`,
      nearestFirst(requestedBase, baseVersions),
    );
  }

  const row = IMAGE_ROWS.find((r) => r.transformers === transformersVersion && r.framework === framework && r.version === baseVersion) as ImageRow;
  const requestedPy = req.pyVersion?.trim() || undefined;
  if (requestedPy !== undefined && requestedPy !== row.py) {
    return failure('py_version', `transformers ${transformersVersion} with ${framework} ${baseVersion} has a training image only for ${row.py} (got ${excerpt(requestedPy)})`, [
      row.py,
    ]);
  }

  const trimmedRegion = region.trim();
  const host = ecrHostname(trimmedRegion);
  if (!host) {
    return failure('region', `"${excerpt(region)}" is not an AWS region name (expected something like us-east-1)`, registryRegions(row.registries));
  }
  const account = registryAccount(row.registries, trimmedRegion);
  if (!account) {
    const regions = registryRegions(row.registries);
    return failure(
      'region',
      `the Hugging Face training images for transformers ${transformersVersion} are not published in ${excerpt(trimmedRegion)}; available regions: ${regions.join(', ')}`,
      regions,
    );
  }

  const image = toImage(row);
  const tag = `${requestedBase}-transformers${requested}-gpu-${image.pyVersion}-${image.cudaOs}`;
  return {
    ok: true,
    uri: `${account}.dkr.${host}/${image.repository}:${tag}`,
    repository: image.repository,
    tag,
    transformersVersion,
    baseFramework: framework,
    baseVersion,
    pyVersion: row.py,
  };
}

function describeChoices(transformersVersion: string): string {
  const parts: string[] = [];
  for (const framework of ['pytorch', 'tensorflow'] as const) {
    const versions = listBaseFrameworkVersions(transformersVersion, framework);
    if (versions.length > 0) parts.push(`${framework} ${versions.join(', ')}`);
  }
  return parts.join(' and ');
}

export interface ParsedImageUri {
  account: string;
  region: string;
  repository: string;
  tag: string;
  transformersVersion: string;
  baseFramework: BaseFramework;
  baseVersion: string;
  pyVersion: string;
  /** The `{cuda}-{os}` part of the tag when present. */
  cudaOs?: string;
  /** True when `resolveTrainingImage` gives back exactly this URI, so versions can replace `image_uri`. */
  inCatalog: boolean;
}

const IMAGE_URI = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.([a-z0-9.-]+)\/huggingface-(pytorch|tensorflow)-training:([^@\s]+)$/;
const IMAGE_TAG = /^(\d+(?:\.\d+)*)-transformers(\d+(?:\.\d+)*)-gpu-(py3\d+)(?:-(cu\d+-ubuntu\d+\.\d+))?(?:-.+)?$/;

/**
 * The versions back from a Hugging Face training image URI, e.g. a cloned job's `TrainingImage`;
 * undefined for any other image (custom images, Training Compiler images, digests).
 */
export function parseImageUri(uri: string): ParsedImageUri | undefined {
  const match = IMAGE_URI.exec(uri.trim());
  if (!match) return undefined;
  const [, account, region, , framework, tag] = match as unknown as [string, string, string, string, BaseFramework, string];
  const tagMatch = IMAGE_TAG.exec(tag);
  if (!tagMatch) return undefined;
  const [, baseVersion, transformersVersion, pyVersion, cudaOs] = tagMatch as unknown as [string, string, string, string, string | undefined];
  const resolved = resolveTrainingImage(
    framework === 'pytorch' ? { transformersVersion, pytorchVersion: baseVersion, pyVersion } : { transformersVersion, tensorflowVersion: baseVersion, pyVersion },
    region,
  );
  return {
    account,
    region,
    repository: `huggingface-${framework}-training`,
    tag,
    transformersVersion,
    baseFramework: framework,
    baseVersion,
    pyVersion,
    ...(cudaOs ? { cudaOs } : {}),
    inCatalog: resolved.ok && resolved.uri === uri.trim(),
  };
}
