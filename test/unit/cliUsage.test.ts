// The CLI's usage text and its command table say the same thing: every command the table runs is in
// the usage, every command the usage names runs, and each module the table requires exists.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS, runCli } from '../../src/cli';

async function usage(): Promise<string> {
  let out = '';
  const code = await runCli(['--help'], { stdout: (t) => (out += t), stderr: () => undefined, cwd: process.cwd(), env: {} });
  assert.equal(code, 0);
  return out;
}

/** The commands the usage lists: a line indented by two spaces that starts with a lower-case word. */
function commandsIn(text: string): string[] {
  return [...new Set([...text.matchAll(/^ {2}([a-z][a-z-]*)(?= |$)/gm)].map((m) => m[1]!))].sort();
}

describe('sagemaker-hf usage', () => {
  it('names exactly the commands of the table', async () => {
    const listed = commandsIn(await usage());
    assert.ok(listed.length >= 10, `the usage parser found only ${listed.join(', ')}`);
    assert.deepEqual(listed, Object.keys(COMMANDS).sort());
  });

  it('loads a function for every command of the table', () => {
    for (const [name, load] of Object.entries(COMMANDS)) assert.equal(typeof load(), 'function', name);
  });

  it('says an unknown command is unknown, with the usage', async () => {
    let err = '';
    assert.equal(await runCli(['lanch'], { stdout: () => undefined, stderr: (t) => (err += t), cwd: process.cwd(), env: {} }), 2);
    assert.match(err, /unknown command 'lanch'/);
    assert.deepEqual(commandsIn(err), Object.keys(COMMANDS).sort());
  });

  it('gives every command its own --help and -h, with all its options, exit 0 (issue 20)', async () => {
    for (const name of Object.keys(COMMANDS)) {
      for (const flag of ['--help', '-h']) {
        let out = '';
        let err = '';
        const io = { stdout: (t: string) => (out += t), stderr: (t: string) => (err += t), cwd: process.cwd(), env: {} };
        assert.equal(await runCli([name, 'x', flag], io), 0, `${name} ${flag}: ${err}`);
        assert.match(out, new RegExp(`^Usage: sagemaker-hf ${name}( |$)`, 'm'), `${name} ${flag}`);
        assert.match(out, /^Options:\n/m);
        assert.equal(err, '');
      }
    }
    let out = '';
    await runCli(['card', '--help'], { stdout: (t) => (out += t), stderr: () => undefined, cwd: process.cwd(), env: {} });
    for (const option of ['--job-file VALUE', '--force', '--repo-id VALUE', '--language VALUE']) assert.ok(out.includes(option), `card --help lacks ${option}:\n${out}`);
  });

  it("names the closest option for an unknown one, without Node's unbalanced quote", async () => {
    let err = '';
    const io = { stdout: () => undefined, stderr: (t: string) => (err += t), cwd: process.cwd(), env: {} };
    assert.equal(await runCli(['plan', 'job.sagemaker.yaml', '--regoin', 'us-east-1'], io), 2);
    assert.match(err, /^sagemaker-hf plan: unknown option --regoin; did you mean --region\? --help lists the options/);
    assert.equal((err.match(/"/g) ?? []).length % 2, 0, err);
    assert.equal((err.match(/'/g) ?? []).length % 2, 0, err);
  });

  it('names the closest command for an unknown one', async () => {
    let err = '';
    assert.equal(await runCli(['valdate'], { stdout: () => undefined, stderr: (t) => (err += t), cwd: process.cwd(), env: {} }), 2);
    assert.match(err, /^sagemaker-hf: unknown command 'valdate'; did you mean 'validate'\?/);
  });
});
