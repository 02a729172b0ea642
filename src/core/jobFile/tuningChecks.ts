/**
 * The `tuning:` block's checks beyond the schema: SageMaker's limits and the SDK's refusals (their
 * owner is core/sagemaker/tuning.ts), the objective metric that no metric definition of the tuner
 * defines (with a quick fix that writes the definition for the Trainer's log format), and metric
 * definitions whose regular expression cannot read the lines the Hugging Face Trainer prints
 * (tested against those lines, from core/metrics/trainerLog.ts).
 */
import { isMap, isSeq } from 'yaml';
import type { Node } from 'yaml';
import { isRecord } from '../isRecord';
import { excerpt as q } from '../excerpt';
import { compileDefinition, readDefinition, TRAINER_COMMON_FORMS, trainerMetricDefinition, trainerMetricLines } from '../metrics/trainerLog';
import type { MetricDefinition } from '../metrics/trainerLog';
import { tunerMetricDefinitions, tuningFindings } from '../sagemaker/tuning';
import type { JobDocument, JsonPath } from './jobDocument';
import type { JobSpec } from './jobSpec';
import type { Problem, ProblemFix } from './problem';
import { replaceScalar } from './quickFixes';

type Add = (severity: Problem['severity'], code: string, p: JsonPath, message: string, on?: 'key' | 'value', fixes?: readonly ProblemFix[]) => void;

export function checkTuning(doc: JobDocument, spec: JobSpec, add: Add): void {
  if (!isRecord(spec.tuning)) return;
  for (const f of tuningFindings(spec)) add(f.severity, f.code, f.path, f.message, f.on);
  checkObjectiveDefined(doc, spec, add);
  checkRegexesReadTrainerLines(doc, spec, add);
}

/** SageMaker: "A metric is required for this hyperparameter tuning job objective" when no definition of the tuner names it. */
function checkObjectiveDefined(doc: JobDocument, spec: JobSpec, add: Add): void {
  const tuning = spec.tuning!;
  const objective = tuning.objective_metric_name;
  // Longer than CreateHyperParameterTuningJob's 255-character MetricName: the schema says so, and a fix would quote it whole.
  if (typeof objective !== 'string' || objective === '' || objective.length > 255) return;
  if (tunerMetricDefinitions(tuning).some((d) => d.Name === objective)) return;
  const estimators = Array.isArray(spec.metric_definitions) ? spec.metric_definitions.filter((d) => isRecord(d) && d.Name === objective && typeof d.Regex === 'string') : [];
  const fixes: ProblemFix[] = [];
  const fromEstimator = estimators[0];
  if (fromEstimator) {
    const fix = addDefinitionFix(doc, { Name: objective, Regex: fromEstimator.Regex }, `Copy the estimator's ${objective} definition into tuning.metric_definitions`);
    if (fix) fixes.push(fix);
  }
  const trainer = trainerMetricDefinition(objective);
  if (trainer.Regex !== fromEstimator?.Regex) {
    const fix = addDefinitionFix(doc, trainer, `Add a metric definition for ${objective} (the Hugging Face Trainer's log format)`);
    if (fix) fixes.push(fix);
  }
  const why = fromEstimator
    ? `The estimator's metric_definitions define \`${q(objective)}\`, but the SDK's HyperparameterTuner sends only its own metric_definitions to the tuning job (the estimator's stay with plain training jobs)`
    : `No metric definition of the tuning block is named \`${q(objective)}\``;
  add(
    'error',
    'tuning.objectiveUndefined',
    ['tuning', 'objective_metric_name'],
    `${why}: SageMaker refuses the tuning job ("A metric is required for this hyperparameter tuning job objective"). Add one to tuning.metric_definitions whose Regex reads it from the log; the quick fix writes one for the Trainer's lines.`,
    'value',
    fixes,
  );
}

/**
 * A fix that adds `definition` to the tuner's metric_definitions: a new item after the last one of a
 * block list, one more entry in a flow list, or a new `metric_definitions:` key after the objective.
 * Undefined when the text is shaped otherwise (a flow-style tuning map), rather than a wrong edit.
 */
