/**
 * The Hugging Face images of SageMaker Training Compiler (`compiler_config`): which transformers /
 * PyTorch / TensorFlow combinations have one, in which regions, and the URI the SageMaker Python SDK
 * picks for them.
 *
 * Source: sagemaker-python-sdk v2.257.6 `image_uri_config/huggingface-training-compiler.json`
 * (training scope; GPU only) and `image_uris.py` `retrieve` (a `training_compiler_config` switches
 * the HuggingFace lookup to that table). The tag is built as for the other Hugging Face images:
 * `{base version as written}-transformers{transformers version as written}-gpu-{py}-{cuda-os}`.
 * AWS stopped releasing Training Compiler after these images; the table will not grow.
 */

import { excerpt } from '../excerpt';
import type { BaseFramework, ImageResolution } from './huggingfaceImages';
import { ecrHostname } from './huggingfaceImages';

interface CompilerImageRow {
  transformers: string;
  framework: BaseFramework;
  version: string;
  py: string;
  cudaOs: string;
  registries: 'first' | 'later';
}

const ROWS: readonly CompilerImageRow[] = [
  { transformers: '4.11.0', framework: 'pytorch', version: '1.9.0', py: 'py38', cudaOs: 'cu111-ubuntu20.04', registries: 'first' },
  { transformers: '4.11.0', framework: 'tensorflow', version: '2.5.1', py: 'py37', cudaOs: 'cu112-ubuntu18.04', registries: 'first' },
  { transformers: '4.17.0', framework: 'pytorch', version: '1.10.2', py: 'py38', cudaOs: 'cu113-ubuntu20.04', registries: 'later' },
  { transformers: '4.17.0', framework: 'tensorflow', version: '2.6.3', py: 'py38', cudaOs: 'cu112-ubuntu20.04', registries: 'later' },
  { transformers: '4.21.1', framework: 'pytorch', version: '1.11.0', py: 'py38', cudaOs: 'cu113-ubuntu20.04', registries: 'later' },
];

/** The table's top-level `version_aliases`. */
const TRANSFORMERS_ALIASES: Readonly<Record<string, string>> = { '4.11': '4.11.0', '4.17': '4.17.0', '4.21': '4.21.1' };

/** The 4.11.0 images' registries. */
const FIRST_REGISTRIES: Readonly<Record<string, string>> = {
  'ca-west-1': '204538143572',
  'eu-west-1': '763104351884',
  'us-east-1': '763104351884',
  'us-east-2': '763104351884',
  'us-west-2': '763104351884',
};

/** The 4.17.0 and 4.21.1 images' registries. */
const LATER_REGISTRIES: Readonly<Record<string, string>> = {
  'af-south-1': '626614931356',
  'ap-east-1': '871362719292',
  'ap-east-2': '975050140332',
  'ap-northeast-1': '763104351884',
  'ap-northeast-2': '763104351884',
  'ap-northeast-3': '364406365360',
  'ap-south-1': '763104351884',
  'ap-south-2': '772153158452',
  'ap-southeast-1': '763104351884',
  'ap-southeast-2': '763104351884',
  'ap-southeast-3': '907027046896',
  'ap-southeast-4': '457447274322',
  'ap-southeast-5': '550225433462',
  'ap-southeast-7': '590183813437',
  'ca-central-1': '763104351884',
  'ca-west-1': '204538143572',
  'eu-central-1': '763104351884',
  'eu-central-2': '380420809688',
  'eu-north-1': '763104351884',
  'eu-south-1': '692866216735',
  'eu-south-2': '503227376785',
  'eu-west-1': '763104351884',
  'eu-west-2': '763104351884',
  'eu-west-3': '763104351884',
  'il-central-1': '780543022126',
  'me-central-1': '914824155844',
  'me-south-1': '217643126080',
  'mx-central-1': '637423239942',
  'sa-east-1': '763104351884',
  'us-east-1': '763104351884',
  'us-east-2': '763104351884',
  'us-west-1': '763104351884',
  'us-west-2': '763104351884',
};

function registries(row: CompilerImageRow): Readonly<Record<string, string>> {
  return row.registries === 'first' ? FIRST_REGISTRIES : LATER_REGISTRIES;
}

function majorMinor(version: string): string {
  return version.split('.').slice(0, 2).join('.');
}

/** The repository of a Training Compiler image, e.g. `huggingface-pytorch-trcomp-training`. */
export function trainingCompilerRepository(framework: BaseFramework): string {
  return `huggingface-${framework}-trcomp-training`;
}

/** The transformers versions with a Training Compiler image, oldest first. */
export function listTrainingCompilerTransformersVersions(): string[] {
  return [...new Set(ROWS.map((r) => r.transformers))];
}

/** Every (transformers, framework, version) row, for completion and the docs. */
export function listTrainingCompilerImages(): Array<{ transformersVersion: string; baseFramework: BaseFramework; baseVersion: string; pyVersion: string }> {
  return ROWS.map((r) => ({ transformersVersion: r.transformers, baseFramework: r.framework, baseVersion: r.version, pyVersion: r.py }));
}

