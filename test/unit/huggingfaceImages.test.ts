// Checks the Hugging Face training image catalog's logic (src/core/catalog/huggingfaceImages.ts): which
// registry table an image row is published under (the early-only regions), the AWS partition of a region
// name, version aliases, trimming of what the user wrote, the exact failure messages and their
// suggestions, and parsing an image URI back into versions. Account ids and the early/current split were
// checked against sagemaker-python-sdk v2.257.6 src/sagemaker/image_uri_config/huggingface.json
// (training scope): eu-central-2 and eu-south-2 are listed for 4.4.2–4.17.0 only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  canonicalBaseVersion,
  canonicalTransformersVersion,
  listBaseFrameworkVersions,
  listImageRegions,
  listTrainingImages,
  parseImageUri,
  regionPartition,
  resolveTrainingImage,
} from '../../src/core/catalog/huggingfaceImages';
import type { ImageResolution, TrainingImageRequest } from '../../src/core/catalog/huggingfaceImages';

const BLOG_URI = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36-cu110-ubuntu18.04';

function failureOf(result: ImageResolution): { field: string; message: string; suggestions: string[] } {
  assert.equal(result.ok, false, `expected a failure, got ${JSON.stringify(result)}`);
  if (result.ok) throw new Error('unreachable');
  return { field: result.field, message: result.message, suggestions: result.suggestions };
}

function uriOf(result: ImageResolution): string {
  assert.equal(result.ok, true, `expected an image, got ${JSON.stringify(result)}`);
  if (!result.ok) throw new Error('unreachable');
  return result.uri;
}

function isEarly(transformers: string): boolean {
  const [major, minor] = transformers.split('.').map(Number);
  return major === 4 && minor <= 17;
}

describe('early-only regions (eu-central-2, eu-south-2)', () => {
  const EARLY_ONLY: Record<string, string> = { 'eu-central-2': '380420809688', 'eu-south-2': '503227376785' };
  for (const image of listTrainingImages()) {
    const label = `${image.transformersVersion} ${image.baseFramework} ${image.baseVersion}`;
    it(`${label}: published there only when transformers is 4.17.0 or older, from the region's own account`, () => {
      const req: TrainingImageRequest =
        image.baseFramework === 'pytorch'
          ? { transformersVersion: image.transformersVersion, pytorchVersion: image.baseVersion }
          : { transformersVersion: image.transformersVersion, tensorflowVersion: image.baseVersion };
      for (const [region, account] of Object.entries(EARLY_ONLY)) {
        const result = resolveTrainingImage(req, region);
        const tag = `${image.baseVersion}-transformers${image.transformersVersion}-gpu-${image.pyVersion}-${image.cudaOs}`;
        if (isEarly(image.transformersVersion)) {
          assert.equal(uriOf(result), `${account}.dkr.ecr.${region}.amazonaws.com/${image.repository}:${tag}`);
        } else {
          const regions = listImageRegions(image.transformersVersion);
          assert.ok(!regions.includes(region));
          assert.deepEqual(failureOf(result), {
            field: 'region',
            message: `the Hugging Face training images for transformers ${image.transformersVersion} are not published in ${region}; available regions: ${regions.join(', ')}`,
            suggestions: regions,
          });
        }
      }
    });
  }
});

describe('regionPartition', () => {
  it('gives each special partition its DNS suffix', () => {
    assert.deepEqual(regionPartition('eu-isoe-west-1'), { partition: 'aws-iso-e', dnsSuffix: 'cloud.adc-e.uk' });
    assert.deepEqual(regionPartition('us-isof-south-1'), { partition: 'aws-iso-f', dnsSuffix: 'csp.hci.ic.gov' });
    assert.deepEqual(regionPartition('eusc-de-east-1'), { partition: 'aws-eusc', dnsSuffix: 'amazonaws.eu' });
  });

  it('accepts a region number of two digits in every partition', () => {
    assert.equal(regionPartition('cn-north-12')?.partition, 'aws-cn');
    assert.equal(regionPartition('us-gov-west-12')?.partition, 'aws-us-gov');
    assert.equal(regionPartition('us-iso-east-12')?.partition, 'aws-iso');
    assert.equal(regionPartition('us-isob-east-12')?.partition, 'aws-iso-b');
    assert.equal(regionPartition('eu-isoe-west-12')?.partition, 'aws-iso-e');
    assert.equal(regionPartition('us-isof-south-12')?.partition, 'aws-iso-f');
    assert.equal(regionPartition('eusc-de-east-12')?.partition, 'aws-eusc');
    assert.equal(regionPartition('ap-southeast-12')?.partition, 'aws');
  });

  it('refuses a region name with anything before or after it', () => {
    for (const region of ['cn-north-1', 'us-gov-west-1', 'us-iso-east-1', 'us-isob-east-1', 'eu-isoe-west-1', 'us-isof-south-1', 'eusc-de-east-1', 'us-east-1']) {
      assert.ok(regionPartition(region), region);
      assert.equal(regionPartition(`x${region}`), undefined, `x${region}`);
      assert.equal(regionPartition(`${region}x`), undefined, `${region}x`);
      assert.equal(regionPartition(`${region}-`), undefined, `${region}-`);
    }
  });
});