function addDefinitionFix(doc: JobDocument, definition: MetricDefinition, title: string): ProblemFix | undefined {
  const text = doc.text;
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const regex = JSON.stringify(definition.Regex);
  const name = /^[A-Za-z_][\w.-]*$/.test(definition.Name) && !/^(true|false|null|yes|no|on|off|y|n|~)$/i.test(definition.Name) ? definition.Name : JSON.stringify(definition.Name);
  const list = doc.nodeAt(['tuning', 'metric_definitions']);
  if (isSeq(list) && list.range) {
    if (list.flow) {
      const end = list.range[1] - 1; // the closing bracket
      if (text[end] !== ']') return undefined;
      const at = doc.lines.positionAt(end);
      return { title, range: { start: at, end: at }, newText: `${list.items.length ? ', ' : ''}{Name: ${name}, Regex: ${regex}}` };
    }
    const last = list.items.at(-1) as Node | undefined;
    if (!last?.range) return undefined;
    const dashColumn = columnOfDash(doc, last.range[0]);
    if (dashColumn === undefined) return undefined;
    const pad = ' '.repeat(dashColumn);
    const at = doc.lines.positionAt(lineEndOffset(text, last.range[2] - 1));
    return { title, range: { start: at, end: at }, newText: `${eol}${pad}- Name: ${name}${eol}${pad}  Regex: ${regex}` };
  }
  if (list !== undefined && list !== null) return undefined;
  const tuning = doc.nodeAt(['tuning']);
  if (!isMap(tuning) || tuning.flow) return undefined;
  const objectivePair = tuning.items.find((p) => (p.key as { value?: unknown } | null)?.value === 'objective_metric_name');
  const key = objectivePair?.key as Node | undefined;
  const value = objectivePair?.value as Node | undefined;
  if (!key?.range || !value?.range) return undefined;
  const keyColumn = doc.lines.positionAt(key.range[0]).character;
  const pad = ' '.repeat(keyColumn);
  const at = doc.lines.positionAt(lineEndOffset(text, value.range[1]));
  return { title, range: { start: at, end: at }, newText: `${eol}${pad}metric_definitions:${eol}${pad}  - Name: ${name}${eol}${pad}    Regex: ${regex}` };
}

/** The column of the `- ` that starts the list item whose content begins at `offset`, if it is on the same line. */
function columnOfDash(doc: JobDocument, offset: number): number | undefined {
  const pos = doc.lines.positionAt(offset);
  const lineStart = offset - pos.character;
  const before = doc.text.slice(lineStart, offset);
  const m = /^(\s*)-\s+$/.exec(before) ?? /^(\s*)-\s/.exec(before);
  return m ? m[1]!.length : undefined;
}

/** The offset of the end of the line holding `offset` (before its line break), past any trailing comment. */
function lineEndOffset(text: string, offset: number): number {
  let i = Math.max(0, offset);
  while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
  return i;
}

/**
 * Each of the tuner's metric definitions against the lines the Trainer prints its metric in: a
 * definition that reads none of the common forms leaves the tuning job without values, and, for
 * the objective, without a best training job.
 */
function checkRegexesReadTrainerLines(doc: JobDocument, spec: JobSpec, add: Add): void {
  const defs = spec.tuning!.metric_definitions;
  if (!Array.isArray(defs)) return;
  defs.forEach((d, i) => {
    if (!isRecord(d) || typeof d.Name !== 'string' || typeof d.Regex !== 'string' || d.Name === '' || d.Name.length > 255 || d.Regex === '' || d.Regex.length > 500) return;
    const path = ['tuning', 'metric_definitions', i, 'Regex'];
    const compiled = compileDefinition({ Name: d.Name, Regex: d.Regex });
    if (typeof compiled === 'string') {
      add(
        'warning',
        'tuning.regexUnreadable',
        path,
        `Cannot test this metric definition: ${compiled}. SageMaker reads the value from the first capture group of a Python regular expression.`,
      );
      return;
    }
    const lines = trainerMetricLines(d.Name);
    const reads = lines.map((l) => readDefinition(compiled.regex, l.line));
    const right = (k: number) => reads[k]?.value !== undefined && Math.abs(reads[k]!.value! - lines[k]!.value) <= 1e-9 * Math.max(1, Math.abs(lines[k]!.value));
    const suggested = trainerMetricDefinition(d.Name).Regex;
    const example = lines[0]!.line;
    if ([...Array(TRAINER_COMMON_FORMS).keys()].some(right)) {
      const exponent = lines.findIndex((l) => l.value < 1e-4);
      if (exponent >= 0 && reads[exponent]?.value !== undefined && !right(exponent)) {
        add(
          'info',
          'tuning.regexExponent',
          path,
          `This Regex reads ${reads[exponent]!.value} from \`${q(lines[exponent]!.line)}\`: values the Trainer prints in exponent notation would be read wrong. ${JSON.stringify(suggested)} reads them whole.`,
        );
      }
      return;
    }
    const matched = reads.findIndex((r) => r !== undefined);
    let what: string;
    if (matched < 0) what = `matches none of the lines the Trainer prints \`${q(d.Name)}\` in, such as \`${q(example)}\``;
    else if (reads.every((r) => r === undefined || r.value === undefined))
      what = `captures ${JSON.stringify(q(reads[matched]!.captured))} from \`${q(lines[matched]!.line)}\`, which is not a number (SageMaker drops it)`;
    else {
      const k = reads.findIndex((r) => r?.value !== undefined);
      what = `reads ${reads[k]!.value} from \`${q(lines[k]!.line)}\`, not ${lines[k]!.value}`;
    }
    add(
      'warning',
      'tuning.regexMissesTrainer',
      path,
      `This Regex ${what}: the tuning job would get no ${d.Name} values${spec.tuning!.objective_metric_name === d.Name ? ' and no best training job' : ''}. For the Hugging Face Trainer use ${JSON.stringify(suggested)}; if your script prints the metric another way, make the first capture group its number.`,
      'value',
      replaceScalar(doc.writtenScalar(path), suggested, `Use the Trainer's format for ${d.Name}`),
    );
  });
}
