import { statSync } from 'fs';
import * as path from 'path';
import type { JobFileContext } from '../core/jobFile/semanticChecks';

/** The validator's view of this machine's disk, rooted at the job file's folder (CLI, launch, local runs). */
export function jobFileContext(absoluteFile: string, defaultRegion?: string): JobFileContext {
  return {
    baseDir: path.dirname(absoluteFile),
    stat: (p: string) => {
      try {
        return { isDirectory: statSync(p).isDirectory() };
      } catch {
        return undefined;
      }
    },
    ...(defaultRegion ? { defaultRegion } : {}),
  };
}
