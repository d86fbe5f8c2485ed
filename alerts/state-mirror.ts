import type { Alert, AlertFilter, Silence } from '../core/index.js';
import type { Clock } from '../platform/index.js';
import { selectAlerts } from './select-alerts.js';
import type { AlertsState } from './worker-protocol.js';

const EMPTY_STATE = '{"open":[],"silences":[],"restored":0}';

export interface StateMirror {
  /** The worker's state as it sent it (JSON); parsed on the first read after. */
  set(stateText: string): void;
  open(filter?: AlertFilter): Alert[];
  silences(): Silence[];
  readonly restored: number;
}

/**
 * The main thread's copy of the worker's open alerts and silences, so `open()` and `silences()`
 * stay synchronous for the dashboard's snapshot (docs/ARCHITECTURE.md, "Two cores"). The worker
 * sends it whenever it changes, before the events that changed it; it is parsed only when read.
 */
export function createStateMirror(clock: Clock): StateMirror {
  let text = EMPTY_STATE;
  let state: AlertsState | undefined;
  const current = (): AlertsState => (state ??= JSON.parse(text) as AlertsState);
  return {
    set(stateText) {
      text = stateText;
      state = undefined;
    },
    open: (filter) => selectAlerts(current().open, filter),
    silences() {
      const now = clock.now();
      return current()
        .silences.filter((s) => s.until > now)
        .map((s) => ({ ...s }));
    },
    get restored() {
      return current().restored;
    },
  };
}
