// The quickstart the extension (Create Quickstart Project) and the CLI (sagemaker-hf quickstart) copy.

/**
 * The quickstart's files, as the extension ships them (examples/quickstart; package.json `files` lists each
 * one and a test keeps this list equal to the files git tracks there). The job file comes first.
 */
export const QUICKSTART_FILES = [
  'quickstart.sagemaker.yaml',
  'train.py',
  'summarize.py',
  'README.md',
  '.sagemakerignore',
  'data/train/train.jsonl',
  'data/validation/validation.jsonl',
  'data/test/test.jsonl',
  'tune.sagemaker.yaml',
] as const;
