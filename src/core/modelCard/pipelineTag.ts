/**
 * The Hub's `pipeline_tag`: which widget, task filter and inference API a model gets.
 *
 * PIPELINE_TAGS is `PIPELINE_TYPES` of @huggingface/tasks 0.21.54 (the version @huggingface/hub
 * 2.17.5 depends on), copied because the core may not import Hugging Face packages. Note that
 * `text2text-generation` is gone from it: a seq2seq model that is not a summarizer or translator
 * gets no tag rather than a retired one.
 */
export const PIPELINE_TAGS = [
  'text-classification',
  'token-classification',
  'table-question-answering',
  'question-answering',
  'zero-shot-classification',
  'translation',
  'summarization',
  'feature-extraction',
  'text-generation',
  'fill-mask',
  'sentence-similarity',
  'text-to-speech',
  'text-to-audio',
  'automatic-speech-recognition',
  'audio-to-audio',
  'audio-classification',
  'audio-text-to-text',
  'voice-activity-detection',
  'depth-estimation',
  'image-classification',
  'object-detection',
  'image-segmentation',
  'text-to-image',
  'image-to-text',
  'image-to-image',
  'image-to-video',
  'unconditional-image-generation',
  'video-classification',
  'reinforcement-learning',
  'robotics',
  'tabular-classification',
  'tabular-regression',
  'tabular-to-text',
  'table-to-text',
  'multiple-choice',
  'text-ranking',
  'text-retrieval',
  'time-series-forecasting',
  'text-to-video',
  'image-text-to-text',
  'image-text-to-image',
  'image-text-to-video',
  'visual-question-answering',
  'document-question-answering',
  'zero-shot-image-classification',
  'graph-ml',
  'mask-generation',
  'zero-shot-object-detection',
  'text-to-3d',
  'image-to-3d',
  'image-feature-extraction',
  'video-text-to-text',
  'keypoint-detection',
  'visual-document-retrieval',
  'any-to-any',
  'video-to-video',
  'other',
] as const;

export type PipelineTag = (typeof PIPELINE_TAGS)[number];

export function isPipelineTag(value: unknown): value is PipelineTag {
  return typeof value === 'string' && (PIPELINE_TAGS as readonly string[]).includes(value);
}

export interface PipelineTagEvidence {
  /** Every metric key of every results file, with its split prefix (`eval_rouge1`). */
  metricKeys: readonly string[];
  /** config.json as parsed. */
  config?: Readonly<Record<string, unknown>>;
  /** The training script, e.g. `run_summarization.py`. */
  entryPoint?: string;
  /** `model_name_or_path`. */
  baseModel?: string;
  /** An explicit choice, which wins when it is a known tag. */
  override?: string;
}

export interface PipelineTagInference {
  tag: PipelineTag | undefined;
  /** Which rule decided, in words, for the card's notes and for tests. */
  rule: string;
}

