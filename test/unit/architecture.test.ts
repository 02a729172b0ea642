import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { CommandId } from '../../src/host/ids';
import { REPO_ROOT } from './repoRoot';

function sources(dir: string): string[] {
  const abs = path.join(REPO_ROOT, dir);
  let out: string[] = [];
  for (const name of readdirSync(abs)) {
    const p = path.join(abs, name);
    if (statSync(p).isDirectory()) out = out.concat(sources(path.join(dir, name)));
    else if (name.endsWith('.ts')) out.push(path.join(dir, name));
  }
  return out;
}

function importsOf(file: string): string[] {
  const text = readFileSync(path.join(REPO_ROOT, file), 'utf8');
  return [...text.matchAll(/(?:import|export)[^'"]*from\s+['"]([^'"]+)['"]|require\(\s*['"]([^'"]+)['"]\s*\)|import\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

describe('architecture: dependencies point one way', () => {
  const layers = ['src/core', 'src/aws', 'src/hub', 'src/local', 'src/artifacts', 'src/source'].filter((d) => {
    try {
      return statSync(path.join(REPO_ROOT, d)).isDirectory();
    } catch {
      return false;
    }
  });

  for (const layer of layers) {
    it(`${layer} never imports vscode`, () => {
      const offenders = sources(layer).filter((f) => importsOf(f).includes('vscode'));
      assert.deepEqual(offenders, []);
    });
  }

  it('src/core imports no SDK and nothing outside src/core and schemas/', () => {
    const offenders = sources('src/core').flatMap((f) =>
      importsOf(f)
        .filter((i) => /^@aws-sdk\/|^@smithy\/|^@huggingface\//.test(i) || (i.startsWith('.') && !path.resolve(path.dirname(path.join(REPO_ROOT, f)), i).startsWith(path.join(REPO_ROOT, 'src/core')) && !i.endsWith('.json')))
        .map((i) => `${f} → ${i}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('src/source (getting the training code: git checkouts) uses no SDK and nothing of src/aws, so local runs share it', () => {
    const offenders = sources('src/source').flatMap((f) =>
      importsOf(f)
        .filter((i) => /^@aws-sdk\/|^@smithy\/|^@huggingface\//.test(i) || (i.startsWith('.') && path.resolve(path.dirname(path.join(REPO_ROOT, f)), i).startsWith(path.join(REPO_ROOT, 'src/aws'))))
        .map((i) => `${f} → ${i}`),
    );
    assert.ok(sources('src/source').length > 0, 'src/source is empty: the rule checks nothing');
    assert.deepEqual(offenders, []);
  });

  it('the CLI never imports vscode, directly or through the files it imports', () => {
    const seen = new Set<string>();
    const visit = (file: string): string[] => {
      if (seen.has(file)) return [];
      seen.add(file);
      return importsOf(file).flatMap((i) => {
        if (i === 'vscode') return [file];
        if (!i.startsWith('.')) return [];
        const target = path.relative(REPO_ROOT, path.resolve(path.dirname(path.join(REPO_ROOT, file)), i));
        try {
          return visit(statSync(path.join(REPO_ROOT, `${target}.ts`)).isFile() ? `${target}.ts` : target);
        } catch {
          return [];
        }
      });
    };
    assert.deepEqual(visit('src/cli.ts'), []);
  });
});

describe('manifest', () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));

  it('declares every command id of src/host/ids.ts, and nothing else, each with the category', () => {
    const declared = (pkg.contributes.commands as Array<{ command: string; category: string }>).map((c) => c.command).sort();
    assert.deepEqual(declared, Object.values(CommandId).sort());
    for (const c of pkg.contributes.commands) assert.equal(c.category, 'SageMaker HF', c.command);
  });

  it('keeps engines.vscode within what the offline test host (VS Code 1.100) runs', () => {
    assert.match(pkg.engines.vscode, /^\^1\.(\d+)\.\d+$/);
    assert.ok(Number(/^\^1\.(\d+)/.exec(pkg.engines.vscode)![1]) <= 100);
  });

  it('pins every dependency to an exact version', () => {
    for (const [name, version] of Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })) {
      assert.match(String(version), /^\d+\.\d+\.\d+$/, name);
    }
  });
});

describe('the packaged extension', () => {
  it('holds every file beside dist/extension.js that the bundle loads (vendor.js, jobFile.js, the worker)', () => {
    const bundle = readFileSync(path.join(REPO_ROOT, 'dist/extension.js'), 'utf8');
    const distFiles = new Set(readdirSync(path.join(REPO_ROOT, 'dist')).filter((f) => f.endsWith('.js')));
    const loaded = [...new Set([...bundle.matchAll(/["'](?:\.\/)?([A-Za-z][\w.-]*\.js)["']/g)].map((m) => m[1]!))].filter((f) => distFiles.has(f) && f !== 'extension.js');
    assert.ok(loaded.includes('vendor.js') && loaded.includes('jobFile.js'), `the bundle names ${loaded.join(', ') || 'no file'} beside itself: the check would check nothing`);
    const allowed = readFileSync(path.join(REPO_ROOT, '.vscodeignore'), 'utf8')
      .split('\n')
      .filter((l) => l.startsWith('!'))
      .map((l) => l.slice(1).trim());
    const missing = loaded.filter((f) => !allowed.includes(`dist/${f}`) && !allowed.includes('dist/**'));
    assert.deepEqual(missing, [], `.vscodeignore leaves these out of the package: ${missing.join(', ')}`);
  });
});
