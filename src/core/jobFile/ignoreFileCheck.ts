/**
 * The validator's look at source_dir's `.sagemakerignore`: each line the packer would refuse is a
 * problem on `source_dir`, so `validate`, `plan` and a launch report it before anything is packed.
 */
import * as path from 'path';
import { describeIgnoreProblems, IGNORE_FILE_NAME, IgnoreRules } from '../sagemakerIgnore';

/** The problems of `<sourceDir>/.sagemakerignore`, as messages; none when the file is absent or unreadable here. */
export function ignoreFileProblems(sourceDir: string, readText: (absolutePath: string) => string | undefined): string[] {
  const file = path.join(sourceDir, IGNORE_FILE_NAME);
  const text = readText(file);
  if (text === undefined) return [];
  return IgnoreRules.check(text).map((p) => describeIgnoreProblems(file, [p]));
}
