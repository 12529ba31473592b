/**
 * The two-sided Mann–Whitney U test (Wilcoxon rank-sum) for two small samples: are the values of `a`
 * and `b` drawn from one distribution? Used by `bench:parity` to say whether HyperQ's and PyTorch's
 * validation MAEs differ beyond seed-to-seed noise. Exact null distribution of U (no ties assumed;
 * a tie counts one half), so it suits the 5–20 seeds a benchmark runs.
 *
 * ```ts
 * mannWhitneyP([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]); // 0.0079: every b above every a
 * ```
 */
export function mannWhitneyP(a: readonly number[], b: readonly number[]): number {
  const n = a.length;
  const m = b.length;
  if (n === 0 || m === 0) return Number.NaN;
  let u = 0;
  for (const x of a) for (const y of b) u += x < y ? 1 : x === y ? 0.5 : 0;
  // ways[i][j][k]: orderings of i a's and j b's with exactly k (a < b) pairs.
  const ways: number[][][] = [];
  for (let i = 0; i <= n; i++) {
    const row: number[][] = [];
    for (let j = 0; j <= m; j++) {
      const counts = new Array<number>(i * j + 1).fill(0);
      if (i === 0 || j === 0) counts[0] = 1;
      else {
        // The largest value is an a (it beats no b: adds 0 pairs) or a b (every a is below it: adds i).
        const lastA = ways[i - 1]?.[j] ?? [];
        const lastB = row[j - 1] ?? [];
        lastA.forEach((c, k) => (counts[k] = (counts[k] as number) + c));
        lastB.forEach((c, k) => (counts[k + i] = (counts[k + i] as number) + c));
      }
      row.push(counts);
    }
    ways.push(row);
  }
  const dist = ways[n]?.[m] ?? [];
  const total = dist.reduce((s, c) => s + c, 0);
  let below = 0;
  let above = 0;
  dist.forEach((c, k) => {
    if (k <= u) below += c;
    if (k >= u) above += c;
  });
  return Math.min(1, (2 * Math.min(below, above)) / total);
}
