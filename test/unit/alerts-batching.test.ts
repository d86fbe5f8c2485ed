import { describe, expect, it } from 'vitest';
import { createSeriesIndex, type Reading } from '../../core/index.js';
import { createReadingUnpacker, type ReadingBatch } from '../../alerts/index.js';
import { BATCH_READINGS, createBatchSender, FLUSH_MS } from '../../alerts/batch-sender.js';
import { alertsTestCatalogue, STATION, STATION_B, ZONE } from '../helpers/alerts-fixture.js';
import { createVirtualTime } from '../helpers/virtual-time.js';

const reading = (station: string, parameter: string, value: number, ts: number): Reading => ({
  station,
  zone: ZONE,
  parameter,
  value,
  unit: parameter === 'pH' ? 'pH' : 'mg/L',
  status: '00',
  ts,
  receivedAt: ts + 5,
});

describe('the batch sender: readings to the alerts worker, in virtual time', () => {
  const setUp = () => {
    const vt = createVirtualTime();
    const catalogue = alertsTestCatalogue();
    const index = createSeriesIndex(catalogue);
    const sent: ReadingBatch[] = [];
    const sender = createBatchSender({ index, scheduler: vt.scheduler, send: (b) => sent.push(b) });
    return { vt, sent, sender, unpack: createReadingUnpacker(index, catalogue) };
  };

  it('sends nothing before 10 ms of virtual time after the first reading, then the readings in one batch', () => {
    const { vt, sent, sender, unpack } = setUp();
    expect(FLUSH_MS).toBe(10);
    const readings = [
      reading(STATION, 'COD', 80, vt.now()),
      reading(STATION_B, 'COD', 120, vt.now()),
      reading(STATION, 'pH', 7.2, vt.now()),
    ];
    sender.push(readings[0]!);
    vt.advanceBy(4);
    sender.push(readings[1]!);
    sender.push(readings[2]!);
    vt.advanceBy(5); // 9 ms after the first reading
    expect(sent).toEqual([]);
    vt.advanceBy(1);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.n).toBe(3);
    expect([...unpack(sent[0]!)].map((r) => ({ ...r, zone: ZONE }))).toEqual(readings);
    // Nothing is open: time passing sends nothing more, and the next batch waits 10 ms from its own first reading.
    vt.advanceBy(50);
    expect(sent).toHaveLength(1);
    sender.push(reading(STATION, 'COD', 81, vt.now()));
    vt.advanceBy(9);
    expect(sent).toHaveLength(1);
    vt.advanceBy(1);
    expect(sent.map((b) => b.n)).toEqual([3, 1]);
  });

  it('sends 8,192 readings at once, without waiting, and leaves no timer behind', () => {
    const { vt, sent, sender } = setUp();
    expect(BATCH_READINGS).toBe(8192);
    for (let i = 0; i < BATCH_READINGS - 1; i++) sender.push(reading(STATION, 'COD', i, vt.now()));
    expect(sent).toEqual([]);
    sender.push(reading(STATION, 'COD', 1, vt.now()));
    expect(sent.map((b) => b.n)).toEqual([BATCH_READINGS]);
    expect(sender.size).toBe(0);
    vt.advanceBy(FLUSH_MS * 2);
    expect(sent).toHaveLength(1);
  });

  it('flush() sends what is packed at once (before a call), and a series the catalogue does not list is ignored', () => {
    const { vt, sent, sender } = setUp();
    sender.push(reading('NOT-A-STATION', 'COD', 1, vt.now()));
    sender.flush();
    expect(sent).toEqual([]);
    sender.push(reading(STATION, 'COD', 1, vt.now()));
    sender.flush();
    expect(sent.map((b) => b.n)).toEqual([1]);
    vt.advanceBy(FLUSH_MS);
    expect(sent).toHaveLength(1);
  });
});
