import { isMap } from 'yaml';
import { JobDocument } from './jobDocument';
import type { JsonPath } from './jobDocument';
import type { JobSpec } from './jobSpec';
import { formatPath, LineIndex } from './problem';
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
 * CreateTrainingJob, files that must exist). Never throws: should a check itself fail, that failure
 * is one problem at the start of the file, naming it as ours, not the file's.
 */
export function validateJobFile(text: string, context: JobFileContext = {}): JobFileValidation {
  let document: JobDocument | undefined;
  try {
    document = new JobDocument(text);
    return validateDocument(document, context);
  } catch (error) {
    return { document: document ?? new JobDocument(''), spec: undefined, problems: [internalErrorProblem(text, error)] };
  }
}

function validateDocument(document: JobDocument, context: JobFileContext): JobFileValidation {
  const text = document.text;
  if (document.syntaxProblems.some((p) => p.severity === 'error')) {
    return { document, spec: undefined, problems: sortProblems(document.syntaxProblems) };
  }
  const contents = document.doc.contents;
  if (contents === null || (!isMap(contents) && text.trim() === '')) {
    return {
      document,
      spec: undefined,
      problems: [
        {
          severity: 'error',
          code: 'file.empty',
          path: '',
          message: "The job file is empty. Start with entry_point, instance_type and role (the estimator's keyword arguments).",
          range: document.fileRange(),
        },
      ],
    };
  }
  if (!isMap(contents)) {
    return {
      document,
      spec: undefined,
      problems: [
        {
          severity: 'error',
          code: 'file.notMap',
          path: '',
          message: "A job file is a YAML mapping of the HuggingFace estimator's keyword arguments (key: value lines).",
          range: document.fileRange(),
        },
      ],
    };
  }
  // Aliases, merge keys and numbers JSON cannot carry; when the value cannot be read at all (aliases
  // multiplying, nesting too deep) these problems are all there is to say.
  const data = document.data;
  if (data.value === undefined) {
    return { document, spec: undefined, problems: sortProblems([...document.syntaxProblems, ...data.problems]) };
  }
  const spec = data.value as JobSpec;
  const semantic = semanticProblems(document, spec, context);
  // Where a semantic check already explains a value (a version written as a YAML number, a job name
  // SageMaker rejects), the schema's generic "must be a string" or "does not match" would repeat it.
  const explained = new Set(semantic.filter((p) => p.severity === 'error').map((p) => p.path));
  const skip = (path: JsonPath, keyword: string) => (keyword === 'type' || keyword === 'pattern') && explained.has(formatPath(path));
  const schema = schemaProblems(document, data.value, skip);
  // A value that could not be read as written (an alias with no anchor, a number JSON cannot carry)
  // reads as null or infinity: what the checks say about that stand-in would only mislead.
  const aboutValue = (p: Problem) => !data.explained.has(p.path);
  return { document, spec, problems: sortProblems([...document.syntaxProblems, ...data.problems, ...schema.filter(aboutValue), ...semantic.filter(aboutValue)]) };
}

/** The last resort: a failure of the validator itself, reported where it cannot be missed. */
function internalErrorProblem(text: string, error: unknown): Problem {
  const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  const start = new LineIndex(text).rangeOf(0, 0);
  return {
    severity: 'error',
    code: 'internal.error',
    path: '',
    message: `Internal error in the job-file validator, not a problem of this file as far as it can tell (${what.split('\n')[0]!.slice(0, 200)}). The file was not checked; please report this with the file.`,
    range: start,
  };
}

function sortProblems(problems: Problem[]): Problem[] {
  return problems.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character || a.message.localeCompare(b.message));
}
