import { decodeSpoolLine, type SpoolReading } from './upstream-decode.js';

/** What the batcher needs of the catalogue: a station parameter's unit (core/catalogue.ts). */
export interface RelayCatalogue {
  stations: ReadonlyArray<{ id: string }>;
  station(id: string): unknown;
  stationParameter(stationId: string, parameter: string): { unit: string } | undefined;
}

/** One MQTT message to the upstream, with what it carries (counted once acknowledged). */
export interface OutMessage {
  topic: string;
  payload: string;
  readings: number;
  alertEvents: number;
}

/**
 * A step of the cursor: the spool up to offset `end` (`lines` lines since the previous unit) is
 * done once `message` (if any) is acknowledged. The cursor advances only at unit boundaries.
 */
export interface Unit {
  end: number;
  lines: number;
  message?: OutMessage;
}

export interface BatchOptions {
  catalogue: RelayCatalogue;
  /** Readings per message, at most (UPSTREAM_BATCH_READINGS). */
  batchReadings: number;
  /** Told of each line skipped and counted (not relayed), with why; the text is the line's first bytes. */
  onSkip(reason: string, text: string): void;
}

interface Group {
  station: string;
  seq?: number;
  readings: SpoolReading[];
  /** Offset just past the group's last reading, and the line count there. */
  end: number;
  linesAtEnd: number;
}

/**
 * Turns a chunk of spool lines read from offset `from` into units (docs/PROTOCOL.md, "Readings
 * message"): consecutive readings of one station make one Readings message of at most
 * `batchReadings`, each reading with its own `ts`; a `#seq` line starts a new message carrying
 * that seq (only its first part, when it is split); an alert event is a message of its own on
 * `stations/{id}/alerts`. Offsets are bytes (the spool's logical offsets, ingest/spool-reader.ts).
 * The last unit ends at the chunk's end, so the cursor can pass lines that carry nothing.
 */
export function chunkToUnits(data: Buffer, from: number, options: BatchOptions): Unit[] {
  const units: Unit[] = [];
  let lines = 0;
  let unitLines = 0;
  let group: Group | undefined;
  const flush = (): void => {
    if (group && group.readings.length > 0) {
      units.push({ end: group.end, lines: group.linesAtEnd - unitLines, message: readingsMessage(group, options.catalogue) });
      unitLines = group.linesAtEnd;
    }
    group = undefined;
  };
  for (let start = 0; start < data.length;) {
    const nl = data.indexOf(0x0a, start);
    const stop = nl < 0 ? data.length : nl + 1;
    const text = data.toString('utf8', start, nl < 0 ? data.length : nl).replace(/\r$/, '');
    start = stop;
    lines++;
    const item = decodeSpoolLine(text);
    if (item.kind === 'reading') {
      if (options.catalogue.stationParameter(item.station, item.parameter) === undefined) {
        options.onSkip(`${item.station} ${item.parameter} is not in the catalogue`, text);
        continue;
      }
      if (!group || group.station !== item.station || group.readings.length >= options.batchReadings) {
        flush();
        group = { station: item.station, readings: [], end: 0, linesAtEnd: 0 };
      }
      group.readings.push(item);
      group.end = from + stop;
      group.linesAtEnd = lines;
    } else if (item.kind === 'seq') {
      flush();
      group = { station: item.station, seq: item.seq, readings: [], end: 0, linesAtEnd: 0 };
    } else if (item.kind === 'alert') {
      if (options.catalogue.station(item.station) === undefined) {
        options.onSkip(`alert event of ${item.station}, which is not in the catalogue`, text);
        continue;
      }
      flush();
      const payload = JSON.stringify(item.event);
      units.push({
        end: from + stop,
        lines: lines - unitLines,
        message: { topic: alertTopic(item.station), payload, readings: 0, alertEvents: 1 },
      });
      unitLines = lines;
    } else if (item.kind === 'skip') {
      options.onSkip(item.reason, text);
    }
  }
  flush();
  if (lines > unitLines || units.length === 0) units.push({ end: from + data.length, lines: lines - unitLines });
  return units;
}

/** The upstream's topic for a station's alert events (a topic of the levels of centres, beside the gateway contract's). */
export const alertTopic = (stationId: string): string => `stations/${stationId}/alerts`;

/** A gateway contract Readings message: `ts` of the first reading, each reading its own `ts`, unit from the catalogue. */
function readingsMessage(group: Group, catalogue: RelayCatalogue): OutMessage {
  const first = group.readings[0]!;
  const body = {
    station: group.station,
    ts: first.ts,
    ...(group.seq === undefined ? {} : { seq: group.seq }),
    readings: group.readings.map((r) => ({
      parameter: r.parameter,
      value: r.value,
      unit: catalogue.stationParameter(r.station, r.parameter)!.unit,
      status: r.status,
      ts: r.ts,
    })),
  };
  return { topic: `stations/${group.station}/readings`, payload: JSON.stringify(body), readings: group.readings.length, alertEvents: 0 };
}
