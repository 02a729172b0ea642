/**
 * Damerau-Levenshtein (optimal string alignment) distance, or `limit + 1` as soon as it is known to
 * exceed `limit`. The distance is at least the difference in length, so strings whose lengths differ
 * by more than `limit` are never compared character by character: a 1 MB value against a 20-character
 * candidate costs nothing instead of 20 million steps.
 */
export function editDistance(a: string, b: string, limit = Infinity): number {
  const m = a.length;
  const n = b.length;
  if (Math.abs(m - n) > limit) return limit + 1;
  // Three rows (the one before the previous is needed for transpositions) instead of an m × n table.
  let before = new Array<number>(n + 1).fill(0);
  let previous = Array.from({ length: n + 1 }, (_, j) => j);
  let current = new Array<number>(n + 1).fill(0);
  for (let i = 1; i <= m; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, before[j - 2]! + 1);
      current[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // A row's minimum never decreases from one row to the next, so the distance is at least this.
    if (rowMin > limit) return limit + 1;
    [before, previous, current] = [previous, current, before];
  }
  return Math.min(previous[n]!, limit + 1);
}

/** How far a word may be from a candidate to count as a typo of it. */
export function typoLimit(word: string): number {
  return Math.max(2, Math.floor(word.length / 3));
}

const normalize = (s: string) => s.toLowerCase().replace(/[-_]/g, '');

/**
 * The candidates `word` could be a typo of, judged by length alone: an edit distance is at least the
 * difference in length, so a candidate shorter or longer than the word by more than the typo limit
 * can never be close enough. For a value far longer than every candidate (a 1 MB instance_type),
 * nothing is left to compare.
 */
export function withinTypoReach(word: string, candidates: Iterable<string>): string[] {
  const limit = typoLimit(word);
  const length = normalize(word).length;
  const reachable: string[] = [];
  for (const c of candidates) if (Math.abs(normalize(c).length - length) <= limit) reachable.push(c);
  return reachable;
}

/**
 * The closest candidate, if it is close enough to be a plausible typo. Case and the `-`/`_`
 * distinction are ignored first, since `instanceType` or `instance-type` are the usual slips.
 * Only candidates within reach by length are compared, so the cost is bounded by the candidates'
 * lengths whatever the word's.
 */
export function closestMatch(word: string, candidates: Iterable<string>): string | undefined {
  const limit = typoLimit(word);
  const w = normalize(word);
  let best: string | undefined;
  let bestScore = limit + 1;
  for (const c of withinTypoReach(word, candidates)) {
    const nc = normalize(c);
    if (nc === w) return c;
    const score = editDistance(w, nc, Math.min(limit, bestScore - 1));
    if (score < bestScore) {
      bestScore = score;
      best = c;
    }
  }
  return bestScore <= limit ? best : undefined;
}
