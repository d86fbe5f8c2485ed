import { describeError, type LegacyError } from './legacy-types.js';

/**
 * The reasons a file (or its lines) were refused, bounded: the first `max` are kept for the
 * reason file and the result, the rest only counted, so a file of a million bad lines costs
 * no more memory or disk than one of `max` (docs/LEGACY.md, "Bounds").
 */
export class ReasonList {
  private readonly kept: LegacyError[] = [];
  private readonly lines = new Set<number>();
  private fileWide = false;
  private total = 0;

  constructor(private readonly max: number) {}

  add(e: LegacyError): void {
    this.total++;
    if (e.line === undefined) this.fileWide = true;
    else this.lines.add(e.line);
    if (this.kept.length < this.max) this.kept.push(e);
  }

  /** Every reason added, kept or not. */
  get size(): number {
    return this.total;
  }

  /** Reasons added past the bound (counted, not kept). */
  get omitted(): number {
    return this.total - this.kept.length;
  }

  /** The lines refused (a reason for the whole message counts as one). */
  get rejectedLines(): number {
    return this.lines.size + (this.fileWide ? 1 : 0);
  }

  /** The kept reasons, in line order (reasons for the whole file first). */
  errors(): LegacyError[] {
    return [...this.kept].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  }

  /** The reason file's lines: each kept reason, then how many more were not listed. */
  describe(): string[] {
    const out = this.errors().map(describeError);
    if (this.omitted > 0) out.push(`... and ${this.omitted} more reasons not listed (the first ${this.max} are; LEGACY_MAX_BAD_LINES)`);
    return out;
  }
}
