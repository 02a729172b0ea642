// The emulator's stand-in for a summarization model: picks the sentences (or dialogue turns) that carry the
// text's most frequent content words. Deterministic, so tests can assert on the exact summary.

const STOPWORDS = new Set(
  'a an and are as at be but by did do does for from had has have he her him his how i if in into is it its just me my no not of on or our she so that the their them then there they this to too was we were what when which who will with would you your'.split(
    ' ',
  ),
);

function words(text: string): string[] {
  return (text.toLowerCase().match(/[a-z0-9']+/g) ?? []).filter((w) => w.length > 2 && !STOPWORDS.has(w));
}

/** Sentences split at `.`, `!`, `?` followed by space, and at line breaks (samsum dialogues are one turn a line). */
export function splitSentences(text: string): string[] {
  return text
    .split(/\r?\n+|(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

export function extractiveSummary(text: string, maxSentences = 2): string {
  const sentences = splitSentences(text);
  if (sentences.length <= maxSentences) return sentences.join(' ');
  const frequency = new Map<string, number>();
  for (const w of words(text)) frequency.set(w, (frequency.get(w) ?? 0) + 1);
  const scored = sentences.map((sentence, index) => {
    const ws = words(sentence);
    const score = ws.length === 0 ? 0 : ws.reduce((sum, w) => sum + (frequency.get(w) ?? 0), 0) / Math.sqrt(ws.length);
    return { sentence, index, score };
  });
  const chosen = [...scored]
    .sort((a, b) => b.score - a.score || a.index - b.index)
    .slice(0, maxSentences)
    .sort((a, b) => a.index - b.index);
  return chosen.map((c) => c.sentence).join(' ');
}
