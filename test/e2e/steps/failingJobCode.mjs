// The workspace code of a job the e2e steps make fail in moto: a job file whose source_dir holds a
// 660-line script. The simulated traceback (test/emulators/moto/sagemakerLifecycle.py) names line 585
// (the frame that fails) and line 655 (main), so a mapped frame can be checked to open at its line.

import * as fs from 'node:fs';
import * as path from 'node:path';

export const FAILING_JOB_ROLE = 'arn:aws:iam::123456789012:role/service-role/SageMakerRole';

/** Writes <workspace>/<folder>/src/<script> and <workspace>/<folder>/<jobFile>. */
export function writeFailingJobCode(workspace, { folder, script, jobFile }) {
  const root = path.join(workspace, folder);
  fs.mkdirSync(path.join(root, 'src'), { recursive: true });
  const lines = Array.from({ length: 660 }, (_, i) => `# line ${i + 1}`);
  lines[584] = '    train_result = trainer.train(resume_from_checkpoint=checkpoint)';
  lines[654] = '    main()';
  fs.writeFileSync(path.join(root, 'src', script), `${lines.join('\n')}\n`);
  fs.writeFileSync(
    path.join(root, jobFile),
    [
      `entry_point: ${script}`,
      'source_dir: src',
      'instance_type: ml.g5.12xlarge',
      'instance_count: 2',
      'transformers_version: "4.36.0"',
      'pytorch_version: "2.1.0"',
      'py_version: py310',
      `role: ${FAILING_JOB_ROLE}`,
      '',
    ].join('\n'),
  );
}