describe('version aliases', () => {
  it('trims what the user wrote', () => {
    assert.equal(canonicalTransformersVersion(' 4.26 '), '4.26.0');
    assert.equal(canonicalBaseVersion('4.12.3', 'pytorch', ' 1.9.1 '), '1.9.1');
    assert.equal(canonicalBaseVersion('4.12.3', 'pytorch', ' 1.9 '), '1.9.1');
  });

  it('gives no base version for a major.minor that no image has', () => {
    assert.equal(canonicalBaseVersion('4.6.1', 'pytorch', '1.5'), undefined);
    assert.equal(canonicalBaseVersion('4.6.1', 'pytorch', '1.7'), '1.7.1');
  });

  it('lists no regions for an unknown transformers version', () => {
    assert.deepEqual(listImageRegions('9.9.9'), []);
    assert.deepEqual(listBaseFrameworkVersions('9.9.9', 'pytorch'), []);
  });
});

describe('resolveTrainingImage: trimming and messages', () => {
  it('asks for transformers_version when it is blank or missing', () => {
    for (const transformersVersion of ['  ', undefined as unknown as string]) {
      const f = failureOf(resolveTrainingImage({ transformersVersion, pytorchVersion: '1.6.0' }, 'us-east-1'));
      assert.equal(f.field, 'transformers_version');
      assert.match(f.message, /^transformers_version is required to pick a Hugging Face training image \(or set image_uri\); available: /);
    }
  });

  it('trims every version and the region before building the URI', () => {
    const result = resolveTrainingImage({ transformersVersion: ' 4.4.2 ', pytorchVersion: ' 1.6.0 ', pyVersion: ' py36 ' }, ' us-east-1 ');
    assert.equal(uriOf(result), BLOG_URI);
  });

  it('takes a blank version of the other framework as not set', () => {
    assert.equal(
      uriOf(resolveTrainingImage({ transformersVersion: '4.4.2', pytorchVersion: ' ', tensorflowVersion: '2.4.1' }, 'us-east-1')),
      '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-tensorflow-training:2.4.1-transformers4.4.2-gpu-py37-cu110-ubuntu18.04',
    );
    assert.equal(uriOf(resolveTrainingImage({ transformersVersion: '4.4.2', pytorchVersion: '1.6.0', tensorflowVersion: ' ' }, 'us-east-1')), BLOG_URI);
  });

  it('refuses both frameworks at once, with no suggestions', () => {
    assert.deepEqual(failureOf(resolveTrainingImage({ transformersVersion: '4.4.2', pytorchVersion: '1.6.0', tensorflowVersion: '2.4.1' }, 'us-east-1')), {
      field: 'tensorflow_version',
      message:
        'set either pytorch_version or tensorflow_version, not both: each Hugging Face image is built on one framework (pytorch_version is 1.6.0, tensorflow_version is 2.4.1)',
      suggestions: [],
    });
  });

  it('names both frameworks and their versions when neither is set', () => {
    const f = failureOf(resolveTrainingImage({ transformersVersion: '4.10.2' }, 'us-east-1'));
    const pt = listBaseFrameworkVersions('4.10.2', 'pytorch');
    const tf = listBaseFrameworkVersions('4.10.2', 'tensorflow');
    assert.ok(pt.length > 1 && tf.length > 1);
    assert.deepEqual(f, {
      field: 'pytorch_version',
      message: `set pytorch_version or tensorflow_version; transformers 4.10.2 has training images for pytorch ${pt.join(', ')} and tensorflow ${tf.join(', ')}`,
      suggestions: pt,
    });
  });

  it('says which transformers versions have a TensorFlow image when this one has none', () => {
    const withTf = [
      ...new Set(
        listTrainingImages()
          .filter((i) => i.baseFramework === 'tensorflow')
          .map((i) => i.transformersVersion),
      ),
    ].reverse();
    assert.ok(withTf.length > 1);
    assert.deepEqual(failureOf(resolveTrainingImage({ transformersVersion: '4.26.0', tensorflowVersion: '2.4.1' }, 'us-east-1')), {
      field: 'tensorflow_version',
      message: `transformers 4.26.0 has no TensorFlow training image; it has pytorch ${listBaseFrameworkVersions('4.26.0', 'pytorch').join(', ')}. TensorFlow images exist for transformers ${withTf.join(', ')}`,
      suggestions: [],
    });
  });

  it('lists the base versions of the transformers version when the one asked for has no image', () => {
    const f = failureOf(resolveTrainingImage({ transformersVersion: '4.6.1', pytorchVersion: '1.5.0' }, 'us-east-1'));
    const pt = listBaseFrameworkVersions('4.6.1', 'pytorch');
    assert.ok(pt.length > 1);
    assert.equal(f.message, `transformers 4.6.1 with pytorch 1.5.0 has no training image; available pytorch versions: ${pt.join(', ')}`);
  });

  it('offers equally near transformers versions newest first', () => {
    // 4.4.501 is exactly as far from 4.4.2 as from 4.5.0.
    const f = failureOf(resolveTrainingImage({ transformersVersion: '4.4.501', pytorchVersion: '1.6.0' }, 'us-east-1'));
    assert.deepEqual(f.suggestions.slice(0, 2), ['4.5.0', '4.4.2']);
  });
});

