/**
 * A shell in a running training job's container through AWS Systems Manager, as AWS documents it
 * (SageMaker developer guide, "Access a training container through AWS Systems Manager for remote
 * debugging"): the job launched with RemoteDebugConfig.EnableRemoteDebug, then
 * `aws ssm start-session --target sagemaker-training-job:<job>_algo-<N>`, which needs the AWS CLI
 * and its Session Manager plugin on this machine. No vscode here: the command in
 * commands/diagnosisCommands.ts runs it in a terminal.
 */
import { accessSync, constants } from 'fs';
import * as path from 'path';

/** AWS's install guides, for what "Open Terminal on Host" needs on this machine. */
export const AWS_CLI_INSTALL_URL = 'https://docs.aws.amazon.com/cli/latest/userguide/getting-started-install.html';
export const SSM_PLUGIN_INSTALL_URL = 'https://docs.aws.amazon.com/systems-manager/latest/userguide/session-manager-working-with-install-plugin.html';

/** `aws ssm start-session` for a training job's host: the target is `sagemaker-training-job:<job>_algo-<N>` (AWS: train-remote-debugging). */
export function ssmStartSessionArgs(jobName: string, host: string, region: string, profile?: string): string[] {
  return ['ssm', 'start-session', '--target', `sagemaker-training-job:${jobName}_${host}`, '--region', region, ...(profile ? ['--profile', profile] : [])];
}

export interface MissingTool {
  name: string;
  how: string;
  button: string;
  url: string;
}

/** What of the AWS CLI and its Session Manager plugin is not on PATH, with how to get it. */
export function missingTools(env: NodeJS.ProcessEnv): MissingTool[] {
  const missing: MissingTool[] = [];
  if (!findOnPath('aws', env))
    missing.push({
      name: 'the AWS CLI (aws)',
      how: 'Install AWS CLI v2 from AWS (installers for Linux, macOS and Windows).',
      button: 'Install the AWS CLI',
      url: AWS_CLI_INSTALL_URL,
    });
  if (!findOnPath('session-manager-plugin', env))
    missing.push({
      name: 'its Session Manager plugin (session-manager-plugin)',
      how: 'Install the Session Manager plugin for the AWS CLI.',
      button: 'Install the Session Manager Plugin',
      url: SSM_PLUGIN_INSTALL_URL,
    });
  return missing;
}

/** The executable `name` on PATH (with PATHEXT's extensions on Windows), or undefined. */
export function findOnPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform): string | undefined {
  const dirs = (env['PATH'] ?? env['Path'] ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
  const extensions = platform === 'win32' ? (env['PATHEXT'] ?? '.EXE;.CMD;.BAT').split(';') : [''];
  for (const dir of dirs) {
    for (const ext of extensions) {
      const candidate = path.join(dir, name + ext);
      try {
        accessSync(candidate, platform === 'win32' ? constants.F_OK : constants.X_OK);
        return candidate;
      } catch {
        // not here
      }
    }
  }
  return undefined;
}
