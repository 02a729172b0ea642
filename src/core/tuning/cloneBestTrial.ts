/**
 * "Clone Best Trial as Job File" for a tuning job started from a job file: that file's own text with
 * `tuning:` dropped and `hyperparameters` holding the best trial's tuned values, edited through yaml's
 * Document API so every other key, comment and value stays as written. The result is an ordinary job
 * file whose plan sends the trial's hyperparameters (each value written so the request builder's
 * json.dumps gives back the string the trial received).
 */
import { isMap, isScalar, parseDocument, Scalar } from 'yaml';
import type { Document, Node } from 'yaml';

export class CloneBestTrialError extends Error {}

export interface BestTrialClone {
  /** The tuning job and its trial, named in a comment at the top of the new file. */
  tuningJobName: string;
  trialName: string;
  /** TunedHyperParameters of the trial, as the trial received them (strings). */
  tunedHyperParameters: Readonly<Record<string, string>>;
  objective?: { name: string; value: number };
}

export function cloneBestTrialJobFile(text: string, best: BestTrialClone): string {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new CloneBestTrialError(`The tuning job file does not parse any more (${doc.errors[0]!.message}); fix it, then clone again.`);
  if (!isMap(doc.contents)) throw new CloneBestTrialError('The tuning job file is not a mapping of keys; it cannot be the base of a job file.');
  doc.delete('tuning');
  let hyperparameters = doc.get('hyperparameters', true);
  if (hyperparameters === undefined || hyperparameters === null || (isScalar(hyperparameters) && hyperparameters.value === null)) {
    doc.set('hyperparameters', doc.createNode({}));
    hyperparameters = doc.get('hyperparameters', true);
  }
  if (!isMap(hyperparameters)) throw new CloneBestTrialError('hyperparameters in the tuning job file is not a mapping; make it one, then clone again.');
  for (const [name, raw] of Object.entries(best.tunedHyperParameters)) hyperparameters.set(doc.createNode(name), valueNode(doc, raw));
  const objective = best.objective ? ` (${best.objective.name} = ${best.objective.value})` : '';
  const note = ` Best trial ${best.trialName} of tuning job ${best.tuningJobName}${objective}:\n the tuning block is dropped and its hyperparameters are that trial's.`;
  doc.commentBefore = doc.commentBefore ? `${note}\n${doc.commentBefore}` : note;
  return doc.toString();
}

/**
 * A YAML value that the request builder encodes back to `raw`: a JSON value (`0.0123`, `3`, `"adamw"`,
 * `true`) written as the YAML scalar of the same type and digits; anything else as a plain string.
 */
function valueNode(doc: Document, raw: string): Node {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return new Scalar(raw);
  }
  if (typeof parsed === 'number') {
    // The YAML scalar of the same text keeps a float a float (`1.0`) and an integer an integer.
    const node = parseDocument(raw).contents;
    if (isScalar(node) && typeof node.value === 'number') return node;
  }
  return doc.createNode(parsed) as Node;
}
