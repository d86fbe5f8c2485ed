/**
 * The load generator's QoS 1 publishes waiting for their PUBACK (bench/mqtt-wire.ts): packet
 * ids 1-65535 (MQTT 3.1.1 section 2.3.1, id 0 is not allowed), each with the callback its
 * PUBACK runs.
 */
export class PendingAcks {
  private readonly acks = new Array<(() => void) | undefined>(65536);
  private nextId = 1;
  /** Publishes not yet acknowledged. */
  outstanding = 0;

  /** A free packet id for a publish, `onAck` to run at its PUBACK. */
  add(onAck: () => void): number {
    // Skip ids still waiting for their PUBACK (only when 65,535 are outstanding would this spin).
    while (this.acks[this.nextId] !== undefined) this.nextId = this.nextId === 65535 ? 1 : this.nextId + 1;
    const id = this.nextId;
    this.nextId = this.nextId === 65535 ? 1 : this.nextId + 1;
    this.acks[id] = onAck;
    this.outstanding++;
    return id;
  }

  /** A PUBACK for `id`: runs its callback once; an id not waiting is ignored. */
  settle(id: number): void {
    const cb = this.acks[id];
    if (cb) {
      this.acks[id] = undefined;
      this.outstanding--;
      cb();
    }
  }
}
