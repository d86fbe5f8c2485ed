import type { Catalogue, Config, Logger } from './core/index.js';

/** What main.ts's wiring steps share: the settings, the log, the catalogue, and the list of closers (run in reverse). */
export interface Wiring {
  config: Config;
  log: Logger;
  catalogue: Catalogue;
  onClose(fn: () => Promise<void>): void;
}
