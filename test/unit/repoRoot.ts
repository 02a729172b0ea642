import * as path from 'path';

/** The repository root, from compiled tests in out/test/unit/ (or sources in test/unit/). */
export const REPO_ROOT = path.resolve(__dirname, __dirname.includes(`${path.sep}out${path.sep}`) ? '../../..' : '../..');
