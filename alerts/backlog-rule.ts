import type { StorageCondition } from '../core/index.js';
import { describeBacklog } from './describe.js';
import type { Lifecycle } from './lifecycle.js';
import type { Rules } from './rules-config.js';
import { CLEAR, CRITICAL, IDLE, Track, WARNING, type Level } from './track.js';

/** Station and zone of the centre-wide storage backlog alert (rule 7); parameter `*`. */
export const CENTRE = 'centre';

/**
 * Rule 7, the centre's storage backlog: WARNING while ingest has a backlog, CRITICAL once it
 * pushes back on the gateways; one alert for the whole centre. The condition comes from
 * ingest's storage stream; the tick lets `for` and `clearFor` mature between updates.
 */
export class BacklogRule {
  readonly track: Track;
  private level: Level = CLEAR;

  constructor(
    rules: Rules['backlog'],
    private readonly lc: Lifecycle,
  ) {
    this.track = new Track(CENTRE, CENTRE, '*', 'backlog', rules.forS * 1000, rules.clearForS * 1000, describeBacklog());
  }

  onStorage(c: StorageCondition, now: number): void {
    const pct = c.budgetBytes > 0 ? (c.spoolBytes / c.budgetBytes) * 100 : 0;
    this.level = !c.backlog ? CLEAR : c.backpressure === 'none' ? WARNING : CRITICAL;
    if (this.level >= WARNING) {
      this.track.value = pct;
      this.track.note = c.backpressure === 'none' ? '' : c.backpressure;
    }
    this.lc.step(this.track, this.level, now);
  }

  tick(now: number): void {
    if (this.track.phase !== IDLE) this.lc.step(this.track, this.level, now);
  }
}
