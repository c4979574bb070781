/**
 * Optional push of new alerts to a webhook (`--alert-webhook URL`: a Telegram bot or a WhatsApp
 * gateway behind a small relay). Rate-limited: new alerts are batched and at most one request
 * goes out per interval (default 60 s), listing at most MAX_LISTED alerts and how many more.
 * A failing webhook is logged and never stops the dashboard.
 */
import type { Logger } from '../log.ts';
import type { Alert } from './alerts.ts';

export const MAX_LISTED = 20;

export class AlertWebhook {
  private pending: Alert[] = [];
  private lastSent = 0;
  private timer: NodeJS.Timeout | null = null;
  sent = 0;

  constructor(
    private readonly url: string,
    private readonly intervalMs: number,
    private readonly names: (kiosk: string) => string,
    private readonly logger: Logger,
  ) {}

  push(alerts: Alert[]): void {
    if (alerts.length === 0) return;
    this.pending.push(...alerts);
    if (this.timer) return;
    const wait = Math.max(0, this.lastSent + this.intervalMs - Date.now());
    this.timer = setTimeout(() => void this.send(), wait);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async send(): Promise<void> {
    this.timer = null;
    const batch = this.pending;
    this.pending = [];
    this.lastSent = Date.now();
    const lines = batch.slice(0, MAX_LISTED).map((a) => `${this.names(a.kiosk)}: ${a.kind} (${a.detail})`);
    if (batch.length > MAX_LISTED) lines.push(`… dan ${batch.length - MAX_LISTED} lainnya`);
    const body = {
      text: `Anjungan: ${batch.length} peringatan baru\n${lines.join('\n')}`,
      alerts: batch.slice(0, MAX_LISTED).map((a) => ({
        kiosk: a.kiosk,
        kind: a.kind,
        since: new Date(a.since).toISOString(),
        detail: a.detail,
      })),
      more: Math.max(0, batch.length - MAX_LISTED),
    };
    try {
      const res = await fetch(this.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      this.sent++;
      if (!res.ok)
        this.logger.warn({ status: res.status }, 'dashboard: alert webhook answered with an error');
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'dashboard: alert webhook unreachable');
    }
  }
}