export interface CompilerImageRequest {
  transformersVersion: string;
  pytorchVersion?: string;
  tensorflowVersion?: string;
  pyVersion?: string;
}

function failure(field: 'transformers_version' | 'pytorch_version' | 'tensorflow_version' | 'py_version' | 'region', message: string, suggestions: string[]): ImageResolution {
  return { ok: false, field, message, suggestions };
}

/**
 * The Training Compiler image for a version combination in a region, as `image_uris.retrieve`
 * picks it with a `training_compiler_config`, or the first thing the SDK refuses about it.
 */
export function resolveTrainingCompilerImage(req: CompilerImageRequest, region: string): ImageResolution {
  const requested = (req.transformersVersion ?? '').trim();
  const all = listTrainingCompilerTransformersVersions();
  const transformers = ROWS.some((r) => r.transformers === requested) ? requested : TRANSFORMERS_ALIASES[requested];
  if (!transformers) {
    return failure(
      'transformers_version',
      `SageMaker Training Compiler has Hugging Face images only for transformers ${all.join(', ')} (or ${Object.keys(TRANSFORMERS_ALIASES).join(', ')}); transformers ${excerpt(requested)} has none`,
      all,
    );
  }
  const framework: BaseFramework = req.tensorflowVersion !== undefined ? 'tensorflow' : 'pytorch';
  const field = framework === 'pytorch' ? 'pytorch_version' : 'tensorflow_version';
  const requestedBase = ((framework === 'pytorch' ? req.pytorchVersion : req.tensorflowVersion) ?? '').trim();
  if (requested.split('.').length !== requestedBase.split('.').length) {
    return failure(
      field,
      `write transformers_version and ${field} both in full or both shortened, as the SageMaker SDK requires (it refuses transformers_version ${excerpt(requested)} with ${field} ${excerpt(requestedBase)})`,
      [],
    );
  }
  const candidates = ROWS.filter((r) => r.transformers === transformers && r.framework === framework);
  // The per-version `version_aliases` map e.g. pytorch1.9 to pytorch1.9.0.
  const row = candidates.find((r) => r.version === requestedBase || majorMinor(r.version) === requestedBase);
  if (!row) {
    const offered = ROWS.filter((r) => r.transformers === transformers).map((r) => `${r.framework} ${r.version}`);
    return failure(
      field,
      `SageMaker Training Compiler's image for transformers ${transformers} is built on ${offered.join(' or ')}, not ${framework} ${excerpt(requestedBase)}`,
      candidates.map((r) => r.version),
    );
  }
  const py = req.pyVersion?.trim() || row.py;
  if (py !== row.py) {
    return failure('py_version', `SageMaker Training Compiler's image for transformers ${transformers} with ${framework} ${row.version} has only ${row.py} (got ${excerpt(py)})`, [
      row.py,
    ]);
  }
  const trimmedRegion = region.trim();
  const account = registries(row)[trimmedRegion];
  const host = ecrHostname(trimmedRegion);
  if (!account || !host) {
    const regions = Object.keys(registries(row)).sort();
    return failure(
      'region',
      `SageMaker Training Compiler's images for transformers ${transformers} are not published in ${excerpt(trimmedRegion)}; available regions: ${regions.join(', ')}`,
      regions,
    );
  }
  const repository = trainingCompilerRepository(framework);
  const tag = `${requestedBase}-transformers${requested}-gpu-${row.py}-${row.cudaOs}`;
  return {
    ok: true,
    uri: `${account}.dkr.${host}/${repository}:${tag}`,
    repository,
    tag,
    transformersVersion: transformers,
    baseFramework: framework,
    baseVersion: row.version,
    pyVersion: row.py,
  };
}

const COMPILER_IMAGE_URI =
  /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.[a-z0-9.-]+\/huggingface-(pytorch|tensorflow)-trcomp-training:(\d+(?:\.\d+)*)-transformers(\d+(?:\.\d+)*)-gpu-(py3\d+)-/;

/** The versions back from a Training Compiler image URI (Clone as Job File), when it is one the table gives. */
export function parseTrainingCompilerImageUri(
  uri: string,
): { transformersVersion: string; baseFramework: BaseFramework; baseVersion: string; pyVersion: string; region: string } | undefined {
  const m = COMPILER_IMAGE_URI.exec(uri.trim());
  if (!m) return undefined;
  const [, , region, framework, baseVersion, transformersVersion, pyVersion] = m as unknown as [string, string, string, BaseFramework, string, string, string];
  const resolved = resolveTrainingCompilerImage(
    framework === 'pytorch' ? { transformersVersion, pytorchVersion: baseVersion, pyVersion } : { transformersVersion, tensorflowVersion: baseVersion, pyVersion },
    region,
  );
  if (!resolved.ok || resolved.uri !== uri.trim()) return undefined;
  return { transformersVersion, baseFramework: framework, baseVersion, pyVersion, region };
}
