import { html, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { StationSummary } from '../../../../core/index.js';
import { api } from '../api.js';
import { t } from '../i18n/index.js';
import { formatFixed } from '../number-format.js';

/** `GET /api/stations/<id>/availability`: today's reporting intervals holding a valid value against those expected. */
export interface Availability {
  date: string;
  parameters: Array<{
    parameter: string;
    received: number;
    valid: number;
    expected: number;
    intervalsWithData: number;
    percent: number | null;
  }>;
}

const REFRESH_MS = 60_000;

/**
 * Today's data availability of one station: fetched when the station changes and every
 * minute while the host is connected. A failed fetch leaves the figures unknown until the next.
 */
export class AvailabilityController implements ReactiveController {
  value: Availability | undefined;
  readonly #host: ReactiveControllerHost;
  #station: string | undefined;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(host: ReactiveControllerHost) {
    this.#host = host;
    host.addController(this);
  }

  hostConnected(): void {
    this.#timer = setInterval(() => void this.#load(), REFRESH_MS);
  }

  hostDisconnected(): void {
    clearInterval(this.#timer);
  }

  /** Follows the host's station: a new one starts unknown and is fetched at once. */
  setStation(id: string | undefined): void {
    this.#station = id;
    this.value = undefined;
    void this.#load();
  }

  async #load(): Promise<void> {
    const id = this.#station;
    if (!id) return;
    try {
      const a = await api<Availability>(`/api/stations/${encodeURIComponent(id)}/availability`);
      if (this.#station === id) {
        this.value = a;
        this.#host.requestUpdate();
      }
    } catch {
      // shown as unknown; retried on the next refresh
    }
  }
}

/** A bar per parameter; under 80 % in the warning colour. */
export function renderAvailability(station: StationSummary, a: Availability | undefined, today: string): TemplateResult {
  return html`<section class="availability" data-testid="availability">
    <h3>${t('availability')} <small>${a?.date ?? today}</small></h3>
    <div class="bars">
      ${station.parameters.map((p) => {
        const row = a?.parameters.find((x) => x.parameter === p.parameter);
        const pct = row?.percent ?? null;
        return html`<div class="bar" title=${row ? t('received', { n: row.intervalsWithData, expected: row.expected }) : ''}>
          <span class="label">${p.parameter}</span>
          <span class="track"><span class="fill ${pct !== null && pct < 80 ? 'low' : ''}" style=${`width:${pct ?? 0}%`}></span></span>
          <span class="pct" data-parameter=${p.parameter}>${pct === null ? '—' : `${formatFixed(pct, 1)} %`}</span>
        </div>`;
      })}
    </div>
    <p class="note">${t('availabilityNote')}</p>
  </section>`;
}
