import { html, nothing, type TemplateResult } from 'lit';
import type { Incident } from '../../../../core/index.js';
import { formatDateTime, isoTitle } from '../format-clock.js';
import { t, type MessageKey } from '../i18n/index.js';
import { href } from '../router.js';
import { projectionText, stationName, timelineText, words, type Stations } from './incident-view.js';

const when = (ts: number): TemplateResult => html`<time datetime=${isoTitle(ts)}>${formatDateTime(ts)}</time>`;

/** The facts of an incident: place, water, start, state, owner, cause, note, closing. Shared by the page and the report. */
export function renderFacts(i: Incident, stations: Stations): TemplateResult {
  const W = words();
  const zone = [...stations.values()].find((s) => s.zoneId === i.zone);
  const water = [...stations.values()].find((s) => s.water !== undefined && s.water.body === i.water)?.water;
  // The reach it covers along the water: its most upstream and most downstream member stations.
  const along = i.members.flatMap((m) => {
    const w = stations.get(m.station)?.water;
    return w && w.body === i.water ? [{ id: m.station, order: w.order }] : [];
  });
  along.sort((a, b) => a.order - b.order);
  const reach = along.length > 1 && along[0]!.id !== along.at(-1)!.id ? ` (${along[0]!.id} → ${along.at(-1)!.id})` : '';
  const fact = (label: string, value: unknown, testid: string): TemplateResult | typeof nothing =>
    value === undefined || value === ''
      ? nothing
      : html`<dt>${label}</dt>
          <dd data-testid=${testid}>${value}</dd>`;
  return html`<dl class="facts">
    ${fact(t('inc_colSeverity'), html`<span class="sev ${i.severity}">${W.severity[i.severity]}</span>`, 'inc-severity')}
    ${fact(t('inc_colState'), W.state[i.state], 'inc-state')}
    ${fact(t('inc_place'), `${zone?.zoneName ?? i.zone}${i.province ? ` (${i.province})` : ''}`, 'inc-place')}
    ${fact(t('inc_water'), i.water !== undefined ? `${water?.name ?? i.water}${reach}` : undefined, 'inc-water')}
    ${fact(t('inc_started'), when(i.startedAt), 'inc-started')} ${fact(t('inc_owner'), i.owner, 'inc-owner')}
    ${fact(t('inc_cause'), i.cause ? W.cause[i.cause] : undefined, 'inc-cause')} ${fact(t('inc_note'), i.note, 'inc-note')}
    ${fact(t('inc_closedAt'), i.closedAt !== undefined ? when(i.closedAt) : undefined, 'inc-closed-at')}
    ${fact(t('inc_closedBy'), i.closedBy, 'inc-closed-by')}
  </dl>`;
}

/** The forecast line ("Dự báo: …"), or that none is made. */
export function renderProjection(i: Incident, stations: Stations): TemplateResult {
  const text = projectionText(i, stations);
  return text !== undefined
    ? html`<p class="projection" data-testid="inc-projection">${text}</p>`
    : html`<p class="notice" data-testid="inc-projection">${t('inc_noProjection')}</p>`;
}

/**
 * The members in the order they joined: station (linked on screen), parameter, rule, severity,
 * joined, resolved. Along a river the catalogue's order is the join order of a spreading spill.
 */
export function renderMembers(i: Incident, stations: Stations, links: boolean): TemplateResult {
  const W = words();
  const members = [...i.members].sort((a, b) => a.joinedAt - b.joinedAt);
  return html`<table data-testid="inc-members">
    <caption class="visually-hidden">
      ${t('inc_members')}
    </caption>
    <thead>
      <tr>
        <th scope="col">${t('inc_colStation')}</th>
        <th scope="col">${t('inc_colParameter')}</th>
        <th scope="col">${t('inc_colRule')}</th>
        <th scope="col">${t('inc_colSeverity')}</th>
        <th scope="col">${t('inc_colJoined')}</th>
        <th scope="col">${t('inc_colResolved')}</th>
      </tr>
    </thead>
    <tbody>
      ${members.map(
        (m) =>
          html`<tr data-member=${m.station} data-parameter=${m.parameter}>
            <td>
              ${links ? html`<a href=${href.station(m.station, m.parameter)}>${stationName(m.station, stations)}</a>` : stationName(m.station, stations)}
            </td>
            <td>${m.parameter}</td>
            <td>${t(`rule_${m.rule}` as MessageKey)}</td>
            <td><span class="sev ${m.severity}">${W.severity[m.severity]}</span></td>
            <td>${when(m.joinedAt)}</td>
            <td>${m.resolvedAt !== undefined ? when(m.resolvedAt) : t('inc_stillOpen')}</td>
          </tr>`,
      )}
    </tbody>
  </table>`;
}

/** The timeline, oldest first. */
export function renderTimeline(i: Incident, stations: Stations): TemplateResult {
  const entries = [...i.timeline].sort((a, b) => a.at - b.at);
  return html`<ol class="timeline" data-testid="inc-timeline">
    ${entries.map((e) => html`<li data-type=${e.type}>${when(e.at)} ${timelineText(e, stations)}</li>`)}
  </ol>`;
}
