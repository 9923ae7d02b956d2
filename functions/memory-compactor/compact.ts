/** One stored summary of folded session turns. */
export type SummaryRow = {
  summary: string;
  turn_count: number;
};

/**
 * Merges a session's summaries (oldest first) into one text of at most `maxChars`: every line is kept
 * once, and when they do not fit the newest lines win, under a header saying how much was condensed.
 * @example mergeSummaries([{ summary: 'user: hi', turn_count: 2 }], 4000)
 */
export function mergeSummaries(rows: readonly SummaryRow[], maxChars: number): { summary: string; turnCount: number } {
  const turnCount = rows.reduce((n, r) => n + Number(r.turn_count), 0);
  const header = `Compacted history (${rows.length} summaries, ${turnCount} turns):`;
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const row of rows) {
    for (const raw of row.summary.split('\n')) {
      const line = raw.trim();
      if (!line || line.startsWith('Compacted history (') || seen.has(line)) continue;
      seen.add(line);
      lines.push(line);
    }
  }
  const kept: string[] = [];
  let used = header.length;
  for (let i = lines.length - 1; i >= 0; i--) {
    const line = lines[i] as string;
    if (used + line.length + 1 > maxChars) break;
    kept.unshift(line);
    used += line.length + 1;
  }
  return { summary: [header, ...kept].join('\n'), turnCount };
}