describe('parseImageUri', () => {
  it('reads a URI with spaces around it and still finds it in the catalog', () => {
    const parsed = parseImageUri(` ${BLOG_URI} `);
    assert.equal(parsed?.transformersVersion, '4.4.2');
    assert.equal(parsed?.inCatalog, true);
  });

  it('gives undefined for a tag that carries no versions', () => {
    assert.equal(parseImageUri('763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:latest'), undefined);
    assert.equal(parseImageUri('763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:v1.6.0-transformers4.4.2-gpu-py36'), undefined);
  });

  it('gives undefined for a URI with anything before the account', () => {
    assert.equal(parseImageUri(`1${BLOG_URI}`), undefined);
    assert.equal(parseImageUri(`https://${BLOG_URI}`), undefined);
    assert.equal(parseImageUri(`${BLOG_URI}@sha256:abc`), undefined);
  });

  it('reads a tag without the cuda/os part, and one with a suffix after it', () => {
    const bare = parseImageUri('763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36');
    assert.equal(bare?.pyVersion, 'py36');
    assert.equal(bare?.cudaOs, undefined);
    assert.equal(bare?.inCatalog, false);
    const pinned = parseImageUri('763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.10.2-transformers4.17.0-gpu-py38-cu113-ubuntu20.04-v1.0');
    assert.equal(pinned?.baseVersion, '1.10.2');
    assert.equal(pinned?.cudaOs, 'cu113-ubuntu20.04');
    assert.equal(pinned?.inCatalog, false);
  });

  it('gives undefined for a Python part that is not py3 and digits', () => {
    assert.equal(parseImageUri('763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.6.0-transformers4.4.2-gpu-py36x'), undefined);
  });

  it('reads versions with two-digit majors it does not know, outside the catalog', () => {
    const parsed = parseImageUri('763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:10.0.0-transformers12.1.0-gpu-py312-cu130-ubuntu22.04');
    assert.equal(parsed?.baseVersion, '10.0.0');
    assert.equal(parsed?.transformersVersion, '12.1.0');
    assert.equal(parsed?.pyVersion, 'py312');
    assert.equal(parsed?.cudaOs, 'cu130-ubuntu22.04');
    assert.equal(parsed?.inCatalog, false);
  });
});
