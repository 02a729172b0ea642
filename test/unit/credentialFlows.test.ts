// Where a job file's secrets go (src/core/jobFile/credentialFlows.ts), through the validator the editor
// and `validate` use, and the pure rules plan, launch and the git checkout share.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { credentialFlows, describeCredentialFlow, expandEnvironment, gitRemoteTarget, requireCredentialVariables } from '../../src/core/jobFile/credentialFlows';
import { validateJobFile } from '../../src/core/jobFile/validateJobFile';
import { TrainingPlanError } from '../../src/core/training/trainingPlanError';

const BASE = 'entry_point: train.py\nrole: SageMakerRole\ninstance_type: ml.g5.xlarge\ntransformers_version: "4.56.2"\npytorch_version: "2.8.0"\npy_version: py312\n';

/** The problems of `extra` appended to a valid file, as [code, path, severity, 1-based line, the text under the range]. */
function problems(extra: string, codePrefix: RegExp): Array<[string, string, string, number, string]> {
  const text = BASE + extra;
  const lines = text.split('\n');
  return validateJobFile(text)
    .problems.filter((p) => codePrefix.test(p.code))
    .map((p) => {
      assert.equal(p.range.start.line, p.range.end.line, 'one line');
      return [p.code, p.path, p.severity, p.range.start.line + 1, lines[p.range.start.line]!.slice(p.range.start.character, p.range.end.character)];
    });
}

