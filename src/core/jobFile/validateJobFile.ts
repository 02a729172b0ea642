import { isMap } from 'yaml';
import { JobDocument } from './jobDocument';
import type { JsonPath } from './jobDocument';
import type { JobSpec } from './jobSpec';
import { formatPath } from './problem';
import type { Problem } from './problem';
import { schemaProblems } from './schemaValidation';
import { semanticProblems } from './semanticChecks';
import type { JobFileContext } from './semanticChecks';

export interface JobFileValidation {
  document: JobDocument;
  /** Present when the file is a YAML mapping; only trustworthy when `problems` has no error. */
  spec: JobSpec | undefined;
  problems: Problem[];
}

/**
 * Everything wrong with a job file, each problem at its exact range: YAML syntax, the JSON schema,
 * then the checks the schema cannot express (the DLC version matrix, distribution rules, limits of
 * CreateTrainingJob, files that must exist). Never throws on bad input.
 */
export function validateJobFile(text: string, context: JobFileContext = {}): JobFileValidation {
  const document = new JobDocument(text);
  if (document.syntaxProblems.some((p) => p.severity === 'error')) {
    return { document, spec: undefined, problems: sortProblems(document.syntaxProblems) };
  }
  const contents = document.doc.contents;
  if (contents === null || (!isMap(contents) && text.trim() === '')) {
    return { document, spec: undefined, problems: [{ severity: 'error', code: 'file.empty', path: '', message: 'The job file is empty. Start with entry_point, instance_type and role (the estimator\'s keyword arguments).', range: document.fileRange() }] };
  }
  if (!isMap(contents)) {
    return { document, spec: undefined, problems: [{ severity: 'error', code: 'file.notMap', path: '', message: 'A job file is a YAML mapping of the HuggingFace estimator\'s keyword arguments (key: value lines).', range: document.fileRange() }] };
  }
  const data = document.toJS();
  const spec = data as JobSpec;
  const semantic = semanticProblems(document, spec, context);
  // Where a semantic check already explains a value (a version written as a YAML number, a job name
  // SageMaker rejects), the schema's generic "must be a string" or "does not match" would repeat it.
  const explained = new Set(semantic.filter((p) => p.severity === 'error').map((p) => p.path));
  const skip = (path: JsonPath, keyword: string) => (keyword === 'type' || keyword === 'pattern') && explained.has(formatPath(path));
  const schema = schemaProblems(document, data, skip);
  return { document, spec, problems: sortProblems([...document.syntaxProblems, ...schema, ...semantic]) };
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.message.localeCompare(b.message));
}
