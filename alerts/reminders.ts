import type { AlertEngine } from './engine.js';
import type { Notifier } from './notify/notifier.js';

/**
 * Reminders for unacknowledged critical alerts every N minutes, and escalation to the second
 * route when an alert is still unacknowledged after M minutes (wall clock). Silenced and
 * flapping alerts are held: that is the point of silences and of flap detection.
 */
export function checkReminders(engine: AlertEngine, notifier: Notifier, now: number): void {
  for (const t of engine.openTracks()) {
    const a = t.alert;
    if (!a || a.state !== 'firing' || a.silenced || a.flapping) continue;
    if (!t.routeEscalated && now - t.openedAt >= notifier.escalateAfterMs) {
      t.routeEscalated = true;
      notifier.escalate({ type: 'reminder', at: now, alert: { ...a } }, now - t.openedAt);
    }
    if (a.severity !== 'critical') continue;
    const last = Number.isNaN(t.notifiedAt) ? t.openedAt : t.notifiedAt;
    if (now - last >= notifier.reminderEveryMs) {
      t.notifiedAt = now;
      engine.emit('reminder', t);
    }
  }
}
