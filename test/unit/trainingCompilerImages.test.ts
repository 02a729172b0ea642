// Checks the SageMaker Training Compiler image catalog's logic (src/core/catalog/trainingCompilerImages.ts):
// the rows it lists, the URI it resolves, the exact failure messages and their suggestions (missing
// versions, full vs shortened versions, a base version the transformers version has no image for, a wrong
// Python version, a region the image is not published in), and parsing an image URI back into versions.
// The rows, py versions, cuda/os suffixes, aliases and the 4.11.0 registries were checked against
// sagemaker-python-sdk v2.257.6 src/sagemaker/image_uri_config/huggingface-training-compiler.json
// (training scope): tensorflow2.5.1 for 4.11.0 is py37 / cu112-ubuntu18.04, published in ca-west-1,
// eu-west-1, us-east-1, us-east-2 and us-west-2 only.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { listTrainingCompilerImages, parseTrainingCompilerImageUri, resolveTrainingCompilerImage } from '../../src/core/catalog/trainingCompilerImages';
import type { CompilerImageRequest } from '../../src/core/catalog/trainingCompilerImages';

const TF_411_URI = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-tensorflow-trcomp-training:2.5.1-transformers4.11.0-gpu-py37-cu112-ubuntu18.04';
const PT_417_URI = '763104351884.dkr.ecr.eu-west-1.amazonaws.com/huggingface-pytorch-trcomp-training:1.10.2-transformers4.17.0-gpu-py38-cu113-ubuntu20.04';

describe('listTrainingCompilerImages', () => {
  it('lists every row of the SDK table, oldest transformers first', () => {
    assert.deepEqual(listTrainingCompilerImages(), [
      { transformersVersion: '4.11.0', baseFramework: 'pytorch', baseVersion: '1.9.0', pyVersion: 'py38' },
      { transformersVersion: '4.11.0', baseFramework: 'tensorflow', baseVersion: '2.5.1', pyVersion: 'py37' },
      { transformersVersion: '4.17.0', baseFramework: 'pytorch', baseVersion: '1.10.2', pyVersion: 'py38' },
      { transformersVersion: '4.17.0', baseFramework: 'tensorflow', baseVersion: '2.6.3', pyVersion: 'py38' },
      { transformersVersion: '4.21.1', baseFramework: 'pytorch', baseVersion: '1.11.0', pyVersion: 'py38' },
    ]);
  });
});

