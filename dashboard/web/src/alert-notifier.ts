import { alertText } from './model/alert-text.js';
import type { AlertEvent } from '../../../core/index.js';
import { t } from './i18n/index.js';

const KEY = 'quantrac.notify';

export interface NotifySettings {
  sound: boolean;
  desktop: boolean;
}

export function readNotifySettings(): NotifySettings {
  try {
    const raw = JSON.parse(localStorage.getItem(KEY) ?? '{}') as Partial<NotifySettings>;
    return { sound: raw.sound === true, desktop: raw.desktop === true };
  } catch {
    return { sound: false, desktop: false };
  }
}

export function writeNotifySettings(s: NotifySettings): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    // private mode: lasts for this page only
  }
}

let audio: AudioContext | undefined;

/** Two short tones: audible in a control room without being a siren. */
function beep(): void {
  try {
    audio ??= new AudioContext();
    const at = audio.currentTime;
    for (const [i, freq] of [880, 660].entries()) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.frequency.value = freq;
      gain.gain.setValueAtTime(0.15, at + i * 0.25);
      gain.gain.exponentialRampToValueAtTime(0.001, at + i * 0.25 + 0.22);
      osc.connect(gain).connect(audio.destination);
      osc.start(at + i * 0.25);
      osc.stop(at + i * 0.25 + 0.23);
    }
  } catch {
    // no audio device: the visual alert is still there
  }
}

/**
 * The optional sound and desktop notification for new critical alerts (docs/DOMAIN.md, "What the receiving centre must do"): only when
 * an alert is raised as, or escalated to, critical; never for reminders or acknowledgements,
 * so that the channel does not storm.
 */
export function notifyAlert(event: AlertEvent, settings: NotifySettings): void {
  const a = event.alert;
  if (a.severity !== 'critical' || (event.type !== 'raised' && event.type !== 'escalated') || a.silenced) return;
  if (settings.sound) beep();
  if (settings.desktop && 'Notification' in window && Notification.permission === 'granted') {
    try {
      new Notification(t('newCritical', { station: a.station }), { body: alertText(a), tag: a.id });
    } catch {
      // some browsers allow notifications only from a service worker
    }
  }
}
