import { html, nothing, type TemplateResult } from 'lit';
import type { Incident } from '../../../../core/index.js';
import { api } from '../api.js';
import { inputs, QtElement, states } from '../elements.js';
import { formatDateTime, isoTitle } from '../format-clock.js';
import { lang, t } from '../i18n/index.js';
import { formatNumber } from '../number-format.js';
import { PollController } from '../poll-controller.js';
import { href } from '../router.js';
import { incidentStyles } from './incident-styles.js';
import { byWorst, projectionText, titleOf, words, type Stations } from './incident-view.js';

/** How often the list asks the centre again (it also reloads when the live stream comes back). */
const POLL_MS = 10_000;

/**
 * The open incidents (`GET /api/incidents`), worst first: title (kind, water, zone, spread),
 * severity, state, start, member count and forecast, each a link to its page. `zone` narrows
 * it to one zone's (the map's "open incidents" link).
 */
export class QtIncidentsList extends QtElement {
  static override properties = { ...inputs('stations', 'zone'), ...states('incidents', 'error') };
  declare stations: Stations;
  declare zone: string | undefined;
  declare incidents: Incident[] | undefined;
  declare error: string | undefined;

  constructor() {
    super();
    this.stations = new Map();
    this.zone = undefined;
    this.incidents = undefined;
    this.error = undefined;
    new PollController(this, () => this.#load(), POLL_MS);
  }

  async #load(): Promise<void> {
    try {
      const body = await api<{ incidents: Incident[] }>('/api/incidents');
      this.incidents = [...body.incidents].sort(byWorst);
      this.error = undefined;
    } catch (err) {
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  #row(i: Incident): TemplateResult {
    const W = words();
    const title = titleOf(i, this.stations);
    return html`<tr data-incident=${i.id} data-severity=${i.severity} data-state=${i.state}>
      <td><a href=${href.incident(i.id)}>${title}</a></td>
      <td><span class="sev ${i.severity}">${W.severity[i.severity]}</span></td>
      <td>${W.state[i.state]}</td>
      <td><time datetime=${isoTitle(i.startedAt)}>${formatDateTime(i.startedAt)}</time></td>
      <td>${formatNumber(i.members.length, lang(), 0)}</td>
      <td>${projectionText(i, this.stations) ?? '—'}</td>
    </tr>`;
  }

  protected override render(): TemplateResult {
    const shown = (this.incidents ?? []).filter((i) => this.zone === undefined || i.zone === this.zone);
    const zoneName = this.zone !== undefined ? [...this.stations.values()].find((s) => s.zoneId === this.zone)?.zoneName : undefined;
    return html`<section aria-labelledby="inc-list-title">
      <h2 id="inc-list-title">${t('inc_listTitle')}${zoneName !== undefined || this.zone ? ` — ${zoneName ?? this.zone}` : ''}</h2>
      ${this.error !== undefined ? html`<p class="error" role="alert">${t('inc_loadError', { error: this.error })}</p>` : nothing}
      ${
        this.incidents === undefined
          ? html`<p class="notice">…</p>`
          : shown.length === 0
            ? html`<p class="notice" data-testid="no-incidents">${t('inc_none')}</p>`
            : html`<table data-testid="incidents">
                <thead>
                  <tr>
                    <th scope="col">${t('inc_colIncident')}</th>
                    <th scope="col">${t('inc_colSeverity')}</th>
                    <th scope="col">${t('inc_colState')}</th>
                    <th scope="col">${t('inc_colStarted')}</th>
                    <th scope="col">${t('inc_colMembers')}</th>
                    <th scope="col">${t('inc_colProjection')}</th>
                  </tr>
                </thead>
                <tbody>
                  ${shown.map((i) => this.#row(i))}
                </tbody>
              </table>`
      }
    </section>`;
  }

  static override styles = incidentStyles;
}

customElements.define('qt-incidents-list', QtIncidentsList);

declare global {
  interface HTMLElementTagNameMap {
    'qt-incidents-list': QtIncidentsList;
  }
}
