/** How long desk's listener remembers a known Service Desk key. */
export const RECIPIENT_CACHE_MS = 5000;

/**
 * Remembers which project a Service Desk key delivers to for a few seconds, so a busy listener
 * does not ask PostgreSQL on every RCPT. Only hits are kept: an unknown key is asked about every
 * time, and a project whose Service Desk was switched off stops receiving after at most `ttlMs`.
 */
export class RecipientCache {
  private readonly entries = new Map<string, { projectId: number; expires: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly maxEntries = 10_000,
  ) {}

  get(key: string, now = Date.now()): number | null {
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.expires > now) return entry.projectId;
    this.entries.delete(key);
    return null;
  }

  set(key: string, projectId: number, now = Date.now()): void {
    if (this.ttlMs <= 0) return;
    if (this.entries.size >= this.maxEntries) this.entries.clear();
    this.entries.set(key, { projectId, expires: now + this.ttlMs });
  }
}