/** The Hugging Face example scripts and the task each one trains. */
const EXAMPLE_SCRIPTS: Readonly<Record<string, PipelineTag>> = {
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

/** Heads of `architectures[0]` in config.json and the task they are trained for. */
const ARCHITECTURE_HEADS: ReadonlyArray<[RegExp, PipelineTag]> = [
  [/ForSequenceClassification$/, 'text-classification'],
  [/ForTokenClassification$/, 'token-classification'],
  [/ForQuestionAnswering$/, 'question-answering'],
  [/ForMultipleChoice$/, 'multiple-choice'],
  [/(ForCausalLM|LMHeadModel)$/, 'text-generation'],
  [/ForMaskedLM$/, 'fill-mask'],
  [/ForImageClassification$/, 'image-classification'],
  [/ForAudioClassification$/, 'audio-classification'],
  [/ForCTC$/, 'automatic-speech-recognition'],
];

/** Base models published as summarizers (fine-tuned on CNN/DailyMail, XSum, arXiv, …). */
const SUMMARIZER_BASE = /(bart-large-(cnn|xsum)|distilbart-(cnn|xsum)|pegasus|led-.*(arxiv|pubmed|booksum)|summari[sz])/i;

/**
 * Infers the pipeline tag. Rules, first match wins:
 *
 * 1. an explicit `override` that is a known tag;
 * 2. metrics: any `rouge*` → summarization; `bleu`/`sacrebleu` → translation;
 *    `overall_f1` (seqeval) → token-classification; `exact_match` or `exact` → question-answering;
 * 3. the entry point is a Hugging Face example script (`run_summarization.py` → summarization, …);
 * 4. config.json `architectures[0]`: `…ForSequenceClassification` → text-classification (so
 *    accuracy/F1 of a classifier end here), `…ForTokenClassification`, `…ForQuestionAnswering`,
 *    `…ForCausalLM`, `…ForMaskedLM`, …;
 * 5. a seq2seq (`…ForConditionalGeneration`) model whose base is a published summarizer
 *    (bart-large-cnn, distilbart-xsum, pegasus, …) or whose config carries only summarization
 *    `task_specific_params` → summarization;
 * 6. otherwise no tag: the Hub then infers one from config.json itself.
 */
export function inferPipelineTag(evidence: PipelineTagEvidence): PipelineTagInference {
  if (evidence.override !== undefined) {
    if (isPipelineTag(evidence.override)) return { tag: evidence.override, rule: 'chosen explicitly' };
  }
  const keys = evidence.metricKeys;
  const rouge = keys.find((k) => /(^|_)rouge/i.test(k));
  if (rouge) return { tag: 'summarization', rule: `the metrics include ROUGE (${rouge})` };
  const bleu = keys.find((k) => /(^|_)(sacre)?bleu$/i.test(k));
  if (bleu) return { tag: 'translation', rule: `the metrics include BLEU (${bleu})` };
  const seqeval = keys.find((k) => /(^|_)overall_f1$/.test(k));
  if (seqeval) return { tag: 'token-classification', rule: `the metrics are seqeval's (${seqeval})` };
  const exact = keys.find((k) => /(^|_)exact(_match)?$/.test(k));
  if (exact) return { tag: 'question-answering', rule: `the metrics include exact match (${exact})` };

  const script = evidence.entryPoint ? scriptName(evidence.entryPoint) : undefined;
  const scriptTag = script !== undefined && Object.hasOwn(EXAMPLE_SCRIPTS, script) ? EXAMPLE_SCRIPTS[script] : undefined;
  if (scriptTag) return { tag: scriptTag, rule: `the entry point is the example script ${script}.py` };

  const architecture = firstArchitecture(evidence.config);
  if (architecture) {
    for (const [pattern, tag] of ARCHITECTURE_HEADS) if (pattern.test(architecture)) return { tag, rule: `config.json architecture ${architecture}` };
    if (/ForConditionalGeneration$/.test(architecture)) {
      if (evidence.baseModel && SUMMARIZER_BASE.test(evidence.baseModel))
        return { tag: 'summarization', rule: `seq2seq model fine-tuned from the summarizer ${evidence.baseModel}` };
      const params = evidence.config?.task_specific_params;
      if (params && typeof params === 'object' && Object.keys(params).length === 1 && 'summarization' in params) {
        return { tag: 'summarization', rule: 'seq2seq model whose config only has summarization parameters' };
      }
    }
  } else if (evidence.baseModel && SUMMARIZER_BASE.test(evidence.baseModel)) {
    return { tag: 'summarization', rule: `fine-tuned from the summarizer ${evidence.baseModel}` };
  }
  return { tag: undefined, rule: 'no rule matched; the Hub will infer the task from config.json' };
}

function scriptName(entryPoint: string): string {
  const base = entryPoint.split(/[\\/]/).pop() ?? entryPoint;
  return base.replace(/\.py$/, '');
}

function firstArchitecture(config: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const list = config?.architectures;
  return Array.isArray(list) && typeof list[0] === 'string' ? list[0] : undefined;
}
