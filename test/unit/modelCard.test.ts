import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, promises as fs, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PIPELINE_TYPES } from '@huggingface/tasks';
import { parse as parseYaml } from 'yaml';
import { cardCommand } from '../../src/cli/cardCommand';
import type { CliIo } from '../../src/cli/cliError';
import type { JobSpec } from '../../src/core/jobFile/jobSpec';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import { codeBlock, escapeMarkdownText, escapeTableCell, hubLink, markdownTable } from '../../src/core/modelCard/markdown';
import { readModelCardMetadata, validateModelCardMetadata } from '../../src/core/modelCard/metadata';
import type { ModelCardMetadata } from '../../src/core/modelCard/metadata';
import { createModelCard, DEFAULT_DIALOGUE } from '../../src/core/modelCard/modelCard';
import type { ModelCardInput, ModelCardJob } from '../../src/core/modelCard/modelCard';
import { inferPipelineTag } from '../../src/core/modelCard/pipelineTag';
import { formatNumber, readSplitResults } from '../../src/core/modelCard/results';
import { isRunFile, parseRunFile } from '../../src/core/modelCard/runFiles';
import { modelCardJobFromDescription, modelCardJobFromSpec } from '../../src/core/modelCard/modelCardJob';
import type { JobDescriptionForCard } from '../../src/core/modelCard/modelCardJob';
import { trainingCurves } from '../../src/core/modelCard/trainingCurves';

const FIXTURES = path.resolve(__dirname, '../../../test/fixtures/modelCard');
const BLOG_RUN = path.join(FIXTURES, 'blog-run');
const HOSTILE_RUN = path.join(FIXTURES, 'hostile-run');

function runFiles(dir: string): Record<string, unknown> {
  const files: Record<string, unknown> = {};
  for (const name of readdirSync(dir).filter(isRunFile)) files[name] = parseRunFile(readFileSync(path.join(dir, name), 'utf8'));
  return files;
}

const describeFixture = JSON.parse(readFileSync(path.join(FIXTURES, 'blog-describe-training-job.json'), 'utf8')) as JobDescriptionForCard;

function blogInput(): ModelCardInput {
  const { job, hyperparameters } = modelCardJobFromDescription(describeFixture);
  // The fixture folder holds a tokenizer file and a (placeholder) weights file: transformers could load it.
  return { files: runFiles(BLOG_RUN), fileNames: readdirSync(BLOG_RUN), hyperparameters, job, repoId: 'philschmid/bart-large-cnn-samsum' };
}

/** The YAML between the first two `---` lines, parsed by a plain YAML parser (not our reader). */
function frontMatterOf(readme: string): unknown {
  assert.ok(readme.startsWith('---\n'), 'the front matter must start on line 1');
  const end = readme.indexOf('\n---\n', 3);
  assert.ok(end > 0, 'the front matter must be closed');
  return parseYaml(readme.slice(4, end + 1));
}

function outsideCode(markdown: string): string {
  return markdown.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '');
}

function codeBlocks(markdown: string, language: string): string[] {
  return Array.from(markdown.matchAll(new RegExp(`^(\`{3,})${language}\\n([\\s\\S]*?)\\n\\1$`, 'gm')), (m) => m[2]!);
}

function unescapedPipes(line: string): number {
  let n = 0;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\') i++;
    else if (line[i] === '|') n++;
  }
  return n;
}

/** Every GFM table keeps the header's column count on every row. */
function assertTablesIntact(markdown: string): number {
  const lines = outsideCode(markdown).split('\n');
  let tables = 0;
  for (let i = 0; i < lines.length; i++) {
    if (!lines[i]!.startsWith('|') || (i > 0 && lines[i - 1]!.startsWith('|'))) continue;
    tables++;
    const columns = unescapedPipes(lines[i]!);
    for (let j = i + 1; j < lines.length && lines[j]!.startsWith('|'); j++) {
      assert.equal(unescapedPipes(lines[j]!), columns, `table row breaks its table: ${lines[j]}`);
      assert.ok(lines[j]!.endsWith('|'), `row must end with a pipe: ${lines[j]}`);
    }
  }
  return tables;
}

/** Names a Python snippet reads without defining or importing them (None when python3 is absent). */
function undefinedPythonNames(code: string): string[] | undefined {
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : undefined;
  if (!python) return undefined;
  const check = [
    'import ast, builtins, json, sys',
    'tree = ast.parse(sys.stdin.read())',
    'defined = set(dir(builtins))',
    'for node in ast.walk(tree):',
    '    if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store): defined.add(node.id)',
    '    if isinstance(node, (ast.Import, ast.ImportFrom)): defined.update(a.asname or a.name.split(".")[0] for a in node.names)',
    'used = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}',
    'print(json.dumps(sorted(used - defined)))',
  ].join('\n');
  const result = spawnSync(python, ['-c', check], { input: code, encoding: 'utf8' });
  assert.equal(result.status, 0, `the snippet is not valid Python: ${result.stderr}`);
  return JSON.parse(result.stdout) as string[];
}