describe('resolveTrainingCompilerImage', () => {
  it('resolves the transformers 4.11.0 TensorFlow image to its py37 / cu112-ubuntu18.04 tag', () => {
    assert.deepEqual(resolveTrainingCompilerImage({ transformersVersion: '4.11.0', tensorflowVersion: '2.5.1' }, 'us-east-1'), {
      ok: true,
      uri: TF_411_URI,
      repository: 'huggingface-tensorflow-trcomp-training',
      tag: '2.5.1-transformers4.11.0-gpu-py37-cu112-ubuntu18.04',
      transformersVersion: '4.11.0',
      baseFramework: 'tensorflow',
      baseVersion: '2.5.1',
      pyVersion: 'py37',
    });
  });

  it('refuses the 4.11.0 TensorFlow image in a region only the later images are published in', () => {
    const r = resolveTrainingCompilerImage({ transformersVersion: '4.11.0', tensorflowVersion: '2.5.1' }, 'ap-northeast-1');
    const regions = ['ca-west-1', 'eu-west-1', 'us-east-1', 'us-east-2', 'us-west-2'];
    assert.deepEqual(r, {
      ok: false,
      field: 'region',
      message: `SageMaker Training Compiler's images for transformers 4.11.0 are not published in ap-northeast-1; available regions: ${regions.join(', ')}`,
      suggestions: regions,
    });
  });

  it('treats a missing transformers version as empty in its message', () => {
    const r = resolveTrainingCompilerImage({} as CompilerImageRequest, 'us-east-1');
    assert.deepEqual(r, {
      ok: false,
      field: 'transformers_version',
      message: 'SageMaker Training Compiler has Hugging Face images only for transformers 4.11.0, 4.17.0, 4.21.1 (or 4.11, 4.17, 4.21); transformers  has none',
      suggestions: ['4.11.0', '4.17.0', '4.21.1'],
    });
  });

  it('refuses a full transformers version with a missing base version, quoting it as empty', () => {
    const r = resolveTrainingCompilerImage({ transformersVersion: '4.17.0' }, 'us-east-1');
    assert.deepEqual(r, {
      ok: false,
      field: 'pytorch_version',
      message:
        'write transformers_version and pytorch_version both in full or both shortened, as the SageMaker SDK requires (it refuses transformers_version 4.17.0 with pytorch_version )',
      suggestions: [],
    });
  });

  it('refuses a shortened transformers version with a full base version, with no suggestion', () => {
    const r = resolveTrainingCompilerImage({ transformersVersion: '4.17', tensorflowVersion: '2.6.3' }, 'us-east-1');
    assert.deepEqual(r, {
      ok: false,
      field: 'tensorflow_version',
      message:
        'write transformers_version and tensorflow_version both in full or both shortened, as the SageMaker SDK requires (it refuses transformers_version 4.17 with tensorflow_version 2.6.3)',
      suggestions: [],
    });
  });

  it('accepts both versions shortened, keeping them as written in the tag', () => {
    const r = resolveTrainingCompilerImage({ transformersVersion: '4.17', pytorchVersion: '1.10' }, 'us-east-1');
    assert.equal(r.ok && r.tag, '1.10-transformers4.17-gpu-py38-cu113-ubuntu20.04');
  });

  it('names both base frameworks of the transformers version when the base version has no image', () => {
    const r = resolveTrainingCompilerImage({ transformersVersion: '4.11.0', pytorchVersion: '1.10.2' }, 'us-east-1');
    assert.deepEqual(r, {
      ok: false,
      field: 'pytorch_version',
      message: "SageMaker Training Compiler's image for transformers 4.11.0 is built on pytorch 1.9.0 or tensorflow 2.5.1, not pytorch 1.10.2",
      suggestions: ['1.9.0'],
    });
  });

  it('offers no base version when the transformers version has no image for the framework', () => {
    const r = resolveTrainingCompilerImage({ transformersVersion: '4.21.1', tensorflowVersion: '2.6.3' }, 'us-east-1');
    assert.deepEqual(r, {
      ok: false,
      field: 'tensorflow_version',
      message: "SageMaker Training Compiler's image for transformers 4.21.1 is built on pytorch 1.11.0, not tensorflow 2.6.3",
      suggestions: [],
    });
  });

  it('refuses a Python version the image does not have and suggests the one it has', () => {
    const r = resolveTrainingCompilerImage({ transformersVersion: '4.17.0', tensorflowVersion: '2.6.3', pyVersion: 'py37' }, 'us-east-1');
    assert.deepEqual(r, {
      ok: false,
      field: 'py_version',
      message: "SageMaker Training Compiler's image for transformers 4.17.0 with tensorflow 2.6.3 has only py38 (got py37)",
      suggestions: ['py38'],
    });
  });
});

describe('parseTrainingCompilerImageUri', () => {
  it('reads a TensorFlow image back into its versions and region', () => {
    assert.deepEqual(parseTrainingCompilerImageUri(TF_411_URI), {
      transformersVersion: '4.11.0',
      baseFramework: 'tensorflow',
      baseVersion: '2.5.1',
      pyVersion: 'py37',
      region: 'us-east-1',
    });
  });

  it('reads a PyTorch image with spaces around it', () => {
    assert.deepEqual(parseTrainingCompilerImageUri(`  ${PT_417_URI}\n`), {
      transformersVersion: '4.17.0',
      baseFramework: 'pytorch',
      baseVersion: '1.10.2',
      pyVersion: 'py38',
      region: 'eu-west-1',
    });
  });

  it('returns nothing for something that is not a Training Compiler image', () => {
    assert.equal(
      parseTrainingCompilerImageUri('763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:1.9.0-transformers4.11.0-gpu-py38-cu111-ubuntu20.04'),
      undefined,
    );
    assert.equal(parseTrainingCompilerImageUri(''), undefined);
  });

  it('returns nothing for an image the table does not publish in that region', () => {
    assert.equal(parseTrainingCompilerImageUri(TF_411_URI.replace(/us-east-1/g, 'ap-northeast-1')), undefined);
  });

  it('returns nothing when the URI differs from the one the SDK would build (account, suffix)', () => {
    assert.equal(parseTrainingCompilerImageUri(TF_411_URI.replace('763104351884', '123456789012')), undefined);
    assert.equal(parseTrainingCompilerImageUri(PT_417_URI.replace('cu113-ubuntu20.04', 'cu117-ubuntu20.04')), undefined);
  });
});
