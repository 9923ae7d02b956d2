/** A record with its position in the batch, so completion can be tracked by index. */
export interface Indexed<T> {
  index: number;
  item: T;
}

/**
 * Splits batch items into per-key groups in first-seen order, each group in batch (offset) order.
 * Null keys form one group of their own.
 * @example groupByKey(records, (r) => r.key) // [[{index:0,..},{index:2,..}], [{index:1,..}]]
 */
export function groupByKey<T>(items: readonly T[], keyOf: (item: T) => string | null): Indexed<T>[][] {
  const groups = new Map<string | null, Indexed<T>[]>();
  items.forEach((item, index) => {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push({ index, item });
    else groups.set(key, [{ index, item }]);
  });
  return [...groups.values()];
}

/**
 * Runs `work` on every task with at most `limit` running at once. After the first failure no new task
 * starts, but running ones are awaited before the failure is rethrown, so nothing is left running.
 * @example await runBounded(groups, 16, (group) => processInOrder(group))
 */
export async function runBounded<T>(
  tasks: readonly T[],
  limit: number,
  work: (task: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async (): Promise<void> => {
    while (!failure && next < tasks.length) {
      const task = tasks[next++] as T;
      try {
        await work(task);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  if (failure) throw failure.error;
}

/**
 * How many items from the start are all complete: the committable prefix of a batch.
 * @example completedPrefix([true, true, false, true]) // 2
 */
export function completedPrefix(done: readonly boolean[]): number {
  let n = 0;
  while (n < done.length && done[n]) n += 1;
  return n;
}
