// A node:test reporter that only counts, so the top-level runner can print one closing line.
// Suites count only when they fail on their own (a hook, a load error), not because a child failed.
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for await (const event of source) {
    const { type, data } = event;
    if (type !== 'test:pass' && type !== 'test:fail') continue;
    const isSuite = data.details?.type === 'suite';
    if (type === 'test:pass') {
      if (isSuite) continue;
      if (data.skip || data.todo) counts.skipped++;
      else counts.passed++;
    } else if (!isSuite || data.details?.error?.failureType !== 'subtestsFailed') {
      counts.failed++;
    }
  }
  yield `${JSON.stringify(counts)}\n`;
}
