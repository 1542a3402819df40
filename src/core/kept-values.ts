/**
 * Values read from the database, kept for `ttlMs` (not at all when it is 0) so that a hot path does not read them
 * each time; at most `maxEntries`, the oldest dropped first. A value that is not there (null) is never kept.
 * Forgetting moves a generation: a read that started before must not keep what it read.
 */
export class KeptValues<Value> {
  private readonly entries = new Map<string, { value: Value; until: number }>();
  private generation = 0;

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  /** The value kept under `key`, else what `read` returns (kept from now on unless null). */
  async get(key: string, read: () => Promise<Value | null>): Promise<Value | null> {
    const kept = this.entries.get(key);
    if (kept && kept.until > Date.now()) return kept.value;
    const generation = this.generation;
    const value = await read();
    this.entries.delete(key);
    if (value !== null && this.ttlMs > 0 && generation === this.generation) {
      if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
      this.entries.set(key, { value, until: Date.now() + this.ttlMs });
    }
    return value;
  }

  /** Drops every kept value `matches` accepts. */
  forget(matches: (value: Value) => boolean): void {
    this.generation += 1;
    for (const [key, entry] of this.entries) if (matches(entry.value)) this.entries.delete(key);
  }
}
