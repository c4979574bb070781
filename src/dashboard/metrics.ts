/**
 * `/metrics` for Prometheus (prom-client): per-kiosk gauges read from the fleet at scrape time,
 * and per-kiosk counters of letters issued and failed since the dashboard started (Prometheus'
 * `increase()` handles the restarts).
 */
import { Counter, Gauge, Registry } from 'prom-client';
import type { Fleet } from './fleet.ts';

export function createMetrics(fleet: Fleet): {
  registry: Registry;
  countEvent(kiosk: string, type: string): void;
} {
  const registry = new Registry();
  const labelNames = ['village', 'device'] as const;
  const gauge = (name: string, help: string, value: (r: ReturnType<Fleet['all']>[number]) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      collect() {
        this.reset();
        for (const r of fleet.all()) {
          const v = value(r);
          if (v !== null) this.set({ village: r.village, device: r.device }, v);
        }
      },
    });
  gauge('anjungan_kiosk_online', '1 when the kiosk is online', (r) => (r.availability === 'online' ? 1 : 0));
  gauge('anjungan_kiosk_out_of_service', '1 when the kiosk cannot serve', (r) =>
    r.out_of_service.length > 0 ? 1 : 0,
  );
  gauge('anjungan_kiosk_paper_out', '1 when the printer is out of paper', (r) =>
    r.printer === 'paper_out' ? 1 : 0,
  );
  gauge('anjungan_kiosk_paper_low', '1 when the paper is near its end', (r) =>
    r.printer === 'paper_near_end' ? 1 : 0,
  );
  gauge('anjungan_kiosk_outbox_depth', 'messages waiting in the kiosk outbox', (r) => r.outbox_depth);
  gauge('anjungan_kiosk_letters_today', 'letters issued today (kiosk count)', (r) => r.letters_today);
  const issued = new Counter({
    name: 'anjungan_letters_issued_total',
    help: 'letters issued',
    labelNames,
    registers: [registry],
  });
  const failed = new Counter({
    name: 'anjungan_letters_failed_total',
    help: 'letters failed',
    labelNames,
    registers: [registry],
  });
  return {
    registry,
    countEvent(kiosk, type) {
      const [village = '', device = ''] = kiosk.split('/');
      if (type === 'letter_issued') issued.inc({ village, device });
      if (type === 'letter_failed') failed.inc({ village, device });
    },
  };
}