describe('git_config credentials in the validator', () => {
  it('refuses a credential over plain http:// to another machine, at the key', () => {
    assert.deepEqual(problems('git_config:\n  repo: http://git.example.com/team/code.git\n  token: ${env:GIT_TOKEN}\n', /^git\./), [
      ['git.insecureTransport', 'git_config.token', 'error', 9, 'token'],
    ]);
    assert.deepEqual(problems('git_config:\n  repo: http://git.example.com/team/code.git\n  username: me\n  password: ${env:GIT_PASSWORD}\n', /^git\./), [
      ['git.insecureTransport', 'git_config.password', 'error', 10, 'password'],
    ]);
    const [p] = validateJobFile(`${BASE}git_config:\n  repo: http://git.example.com/team/code.git\n  token: \${env:GIT_TOKEN}\n`).problems.filter(
      (x) => x.code === 'git.insecureTransport',
    );
    assert.match(p!.message, /plain http:\/\/: git would send this token to git\.example\.com unencrypted\. Use the repository's https:\/\/ URL/);
  });

  it('lets http:// pass without credentials, and with credentials to this machine only', () => {
    assert.deepEqual(problems('git_config:\n  repo: http://git.example.com/team/code.git\n', /^git\./), []);
    assert.deepEqual(problems('git_config:\n  repo: http://127.0.0.1:8080/code.git\n  token: ${env:GIT_TOKEN}\n', /^git\./), []);
    assert.deepEqual(problems('git_config:\n  repo: http://localhost/code.git\n  token: ${env:GIT_TOKEN}\n', /^git\./), []);
    assert.deepEqual(problems('git_config:\n  repo: https://github.com/org/code.git\n  token: ${env:GIT_TOKEN}\n', /^git\./), []);
  });

  for (const variable of ['AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_ACCESS_KEY_ID', 'HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN']) {
    it(`refuses \${env:${variable}} as a git credential, at the value, naming the host it would reach`, () => {
      for (const key of ['token', 'password', 'username']) {
        const text = `${BASE}git_config:\n  repo: https://evil.example/x.git\n  ${key}: \${env:${variable}}\n`;
        const found = validateJobFile(text).problems.filter((p) => p.code === 'git.foreignSecret');
        assert.equal(found.length, 1, `${key}: ${JSON.stringify(found)}`);
        assert.equal(found[0]!.path, `git_config.${key}`);
        assert.equal(text.split('\n')[found[0]!.range.start.line]!.slice(found[0]!.range.start.character, found[0]!.range.end.character), `\${env:${variable}}`);
        assert.match(found[0]!.message, new RegExp(`${variable} holds .*not a git credential: git_config\\.${key} would send it to evil\\.example`));
      }
    });
  }

  it('gives a password written into the URL the same error as a literal password, without repeating it', () => {
    const inUrl = validateJobFile(`${BASE}git_config:\n  repo: https://me:hunter2secret@github.com/org/code.git\n`).problems.filter((p) => p.code.startsWith('git.'));
    const literal = validateJobFile(`${BASE}git_config:\n  repo: https://github.com/org/code.git\n  password: hunter2secret\n`).problems.filter((p) => p.code.startsWith('git.'));
    assert.deepEqual(
      inUrl.map((p) => [p.code, p.severity]),
      [['git.literalSecret', 'error']],
    );
    assert.deepEqual(
      literal.map((p) => [p.code, p.severity]),
      [['git.literalSecret', 'error']],
    );
    assert.equal(inUrl[0]!.path, 'git_config.repo');
    assert.ok(!inUrl[0]!.message.includes('hunter2secret'));
    // A user name is no secret; a token written as the user name (GitHub's https://TOKEN@github.com form) is.
    assert.deepEqual(problems('git_config:\n  repo: https://me@github.com/org/code.git\n', /^git\./), []);
    const tokenUser = validateJobFile(`${BASE}git_config:\n  repo: https://ghp_abcdefghijklmnopqrstuvwxyz0123456789AB@github.com/org/code.git\n`).problems.filter((p) =>
      p.code.startsWith('git.'),
    );
    assert.deepEqual(
      tokenUser.map((p) => [p.code, p.path, p.severity]),
      [['git.literalSecret', 'git_config.repo', 'error']],
    );
    assert.match(tokenUser[0]!.message, /looks like a GitHub token/);
    assert.ok(!tokenUser[0]!.message.includes('ghp_abc'));
    // Over plain http the URL's password is refused twice over: in the file, and on the wire.
    assert.deepEqual(
      problems('git_config:\n  repo: http://me:pw@git.example.com/code.git\n', /^git\./).map((p) => p[0]),
      ['git.insecureTransport', 'git.literalSecret'],
    );
  });
});

describe('environment secrets in the validator', () => {
  it('warns about secret-looking values written in clear, at the value or (by name) at the key', () => {
    const extra = [
      'environment:',
      '  HF_TOKEN: hf_abcdefghijklmnopqrstuvwxyz0123456789',
      '  SOMETHING: AKIAABCDEFGHIJKLMNOP',
      '  DB_PASSWORD: hunter2',
      '  GH: ghp_abcdefghijklmnopqrstuvwxyz0123456789AB',
      '  FROM_ENV_TOKEN: ${env:HUB_TOKEN}',
      '  TOKENIZERS_PARALLELISM: "false"',
      '  NCCL_DEBUG: INFO',
      '  HEADER: "Bearer ${env:API_TOKEN}"',
      '  KEYS: ${env:AWS_SECRET_ACCESS_KEY}',
      '',
    ].join('\n');
    assert.deepEqual(problems(extra, /^environment\./), [
      ['environment.secret', 'environment.HF_TOKEN', 'warning', 8, 'hf_abcdefghijklmnopqrstuvwxyz0123456789'],
      ['environment.secret', 'environment.SOMETHING', 'warning', 9, 'AKIAABCDEFGHIJKLMNOP'],
      ['environment.secret', 'environment.DB_PASSWORD', 'warning', 10, 'DB_PASSWORD'],
      ['environment.secret', 'environment.GH', 'warning', 11, 'ghp_abcdefghijklmnopqrstuvwxyz0123456789AB'],
      ['environment.partialReference', 'environment.HEADER', 'warning', 15, '"Bearer ${env:API_TOKEN}"'],
      ['environment.awsCredentials', 'environment.KEYS', 'warning', 16, '${env:AWS_SECRET_ACCESS_KEY}'],
    ]);
    const hf = validateJobFile(BASE + extra).problems.find((p) => p.path === 'environment.HF_TOKEN')!;
    assert.match(hf.message, /looks like a Hugging Face token .*Write HF_TOKEN: \$\{env:HF_TOKEN\} instead/);
    assert.ok(!hf.message.includes('hf_abcdefghij'), 'the warning repeats no secret');
  });

  it('never throws on shapes the schema refuses', () => {
    for (const extra of [
      'environment: [1, 2]\n',
      'environment: 3\n',
      'environment:\n  A: [1]\n  B: {c: 1}\n  C:\n',
      'git_config: 5\n',
      'git_config:\n  repo: 7\n  token: [1]\n',
      'git_config:\n  repo: "http://[bad"\n  token: x\n',
    ]) {
      assert.doesNotThrow(() => validateJobFile(BASE + extra), extra);
    }
  });
});

describe('credential flows', () => {
  it('names each variable and the host it goes to, and only what git sends', () => {
    const describe = (spec: { git_config?: unknown; environment?: unknown }) => credentialFlows(spec).map(describeCredentialFlow);
    assert.deepEqual(describe({ git_config: { repo: 'https://github.com/org/x.git', username: '${env:GIT_USER}', password: '${env:GIT_TOKEN}' } }), [
      'git_config.password ← $GIT_TOKEN → github.com',
      'git_config.username ← $GIT_USER → github.com',
    ]);
    // The token wins over the password, as git is told; SSH sends none of them; a user name alone is not sent.
    assert.deepEqual(describe({ git_config: { repo: 'https://gitlab.example:8443/x.git', token: '${env:T}', password: '${env:P}' } }), [
      'git_config.token ← $T → gitlab.example:8443',
    ]);
    assert.deepEqual(describe({ git_config: { repo: 'git@github.com:org/x.git', token: '${env:T}' } }), []);
    assert.deepEqual(describe({ git_config: { repo: 'https://github.com/org/x.git', username: '${env:U}' } }), []);
    assert.deepEqual(describe({ environment: { HF_TOKEN: '${env:HF_TOKEN}', NCCL_DEBUG: 'INFO' } }), ['environment.HF_TOKEN ← $HF_TOKEN → SageMaker']);
  });

  it('shows the host a URL really reaches, not the one it pretends to', () => {
    assert.equal(gitRemoteTarget('https://github.com@evil.example/org/x.git').host, 'evil.example');
    assert.equal(gitRemoteTarget('https://github.com:x@evil.example:444/x.git').host, 'evil.example:444');
    assert.equal(gitRemoteTarget('http://127.0.0.2:9/x.git').loopback, true);
    assert.equal(gitRemoteTarget('http://127.0.0.1.evil.example/x.git').loopback, false);
    assert.equal(gitRemoteTarget('git@github.com:org/x.git').host, 'github.com');
    assert.equal(gitRemoteTarget('ssh://git@github.com:22/org/x.git').host, 'github.com');
  });

  it('expands environment values from the given environment, and names every missing variable instead of sending an empty one', () => {
    assert.deepEqual(expandEnvironment({ HF_TOKEN: '${env:HF_TOKEN}', NCCL_DEBUG: 'INFO', LITERAL: 'a ${env:X} b' }, { HF_TOKEN: 'hf_value' }), {
      HF_TOKEN: 'hf_value',
      NCCL_DEBUG: 'INFO',
      LITERAL: 'a ${env:X} b',
    });
    assert.equal(expandEnvironment(undefined, {}), undefined);
    assert.throws(
      () => expandEnvironment({ A: '${env:FIRST_MISSING}', B: '${env:SECOND_MISSING}', C: '${env:EMPTY}', D: '${env:SET}' }, { EMPTY: '', SET: 'x' }),
      (e: unknown) => {
        assert.ok(e instanceof TrainingPlanError);
        assert.equal(e.code, 'env.variableMissing');
        assert.match(e.message, /environment\.A \(\$\{env:FIRST_MISSING\}\), environment\.B .*environment\.C .* FIRST_MISSING, SECOND_MISSING, EMPTY, which are not set/);
        assert.ok(!/environment\.D/.test(e.message));
        return true;
      },
    );
  });

  it('requires the git credential variables git would send, and only those', () => {
    assert.throws(
      () => requireCredentialVariables({ git_config: { repo: 'https://github.com/x.git', token: '${env:GIT_TOKEN}' } }, {}),
      /git_config\.token \(\$\{env:GIT_TOKEN\}\) refers to the environment variable GIT_TOKEN/,
    );
    assert.doesNotThrow(() => requireCredentialVariables({ git_config: { repo: 'git@github.com:x.git', token: '${env:GIT_TOKEN}' } }, {}));
    assert.doesNotThrow(() => requireCredentialVariables({ git_config: { repo: 'https://github.com/x.git', token: '${env:T}', password: '${env:UNUSED}' } }, { T: 't' }));
  });
});
