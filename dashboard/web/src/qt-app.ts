import { LitElement, css, html, type TemplateResult } from 'lit';
import { ClockController } from './clock-controller.js';
import { LiveController, type ConnectionState } from './live-controller.js';
import './qt-station-table.js';
import { StationsController } from './stations-controller.js';

/** A station counts as reporting when the centre received a reading from it this recently. */
const REPORTING_WINDOW_MS = 5 * 60_000;

const CONNECTION_LABEL: Record<ConnectionState, string> = {
  connecting: 'đang kết nối… (connecting)',
  open: 'đã kết nối (connected)',
  reconnecting: 'mất kết nối, đang kết nối lại… (reconnecting)',
  closed: 'đã đóng (closed)',
};

/** The monitoring centre's page: header with connection and counts, then the stations table. */
export class QtApp extends LitElement {
  readonly #live = new LiveController(this);
  readonly #stations = new StationsController(this);
  readonly #clock = new ClockController(this);

  #renderBody(staleBefore: number): TemplateResult {
    const stations = this.#stations;
    if (stations.state === 'loading') return html`<p class="notice">Đang tải danh sách trạm…</p>`;
    if (stations.state === 'error') {
      return html`<p class="notice error" role="alert">Không tải được danh sách trạm (${stations.error}); đang thử lại…</p>`;
    }
    if (stations.stations.length === 0) return html`<p class="notice">Chưa có trạm nào trong danh mục.</p>`;
    return html`<qt-station-table
      .groups=${stations.groups}
      .latest=${this.#live.latest}
      .version=${this.#live.version}
      .staleBefore=${staleBefore}
    ></qt-station-table>`;
  }

  protected override render(): TemplateResult {
    const live = this.#live;
    const staleBefore = this.#clock.now + live.clockOffsetMs - REPORTING_WINDOW_MS;
    let reporting = 0;
    for (const s of this.#stations.stations) {
      if ((live.latest.get(s.id)?.lastReceivedAt ?? -Infinity) >= staleBefore) reporting += 1;
    }
    return html`<header>
        <h1>Quan trắc — Trung tâm giám sát</h1>
        <dl class="counts">
          <div><dt>Trạm</dt><dd data-testid="station-count">${this.#stations.stations.length}</dd></div>
          <div><dt>Báo số liệu trong 5 phút</dt><dd data-testid="reporting-count">${reporting}</dd></div>
        </dl>
        <p class="connection ${live.state}" data-testid="connection" data-state=${live.state === 'open' ? 'open' : 'closed'} role="status"
        ><span class="dot" aria-hidden="true"></span>${CONNECTION_LABEL[live.state]}</p>
      </header>
      <main>${this.#renderBody(staleBefore)}</main>`;
  }

  static override styles = css`
    :host {
      display: block;
      min-height: 100vh;
      /* Wide tables scroll the page sideways; the header stays as wide as they are. */
      min-width: max-content;
    }
    header {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.75rem 2rem;
      padding: 0.75rem 1.25rem;
      background: #0f3d5e;
      color: #fff;
    }
    h1 {
      margin: 0;
      font-size: 1.25rem;
      font-weight: 600;
    }
    .counts {
      display: flex;
      gap: 1.5rem;
      margin: 0;
    }
    .counts div {
      display: flex;
      align-items: baseline;
      gap: 0.4rem;
    }
    .counts dt {
      font-size: 0.8rem;
      color: #bcd3e6;
    }
    .counts dd {
      margin: 0;
      font-size: 1.1rem;
      font-weight: 600;
      font-variant-numeric: tabular-nums;
    }
    .connection {
      margin: 0 0 0 auto;
      display: flex;
      align-items: center;
      gap: 0.45rem;
      padding: 0.2rem 0.7rem;
      border-radius: 1rem;
      font-size: 0.85rem;
      background: #7a2e0e;
      color: #ffedd5;
    }
    .connection .dot {
      width: 0.6rem;
      height: 0.6rem;
      border-radius: 50%;
      background: #fb923c;
    }
    .connection.open {
      background: #14532d;
      color: #dcfce7;
    }
    .connection.open .dot {
      background: #4ade80;
    }
    main {
      padding: 0.75rem 1.25rem 2rem;
    }
    .notice {
      color: #475569;
    }
    .notice.error {
      color: #b3261e;
    }
  `;
}

customElements.define('qt-app', QtApp);

declare global {
  interface HTMLElementTagNameMap {
    'qt-app': QtApp;
  }
}
