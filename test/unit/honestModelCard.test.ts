// Issue 20: a model card states only what the run files and the job show. These tests build cards
// from the quickstart's real output (train.py run by python3), from local and SageMaker job records and
// from a job file alone, and check each claim the issue names.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { readModelFolder, safetensorsParameters } from '../../src/artifacts/modelFolder';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import { createModelCard } from '../../src/core/modelCard/modelCard';
import type { ModelCardInput } from '../../src/core/modelCard/modelCard';
import { modelCardJobFromDescription, modelCardJobFromSpec } from '../../src/core/modelCard/modelCardJob';
import type { JobDescriptionForCard } from '../../src/core/modelCard/modelCardJob';
import { modelDescent, transformersLoadability } from '../../src/core/modelCard/provenance';
import { FRAMEWORK_PACKAGES, probeInterpreter } from '../../src/local/machine';
import { REPO_ROOT } from './repoRoot';

const QUICKSTART = path.join(REPO_ROOT, 'examples/quickstart');
const BLOG_RUN = path.join(REPO_ROOT, 'test/fixtures/modelCard/blog-run');

function frontMatter(readme: string): Record<string, unknown> {
  return parseYaml(readme.split('\n---\n')[0]!.slice(4)) as Record<string, unknown>;
}

/** What the local backend writes to job.json for a quickstart run, in DescribeTrainingJob's names. */
function localRecord(packages: Record<string, string>): JobDescriptionForCard {
  return {
    TrainingJobName: 'quickstart-summarizer-2026-12-07-10-00-00-000',
    TrainingJobStatus: 'Completed',
    CreationTime: '2026-12-07T10:00:00.000Z',
    TrainingTimeInSeconds: 2,
    HyperParameters: { model_name_or_path: '"facebook/bart-large-cnn"', dataset_name: '"quickstart-dialogues"', sagemaker_program: '"train.py"' },
    // The image the job file names (what it would run on SageMaker), not what ran here.
    AlgorithmSpecification: { TrainingImage: '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-pytorch-training:2.8.0-transformers4.56.2-gpu-py312-cu129-ubuntu22.04' },
    ResourceConfig: { InstanceType: 'ml.p3.2xlarge', InstanceCount: 2 },
    InputDataConfig: [{ ChannelName: 'train' }, { ChannelName: 'validation' }, { ChannelName: 'test' }],
    Local: {
      entryPoint: 'train.py',
      hosts: ['algo-1', 'algo-2'],
      interpreter: '/usr/bin/python3',
      pythonVersion: '3.11.2',
      machine: { os: 'Linux 6.1.0 (x64)', cpu: 'AMD EPYC', cpus: 2, gpus: 0 },
      packages,
    },
  };
}

