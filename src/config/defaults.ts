import type { Config } from './config.ts';

export const DEFAULT_CONFIG_PATH = '/etc/anjungan/config.json';

/**
 * Embedded defaults. With no config file these run the demo village in simulator mode
 * (data under ./var); a config file overrides any part of them.
 */
export function defaultConfig(): Config {
  return {
    village: {
      name: 'Hanura',
      kind: 'desa',
      kecamatan: 'Teluk Pandan',
      kabupaten: 'Pesawaran',
      province: 'Lampung',
      code: '1809102004',
      address: 'Jl. Raya Hanura No. 1, Teluk Pandan, Pesawaran 35450',
      head_name: 'SUPRIYANTO',
      head_title: 'Kepala Desa',
      logo_file: null,
      announcements: [],
    },
    device: { id: 'kiosk-01', uid_key_file: null, signing_key_file: null },
    data_dir: '/var/lib/anjungan',
    timeouts: { inactivity_s: 30, done_s: 15, message_s: 10 },
    limits: { daily_per_type: 2, unknown_cards_per_minute: 5, unknown_card_pause_s: 60 },
    flow: { repeat_tap_ms: 1000, rating: false },
    clock: { require_sync: false, check_interval_s: 10, ntp_servers: [] },
    storage: { min_free_mb: 50, check_interval_s: 10 },
    letters: {
      numbering: { format: '{code}/{seq:3}/{village_code}/{roman_month}/{year}', counter: 'per_type' },
      types: {},
      native_qr: false,
      verify_url: null,
    },
    hardware: {
      reader: { driver: 'sim', name: null, hid_device: null, hid_reverse: false, location_hint: null },
      buttons: {
        driver: 'sim',
        pins: { up: 17, down: 27, ok: 22, back: 23 },
        active_low: true,
        debounce_ms: 30,
        long_press_ms: 2000,
      },
      display: {
        driver: 'sim',
        device: null,
        width: 480,
        height: 320,
        orientation: 'landscape',
        dpi: null,
      },
      touch: {
        driver: 'none',
        device: null,
        name: null,
        min_x: null,
        max_x: null,
        min_y: null,
        max_y: null,
        swap_xy: false,
        invert_x: false,
        invert_y: false,
      },
      printer: {
        driver: 'sim',
        interface: '/dev/usb/lp0',
        paper_mm: 58,
        timeout_ms: 30000,
        status_interval_s: 15,
        cups_queue: null,
        page_size: 'a4',
      },
      receipt_printer: {
        driver: 'none',
        interface: '/dev/usb/lp1',
        paper_mm: 58,
        timeout_ms: 15000,
        status_interval_s: 30,
      },
      indicator: { driver: 'none', led_pin: null, buzzer_pin: null },
    },
    mqtt: {
      url: null,
      username: null,
      password: null,
      ca_file: null,
      cert_file: null,
      key_file: null,
      protocol_version: 5,
      telemetry_interval_s: 60,
      district_public_key: null,
      operator_public_keys: [],
      command_max_age_s: 300,
      outbox: { max_messages: 50000, drain_rate: 50 },
      embedded_port: 0,
    },
    audio: { driver: 'none', device: null, volume: 80, prompts_dir: null },
    log: { level: 'info' },
    update: { root: '/', health_window_s: 120, bandwidth_kbps: 0, quiet_hours: null, ca_file: null },
  };
}
