// Summarises Stryker's JSON reports (reports/mutation/AREA.json, written by `npm run mutate`) as the
// Markdown docs/MUTATION.md holds: one row per file with its counts and score, then every mutant
// that survived or had no coverage, with its place and what the mutant changed.
//   node scripts/mutationReport.mjs [AREA...]      (default: every report in reports/mutation/)
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = path.join(root, 'reports', 'mutation');
const wanted = process.argv.slice(2);
const reports = (existsSync(dir) ? readdirSync(dir) : [])
  .filter((f) => f.endsWith('.json') && !f.endsWith('.incremental.json'))
  .filter((f) => wanted.length === 0 || wanted.includes(f.replace(/\.json$/, '')));
if (reports.length === 0) {
  console.error('No report in reports/mutation/: run `npm run mutate` first.');
  process.exit(1);
}

const UNDETECTED = new Set(['Survived', 'NoCoverage']);

function counts(mutants) {
  const c = { total: mutants.length, Killed: 0, Timeout: 0, Survived: 0, NoCoverage: 0, errors: 0, Ignored: 0 };
  for (const m of mutants) {
    if (m.status in c) c[m.status]++;
    else c.errors++; // CompileError, RuntimeError: not valid mutants, outside the score
  }
  const detected = c.Killed + c.Timeout;
  const valid = detected + c.Survived + c.NoCoverage;
  c.score = valid ? (100 * detected) / valid : NaN;
  return c;
}

const row = (name, c) =>
  `| ${name} | ${c.total} | ${c.Killed} | ${c.Timeout} | ${c.Survived} | ${c.NoCoverage} | ${c.errors} | ${Number.isNaN(c.score) ? '–' : c.score.toFixed(1)} % |`;

/** The source text a mutant replaced, on one line and cut short. */
function original(source, loc) {
  const lines = source.split('\n');
  let text;
  if (loc.start.line === loc.end.line) text = lines[loc.start.line - 1].slice(loc.start.column - 1, loc.end.column - 1);
  else
    text = [lines[loc.start.line - 1].slice(loc.start.column - 1), ...lines.slice(loc.start.line, loc.end.line - 1), lines[loc.end.line - 1].slice(0, loc.end.column - 1)].join(
      ' ',
    );
  return short(text);
}
function short(text) {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > 70 ? `${flat.slice(0, 67)}…` : flat;
}
const code = (s) => `\`${s.replace(/`/g, "'")}\``;

for (const file of reports) {
  const report = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
  const area = file.replace(/\.json$/, '');
  console.log(`### ${area}\n`);
  console.log('| file | mutants | killed | timeout | survived | no coverage | errors | score |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const all = [];
  for (const [name, f] of Object.entries(report.files).sort()) {
    console.log(row(name, counts(f.mutants)));
    all.push(...f.mutants);
  }
  if (Object.keys(report.files).length > 1) console.log(row('**all**', counts(all)));
  console.log('');
  for (const [name, f] of Object.entries(report.files).sort()) {
    const left = f.mutants
      .filter((m) => UNDETECTED.has(m.status))
      .sort((a, b) => a.location.start.line - b.location.start.line || a.location.start.column - b.location.start.column);
    if (!left.length) continue;
    console.log(`Undetected in ${name}:\n`);
    for (const m of left) {
      const where = `${m.location.start.line}:${m.location.start.column}`;
      const what = `${code(original(f.source, m.location))} → ${code(short(m.replacement ?? ''))}`;
      console.log(`- ${where} ${m.mutatorName}${m.status === 'NoCoverage' ? ' (no coverage)' : ''}: ${what}`);
    }
    console.log('');
  }
}