describe('createModelCard: the blog run (bart-large-cnn on samsum, 2 × ml.p3dn.24xlarge)', () => {
  const card = createModelCard(blogInput());
  const meta = frontMatterOf(card.readme) as ModelCardMetadata;

  it('puts the front matter on line 1, and it parses back to the metadata and passes the spec checks', () => {
    assert.deepEqual(meta, card.metadata);
    assert.deepEqual(validateModelCardMetadata(meta), []);
    const read = readModelCardMetadata(card.readme);
    assert.deepEqual(read.problems, []);
    assert.deepEqual(read.metadata, card.metadata);
    assert.match(read.body, /^\n# bart-large-cnn-samsum\n/);
  });

  it('declares library, base model, dataset, license, language, tags and the pipeline tag', () => {
    assert.equal(meta.library_name, 'transformers');
    assert.equal(meta.base_model, 'facebook/bart-large-cnn');
    assert.deepEqual(meta.datasets, ['samsum']);
    assert.equal(meta.license, 'apache-2.0');
    assert.equal(meta.language, 'en');
    assert.deepEqual(meta.tags, ['sagemaker', 'bart', 'summarization']);
    assert.equal(meta.pipeline_tag, 'summarization');
    assert.equal(card.pipelineTag.rule, 'the metrics include ROUGE (eval_rouge1)');
    assert.deepEqual(meta.metrics, ['rouge']);
  });

  it('types model-index per the spec: summarization task, samsum dataset per split, rouge metrics as numbers', () => {
    const index = meta['model-index']!;
    assert.equal(index.length, 1);
    assert.equal(index[0]!.name, 'bart-large-cnn-samsum');
    const [validation, test] = index[0]!.results;
    assert.deepEqual(validation!.task, { type: 'summarization', name: 'Summarization' });
    assert.deepEqual(validation!.dataset, { type: 'samsum', name: 'samsum', split: 'validation' });
    assert.deepEqual(validation!.metrics, [
      { type: 'rouge', value: 42.621, name: 'Validation ROUGE-1' },
      { type: 'rouge', value: 21.9825, name: 'Validation ROUGE-2' },
      { type: 'rouge', value: 33.034, name: 'Validation ROUGE-L' },
      { type: 'rouge', value: 39.6783, name: 'Validation ROUGE-Lsum' },
    ]);
    assert.equal(test!.dataset.split, 'test');
    assert.deepEqual(
      test!.metrics.map((m) => [m.name, m.value]),
      [
        ['Test ROUGE-1', 41.3174],
        ['Test ROUGE-2', 20.8716],
        ['Test ROUGE-L', 32.1337],
        ['Test ROUGE-Lsum', 38.4149],
      ],
    );
    assert.equal(index[0]!.results.length, 2, 'train results are not evaluation results');
  });

  it('has the blog dialogue as widget example, with an example output when one is known', () => {
    assert.deepEqual(meta.widget, [{ text: DEFAULT_DIALOGUE, example_title: 'Dialogue' }]);
    const withOutput = createModelCard({ ...blogInput(), widgetOutput: 'Jeff wants to train a model on SageMaker.' });
    assert.deepEqual(withOutput.metadata.widget, [{ text: DEFAULT_DIALOGUE, example_title: 'Dialogue', output: { text: 'Jeff wants to train a model on SageMaker.' } }]);
    assert.deepEqual(withOutput.problems, []);
  });

  it('fixes each mistake of the blog card', () => {
    assert.doesNotMatch(card.readme, /ROGUE|rogue-|abstractive-text-summarization|nlp\(/);
    assert.doesNotMatch(card.readme, /A100/, 'p3dn.24xlarge has V100 GPUs');
    assert.match(card.readme, /2 × ml\.p3dn\.24xlarge \(8 × NVIDIA V100 32 GB, 96 vCPU, 768 GiB each, 16 GPUs in all\)/);
    assert.match(card.readme, /Distribution: SageMaker distributed data parallel \(smdistributed\.dataparallel\)/);
    assert.match(card.readme, /Frameworks \(the training image's\): Transformers 4\.4\.2, PyTorch 1\.6\.0/);
    assert.match(card.readme, /Training time: 24 min 40 s/);
  });

  it('has a usage snippet that is valid Python and calls the pipeline it assigned', () => {
    const [snippet] = codeBlocks(card.readme, 'python');
    assert.ok(snippet);
    assert.match(snippet, /^summarizer = pipeline\("summarization", model="philschmid\/bart-large-cnn-samsum"\)$/m);
    assert.match(snippet, /^print\(summarizer\(conversation\)\[0\]\["summary_text"\]\)$/m);
    const undefinedNames = undefinedPythonNames(snippet);
    if (undefinedNames) assert.deepEqual(undefinedNames, []);
  });

  it('the snippet check catches the blog snippet, which calls nlp after assigning summarizer', () => {
    const blog = 'from transformers import pipeline\nsummarizer = pipeline("summarization", model="philschmid/x")\nconversation = """Jeff: hi"""\nnlp(conversation)\n';
    const undefinedNames = undefinedPythonNames(blog);
    if (undefinedNames) assert.deepEqual(undefinedNames, ['nlp']);
  });

  it('tables: hyperparameters without the SDK keys, results per split with readable names and rounding', () => {
    assert.equal(assertTablesIntact(card.readme), 5);
    assert.match(card.readme, /\| learning_rate \| 5e-05 \|/);
    assert.match(card.readme, /\| fp16 \| True \|/);
    assert.doesNotMatch(card.readme, /sagemaker_program|sagemaker_submit_directory/);
    assert.match(card.readme, /### Training\n\nFrom train_results\.json \(train split\):/);
    assert.match(card.readme, /### Validation\n\nFrom eval_results\.json \(validation split\):/);
    assert.match(card.readme, /### Test\n\nFrom test_results\.json \(test split\):/);
    assert.match(card.readme, /\| ROUGE-1 \| 42\.621 \|/);
    assert.match(card.readme, /\| Runtime \(s\) \| 1082\.15 \|/);
    assert.doesNotMatch(card.readme, /mem_cpu/);
    assert.match(card.readme, /\| 0\.8713 \| 3 \| 693 \| 1\.4164 \| 42\.621 \|/, 'the training log pairs each evaluation with the latest training loss');
  });

  it('is deterministic', () => {
    assert.equal(createModelCard(blogInput()).readme, card.readme);
  });

  it('opens with what the model is, its validation results and the facts of its job', () => {
    const body = card.readme.slice(card.readme.indexOf('\n---\n') + 5);
    const expected = [
      '',
      '# bart-large-cnn-samsum',
      '',
      'This model is a fine-tuned version of [facebook/bart-large-cnn](https://huggingface.co/facebook/bart-large-cnn) on the [samsum](https://huggingface.co/datasets/samsum) dataset. It was trained on Amazon SageMaker with the Hugging Face Deep Learning Container.',
      '',
      'It achieves the following results on the validation split:',
      '',
      '- Validation ROUGE-1: 42.621',
      '- Validation ROUGE-2: 21.9825',
      '- Validation ROUGE-L: 33.034',
      '- Validation ROUGE-Lsum: 39.6783',
      '',
      '## Training procedure',
      '',
      '- Training job: huggingface-pytorch-training-2021-04-08-11-53-20-146 (Completed)',
      '- Hardware: 2 × ml.p3dn.24xlarge (8 × NVIDIA V100 32 GB, 96 vCPU, 768 GiB each, 16 GPUs in all)',
      '- Distribution: SageMaker distributed data parallel (smdistributed.dataparallel)',
      '- Region: us-east-1',
      '- Started: 2021-04-08',
      '- Training time: 24 min 40 s; billable time 24 min 40 s',
      "- Frameworks (the training image's): Transformers 4.4.2, PyTorch 1.6.0",
      '- Entry point: run_summarization.py',
      '- Steps: 693 over 3 epochs',
      '',
      '### Hyperparameters',
      '',
    ].join('\n');
    assert.equal(body.slice(0, expected.length), expected);
    assert.match(body, /\n\n## Usage\n\n```python\nfrom transformers import pipeline\n\nsummarizer = /, 'a card with a Hub id says nothing about running it next to a folder');
    assert.match(body, /\n\| dataset_name \| samsum \|\n/, 'a string hyperparameter as written, not JSON-quoted');
    assert.match(body, /\nconversation = """Jeff: Can I train a 🤗 Transformers model on Amazon SageMaker\?\nPhilipp: /, 'the dialogue as a triple-quoted block');
  });

  it("offers the blog's SAMSum dialogue as the widget example", () => {
    assert.equal(
      meta.widget?.[0]?.text,
      'Jeff: Can I train a 🤗 Transformers model on Amazon SageMaker?\nPhilipp: Sure you can use the new Hugging Face Deep Learning Container.\nJeff: ok.\nJeff: and how can I get started?\nJeff: where can I find documentation?\nPhilipp: ok, ok you can find everything here. https://huggingface.co/blog/the-partnership-amazon-sagemaker-and-hugging-face',
    );
  });
});

describe('createModelCard: hostile strings stay data', () => {
  const { job, hyperparameters } = modelCardJobFromDescription(JSON.parse(readFileSync(path.join(HOSTILE_RUN, 'job.json'), 'utf8')) as JobDescriptionForCard);
  const widgetText = 'line one\n---\n<script>alert(6)</script>\n```\n... |x|';
  // A loadable folder (config.json saved by transformers, weights, tokenizer), so that the widget and the snippet are written too.
  const config = { model_type: 'bart', architectures: ['BartForConditionalGeneration'], transformers_version: '4.4.2' };
  const card = createModelCard({
    files: { ...runFiles(HOSTILE_RUN), 'config.json': config },
    fileNames: ['config.json', 'pytorch_model.bin', 'tokenizer.json'],
    hyperparameters: { ...hyperparameters, dataset_config_name: 'cfg\n---\nx: y' },
    job,
    widgetText,
  });

  it('cannot end or extend the front matter', () => {
    const meta = frontMatterOf(card.readme) as ModelCardMetadata;
    assert.deepEqual(meta, card.metadata);
    assert.deepEqual(readModelCardMetadata(card.readme).metadata, card.metadata);
    assert.equal((meta.widget ?? [])[0]?.text, widgetText);
    assert.equal(Object.hasOwn(meta, 'evil'), false);
    assert.deepEqual(
      validateModelCardMetadata(meta).filter((p) => p.severity === 'error'),
      [],
    );
    // Outside code blocks, only our two delimiters are lines of their own.
    assert.equal(
      outsideCode(card.readme)
        .split('\n')
        .filter((l) => l === '---').length,
      2,
    );
  });

  it('keeps a dataset name that is not a Hub id out of the metadata', () => {
    assert.equal(card.metadata.datasets, undefined);
    assert.equal(card.metadata['model-index'], undefined);
  });

  it('cannot break a table, open HTML, a code span or maths outside code blocks', () => {
    assert.ok(assertTablesIntact(card.readme) >= 3);
    const text = outsideCode(card.readme.slice(card.readme.indexOf('\n---\n', 3) + 5));
    assert.doesNotMatch(text, /(^|[^\\])</, 'raw < outside code blocks');
    assert.doesNotMatch(text, /(^|[^\\])`/, 'raw backtick outside code blocks');
    assert.doesNotMatch(text, /(^|[^\\])\$/, 'raw $ outside code blocks');
    assert.doesNotMatch(text, /(^|[^\\])\[click/, 'a link from a metric name');
    const headings = text.split('\n').filter((l) => /^#/.test(l));
    assert.deepEqual(headings, ['# bart-large-cnn-samsum-evil-true', '## Training procedure', '### Hyperparameters', '## Results', '### Training', '### Validation', '## Usage']);
  });

  it('shows hostile metric names and values escaped, and NaN as NaN', () => {
    assert.match(card.readme, /\| \\<script\\>alert\(1\)\\<\/script\\> \| 1 \|/);
    assert.match(card.readme, /\| a\\\|b \| 2 \|/);
    assert.match(card.readme, /\| multi line \| 4 \|/);
    assert.match(card.readme, /\| Loss \| NaN \|/);
    assert.match(card.readme, /\| Runtime \(s\) \| Infinity \|/);
  });

  it('never prints a secret', () => {
    assert.doesNotMatch(card.readme, /hf_abcdefghij/);
    assert.match(card.readme, /\| hub_token \| \(redacted\) \|/);
  });

  it('keeps the widget text inside a code block the text cannot close, as valid Python', () => {
    const [snippet] = codeBlocks(card.readme, 'python');
    assert.ok(snippet?.includes('<script>alert(6)</script>'));
    const undefinedNames = undefinedPythonNames(snippet!);
    if (undefinedNames) assert.deepEqual(undefinedNames, []);
  });
});

describe('inferPipelineTag', () => {
  const cases: Array<[string, Parameters<typeof inferPipelineTag>[0], string | undefined]> = [
    ['ROUGE metrics', { metricKeys: ['eval_rouge1'] }, 'summarization'],
    ['ROUGE beats a classifier config', { metricKeys: ['predict_rougeL'], config: { architectures: ['BertForSequenceClassification'] } }, 'summarization'],
    ['BLEU metrics', { metricKeys: ['eval_bleu'] }, 'translation'],
    ['SacreBLEU metrics', { metricKeys: ['test_sacrebleu'] }, 'translation'],
    ['seqeval metrics', { metricKeys: ['eval_overall_f1'] }, 'token-classification'],
    ['SQuAD metrics', { metricKeys: ['eval_exact_match', 'eval_f1'] }, 'question-answering'],
    ['example script', { metricKeys: ['eval_accuracy'], entryPoint: 'examples/run_glue.py' }, 'text-classification'],
    ['accuracy/F1 of a classifier config', { metricKeys: ['eval_accuracy', 'eval_f1'], config: { architectures: ['DistilBertForSequenceClassification'] } }, 'text-classification'],
    ['accuracy without a config decides nothing', { metricKeys: ['eval_accuracy'] }, undefined],
    ['causal LM config', { metricKeys: [], config: { architectures: ['GPT2LMHeadModel'] } }, 'text-generation'],
    [
      'seq2seq from a published summarizer, no metrics',
      { metricKeys: [], config: { architectures: ['BartForConditionalGeneration'] }, baseModel: 'facebook/bart-large-cnn' },
      'summarization',
    ],
    [
      'seq2seq with only summarization params',
      { metricKeys: [], config: { architectures: ['PegasusForConditionalGeneration'], task_specific_params: { summarization: {} } } },
      'summarization',
    ],
    [
      'plain t5 decides nothing (text2text-generation is retired)',
      { metricKeys: [], config: { architectures: ['T5ForConditionalGeneration'], task_specific_params: { summarization: {}, translation_en_to_de: {} } }, baseModel: 't5-small' },
      undefined,
    ],
    ['a summarizer base without config', { metricKeys: [], baseModel: 'google/pegasus-xsum' }, 'summarization'],
    ['override', { metricKeys: ['eval_rouge1'], override: 'text-generation' }, 'text-generation'],
    ['an unknown override is ignored', { metricKeys: ['eval_rouge1'], override: 'abstractive-text-summarization' }, 'summarization'],
    ['a script named like an Object property', { metricKeys: [], entryPoint: 'constructor.py' }, undefined],
  ];
  for (const [name, evidence, tag] of cases) {
    it(name, () => assert.equal(inferPipelineTag(evidence).tag, tag));
  }

  it('knows the task of each Hugging Face example script, wherever it lies', () => {
    const scripts: Record<string, string> = {
      run_summarization: 'summarization',
      run_summarization_no_trainer: 'summarization',
      run_translation: 'translation',
      run_translation_no_trainer: 'translation',
      run_glue: 'text-classification',
      run_glue_no_trainer: 'text-classification',
      run_classification: 'text-classification',
      run_xnli: 'text-classification',
      run_ner: 'token-classification',
      run_ner_no_trainer: 'token-classification',
      run_qa: 'question-answering',
      run_qa_no_trainer: 'question-answering',
      run_seq2seq_qa: 'question-answering',
      run_clm: 'text-generation',
      run_clm_no_trainer: 'text-generation',
      run_mlm: 'fill-mask',
      run_mlm_no_trainer: 'fill-mask',
      run_swag: 'multiple-choice',
      run_image_classification: 'image-classification',
      run_audio_classification: 'audio-classification',
      run_speech_recognition_ctc: 'automatic-speech-recognition',
      run_speech_recognition_seq2seq: 'automatic-speech-recognition',
    };
    for (const [script, tag] of Object.entries(scripts)) {
      assert.deepEqual(
        inferPipelineTag({ metricKeys: [], entryPoint: `examples\\pytorch/${script}.py` }),
        { tag, rule: `the entry point is the example script ${script}.py` },
        script,
      );
    }
    assert.equal(inferPipelineTag({ metricKeys: [], entryPoint: 'run_glue.pyc' }).tag, undefined);
  });

  it('says which rule decided, and matches metric names as whole words', () => {
    const cases: Array<[Parameters<typeof inferPipelineTag>[0], string | undefined, string]> = [
      [{ metricKeys: ['eval_rouge1'], override: 'translation' }, 'translation', 'chosen explicitly'],
      [{ metricKeys: ['rouge1'] }, 'summarization', 'the metrics include ROUGE (rouge1)'],
      [{ metricKeys: ['bleu'] }, 'translation', 'the metrics include BLEU (bleu)'],
      [{ metricKeys: ['eval_bleurt'] }, undefined, 'no rule matched; the Hub will infer the task from config.json'],
      [{ metricKeys: ['overall_f1'] }, 'token-classification', "the metrics are seqeval's (overall_f1)"],
      [{ metricKeys: ['eval_overall_f1_macro'] }, undefined, 'no rule matched; the Hub will infer the task from config.json'],
      [{ metricKeys: ['exact'] }, 'question-answering', 'the metrics include exact match (exact)'],
      [{ metricKeys: ['eval_exact_match_ratio'] }, undefined, 'no rule matched; the Hub will infer the task from config.json'],
      [
        { metricKeys: [], config: { architectures: ['BartForConditionalGeneration'] }, baseModel: 'facebook/bart-large-xsum' },
        'summarization',
        'seq2seq model fine-tuned from the summarizer facebook/bart-large-xsum',
      ],
      [
        { metricKeys: [], config: { architectures: ['PegasusForConditionalGeneration'], task_specific_params: { summarization: {} } } },
        'summarization',
        'seq2seq model whose config only has summarization parameters',
      ],
      [{ metricKeys: [], baseModel: 'allenai/led-large-16384-arxiv' }, 'summarization', 'fine-tuned from the summarizer allenai/led-large-16384-arxiv'],
    ];
    for (const [evidence, tag, rule] of cases) assert.deepEqual(inferPipelineTag(evidence), { tag, rule }, JSON.stringify(evidence));
  });

  it('reads task_specific_params and the summarizer base only where they apply', () => {
    const tag = (evidence: Parameters<typeof inferPipelineTag>[0]) => inferPipelineTag(evidence).tag;
    for (const task_specific_params of [undefined, null, 'summarization', 's']) {
      assert.equal(tag({ metricKeys: [], config: { architectures: ['T5ForConditionalGeneration'], task_specific_params } }), undefined, String(task_specific_params));
    }
    assert.equal(tag({ metricKeys: [], config: { architectures: ['PegasusModel'] }, baseModel: 'google/pegasus-xsum' }), undefined, 'not a seq2seq head');
    assert.equal(tag({ metricKeys: [], config: { architectures: ['BartForConditionalGenerationWithExtras'] }, baseModel: 'facebook/bart-large-cnn' }), undefined);
    assert.equal(tag({ metricKeys: [], config: { architectures: [3] }, baseModel: 'google/pegasus-xsum' }), 'summarization', 'no architecture name');
    assert.equal(tag({ metricKeys: [], baseModel: 'facebook/bart-base' }), undefined, 'not a summarizer');
    assert.equal(tag({ metricKeys: [], baseModel: 'me/t5-dialogue-summarizer' }), 'summarization');
    assert.equal(tag({ metricKeys: [], entryPoint: 'run_mlm.py_no_trainer' }), undefined, 'only a name ending in .py is a script');
  });

  it("knows the task of each model head in config.json's first architecture, only at the end of its name", () => {
    const heads: Array<[string, string]> = [
      ['BertForSequenceClassification', 'text-classification'],
      ['BertForTokenClassification', 'token-classification'],
      ['BertForQuestionAnswering', 'question-answering'],
      ['BertForMultipleChoice', 'multiple-choice'],
      ['LlamaForCausalLM', 'text-generation'],
      ['GPT2LMHeadModel', 'text-generation'],
      ['BertForMaskedLM', 'fill-mask'],
      ['ViTForImageClassification', 'image-classification'],
      ['Wav2Vec2ForAudioClassification', 'audio-classification'],
      ['Wav2Vec2ForCTC', 'automatic-speech-recognition'],
    ];
    for (const [architecture, tag] of heads) {
      assert.deepEqual(inferPipelineTag({ metricKeys: [], config: { architectures: [architecture] } }), { tag, rule: `config.json architecture ${architecture}` });
      // A made-up class whose name only contains the head's is some other model.
      assert.equal(inferPipelineTag({ metricKeys: [], config: { architectures: [`${architecture}WithExtras`] } }).tag, undefined, `${architecture}WithExtras`);
    }
  });

  it('accepts as pipeline_tag exactly the pipeline types of @huggingface/tasks', () => {
    for (const tag of PIPELINE_TYPES) assert.deepEqual(validateModelCardMetadata({ pipeline_tag: tag }), [], tag);
    assert.equal(validateModelCardMetadata({ pipeline_tag: 'text2text-generation' }).length, 1, 'retired');
  });
});

describe('validateModelCardMetadata', () => {
  const valid = (): Record<string, unknown> => JSON.parse(JSON.stringify(createModelCard(blogInput()).metadata)) as Record<string, unknown>;
  const paths = (m: unknown) => validateModelCardMetadata(m).map((p) => `${p.severity} ${p.path}`);

  it('names each structural problem of model-index', () => {
    const m = valid();
    const result = (m['model-index'] as Array<{ results: Array<Record<string, Record<string, unknown> | Array<Record<string, unknown>>>> }>)[0]!.results[0]!;
    delete (result.task as Record<string, unknown>).type;
    delete (result.dataset as Record<string, unknown>).name;
    (result.metrics as Array<Record<string, unknown>>)[0]!.value = undefined;
    (result.metrics as Array<Record<string, unknown>>)[1]!.value = Number.NaN;
    delete (result.metrics as Array<Record<string, unknown>>)[2]!.type;
    assert.deepEqual(paths(m), [
      'error model-index[0].results[0].task.type',
      'error model-index[0].results[0].dataset.name',
      'error model-index[0].results[0].metrics[0].value',
      'error model-index[0].results[0].metrics[1].value',
      'error model-index[0].results[0].metrics[2].type',
    ]);
  });

  it('flags the blog card values: a task type that is no Hub task, an unknown license, bad tags and languages', () => {
    const m = valid();
    (m['model-index'] as Array<{ results: Array<{ task: { type: string } }> }>)[0]!.results[0]!.task.type = 'abstractive-text-summarization';
    m.pipeline_tag = 'abstractive-text-summarization';
    m.license = 'apache2';
    m.language = ['english'];
    m.tags = 'sagemaker';
    m.base_model = 'facebook/bart large';
    assert.deepEqual(paths(m), ['error language[0]', 'error license', 'error pipeline_tag', 'error tags', 'error base_model', 'warning model-index[0].results[0].task.type']);
  });

  it('requires license_name and license_link with license: other', () => {
    assert.deepEqual(paths({ license: 'other' }), ['error license_name', 'error license_link']);
    assert.deepEqual(paths({ license: 'other', license_name: 'my-license-1.0', license_link: 'LICENSE' }), []);
  });

  it('reports a README whose front matter is not on line 1 (the blog template starts with an empty line)', () => {
    const read = readModelCardMetadata('\n---\nlanguage: en\n---\n\n# x\n');
    assert.equal(read.metadata, undefined);
    assert.match(read.problems[0]!.message, /first line must be ---/);
  });

  it('reads YAML as the Hub tooling does (YAML 1.1: no is false)', () => {
    const read = readModelCardMetadata('---\nlanguage: no\n---\n');
    assert.deepEqual(read.metadata, { language: false });
    assert.deepEqual(
      read.problems.map((p) => p.path),
      ['language[0]'].map(() => 'language'),
    );
  });

  it('takes a YAML 1.1 date for a value, not a mapping (before, it was taken for a mapping without text)', () => {
    const read = readModelCardMetadata('---\nwidget:\n  - 2024-01-01\n---\n');
    assert.ok((read.metadata as { widget: unknown[] }).widget[0] instanceof Date);
    assert.deepEqual(
      read.problems.map((p) => `${p.path}: ${p.message}`),
      ['widget[0]: A widget example must be a mapping with text (or src).'],
    );
  });

  it('quotes such strings when writing, so Norwegian stays Norwegian', () => {
    const card = createModelCard({ ...blogInput(), language: ['no', 'en'] });
    assert.match(card.readme, /language:\n {2}- "no"\n {2}- en\n/);
    assert.deepEqual(readModelCardMetadata(card.readme).metadata, card.metadata);
  });

  it('createModelCard reports an off-spec license it was given', () => {
    const card = createModelCard({ ...blogInput(), license: 'Apache 2' });
    assert.deepEqual(
      card.problems.map((p) => p.path),
      ['license'],
    );
  });
});

describe('trainingCurves', () => {
  const state = parseRunFile(readFileSync(path.join(BLOG_RUN, 'trainer_state.json'), 'utf8'));

  it('gives loss, eval_loss, learning rate, then the evaluation metrics, in step order', () => {
    const curves = trainingCurves(state);
    assert.deepEqual(
      curves.map((c) => c.key),
      ['loss', 'eval_loss', 'learning_rate', 'eval_gen_len', 'eval_rouge1', 'eval_rouge2', 'eval_rougeL', 'eval_rougeLsum'],
    );
    const loss = curves[0]!;
    assert.equal(loss.axis, 'loss');
    assert.deepEqual(
      loss.points.map((p) => p.step),
      [100, 200, 300, 400, 500, 600],
    );
    assert.deepEqual(loss.points[0], { step: 100, epoch: 0.43, value: 1.7021 });
    const rouge = curves.find((c) => c.key === 'eval_rouge1')!;
    assert.equal(rouge.label, 'Validation ROUGE-1');
    assert.equal(rouge.axis, 'metric');
    assert.deepEqual(rouge.points, [
      { step: 231, epoch: 1, value: 41.5536 },
      { step: 462, epoch: 2, value: 42.2134 },
      { step: 693, epoch: 3, value: 42.621 },
    ]);
    assert.equal(curves.find((c) => c.key === 'learning_rate')!.axis, 'learning-rate');
  });

  it('drops non-finite values and keeps the last value of a repeated step', () => {
    const curves = trainingCurves({ log_history: [{ step: 1, loss: 2 }, { step: 1, loss: 1.5 }, { step: 2, loss: Number.NaN }, { step: 3, loss: 1 }, { loss: 9 }] });
    assert.deepEqual(
      curves[0]!.points.map((p) => [p.step, p.value]),
      [
        [1, 1.5],
        [3, 1],
      ],
    );
  });

  it('returns nothing for a missing or malformed state', () => {
    assert.deepEqual(trainingCurves(undefined), []);
    assert.deepEqual(trainingCurves({ log_history: 'x' }), []);
  });
});

describe('job facts and run files', () => {
  it('reads the job facts from DescribeTrainingJob', () => {
    const { job, hyperparameters } = modelCardJobFromDescription(describeFixture);
    assert.deepEqual(job, {
      source: 'sagemaker',
      huggingFaceImage: true,
      name: 'huggingface-pytorch-training-2021-04-08-11-53-20-146',
      instanceType: 'ml.p3dn.24xlarge',
      instanceCount: 2,
      trainingTimeSeconds: 1480,
      billableSeconds: 1480,
      region: 'us-east-1',
      transformersVersion: '4.4.2',
      pytorchVersion: '1.6.0',
      status: 'Completed',
      createdAt: '2021-04-08T11:53:20.146Z',
      entryPoint: 'run_summarization.py',
    });
    assert.equal(hyperparameters.model_name_or_path, 'facebook/bart-large-cnn');
  });

  it('takes the region from the job ARN before the image, and lists only named input channels', () => {
    const description: JobDescriptionForCard = {
      ...describeFixture,
      TrainingJobArn: 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/x',
      InputDataConfig: [{}, { ChannelName: '' }, { ChannelName: 'train' }],
    };
    const readme = createModelCard({ files: {}, ...modelCardJobFromDescription(description) }).readme;
    assert.ok(readme.split('\n').includes('- Region: eu-west-1'), readme);
    assert.match(readme, /on the data of its input channels \(train\), which the hyperparameters call "samsum"/);
  });

  it('reads a SageMaker job without an image or an instance type, and the versions of a TensorFlow image', () => {
    const facts = (description: JobDescriptionForCard) => {
      const readme = createModelCard({ files: {}, ...modelCardJobFromDescription(description) }).readme;
      return [readme.split('\n')[readme.split('\n').indexOf('# fine-tuned-model') + 2], ...readme.split('\n').filter((l) => /^- (Hardware|Frameworks)/.test(l))];
    };
    assert.deepEqual(facts({ TrainingJobName: 'x', ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1 } }), [
      'This card describes the model from the files of its run. It was trained on Amazon SageMaker.',
      '- Hardware: 1 × ml.g5.xlarge (1 × NVIDIA A10G 24 GB, 4 vCPU, 16 GiB)',
    ]);
    assert.deepEqual(facts({ TrainingJobName: 'x' }).slice(1), ['- Hardware: 1 × unknown']);
    const tensorflow = '763104351884.dkr.ecr.us-east-1.amazonaws.com/huggingface-tensorflow-training:2.6.3-transformers4.17.0-gpu-py38-cu112-ubuntu20.04';
    assert.deepEqual(facts({ TrainingJobName: 'x', AlgorithmSpecification: { TrainingImage: tensorflow }, ResourceConfig: { InstanceType: 'ml.g5.xlarge', InstanceCount: 1 } }), [
      'This card describes the model from the files of its run. It was trained on Amazon SageMaker with the Hugging Face Deep Learning Container.',
      '- Hardware: 1 × ml.g5.xlarge (1 × NVIDIA A10G 24 GB, 4 vCPU, 16 GiB)',
      "- Frameworks (the training image's): Transformers 4.17.0",
    ]);
  });

  it('reads a hand-edited local record: fields of the wrong type or empty are left out, the count of hosts from ResourceConfig', () => {
    const description = {
      TrainingJobName: 'local-run',
      HyperParameters: { sagemaker_instance_type: '""' },
      ResourceConfig: { InstanceCount: 2 },
      Local: { pythonVersion: 3.11, interpreter: '', machine: { os: 6, cpu: '', cpus: 2 } },
    } as unknown as JobDescriptionForCard;
    const readme = createModelCard({ files: {}, ...modelCardJobFromDescription(description) }).readme;
    assert.deepEqual(
      readme.split('\n').filter((l) => l.startsWith('- ') && !l.startsWith('- transformers')),
      ['- Local job: local-run', '- Ran on: 2 hosts as processes on one machine, 2 × CPU'],
    );
    const sagemaker = createModelCard({ files: {}, ...modelCardJobFromDescription({ TrainingJobName: 'x', HyperParameters: { sagemaker_instance_type: '""' } }) }).readme;
    assert.ok(sagemaker.split('\n').includes('- Hardware: 1 × unknown'));
  });

  it('reads a local job record without ResourceConfig', () => {
    const { job } = modelCardJobFromDescription({ TrainingJobName: 'local-run', Local: { hosts: ['algo-1'] } });
    assert.equal(job.source, 'local');
    assert.equal(job.local?.hosts, 1);
  });

  it('reads the job facts from a job file', () => {
    const spec = validateJobFile(readFileSync(path.join(FIXTURES, 'blog.sagemaker.yaml'), 'utf8')).spec!;
    const { job, hyperparameters } = modelCardJobFromSpec(spec);
    assert.equal(job.instanceCount, 2);
    assert.equal(job.distribution?.smdistributed?.dataparallel?.enabled, true);
    assert.equal(hyperparameters.learning_rate, 5e-5);
  });

  it('splits results by file, falling back to all_results.json, and reads Python JSON', () => {
    assert.deepEqual(parseRunFile('{"a": NaN, "b": -Infinity}'), { a: Number.NaN, b: -Infinity });
    assert.deepEqual(parseRunFile('\ufeff{"a": 1}'), { a: 1 }, 'a byte order mark at the start is dropped');
    assert.deepEqual(parseRunFile('{"a": "x\ufeffy"}'), { a: 'x\ufeffy' }, 'one inside a value is data');
    for (const name of ['eval_results.json', 'all_results.json', 'trainer_state.json', 'config.json']) assert.equal(isRunFile(name), true, name);
    for (const name of ['old_eval_results.json', 'eval_results.json.bak', 'eval_results.json~']) assert.equal(isRunFile(name), false, name);
    const results = readSplitResults({ 'all_results.json': { eval_rouge1: 1, predict_rouge1: 2, train_loss: 3, epoch: 1 }, 'eval_results.json': { eval_rouge1: 4, epoch: 1 } });
    assert.deepEqual(
      results.map((r) => [r.split, r.file, r.metrics.map((m) => `${m.key}=${String(m.value)}`)]),
      [
        ['train', 'all_results.json', ['loss=3']],
        ['eval', 'eval_results.json', ['rouge1=4', 'epoch=1']],
        ['predict', 'all_results.json', ['rouge1=2']],
      ],
    );
  });

  it('formats numbers legibly', () => {
    assert.deepEqual([42.621345, 0.00005, 1082.1546, 0.123456, 3, 1e-7, Number.NaN].map(formatNumber), ['42.6213', '5e-5', '1082.15', '0.1235', '3', '1e-7', 'NaN']);
  });
});

describe('markdown escaping', () => {
  it('escapes what has meaning inline and keeps identifiers readable', () => {
    assert.equal(escapeMarkdownText('learning_rate'), 'learning_rate');
    assert.equal(escapeMarkdownText('_x_ *y* `z` <b> [a](b) $m$ a|b ~~s~~ &amp; #'), '\\_x\\_ \\*y\\* \\`z\\` \\<b\\> \\[a\\](b) \\$m\\$ a\\|b \\~\\~s\\~\\~ \\&amp; \\#');
    assert.equal(escapeTableCell('a\nb\r\nc'), 'a b c');
    assert.equal(escapeTableCell(''), ' ');
  });

  it('makes code fences longer than any backtick run inside', () => {
    assert.equal(codeBlock('python', 'x = "```"'), '````python\nx = "```"\n````');
    assert.equal(codeBlock('python', 'x = 1'), '```python\nx = 1\n```');
  });

  it('links Hub ids only (the rule is core/hubRepoId.ts, tested in hubRepoId.test.ts)', () => {
    assert.equal(hubLink('facebook/bart-large-cnn', 'model'), '[facebook/bart-large-cnn](https://huggingface.co/facebook/bart-large-cnn)');
    assert.equal(hubLink('samsum', 'dataset'), '[samsum](https://huggingface.co/datasets/samsum)');
    for (const id of ['a/b/c', 'x--y', '-x', 'a b', 'evil](javascript:x)', 'me/model.git']) assert.doesNotMatch(hubLink(id, 'model'), /\]\(https:/, id);
  });
});

describe('sagemaker-hf card', () => {
  const scratch: string[] = [];
  after(async () => {
    await Promise.all(scratch.map((d) => fs.rm(d, { recursive: true, force: true })));
  });
  async function scratchDir(prefix: string): Promise<string> {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), prefix));
    scratch.push(dir);
    return dir;
  }

  function capture(cwd: string): CliIo & { out: string; err: string } {
    const io = { out: '', err: '', cwd, env: {}, stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t) };
    return io;
  }

  async function copyOf(dir: string): Promise<string> {
    const copy = await scratchDir('card-test-');
    await fs.cp(dir, path.join(copy, 'model'), { recursive: true });
    return path.join(copy, 'model');
  }

  it('writes DIR/README.md from the run files and the job file, and will not replace it without --force', async () => {
    const dir = await copyOf(BLOG_RUN);
    const io = capture(dir);
    assert.equal(await cardCommand(['.', '--job-file', path.join(FIXTURES, 'blog.sagemaker.yaml')], io), 0, io.err);
    const readme = await fs.readFile(path.join(dir, 'README.md'), 'utf8');
    const meta = frontMatterOf(readme) as ModelCardMetadata;
    assert.equal(meta.pipeline_tag, 'summarization');
    assert.equal(meta.base_model, 'facebook/bart-large-cnn');
    assert.match(readme, /Distribution: SageMaker distributed data parallel/);
    assert.match(readme, /\| do_eval \| True \|/);
    assert.equal(await cardCommand(['.', '--job-file', path.join(FIXTURES, 'blog.sagemaker.yaml')], capture(dir)), 2);
    assert.equal(await cardCommand(['.', '--force'], capture(dir)), 0);
  });

  it('prints to stdout with --out -, using --job through DescribeTrainingJob', async () => {
    const io = capture(FIXTURES);
    const asked: string[] = [];
    const code = await cardCommand(['blog-run', '--job', 'huggingface-pytorch-training-2021-04-08-11-53-20-146', '--out', '-', '--repo-id', 'me/bart-samsum'], io, {
      describe: async (name) => {
        asked.push(name);
        return describeFixture;
      },
    });
    assert.equal(code, 0, io.err);
    assert.deepEqual(asked, ['huggingface-pytorch-training-2021-04-08-11-53-20-146']);
    assert.match(io.out, /^---\n/);
    assert.match(io.out, /model="me\/bart-samsum"/);
    assert.equal(existsSync(path.join(BLOG_RUN, 'README.md')), false);
  });

  it("uses a job.json in DIR (the local backend's record)", async () => {
    const io = capture(FIXTURES);
    assert.equal(await cardCommand(['hostile-run', '--out', '-'], io), 0, io.err);
    assert.match(io.err, /Using the job record .*job\.json/);
    assert.match(io.out, /Training time: 1 h 02 min/);
  });

  it('exits 1 and writes nothing when the metadata would be rejected', async () => {
    const dir = await copyOf(BLOG_RUN);
    const io = capture(dir);
    assert.equal(await cardCommand(['.', '--license', 'Apache 2'], io), 1);
    assert.match(io.err, /error: license:/);
    assert.equal(existsSync(path.join(dir, 'README.md')), false);
  });

  it('exits 2 on a folder without run files, or whose only run file is broken, saying why', async () => {
    const empty = await scratchDir('card-empty-');
    assert.equal(await cardCommand([empty], capture(empty)), 2);
    await fs.writeFile(path.join(empty, 'eval_results.json'), '{"eval_loss": 1.2');
    const io = capture(empty);
    assert.equal(await cardCommand([empty], io), 2);
    assert.match(io.err, /eval_results\.json is not valid JSON .*was the archive extracted completely\?/);
    assert.match(io.err, /sagemaker-hf extract model\.tar\.gz --to DIR/);
  });

  it('leaves out a broken run file beside good ones, as the Model Card panel does, and says so', async () => {
    const dir = await copyOf(BLOG_RUN);
    await fs.writeFile(path.join(dir, 'test_results.json'), '{"test_loss": 1.2');
    const io = capture(dir);
    assert.equal(await cardCommand(['.', '--out', '-'], io), 0, io.err);
    assert.match(io.err, /warning: left out test_results\.json: it is not valid JSON/);
    assert.match(io.out, /^---\n/);
  });

  it("refuses a pipeline tag the Hub does not know, such as the blog card's", async () => {
    await assert.rejects(cardCommand(['blog-run', '--pipeline-tag', 'abstractive-text-summarization', '--out', '-'], capture(FIXTURES)), /not a Hub pipeline tag/);
  });
});

describe('markdown: the escaping rules and table layout, each pinned', () => {
  it('escapes an underscore unless a letter or digit is on both sides', () => {
    assert.equal(escapeMarkdownText('see _this_ here'), 'see \\_this\\_ here');
    assert.equal(escapeMarkdownText('rate_'), 'rate\\_');
    assert.equal(escapeMarkdownText('rate_1'), 'rate_1');
  });

  it('drops control characters', () => {
    assert.equal(escapeTableCell('a\u0000b\u0007c\u007fd'), 'abcd');
  });

  it('writes one line per row, aligns right only the columns asked, and pads short rows', () => {
    assert.equal(markdownTable(['a', 'b'], [['1']]), '| a | b |\n| --- | --- |\n| 1 |   |');
    assert.equal(markdownTable(['a', 'b'], [['1', '2']], ['left', 'right']), '| a | b |\n| --- | ---: |\n| 1 | 2 |');
  });

  it('drops one trailing line break of the code, and only that', () => {
    assert.equal(codeBlock('python', 'a\n\nb\n'), '```python\na\n\nb\n```');
  });

  it('the blog card: hyperparameters left-aligned, metric values right-aligned', () => {
    const readme = createModelCard(blogInput()).readme;
    assert.match(readme, /\n\| Hyperparameter \| Value \|\n\| --- \| --- \|\n/);
    assert.match(readme, /From eval_results\.json \(validation split\):\n\n\| Metric \| Value \|\n\| --- \| ---: \|\n\| /);
    assert.match(readme, /\n\| Training loss \| Epoch \| Step \| Validation loss \| [^\n]*\|\n\| ---: \| ---: \| ---: \| ---: \| [^\n]*\|\n/);
  });
});

describe('validateModelCardMetadata: each check and what it says', () => {
  const problems = (m: unknown) => validateModelCardMetadata(m).map((p) => `${p.severity} ${p.path}: ${p.message}`);

  it('wants a mapping', () => {
    const expected = ['error : The front matter must be a YAML mapping (key: value lines between two --- lines at the top of README.md).'];
    assert.deepEqual(problems(['en']), expected);
    assert.deepEqual(
      readModelCardMetadata('---\n- en\n---\n').problems.map((p) => `${p.severity} ${p.path}: ${p.message}`),
      expected,
    );
  });

  it('accepts language codes with subtags, alone or listed, and names the one that is not', () => {
    for (const language of ['en', 'eng', ['en', 'fr'], 'en-US', ['zh-Hant', 'pt_BR']]) assert.deepEqual(problems({ language }), [], JSON.stringify(language));
    assert.deepEqual(problems({ language: 'English' }), ['error language: "English" is not a language code (ISO 639-1 like en, or ISO 639-3 like eng).']);
    assert.deepEqual(problems({ language: 'en-x' }), ['error language: "en-x" is not a language code (ISO 639-1 like en, or ISO 639-3 like eng).']);
    assert.deepEqual(problems({ language: ['en', 'english'] }), ['error language[1]: "english" is not a language code (ISO 639-1 like en, or ISO 639-3 like eng).']);
    assert.deepEqual(problems({ language: [['en']] }), ['error language[0]: "[\\"en\\"]" is not a language code (ISO 639-1 like en, or ISO 639-3 like eng).']);
    assert.deepEqual(problems({ language: false }), ['error language: language must be a language code or a list of them, e.g. en.']);
  });

  it('names an unknown license as written, cut after 80 characters', () => {
    const advice = 'is not a license id the Hub knows; use one from https://hf.co/docs/hub/repositories-licenses, or other with license_name and license_link.';
    assert.deepEqual(problems({ license: 'Apache 2' }), [`error license: "Apache 2" ${advice}`]);
    assert.deepEqual(problems({ license: ['mit'] }), [`error license: "[\\"mit\\"]" ${advice}`]);
    assert.deepEqual(problems({ license: 'x'.repeat(81) }), [`error license: "${'x'.repeat(80)}…" ${advice}`]);
  });

  it('accepts every license id of the Hub (hub-docs repositories-licenses.md at 242f4a1)', () => {
    const ids =
      'apache-2.0 mit openrail bigscience-openrail-m creativeml-openrail-m bigscience-bloom-rail-1.0 bigcode-openrail-m afl-3.0 artistic-2.0 bsl-1.0 bsd ' +
      'bsd-2-clause bsd-3-clause bsd-3-clause-clear c-uda cc cc0-1.0 cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 ' +
      'cc-by-nc-3.0 cc-by-nc-4.0 cc-by-nd-4.0 cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0 cdla-sharing-1.0 ' +
      'cdla-permissive-1.0 cdla-permissive-2.0 wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1 eupl-1.2 agpl-3.0 gfdl gpl gpl-2.0 gpl-3.0 lgpl ' +
      'lgpl-2.1 lgpl-3.0 isc h-research intel-research lppl-1.3c ms-pl apple-ascl apple-amlr mpl-2.0 odc-by odbl openmdw-1.0 openmdw-1.1 openrail++ ' +
      'osl-3.0 postgresql ofl-1.1 ncsa unlicense zlib pddl lgpl-lr deepfloyd-if-license fair-noncommercial-research-license llama2 llama3 llama3.1 ' +
      'llama3.2 llama3.3 llama4 grok2-community gemma unknown';
    for (const license of ids.split(' ')) assert.deepEqual(problems({ license }), [], license);
  });

  it('license: other wants a lower-case license_name and a non-empty license_link', () => {
    const nameProblem = 'error license_name: license: other needs license_name, an id like my-license-1.0.';
    const linkProblem = 'error license_link: license: other needs license_link, a URL or a file in the repository such as LICENSE.';
    assert.deepEqual(problems({ license: 'other', license_name: 'My-license', license_link: 'LICENSE' }), [nameProblem]);
    assert.deepEqual(problems({ license: 'other', license_name: 'my license', license_link: 'LICENSE' }), [nameProblem]);
    assert.deepEqual(problems({ license: 'other', license_name: 'my-license', license_link: '' }), [linkProblem]);
  });

  it('wants strings, a known pipeline tag, Hub ids for datasets and base models', () => {
    assert.deepEqual(problems({ library_name: 1, license_link: 2 }), ['error library_name: library_name must be a string.', 'error license_link: license_link must be a string.']);
    assert.deepEqual(problems({ pipeline_tag: 'abstractive-text-summarization' }), [
      'error pipeline_tag: "abstractive-text-summarization" is not a Hub pipeline tag (for summaries it is summarization).',
    ]);
    assert.deepEqual(problems({ datasets: ['samsum', 'a b'] }), ['error datasets[1]: "a b" is not a Hub dataset id.']);
    assert.deepEqual(problems({ base_model: 3 }), ['error base_model: base_model must be a model id or a list of them.']);
    assert.deepEqual(problems({ base_model: ['facebook/bart-large-cnn', 'a b'] }), ['error base_model[1]: "a b" is not a Hub model id (namespace/name).']);
  });

  it('checks widget examples', () => {
    assert.deepEqual(problems({ widget: 'hi' }), ['error widget: widget must be a list of examples (- text: …).']);
    const widget = [
      { src: 'sample.wav' },
      { example_title: 'x' },
      { text: 'a', example_title: 3 },
      { text: 'a', output: 'x' },
      { text: 'a', output: [{ label: 'POSITIVE', score: 0.9 }] },
      { text: 'a', output: { text: 'b' } },
    ];
    assert.deepEqual(problems({ widget }), [
      'error widget[1]: A widget example needs text (or src for audio and images).',
      'error widget[2].example_title: example_title must be a string.',
      'error widget[3].output: output must be a mapping (e.g. text: …) or a list of labels.',
    ]);
  });

  it('checks the structure of model-index at every level', () => {
    assert.deepEqual(problems({ 'model-index': 'x' }), ['error model-index: model-index must be a list with one entry per model (- name: …).']);
    assert.deepEqual(problems({ 'model-index': ['x', { results: 'x' }] }), [
      'error model-index[0]: Each model-index entry must be a mapping with name and results.',
      'error model-index[1].name: model-index needs name, the model id.',
      'error model-index[1].results: model-index needs results, a list.',
    ]);
    const task = { type: 'summarization' };
    const dataset = { type: 'samsum', name: 'samsum' };
    const results = [
      'x',
      { task: 'summarization', dataset: 'samsum', metrics: [] },
      {
        task: { type: 'summarization', name: 'Summarization' },
        dataset: { ...dataset, config: 'default', split: 'test', revision: 'main', args: { max_length: 512 } },
        metrics: [
          { type: 'rouge', value: 'n/a', args: { use_stemmer: true } },
          { type: 'rouge', value: 1, args: 'stemmed' },
        ],
        source: { url: 'https://example.com/paper', name: 'Paper' },
      },
      {
        task: { ...task, name: 3 },
        dataset: { ...dataset, args: 'x' },
        metrics: ['x', { type: 'rouge', value: true, args: 3 }],
        source: 'x',
      },
      { task, dataset, metrics: [{ type: 'rouge', value: 1 }], source: { name: 3 } },
    ];
    const at = 'model-index[0].results';
    assert.deepEqual(problems({ 'model-index': [{ name: 'm', results }] }), [
      `error ${at}[0]: Each result must be a mapping with task, dataset and metrics.`,
      `error ${at}[1].task: A result needs task with type.`,
      `error ${at}[1].dataset: A result needs dataset with type and name.`,
      `error ${at}[1].metrics: A result needs metrics, a non-empty list.`,
      `error ${at}[3].task.name: name must be a string.`,
      `error ${at}[3].dataset.args: args must be a mapping.`,
      `error ${at}[3].metrics[0]: Each metric must be a mapping with type and value.`,
      `error ${at}[3].metrics[1].value: value must be a finite number (or a string).`,
      `error ${at}[3].metrics[1].args: args must be a mapping.`,
      `error ${at}[3].source: source must be a mapping with url.`,
      `error ${at}[4].source.url: source.url is required and must be a non-empty string.`,
      `error ${at}[4].source.name: name must be a string.`,
    ]);
  });

  it('checks lists of strings, empty required strings, optional strings and the task id of each result', () => {
    assert.deepEqual(problems({ metrics: 'rouge', tags: ['a', 3], datasets: 'samsum' }), [
      'error tags: tags must be a list of strings.',
      'error metrics: metrics must be a list of strings.',
      'error datasets: datasets must be a list of strings.',
    ]);
    assert.deepEqual(problems({ base_model: [3] }), ['error base_model[0]: "3" is not a Hub model id (namespace/name).']);
    assert.deepEqual(
      problems({ license: 'x'.repeat(80) })[0],
      `error license: "${'x'.repeat(80)}" is not a license id the Hub knows; use one from https://hf.co/docs/hub/repositories-licenses, or other with license_name and license_link.`,
    );
    const metrics = Array.from({ length: 11 }, () => ({ type: 'rouge', value: 1 }));
    metrics[10] = { value: 1 } as (typeof metrics)[number];
    const results = [
      {
        task: { type: '' },
        dataset: { type: 'samsum', name: '', config: 3, split: 4, revision: 5 },
        metrics: [{ value: null }, { type: 'rouge', value: 1, name: 1, config: 2, verifyToken: 3 }],
      },
      { task: { type: 'abstractive-text-summarization' }, dataset: { name: 'samsum' }, metrics },
    ];
    const at = 'model-index[0].results';
    assert.deepEqual(problems({ 'model-index': [{ name: '', results }] }), [
      'error model-index[0].name: model-index needs name, the model id.',
      `error ${at}[0].task.type: task.type is required and must be a non-empty string.`,
      `error ${at}[0].dataset.name: dataset.name is required and must be a non-empty string.`,
      `error ${at}[0].dataset.config: config must be a string.`,
      `error ${at}[0].dataset.split: split must be a string.`,
      `error ${at}[0].dataset.revision: revision must be a string.`,
      `error ${at}[0].metrics[0].type: metrics.type is required and must be a non-empty string.`,
      `error ${at}[0].metrics[0].value: A metric needs value.`,
      `error ${at}[0].metrics[1].name: name must be a string.`,
      `error ${at}[0].metrics[1].config: config must be a string.`,
      `error ${at}[0].metrics[1].verifyToken: verifyToken must be a string.`,
      `warning ${at}[1].task.type: "abstractive-text-summarization" is not a Hub task id; results are grouped by task ids such as summarization.`,
      `error ${at}[1].dataset.type: dataset.type is required and must be a non-empty string.`,
      `error ${at}[1].metrics[10].type: metrics.type is required and must be a non-empty string.`,
    ]);
    assert.deepEqual(
      problems({ 'model-index': [{ name: 'm', results: [{ task: { type: 'summarization' }, dataset: { type: 'd', name: 'd' }, metrics: [{ type: 'rouge' }] }] }] }),
      [`error ${at}[0].metrics[0].value: A metric needs value.`],
    );
  });

  it('reads a README as the Hub does: a byte order mark at the start, duplicate keys refused', () => {
    assert.deepEqual(readModelCardMetadata('\ufeff---\nlanguage: en\n---\n'), { metadata: { language: 'en' }, body: '', problems: [] });
    assert.deepEqual(readModelCardMetadata('---\nlanguage: "e\ufeffn"\n---\n').metadata, { language: 'e\ufeffn' });
    assert.deepEqual(readModelCardMetadata('# x\n').problems, [
      { severity: 'error', path: '', message: 'README.md has no front matter: its first line must be --- (nothing before it, not even an empty line).' },
    ]);
    const duplicate = readModelCardMetadata('---\nlicense: mit\nlicense: apache-2.0\n---\n');
    assert.equal(duplicate.metadata, undefined);
    assert.match(duplicate.problems[0]!.message, /^The front matter is not valid YAML: /);
  });

  it('reports front matter that is not closed, or not YAML', () => {
    assert.deepEqual(readModelCardMetadata('---\nlanguage: en\n'), {
      metadata: undefined,
      body: '---\nlanguage: en\n',
      problems: [{ severity: 'error', path: '', message: 'The front matter is not closed: add a line with --- after the metadata.' }],
    });
    const read = readModelCardMetadata('---\nlanguage: [en\n---\n# x\n');
    assert.equal(read.metadata, undefined);
    assert.equal(read.body, '# x\n');
    assert.ok(read.problems.length > 0);
    for (const p of read.problems) {
      assert.equal(p.severity, 'error');
      assert.equal(p.path, '');
      assert.match(p.message, /^The front matter is not valid YAML: \S/);
    }
  });
});

describe('createModelCard: what each fact of the run adds to the card', () => {
  // The files a folder transformers can load has (with a config.json saved by transformers).
  const LOADABLE = ['config.json', 'model.safetensors', 'tokenizer.json'];
  const BART = { model_type: 'bart', architectures: ['BartForConditionalGeneration'], transformers_version: '4.4.2' };
  const lines = (readme: string) => readme.split('\n');
  const usage = (readme: string) => readme.slice(readme.indexOf('## Usage'));
  // The body of a card made from nothing (no job, no config, no listed files).
  const NOTHING_KNOWN = [
    '',
    '# fine-tuned-model',
    '',
    'This card describes the model from the files of its run.',
    '',
    '## Model',
    '',
    "- transformers cannot load it: the model folder's files were not listed.",
    '',
    '## Usage',
    '',
    "These files are not a model transformers can load (the model folder's files were not listed); load them with the code that wrote them.",
    '',
  ].join('\n');

  it('says nothing it does not know: a card from no files at all', () => {
    const { readme } = createModelCard({ files: {}, hyperparameters: {} });
    assert.ok(readme.startsWith('---\nlanguage: en\nlicense: apache-2.0\ntags: []\n---\n'), readme);
    assert.equal(readme.slice(readme.indexOf('\n---\n') + 5), NOTHING_KNOWN);
  });

  it('writes the snippet of each task the pipeline tag names, and a plain one for the others', () => {
    const snippets: Array<[string, string, string, string]> = [
      ['translation', 'translator = pipeline("translation"', 'text = "The weather is nice today."', 'print(translator(text)[0]["translation_text"])'],
      ['text-generation', 'generator = pipeline("text-generation"', 'prompt = "Amazon SageMaker is"', 'print(generator(prompt)[0]["generated_text"])'],
      ['text-classification', 'classifier = pipeline("text-classification"', 'text = "I really enjoyed this film."', 'print(classifier(text))'],
      ['token-classification', 'tagger = pipeline("token-classification"', 'text = "My name is Clara and I live in Berkeley."', 'print(tagger(text))'],
    ];
    for (const [pipelineTag, assigned, input, printed] of snippets) {
      const card = createModelCard({ ...blogInput(), pipelineTag });
      assert.equal(card.metadata.pipeline_tag, pipelineTag);
      const [snippet] = codeBlocks(card.readme, 'python');
      assert.ok(snippet?.endsWith(`\n${assigned}, model="philschmid/bart-large-cnn-samsum")\n\n${input}\n${printed}`), snippet);
    }
    const translator = codeBlocks(createModelCard({ ...blogInput(), pipelineTag: 'translation', widgetText: DEFAULT_DIALOGUE }).readme, 'python')[0]!;
    assert.match(translator, /\ntext = """Jeff: /, 'only a summarizer calls its input a conversation');
    const qa = createModelCard({ ...blogInput(), pipelineTag: 'question-answering' });
    assert.deepEqual(codeBlocks(qa.readme, 'python'), ['from transformers import pipeline\n\npipe = pipeline("question-answering", model="philschmid/bart-large-cnn-samsum")']);
  });

  it('loads a model whose task nothing shows with AutoModel, from the folder of its name', () => {
    const card = createModelCard({
      files: { 'config.json': { model_type: 'bert', architectures: ['BertModel'], transformers_version: '4.40.0' } },
      fileNames: LOADABLE,
      hyperparameters: {},
    });
    assert.equal(card.pipelineTag.tag, undefined);
    assert.equal(
      usage(card.readme),
      '## Usage\n\nRun it next to the bert folder, or replace the name with the model\'s Hub id once it is pushed.\n\n```python\nfrom transformers import AutoModel, AutoTokenizer\n\ntokenizer = AutoTokenizer.from_pretrained("bert")\nmodel = AutoModel.from_pretrained("bert")\n```\n',
    );
  });

  it('names the task of each pipeline tag in model-index, and offers a text widget only for text tasks', () => {
    const tasks: Array<[string, string, boolean]> = [
      ['translation', 'Translation', true],
      ['text-classification', 'Text Classification', true],
      ['token-classification', 'Token Classification', true],
      ['question-answering', 'Question Answering', false],
      ['text-generation', 'Text Generation', true],
      ['fill-mask', 'Fill-Mask', true],
      ['multiple-choice', 'Multiple Choice', false],
    ];
    for (const [pipelineTag, name, textWidget] of tasks) {
      const card = createModelCard({ ...blogInput(), pipelineTag });
      assert.deepEqual(card.metadata['model-index']![0]!.results[0]!.task, { type: pipelineTag, name }, pipelineTag);
      assert.equal(card.metadata.widget, undefined, `${pipelineTag}: no example text, no widget`);
      const withText = createModelCard({ ...blogInput(), pipelineTag, widgetText: 'Bonjour' });
      assert.deepEqual(withText.metadata.widget, textWidget ? [{ text: 'Bonjour' }] : undefined, pipelineTag);
    }
  });

  it('infers the task from config.json, the entry point and the base model, each on its own', () => {
    const gpt2 = { model_type: 'gpt2', architectures: ['GPT2LMHeadModel'], transformers_version: '4.40.0' };
    assert.equal(createModelCard({ files: { 'config.json': gpt2 }, fileNames: LOADABLE, hyperparameters: {} }).metadata.pipeline_tag, 'text-generation');
    const glue = createModelCard({ files: { 'eval_results.json': { eval_accuracy: 0.9 } }, hyperparameters: { sagemaker_program: 'run_glue.py' } });
    assert.equal(glue.pipelineTag.tag, 'text-classification');
    const summarizer = createModelCard({ files: { 'config.json': BART }, fileNames: LOADABLE, hyperparameters: { model_name_or_path: 'facebook/bart-large-cnn' } });
    assert.equal(summarizer.metadata.pipeline_tag, 'summarization');
  });

  it("names the entry point the job ran, else the hyperparameters' sagemaker_program", () => {
    const job: ModelCardJob = { source: 'sagemaker', instanceType: 'ml.m5.xlarge', instanceCount: 1, entryPoint: 'train.py' };
    assert.ok(lines(createModelCard({ files: {}, hyperparameters: { sagemaker_program: 'other.py' }, job }).readme).includes('- Entry point: train.py'));
    const { entryPoint: _e, ...withoutEntryPoint } = job;
    assert.ok(lines(createModelCard({ files: {}, hyperparameters: { sagemaker_program: 'other.py' }, job: withoutEntryPoint }).readme).includes('- Entry point: other.py'));
  });

  it('takes the model name from a Hub id with a namespace only, and writes the snippet for the folder otherwise', () => {
    const named = createModelCard({ ...blogInput(), repoId: 'me/my-summarizer' });
    assert.equal(named.modelName, 'my-summarizer');
    assert.match(named.readme, /\n---\n\n# my-summarizer\n/);
    const bare = createModelCard({ ...blogInput(), repoId: 'my-summarizer' });
    assert.equal(bare.modelName, 'bart-large-cnn-samsum');
    assert.match(bare.readme, /\n## Usage\n\nRun it next to the bart-large-cnn-samsum folder, or replace the name/);
    assert.match(codeBlocks(bare.readme, 'python')[0]!, /model="bart-large-cnn-samsum"/);
  });

  it('makes a model name of the base model and the dataset, cleaned and at most 96 characters', () => {
    const name = (hyperparameters: Record<string, unknown>, files: Record<string, unknown> = {}) => createModelCard({ files, hyperparameters }).modelName;
    assert.equal(name({ dataset_name: '..notes (v2).' }), 'notes-v2');
    assert.equal(name({ dataset_name: `${'a'.repeat(60)}-${'b'.repeat(60)}` }), `${'a'.repeat(60)}-${'b'.repeat(35)}`);
    assert.equal(name({ model_name_or_path: '/opt/ml/input/data/model/bart-base/', dataset_name: 'samsum' }, { 'config.json': BART }), 'bart-base-samsum');
  });

  it('tags the model family from config.json, lower case, and only tags the Hub accepts', () => {
    assert.deepEqual(createModelCard({ files: { 'config.json': { model_type: 'T5' } }, hyperparameters: {} }).metadata.tags, ['t5']);
    assert.deepEqual(createModelCard({ files: { 'config.json': { model_type: 'my model' } }, hyperparameters: {} }).metadata.tags, []);
  });

  it('declares a base model only when it is a Hub id, even one the config shows descent from', () => {
    const card = createModelCard({ files: { 'config.json': BART }, fileNames: LOADABLE, hyperparameters: { model_name_or_path: './bart-large-cnn' } });
    assert.equal(card.descent?.descends, true);
    assert.equal(Object.hasOwn(card.metadata, 'base_model'), false);
    assert.deepEqual(card.problems, []);
    assert.match(card.readme, /\n\nThis model is a fine-tuned version of \.\/bart-large-cnn\.\n/);
  });

  it('a fine-tuned model trained on its input channels, from a job with a name and no status', () => {
    const job: ModelCardJob = { source: 'sagemaker', name: 'my-job', instanceType: 'ml.m5.xlarge', instanceCount: 1, channels: ['train', 'test'] };
    const readme = createModelCard({ files: { 'config.json': BART }, hyperparameters: { model_name_or_path: 'facebook/bart-large-cnn' }, job }).readme;
    assert.match(
      readme,
      /\n\nThis model is a fine-tuned version of \[facebook\/bart-large-cnn\]\(https:\/\/huggingface\.co\/facebook\/bart-large-cnn\) on the data of its input channels \(train, test\)\. It was trained on Amazon SageMaker\.\n/,
    );
    assert.ok(lines(readme).includes('- Training job: my-job'));
  });

  it('trims the names the hyperparameters give', () => {
    const card = createModelCard({ files: {}, hyperparameters: { dataset_name: 'samsum\n' } });
    assert.deepEqual(card.metadata.datasets, ['samsum']);
    assert.match(card.readme, /\n\nThis model was trained on the \[samsum\]\(https:\/\/huggingface\.co\/datasets\/samsum\) dataset\.\n/);
  });

  it('describes data the hyperparameters name that is not a Hub dataset', () => {
    const alone = createModelCard({ files: {}, hyperparameters: { dataset_name: 'my data' } }).readme;
    assert.match(alone, /\n\nThis model was trained on data the hyperparameters call "my data"\.\n/);
    const withBase = createModelCard({ files: { 'config.json': BART }, hyperparameters: { model_name_or_path: 'facebook/bart-large-cnn', dataset_name: 'my data' } }).readme;
    assert.match(
      withBase,
      /\n\nThis model is a fine-tuned version of \[facebook\/bart-large-cnn\]\(https:\/\/huggingface\.co\/facebook\/bart-large-cnn\) on data the hyperparameters call "my data"\.\n/,
    );
  });

  it('counts a held-out split once: test_results.json over predict_results.json, and predict alone as the test split', () => {
    const both = createModelCard({ files: { 'test_results.json': { test_rouge1: 40 }, 'predict_results.json': { predict_rouge1: 41 } }, hyperparameters: {} });
    assert.deepEqual(
      both.results.map((r) => r.file),
      ['test_results.json'],
    );
    const predict = createModelCard({ files: { 'predict_results.json': { predict_rouge1: 41 } }, hyperparameters: { dataset_name: 'samsum' } });
    assert.match(predict.readme, /\n### Test\n\nFrom predict_results\.json \(test split\):\n/);
    assert.deepEqual(predict.metadata['model-index']![0]!.results[0]!.metrics, [{ type: 'rouge', value: 41, name: 'Test ROUGE-1' }]);
    assert.equal(predict.metadata['model-index']![0]!.results[0]!.dataset.split, 'test');
  });

  it('puts in model-index only held-out splits that have Hub metrics', () => {
    const files = { 'train_results.json': { train_rouge1: 50 }, 'eval_results.json': { eval_loss: 1.2 }, 'test_results.json': { test_rouge1: 40 } };
    const card = createModelCard({ files, hyperparameters: { dataset_name: 'samsum' } });
    assert.deepEqual(
      card.metadata['model-index']![0]!.results.map((r) => [r.dataset.split, r.metrics.map((m) => m.name)]),
      [['test', ['Test ROUGE-1']]],
    );
    assert.match(card.readme, /\n\nIt achieves the following results on the test split:\n\n- Test ROUGE-1: 40\n\n/);
  });

  it('describes a model transformers cannot load from what its config.json says', () => {
    const model = (config: Record<string, unknown>, fileNames = LOADABLE) => {
      const readme = createModelCard({ files: { 'config.json': config }, fileNames, hyperparameters: {} }).readme;
      return readme.slice(readme.indexOf('## Model'), readme.indexOf('\n\n## ', readme.indexOf('## Model')));
    };
    assert.equal(
      model({ architectures: ['MyNet'], model_type: 'my-net' }),
      '## Model\n\n- Architecture: MyNet, model_type my-net (config.json, not saved by transformers)\n- transformers cannot load it: config.json was not saved by transformers (its model_type is my-net).',
    );
    assert.equal(
      model({ architectures: ['MyNet'] }),
      '## Model\n\n- Architecture: MyNet (config.json, not saved by transformers)\n- transformers cannot load it: config.json was not saved by transformers.',
    );
    assert.equal(
      model({ model_type: 'bart', transformers_version: '4.4.2' }, ['config.json']),
      '## Model\n\n- Architecture: model_type bart\n- transformers cannot load it: there is no weights file transformers reads (model.safetensors, pytorch_model.bin); there are no tokenizer files (tokenizer.json, tokenizer_config.json).',
    );
    assert.equal(model({}), '## Model\n\n- transformers cannot load it: config.json was not saved by transformers.');
  });

  it("names the transformers version that saved config.json, unless it is the SageMaker image's", () => {
    const saved = '- Saved with Transformers 4.4.2 (config.json)';
    assert.ok(lines(createModelCard({ files: { 'config.json': BART }, hyperparameters: {} }).readme).includes(saved));
    const job: ModelCardJob = { source: 'sagemaker', instanceType: 'ml.m5.xlarge', instanceCount: 1, transformersVersion: '4.5.0' };
    assert.ok(lines(createModelCard({ files: { 'config.json': BART }, hyperparameters: {}, job }).readme).includes(saved));
    assert.ok(!lines(createModelCard({ files: { 'config.json': BART }, hyperparameters: {}, job: { ...job, transformersVersion: '4.4.2' } }).readme).includes(saved));
  });

  it('names the frameworks a local interpreter had by their project names, and none without a version', () => {
    const frameworks = (packages: Record<string, string>) =>
      lines(createModelCard({ files: {}, hyperparameters: {}, job: { source: 'local', instanceType: 'local', instanceCount: 1, local: { hosts: 1, packages } } }).readme).filter(
        (l) => l.startsWith('- Frameworks'),
      );
    assert.deepEqual(
      frameworks({ tensorflow: '2.15.0', datasets: '2.18.0', accelerate: '0.28.0', tokenizers: '0.15.2', safetensors: '0.4.2', evaluate: '0.4.1', peft: '0.10.0' }),
      ['- Frameworks installed in that interpreter: TensorFlow 2.15.0, Datasets 2.18.0, Accelerate 0.28.0, Tokenizers 0.15.2, safetensors 0.4.2, Evaluate 0.4.1, peft 0.10.0'],
    );
    assert.deepEqual(frameworks({ torch: '' }), ['- Frameworks: none (no PyTorch, TensorFlow or Transformers in that interpreter)']);
  });

  it('writes the example text of a summarizer as text, on one line or, ending in a quote, as a JSON string', () => {
    const snippet = (widgetText: string) => codeBlocks(createModelCard({ ...blogInput(), widgetText }).readme, 'python')[0]!;
    assert.ok(snippet('Hello').endsWith('\ntext = "Hello"\nprint(summarizer(text)[0]["summary_text"])'), snippet('Hello'));
    assert.ok(snippet('He said:\n"hi"').endsWith('\ntext = "He said:\\n\\"hi\\""\nprint(summarizer(text)[0]["summary_text"])'), snippet('He said:\n"hi"'));
  });

  it('writes a line or paragraph separator of the widget text as an escape in the snippet', () => {
    const card = createModelCard({ ...blogInput(), widgetText: 'a\u2028b' });
    assert.match(codeBlocks(card.readme, 'python')[0]!, /\ntext = "a\\u2028b"\n/);
  });

  it('names the dataset config in the description and in model-index', () => {
    const { job, hyperparameters } = modelCardJobFromDescription(describeFixture);
    const { model_name_or_path: _base, ...withoutBase } = hyperparameters;
    const card = createModelCard({ ...blogInput(), job, hyperparameters: { ...withoutBase, dataset_config_name: 'default' } });
    assert.match(
      card.readme,
      /\n\nThis model was trained on the \[samsum\]\(https:\/\/huggingface\.co\/datasets\/samsum\) \(default\) dataset\. It was trained on Amazon SageMaker/,
    );
    assert.deepEqual(card.metadata['model-index']![0]!.results[0]!.dataset, { type: 'samsum', name: 'samsum', config: 'default', split: 'validation' });
  });

  it('says there is no config.json to show descent from the model the hyperparameters name', () => {
    const card = createModelCard({ files: {}, hyperparameters: { model_name_or_path: 'facebook/bart-large-cnn' } });
    assert.match(card.readme, /but the saved model does not derive from it: there is no config\.json to show what the model is\.\n/);
  });

  it('says why a config that is neither saved by transformers nor typed shows no descent', () => {
    const card = createModelCard({ files: { 'config.json': {} }, fileNames: LOADABLE, hyperparameters: { model_name_or_path: 'facebook/bart-large-cnn' } });
    assert.match(
      card.readme,
      /The hyperparameters name "facebook\/bart-large-cnn" \(model_name_or_path\), but the saved model does not derive from it: config\.json was not saved by transformers \(no transformers_version, no model_type\)\./,
    );
    assert.match(card.readme, /\n## Usage\n\nThese files are not a model transformers can load \(config\.json was not saved by transformers\); load them/);
  });

  it('job files: the input channels, each instance preference, the group that trains', () => {
    const channels = (inputs: JobSpec['inputs']) =>
      modelCardJobFromSpec({ entry_point: 'train.py', instance_type: 'ml.m5.xlarge', ...(inputs ? { inputs } : {}) } as JobSpec).job.channels;
    assert.deepEqual(channels({ train: 's3://bucket/train', test: 's3://bucket/test' }), ['train', 'test']);
    assert.equal(channels(undefined), undefined);
    const spec = {
      entry_point: 'train.py',
      inputs: 's3://bucket/data',
      instance_count: 2,
      instance_preferences: [{ instance_type: 'ml.g5.2xlarge', instance_count: 2 }, 'ml.g5.4xlarge'],
    } as JobSpec;
    const card = createModelCard({ files: {}, ...modelCardJobFromSpec(spec) });
    assert.match(card.readme, /\n\nThis model was trained on the data of its input channels \(training\)\.\n/);
    assert.deepEqual(
      lines(card.readme).filter((l) => l.startsWith('- ')),
      [
        "- transformers cannot load it: the model folder's files were not listed.",
        '- Requested in the job file (no job record shows what ran): 2 × ml.g5.2xlarge or ml.g5.4xlarge',
        '- Entry point: train.py',
      ],
    );
    // Candidates that ask for different counts are each named with their own.
    const uneven = { ...spec, instance_count: 2, instance_preferences: ['ml.g5.2xlarge', { instance_type: 'ml.g5.12xlarge', instance_count: 1 }] } as JobSpec;
    assert.ok(
      lines(createModelCard({ files: {}, ...modelCardJobFromSpec(uneven) }).readme).includes(
        '- Requested in the job file (no job record shows what ran): 2 × ml.g5.2xlarge or 1 × ml.g5.12xlarge',
      ),
    );
    assert.match(
      card.readme,
      /\n## Usage\n\nThese files are not a model transformers can load \(the model folder's files were not listed\); load them with the code that wrote them \(the entry point, train\.py, shows how it reads and writes them\)\.\n$/,
    );
    const groups = {
      entry_point: 'train.py',
      instance_groups: [
        { instance_group_name: 'data', instance_type: 'ml.c5.xlarge', instance_count: 1 },
        { instance_group_name: 'train', instance_type: 'ml.p4d.24xlarge', instance_count: 2 },
      ],
    } as JobSpec;
    const groupsCard = createModelCard({ files: {}, ...modelCardJobFromSpec(groups) }).readme;
    assert.ok(
      lines(groupsCard).includes('- Requested in the job file (no job record shows what ran): 2 × ml.p4d.24xlarge (8 × NVIDIA A100 40 GB, 96 vCPU, 1152 GiB each, 16 GPUs in all)'),
    );
    assert.match(groupsCard, /\n\nThis card describes the model from the files of its run\.\n/, 'no input channels');
  });

  it('job facts: a status without a name, one instance, an instance type the catalog does not know', () => {
    const job: ModelCardJob = { source: 'sagemaker', status: 'Failed', instanceType: 'ml.m5.xlarge', instanceCount: 1, trainingTimeSeconds: 90 };
    const readme = createModelCard({ files: {}, hyperparameters: {}, job }).readme;
    assert.match(readme, /\n\nThis card describes the model from the files of its run\. It was trained on Amazon SageMaker\.\n/);
    const facts = lines(readme).filter((l) => l.startsWith('- '));
    assert.deepEqual(facts.slice(1), ['- Job status: Failed', '- Hardware: 1 × ml.m5.xlarge (4 vCPU, 16 GiB, no GPU)', '- Training time: 1 min 30 s']);
    assert.match(readme, /\n- Training time: 1 min 30 s\n\n## Usage\n/);
    const unknown = createModelCard({ files: {}, hyperparameters: {}, job: { source: 'sagemaker', instanceType: 'ml.unknown.xlarge', instanceCount: 1 } });
    assert.ok(lines(unknown.readme).includes('- Hardware: 1 × ml.unknown.xlarge'));
    const hardware = (instanceType: string, instanceCount: number) =>
      lines(createModelCard({ files: {}, hyperparameters: {}, job: { source: 'sagemaker', instanceType, instanceCount } }).readme).find((l) => l.startsWith('- Hardware: '));
    assert.equal(hardware('ml.g5.xlarge', 1), '- Hardware: 1 × ml.g5.xlarge (1 × NVIDIA A10G 24 GB, 4 vCPU, 16 GiB)');
    assert.equal(hardware('ml.m5.xlarge', 2), '- Hardware: 2 × ml.m5.xlarge (4 vCPU, 16 GiB, no GPU each)');
    assert.equal(hardware('ml.m5.xlarge', 0), '- Hardware: 1 × ml.m5.xlarge (4 vCPU, 16 GiB, no GPU)', 'no count recorded reads as one instance');
  });

  it('local jobs: the Python without an interpreter path, CPUs without a model and the reverse, GPUs counted', () => {
    const ranOn = (local: ModelCardJob['local']) => {
      const card = createModelCard({ files: {}, hyperparameters: {}, job: { source: 'local', instanceType: 'local', instanceCount: 1, ...(local ? { local } : {}) } });
      return lines(card.readme).filter((l) => l.startsWith('- Ran on: ') || l.startsWith('- Python: '));
    };
    assert.deepEqual(ranOn({ hosts: 1, pythonVersion: '3.12.1', cpus: 4, gpus: 1 }), ['- Ran on: 1 host as processes on one machine, 4 × CPU, 1 GPU', '- Python: 3.12.1']);
    assert.deepEqual(ranOn({ hosts: 1, cpu: 'AMD EPYC', gpus: 2 }), ['- Ran on: 1 host as processes on one machine, AMD EPYC, 2 GPUs']);
    assert.deepEqual(ranOn({ hosts: 0 }), ['- Ran on: this machine']);
    assert.deepEqual(ranOn(undefined), ['- Ran on: 1 host as processes on one machine']);
    assert.deepEqual(ranOn({ hosts: 2 }), ['- Ran on: 2 hosts as processes on one machine']);
  });

  it('local jobs: the job named as a local job, and how many hosts ran as processes', () => {
    const local = (hosts: number | undefined, instanceCount: number) =>
      createModelCard({
        files: {},
        hyperparameters: {},
        job: { source: 'local', name: 'local-run', status: 'Completed', instanceType: 'local', instanceCount, ...(hosts === undefined ? {} : { local: { hosts } }) },
      }).readme;
    const one = local(1, 1);
    assert.match(
      one,
      /\n\nThis card describes the model from the files of its run\. It was trained locally, not on Amazon SageMaker: the local backend of SageMaker HF Trainer ran the job on one machine under SageMaker's container contract\.\n/,
    );
    assert.ok(lines(one).includes('- Local job: local-run (Completed)'));
    assert.match(local(3, 1), / ran the job's 3 hosts as processes on one machine under SageMaker's container contract\.\n/);
    assert.match(local(undefined, 2), / ran the job's 2 hosts as processes on one machine under/);
  });

  it('the trainer state: steps without epochs, the best metric with and without its checkpoint', () => {
    const facts = (state: Record<string, unknown>) =>
      lines(createModelCard({ files: { 'trainer_state.json': state }, hyperparameters: {} }).readme).filter((l) => /^- (Steps|Best metric):/.test(l));
    assert.deepEqual(facts({ global_step: 10, epoch: Number.NaN, best_metric: 0.5, best_model_checkpoint: 'checkpoint-10' }), [
      '- Steps: 10',
      '- Best metric: 0.5 at checkpoint-10',
    ]);
    assert.deepEqual(facts({ best_metric: 0.25 }), ['- Best metric: 0.25']);
    assert.deepEqual(facts({ best_metric: Number.NaN }), []);
    assert.deepEqual(facts({ global_step: 12.5 }), [], 'not a count of steps');
    assert.deepEqual(facts({ global_step: -1 }), [], 'not a count of steps');
  });

  it('the training log: loss first, empty cells for what a row lacks, the last 50 rows of more', () => {
    const log_history = [
      7,
      { loss: 2, step: 10, epoch: 0.5 },
      { eval_rouge1: 40.123456, step: 10, epoch: 0.5 },
      { eval_loss: 1.5, eval_rouge1: 'n/a', test_rouge1: 39, step: 20 },
      { train_runtime: 100, train_loss: 1.7, epoch: 1, step: 20 },
    ];
    const readme = createModelCard({ files: { 'trainer_state.json': { log_history } }, hyperparameters: {} }).readme;
    assert.ok(
      readme.includes(
        [
          '| Training loss | Epoch | Step | Validation loss | Validation ROUGE-1 |',
          '| ---: | ---: | ---: | ---: | ---: |',
          '| 2 | 0.5 | 10 |   | 40.1235 |',
          '| 2 |   | 20 | 1.5 | n/a |',
        ].join('\n'),
      ),
      readme,
    );
    assert.doesNotMatch(readme, /evaluations are shown/);
    const fifty = Array.from({ length: 50 }, (_, i) => ({ eval_loss: 1, step: i + 1 }));
    assert.doesNotMatch(createModelCard({ files: { 'trainer_state.json': { log_history: fifty } }, hyperparameters: {} }).readme, /evaluations are shown/);
    const long = Array.from({ length: 51 }, (_, i) => ({ eval_loss: 1, step: i + 1 }));
    const longReadme = createModelCard({ files: { 'trainer_state.json': { log_history: long } }, hyperparameters: {} }).readme;
    assert.ok(longReadme.includes('| ---: |\n| No log |   | 2 | 1 |\n'));
    assert.ok(longReadme.includes('| No log |   | 51 | 1 |\n\nThe last 50 of 51 evaluations are shown.\n'));
  });

  it('results: values that are not numbers as written, seqeval names, no section of memory figures only', () => {
    const readme = createModelCard({
      files: { 'eval_results.json': { eval_ok: true, eval_detail: { a: 1 }, eval_overall_f1: 0.9, eval_note: 'ok|fine', eval_avg_cls_f1: 0.7 } },
      hyperparameters: {},
    }).readme;
    assert.match(readme, /\n\| avg_cls_f1 \| 0\.7 \|\n/, 'only an overall_ prefix is dropped');
    assert.match(readme, /\n\| ok \| true \|\n\| detail \| \{"a":1\} \|\n\| F1 \| 0\.9 \|\n\| note \| ok\\\|fine \|\n/);
    const memoryOnly = createModelCard({ files: { 'train_results.json': { train_mem_cpu_alloc_delta: 1 } }, hyperparameters: {} }).readme;
    assert.equal(memoryOnly.slice(memoryOnly.indexOf('\n---\n') + 5), NOTHING_KNOWN);
  });

  it('hyperparameters: False, None, and a value that looks like a token redacted', () => {
    const readme = createModelCard({
      files: {},
      hyperparameters: { flag: false, nothing: null, unset: undefined, note: `hf_${'a'.repeat(34)}`, schedule: { warmup: 100 } },
    }).readme;
    assert.match(
      readme,
      /\n\n## Training procedure\n\n### Hyperparameters\n\n\| Hyperparameter \| Value \|\n\| --- \| --- \|\n\| flag \| False \|\n\| note \| \(redacted\) \|\n\| nothing \| None \|\n\| schedule \| \{"warmup":100\} \|\n\| unset \| None \|\n\n## Usage\n/,
    );
  });
});

describe('metric names: label, Hub metric id and validation label of each known key', () => {
  // [key, label in tables, Hub metric id, label of its evaluation curve]
  const known: Array<[string, string, string | undefined, string | undefined]> = [
    ['rouge1', 'ROUGE-1', 'rouge', 'Validation ROUGE-1'],
    ['rouge2', 'ROUGE-2', 'rouge', 'Validation ROUGE-2'],
    ['rougeL', 'ROUGE-L', 'rouge', 'Validation ROUGE-L'],
    ['rougeLsum', 'ROUGE-Lsum', 'rouge', 'Validation ROUGE-Lsum'],
    ['bleu', 'BLEU', 'bleu', 'Validation BLEU'],
    // A name keeps its capitals; only a common word is put in sentence case.
    ['sacrebleu', 'SacreBLEU', 'sacrebleu', 'Validation SacreBLEU'],
    ['bleurt', 'BLEURT', 'bleurt', 'Validation BLEURT'],
    ['meteor', 'METEOR', 'meteor', 'Validation METEOR'],
    ['accuracy', 'Accuracy', 'accuracy', 'Validation accuracy'],
    ['f1', 'F1', 'f1', 'Validation F1'],
    ['precision', 'Precision', 'precision', 'Validation precision'],
    ['recall', 'Recall', 'recall', 'Validation recall'],
    ['exact_match', 'Exact match', 'exact_match', 'Validation exact match'],
    ['exact', 'Exact match', 'exact_match', 'Validation exact match'],
    ['matthews_correlation', 'Matthews correlation', 'matthews_correlation', 'Validation matthews correlation'],
    ['pearson', 'Pearson', 'pearsonr', 'Validation pearson'],
    ['pearsonr', 'Pearson', 'pearsonr', 'Validation pearson'],
    ['spearmanr', 'Spearman', 'spearmanr', 'Validation spearman'],
    ['wer', 'WER', 'wer', 'Validation WER'],
    ['cer', 'CER', 'cer', 'Validation CER'],
    ['mse', 'MSE', 'mse', 'Validation MSE'],
    ['mae', 'MAE', 'mae', 'Validation MAE'],
    ['perplexity', 'Perplexity', 'perplexity', 'Validation perplexity'],
    ['loss', 'Loss', undefined, 'Validation loss'],
    ['gen_len', 'Generated length (tokens)', undefined, 'Validation generated length (tokens)'],
    ['runtime', 'Runtime (s)', undefined, undefined], // not charted
    ['samples', 'Samples', undefined, 'Validation samples'],
    ['samples_per_second', 'Samples / second', undefined, undefined], // not charted
    ['steps_per_second', 'Steps / second', undefined, undefined], // not charted
    ['epoch', 'Epoch', undefined, 'Validation epoch'],
    ['total_flos', 'Total FLOPs', undefined, 'Validation total FLOPs'],
  ];

  it('labels each key in the results table and puts the evaluation metrics in model-index by their Hub id', () => {
    const evalResults = Object.fromEntries(known.map(([key]) => [`eval_${key}`, 0.5]));
    const card = createModelCard({ files: { 'eval_results.json': evalResults }, hyperparameters: { dataset_name: 'samsum' }, pipelineTag: 'text-classification' });
    const table = card.readme.slice(card.readme.indexOf('| Metric | Value |'));
    assert.deepEqual(
      table
        .split('\n')
        .slice(2, 2 + known.length)
        .map((l) => l.split(' | ')[0]!.slice(2)),
      known.map(([, label]) => label),
    );
    assert.deepEqual(
      card.metadata['model-index']![0]!.results[0]!.metrics,
      known.filter(([, , hubType]) => hubType !== undefined).map(([, label, type]) => ({ type, value: 0.5, name: `Validation ${label}` })),
    );
  });

  it('labels evaluation curves in sentence case, keeping acronyms', () => {
    const curves = trainingCurves({ log_history: [{ step: 1, ...Object.fromEntries(known.map(([key]) => [`eval_${key}`, 0.5])) }] });
    assert.deepEqual(
      known.map(([key]) => curves.find((c) => c.key === `eval_${key}`)?.label),
      known.map(([, , , validation]) => validation),
    );
  });
});

describe('chart labels and numbers', () => {
  it('labels the gradient norm and unknown evaluation keys', () => {
    const curves = trainingCurves({ log_history: [{ step: 1, grad_norm: 0.5, eval_custom: 2 }] });
    assert.deepEqual(curves.map((c) => c.label).sort(), ['Gradient norm', 'Validation custom']);
  });

  it('writes negative infinity, zero, and each range of magnitudes', () => {
    assert.equal(formatNumber(-Infinity), '-Infinity');
    assert.deepEqual([0, 0.001, 0.00015, 0.0045678, 42.62].map(formatNumber), ['0', '0.001', '1.5e-4', '0.004568', '42.62']);
  });

  it('charts every logged number but the bookkeeping ones, by name in order after the losses and learning rate', () => {
    const curves = trainingCurves({
      log_history: [
        7,
        { step: 3, epoch: 1.5, zz: 1, my_epoch: 1, step_loss: 2, eval_runtime_ratio: 3, loss_scale: 4 },
        { step: 1, zz: 2, eval_b: 1, eval_a: 1, aa: 1, learning_rate: 1, epoch: Number.NaN },
        { step: Number.NaN, zz: 3 },
      ],
    });
    assert.deepEqual(
      curves.map((c) => [c.key, c.axis]),
      [
        ['learning_rate', 'learning-rate'],
        ['aa', 'metric'],
        ['eval_a', 'metric'],
        ['eval_b', 'metric'],
        ['eval_runtime_ratio', 'metric'],
        ['loss_scale', 'metric'],
        ['my_epoch', 'metric'],
        ['step_loss', 'loss'],
        ['zz', 'metric'],
      ],
    );
    assert.deepEqual(
      curves.map((c) => c.label),
      ['Learning rate', 'aa', 'Validation a', 'Validation b', 'Validation runtime_ratio', 'loss_scale', 'my_epoch', 'step_loss', 'zz'],
    );
    assert.deepEqual(curves.find((c) => c.key === 'zz')!.points, [
      { step: 1, value: 2 },
      { step: 3, epoch: 1.5, value: 1 },
    ]);
  });
});