describe('the quickstart card says what the quickstart model is (issue 20)', () => {
  let modelDir = '';
  let input: ModelCardInput;
  before(async () => {
    modelDir = await fs.mkdtemp(path.join(os.tmpdir(), 'honest-card-'));
    const args = ['train.py', '--model_name_or_path', 'facebook/bart-large-cnn', '--dataset_name', 'quickstart-dialogues', '--do_train', 'True', '--do_eval', 'True'];
    args.push('--num_train_epochs', '2', '--learning_rate', '0.5', '--output_dir', modelDir, '--seed', '7');
    const env = { ...process.env, SM_CHANNEL_TRAIN: 'data/train', SM_CHANNEL_VALIDATION: 'data/validation', SM_CHANNEL_TEST: 'data/test' };
    const r = spawnSync('python3', args, { cwd: QUICKSTART, env, encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, r.stderr);
    const run = await readModelFolder(modelDir, { readme: false });
    input = { files: run.files, fileNames: run.fileNames, ...(run.weights ? { weights: run.weights } : {}), ...modelCardJobFromDescription(localRecord({})) };
  });
  after(() => fs.rm(modelDir, { recursive: true, force: true }));

  it('counts 78 parameters in its model.safetensors and quotes its own description', async () => {
    assert.equal(await safetensorsParameters(path.join(modelDir, 'model.safetensors')), 78);
    const card = createModelCard(input);
    assert.match(card.readme, /- Parameters: 78 \(counted in model\.safetensors\)/);
    assert.match(card.readme, /config\.json describes it as: a logistic regression over 77 features of a dialogue turn \(78 parameters\)/);
  });

  it('says it ran locally, on what, with which Python, and names no instance type or image version', () => {
    const card = createModelCard(input);
    assert.match(card.readme, /It was trained locally, not on Amazon SageMaker/);
    assert.match(card.readme, /- Ran on: 2 hosts as processes on one machine, Linux 6\.1\.0 \(x64\), 2 × AMD EPYC, no GPU/);
    assert.match(card.readme, /- Python: 3\.11\.2 \(\/usr\/bin\/python3\)/);
    assert.match(card.readme, /- Frameworks: none \(no PyTorch, TensorFlow or Transformers in that interpreter\)/);
    assert.doesNotMatch(card.readme, /trained on Amazon SageMaker|ml\.p3|V100|Transformers 4\.56|PyTorch 2\.8|Deep Learning Container|Region/);
    assert.equal((frontMatter(card.readme).tags as string[]).includes('sagemaker'), false);
  });

  it('is not "a fine-tuned version of" the model the hyperparameters name, and says why', () => {
    const card = createModelCard(input);
    assert.equal(card.descent?.descends, false);
    assert.equal(frontMatter(card.readme).base_model, undefined);
    assert.doesNotMatch(card.readme, /fine-tuned version|\]\(https:\/\/huggingface\.co\/facebook/);
    assert.match(
      card.readme,
      /The hyperparameters name "facebook\/bart-large-cnn" \(model_name_or_path\), but the saved model does not derive from it: config\.json was not saved by transformers/,
    );
    assert.equal(card.modelName, 'extractive-turn-scorer-quickstart-dialogues');
  });

  it('declares no library, pipeline tag, widget or transformers snippet: transformers cannot load it', () => {
    const card = createModelCard(input);
    const meta = frontMatter(card.readme);
    for (const key of ['library_name', 'pipeline_tag', 'widget']) assert.equal(meta[key], undefined, key);
    assert.doesNotMatch(card.readme, /from transformers import|pipeline\(/);
    assert.match(card.readme, /## Usage\n\nThese files are not a model transformers can load \(config\.json was not saved by transformers/);
  });

  it('links no dataset that came through input channels', () => {
    const card = createModelCard(input);
    assert.equal(frontMatter(card.readme).datasets, undefined);
    assert.doesNotMatch(card.readme, /huggingface\.co\/datasets/);
    assert.match(card.readme, /on the data of its input channels \(train, validation, test\), which the hyperparameters call "quickstart-dialogues"/);
  });

  it('names the frameworks a local interpreter had, not the image the job file names', () => {
    const card = createModelCard({ ...input, ...modelCardJobFromDescription(localRecord({ torch: '1.13.1', transformers: '4.26.0' })) });
    assert.match(card.readme, /- Frameworks installed in that interpreter: PyTorch 1\.13\.1, Transformers 4\.26\.0/);
    assert.doesNotMatch(card.readme, /4\.56\.2|2\.8\.0/);
  });
});

describe('a card from a SageMaker job or a job file alone', () => {
  const blogFiles = (): Record<string, unknown> => ({ 'config.json': JSON.parse(readFileSync(path.join(BLOG_RUN, 'config.json'), 'utf8')) as unknown });
  const describeFixture = JSON.parse(readFileSync(path.join(REPO_ROOT, 'test/fixtures/modelCard/blog-describe-training-job.json'), 'utf8')) as JobDescriptionForCard;

  it('says "trained on Amazon SageMaker" for a SageMaker job, with the image’s versions', () => {
    const card = createModelCard({ files: blogFiles(), fileNames: readdirSync(BLOG_RUN), ...modelCardJobFromDescription(describeFixture) });
    assert.match(card.readme, /It was trained on Amazon SageMaker with the Hugging Face Deep Learning Container\./);
    assert.match(card.readme, /- Frameworks \(the training image's\): Transformers 4\.4\.2, PyTorch 1\.6\.0/);
    assert.match(card.readme, /- Hardware: 2 × ml\.p3dn\.24xlarge/);
    assert.equal(frontMatter(card.readme).library_name, 'transformers');
  });

  it('labels what a job file asks for as requested, not as what ran', () => {
    const spec = validateJobFile(readFileSync(path.join(QUICKSTART, 'quickstart.sagemaker.yaml'), 'utf8')).spec!;
    const card = createModelCard({ files: blogFiles(), fileNames: readdirSync(BLOG_RUN), ...modelCardJobFromSpec(spec) });
    assert.match(card.readme, /- Requested in the job file \(no job record shows what ran\): 2 × ml\.p3\.2xlarge/);
    assert.match(card.readme, /- Frameworks requested in the job file \(no job record shows what ran\): Transformers 4\.56\.2, PyTorch 2\.8\.0/);
    assert.doesNotMatch(card.readme, /trained on Amazon SageMaker|trained locally|- Hardware:/);
  });

  it('claims no library when the folder lacks the tokenizer or the weights, or its files are unknown', () => {
    const files = blogFiles();
    const without = (name: string) => readdirSync(BLOG_RUN).filter((f) => f !== name);
    for (const fileNames of [without('tokenizer_config.json'), without('pytorch_model.bin'), undefined]) {
      const card = createModelCard({ files, ...(fileNames ? { fileNames } : {}), ...modelCardJobFromDescription(describeFixture) });
      assert.equal(card.metadata.library_name, undefined, String(fileNames));
      assert.equal(card.metadata.pipeline_tag, undefined);
      assert.equal(card.metadata.base_model, 'facebook/bart-large-cnn', 'descent does not depend on the tokenizer');
    }
  });
});

describe('modelDescent and transformersLoadability', () => {
  const bart = { model_type: 'bart', architectures: ['BartForConditionalGeneration'], transformers_version: '4.4.2' };
  it('accepts a config whose _name_or_path, or else model type, matches the base model', () => {
    assert.equal(modelDescent('facebook/bart-large-cnn', { ...bart, _name_or_path: 'facebook/bart-large-cnn' }).descends, true);
    assert.equal(modelDescent('facebook/bart-large-cnn', bart).descends, true);
    assert.equal(modelDescent('facebook/bart-large-cnn', { ...bart, _name_or_path: '/opt/ml/input/data/model' }).descends, true);
    assert.equal(
      modelDescent('microsoft/deberta-v3-base', {
        model_type: 'deberta-v2',
        architectures: ['DebertaV2ForSequenceClassification'],
        transformers_version: '4.40.0',
        _name_or_path: 'microsoft/deberta-v3-base',
      }).descends,
      true,
    );
  });
  it('refuses a config that contradicts it or was not saved by transformers', () => {
    assert.equal(modelDescent('facebook/bart-large-cnn', { ...bart, _name_or_path: 'google/pegasus-xsum' }).descends, false);
    assert.equal(modelDescent('facebook/bart-large-cnn', { ...bart, architectures: ['T5ForConditionalGeneration'] }).descends, false);
    assert.equal(modelDescent('facebook/bart-large-cnn', { model_type: 'bart', _name_or_path: 'facebook/bart-large-cnn' }).descends, false);
    assert.equal(modelDescent('facebook/bart-large-cnn', { ...bart, model_type: 't5', architectures: ['T5ForConditionalGeneration'] }).descends, false);
    assert.equal(modelDescent('facebook/bart-large-cnn', undefined).descends, false);
  });
  it('takes a trimmed _name_or_path, and a local path of any form, for no contradiction', () => {
    assert.deepEqual(modelDescent('facebook/bart-large-cnn', { ...bart, _name_or_path: ' facebook/bart-large-cnn\n' }), {
      descends: true,
      reason: "config.json's _name_or_path is facebook/bart-large-cnn",
    });
    for (const local of ['./model', '/opt/ml/input/data/model', '~/models/bart', 'C:\\models\\bart', 'D:/models/bart', 'org/sub/model']) {
      assert.deepEqual(
        modelDescent('facebook/bart-large-cnn', { ...bart, _name_or_path: local }),
        { descends: true, reason: "config.json's model_type bart matches facebook/bart-large-cnn" },
        local,
      );
    }
    assert.deepEqual(modelDescent('facebook/bart-large-cnn', { ...bart, _name_or_path: 'xC:\\bart' }), {
      descends: false,
      reason: "config.json's _name_or_path is xC:\\bart, not facebook/bart-large-cnn",
    });
  });

  it('gives the reason a card prints when the model does not descend', () => {
    assert.equal(
      modelDescent('facebook/bart-large-cnn', { ...bart, model_type: 't5', architectures: ['T5ForConditionalGeneration'] }).reason,
      "config.json's model_type t5 does not match facebook/bart-large-cnn",
    );
    assert.equal(modelDescent('facebook/bart-large-cnn', undefined).reason, 'there is no config.json to show what the model is');
    assert.equal(
      modelDescent('facebook/bart-large-cnn', { ...bart, architectures: ['T5ForConditionalGeneration'] }).reason,
      "config.json's architecture T5ForConditionalGeneration is not a bart model",
    );
  });

  it('takes every weights and tokenizer file transformers reads for a loadable folder', () => {
    for (const weights of ['model.safetensors', 'model.safetensors.index.json', 'pytorch_model.bin', 'pytorch_model.bin.index.json', 'tf_model.h5', 'flax_model.msgpack']) {
      assert.deepEqual(transformersLoadability(bart, ['config.json', weights, 'tokenizer.json']), { loadable: true, reason: '' }, weights);
    }
    const tokenizers = [
      'tokenizer.json',
      'tokenizer_config.json',
      'vocab.json',
      'vocab.txt',
      'spiece.model',
      'sentencepiece.bpe.model',
      'tokenizer.model',
      'preprocessor_config.json',
      'processor_config.json',
    ];
    for (const tokenizer of tokenizers) {
      assert.deepEqual(transformersLoadability(bart, ['config.json', 'model.safetensors', tokenizer]), { loadable: true, reason: '' }, tokenizer);
    }
  });

  it('needs config, weights and a tokenizer to call a folder loadable', () => {
    assert.equal(transformersLoadability(bart, ['config.json', 'model.safetensors', 'tokenizer.json']).loadable, true);
    assert.match(transformersLoadability(bart, ['config.json', 'model.safetensors']).reason, /no tokenizer files/);
    assert.match(transformersLoadability(bart, ['config.json', 'tokenizer.json']).reason, /no weights file/);
    assert.equal(transformersLoadability(undefined, ['model.safetensors', 'tokenizer.json']).reason, 'there is no config.json');
    assert.match(transformersLoadability({ model_type: 'x' }, ['config.json', 'model.safetensors', 'tokenizer.json']).reason, /not saved by transformers/);
  });
});

describe('what the local runner records about the interpreter', () => {
  it('finds the framework versions installed in the interpreter without importing them', async () => {
    const site = await fs.mkdtemp(path.join(os.tmpdir(), 'fake-site-'));
    try {
      // A distribution's metadata is all importlib.metadata reads; there is no torch module to import.
      await fs.mkdir(path.join(site, 'torch-1.13.1.dist-info'));
      await fs.writeFile(path.join(site, 'torch-1.13.1.dist-info', 'METADATA'), 'Metadata-Version: 2.1\nName: torch\nVersion: 1.13.1\n');
      const probed = await probeInterpreter('python3', { ...process.env, PYTHONPATH: site });
      assert.equal(probed.packages.torch, '1.13.1');
      assert.ok(Object.keys(probed.packages).every((k) => (FRAMEWORK_PACKAGES as readonly string[]).includes(k)));
    } finally {
      await fs.rm(site, { recursive: true, force: true });
    }
  });

  it('reads no parameter count from a file that is not safetensors', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'not-safetensors-'));
    try {
      await fs.writeFile(path.join(dir, 'a'), 'SIMULATED-WEIGHTS');
      assert.equal(await safetensorsParameters(path.join(dir, 'a')), undefined);
      const header = Buffer.from(JSON.stringify({ w: { dtype: 'F32', shape: [3, 4], data_offsets: [0, 48] }, b: { dtype: 'F32', shape: [4], data_offsets: [48, 64] } }));
      const length = Buffer.alloc(8);
      length.writeBigUInt64LE(BigInt(header.length));
      await fs.writeFile(path.join(dir, 'b'), Buffer.concat([length, header, Buffer.alloc(64)]));
      assert.equal(await safetensorsParameters(path.join(dir, 'b')), 16);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
