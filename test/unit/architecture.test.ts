import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as ts from 'typescript';
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

interface ImportRef {
  specifier: string;
  /** Erased when compiled (`import type`, `typeof import(…)`): no module is loaded. */
  typeOnly: boolean;
}

/** Every module a file names: imports, re-exports, `require(…)`, `import(…)` and `typeof import(…)`, read by TypeScript's parser. */
const importRefCache = new Map<string, ImportRef[]>();
function importRefsOf(file: string): ImportRef[] {
  const cached = importRefCache.get(file);
  if (cached) return cached;
  const source = ts.createSourceFile(file, readFileSync(path.join(REPO_ROOT, file), 'utf8'), ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const refs: ImportRef[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const onlyTypeSpecifiers = !!bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly);
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly: !!clause && (clause.isTypeOnly || (!clause.name && onlyTypeSpecifiers)) });
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      refs.push({ specifier: node.moduleSpecifier.text, typeOnly: node.isTypeOnly });
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      refs.push({ specifier: node.moduleReference.expression.text, typeOnly: node.isTypeOnly });
    } else if (ts.isCallExpression(node) && node.arguments.length === 1 && ts.isStringLiteralLike(node.arguments[0]!)) {
      const callee = node.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) refs.push({ specifier: node.arguments[0].text, typeOnly: false });
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      refs.push({ specifier: node.argument.literal.text, typeOnly: true });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  importRefCache.set(file, refs);
  return refs;
}

function importsOf(file: string): string[] {
  return importRefsOf(file).map((r) => r.specifier);
}

/** A relative specifier as a repository path with `/` (`src/aws/launch/x`, no extension added). */
function importTarget(file: string, specifier: string): string {
  return path
    .relative(REPO_ROOT, path.resolve(path.dirname(path.join(REPO_ROOT, file)), specifier))
    .split(path.sep)
    .join('/');
}

const within = (file: string, dir: string): boolean => file === dir || file.startsWith(`${dir}/`);

/** Groups of files that import each other in a circle (Tarjan's strongly connected components). */
function importCycles(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const connect = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        connect(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const group: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      group.push(member);
    } while (member !== file);
    if (group.length > 1 || graph.get(file)!.includes(file)) cycles.push(group.sort());
  };
  for (const file of graph.keys()) if (!index.has(file)) connect(file);
  return cycles;
}

/** architecture.json: the layer table this test and eslint.config.mjs both enforce. */
interface ArchitectureRules {
  core: string;
  adapters: string[];
  sdkPackages: string;
  adapterImports: Array<{ from: string; to: string; why: string }>;
}
const rules = JSON.parse(readFileSync(path.join(REPO_ROOT, 'architecture.json'), 'utf8')) as ArchitectureRules;

describe('architecture: dependencies point one way', () => {
  const layers = [rules.core, ...rules.adapters].filter((d) => {
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
        .filter(
          (i) =>
            new RegExp(rules.sdkPackages).test(i) ||
            (i.startsWith('.') && !path.resolve(path.dirname(path.join(REPO_ROOT, f)), i).startsWith(path.join(REPO_ROOT, 'src/core')) && !i.endsWith('.json')),
        )
        .map((i) => `${f} → ${i}`),
    );
    assert.deepEqual(offenders, []);
  });

  it('src/source (getting the training code: git checkouts) uses no SDK and nothing of src/aws, so local runs share it', () => {
    const offenders = sources('src/source').flatMap((f) =>
      importsOf(f)
        .filter(
          (i) => new RegExp(rules.sdkPackages).test(i) || (i.startsWith('.') && path.resolve(path.dirname(path.join(REPO_ROOT, f)), i).startsWith(path.join(REPO_ROOT, 'src/aws'))),
        )
        .map((i) => `${f} → ${i}`),
    );
    assert.ok(sources('src/source').length > 0, 'src/source is empty: the rule checks nothing');
    assert.deepEqual(offenders, []);
  });

  it('an adapter imports only src/core, itself and the other adapters architecture.json allows, each for a reason', () => {
    const offenders: string[] = [];
    const used = new Set<number>();
    for (const adapter of rules.adapters) {
      for (const file of sources(adapter)) {
        for (const specifier of importsOf(file).filter((s) => s.startsWith('.'))) {
          const target = importTarget(file, specifier);
          if (!within(target, 'src') || within(target, rules.core) || within(target, adapter)) continue;
          const allowance = rules.adapterImports.findIndex((a) => within(file, a.from) && within(target, a.to));
          if (allowance >= 0) used.add(allowance);
          else offenders.push(`${file} → ${specifier}`);
        }
      }
    }
    assert.deepEqual(offenders, [], 'move what both sides need to src/core or src/source, or allow it in architecture.json with its reason');
    const unused = rules.adapterImports.filter((_, i) => !used.has(i)).map((a) => `${a.from} → ${a.to}`);
    assert.deepEqual(unused, [], 'architecture.json allows imports nothing makes any more: remove them');
  });

  it('src/ has no import cycles (type-only imports aside: they load nothing)', () => {
    const files = sources('src').map((f) => f.split(path.sep).join('/'));
    const graph = new Map(
      files.map((file) => [
        file,
        importRefsOf(file)
          .filter((r) => !r.typeOnly && r.specifier.startsWith('.'))
          .map((r) => importTarget(file, r.specifier))
          .flatMap((t) => [`${t}.ts`, `${t}/index.ts`].filter((candidate) => existsSync(path.join(REPO_ROOT, candidate)))),
      ]),
    );
    assert.ok(graph.size > 100 && [...graph.values()].some((targets) => targets.length > 0), 'no imports found: the rule checks nothing');
    assert.deepEqual(importCycles(graph), []);
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
    // package.json `files` is what both packages hold (scripts/package.mjs; test/unit/packaging.test.ts reads the real .vsix).
    const allowed: string[] = JSON.parse(readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')).files;
    const missing = loaded.filter((f) => !allowed.includes(`dist/${f}`) && !allowed.includes('dist/**') && !allowed.includes('dist/*.js'));
    assert.deepEqual(missing, [], `package.json "files" leaves these out of the package: ${missing.join(', ')}`);
  });
});
