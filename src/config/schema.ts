/**
 * JSON Schema of the config file. Unknown keys are errors, so a typo ("paper_size") is caught
 * at start instead of being silently ignored. Also drives the ANJUNGAN_* environment overrides.
 */
import { QUIET_HOURS_PATTERN } from '../update/quiet-hours.ts';

const str = { type: 'string' } as const;
const nullableStr = { type: ['string', 'null'] } as const;
const posInt = { type: 'integer', minimum: 1 } as const;
const pin = { type: 'integer', minimum: 0, maximum: 53 } as const;
const nullablePin = { type: ['integer', 'null'], minimum: 0, maximum: 53 } as const;

function obj(properties: Record<string, unknown>, required: string[] = []) {
  return { type: 'object', properties, required, additionalProperties: false } as const;
}

const letterTypeOverride = obj({
  id: str,
  code: { type: 'string', minLength: 1 },
  title: { type: 'string', minLength: 1 },
  menu_label: { type: 'string', minLength: 1 },
  body: { type: 'string', minLength: 1 },
  purposes: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
  validity_days: { type: 'integer', minimum: 0 },
  policy: { enum: ['final', 'pengantar'] },
  required_fields: { type: 'array', items: str },
  daily_limit: { type: 'integer', minimum: 0 },
  enabled: { type: 'boolean' },
  confirm: { enum: ['none', 'birth_date'] },
});

export const configSchema = obj({
  village: obj({
    name: { type: 'string', minLength: 1 },
    kind: { enum: ['desa', 'kelurahan'] },
    kecamatan: { type: 'string', minLength: 1 },
    kabupaten: { type: 'string', minLength: 1 },
    province: { type: 'string', minLength: 1 },
    code: {
      type: 'string',
      pattern: '^[0-9]{2}[0-9]{2}[0-9]{2}[12][0-9]{3}$',
      description: 'is not a kode wilayah: 10 digits without dots, the 7th 1 or 2, e.g. 1809102004',
    },
    address: str,
    head_name: str,
    head_title: str,
    logo_file: nullableStr,
    logo_url: { type: ['string', 'null'], pattern: '^https?://\\S+$' },
    logo_sha256: { type: ['string', 'null'], pattern: '^[0-9a-f]{64}$' },
    announcements: {
      type: 'array',
      maxItems: 20,
      items: obj(
        {
          text: { type: 'string', minLength: 1, maxLength: 160 },
          until: { type: ['string', 'null'], pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' },
          image: nullableStr,
        },
        ['text'],
      ),
    },
  }),
  device: obj({
    id: {
      type: 'string',
      pattern: '^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$',
      description: 'is not a device id: letters, digits, - and _ (at most 64), e.g. kiosk-01',
    },
    uid_key_file: nullableStr,
    signing_key_file: nullableStr,
  }),
  data_dir: { type: 'string', minLength: 1 },
  timeouts: obj({ inactivity_s: posInt, done_s: posInt, message_s: posInt }),
  limits: obj({
    daily_per_type: { type: 'integer', minimum: 0 },
    unknown_cards_per_minute: { type: 'integer', minimum: 0 },
    unknown_card_pause_s: posInt,
  }),
  flow: obj({ repeat_tap_ms: { type: 'integer', minimum: 0 }, rating: { type: 'boolean' } }),
  clock: obj({
    require_sync: { type: 'boolean' },
    check_interval_s: posInt,
    // Host names or addresses only: install.sh writes them into timesyncd.conf.
    ntp_servers: { type: 'array', items: { type: 'string', pattern: '^[A-Za-z0-9][A-Za-z0-9.:-]*$' } },
  }),
  storage: obj({ min_free_mb: { type: 'integer', minimum: 0 }, check_interval_s: posInt }),
  letters: obj({
    numbering: obj({
      format: {
        type: 'string',
        pattern: '\\{seq(:[0-9])?\\}',
        description: 'has no sequence number: include {seq} or {seq:N}',
      },
      counter: { enum: ['per_type', 'shared'] },
    }),
    types: { type: 'object', additionalProperties: letterTypeOverride },
    native_qr: { type: 'boolean' },
    verify_url: { type: ['string', 'null'], pattern: '^https?://[^#\\s]+$' },
  }),
  hardware: obj({
    reader: obj({
      driver: { enum: ['sim', 'pcsc', 'hid'] },
      name: nullableStr,
      hid_device: nullableStr,
      hid_reverse: { type: 'boolean' },
      location_hint: nullableStr,
    }),
    buttons: obj({
      driver: { enum: ['sim', 'gpio'] },
      pins: obj({ up: pin, down: pin, ok: pin, back: pin }, ['up', 'down', 'ok', 'back']),
      active_low: { type: 'boolean' },
      debounce_ms: { type: 'integer', minimum: 0, maximum: 1000 },
      long_press_ms: { type: 'integer', minimum: 100 },
    }),
    display: obj({
      driver: { enum: ['sim', 'framebuffer'] },
      device: nullableStr,
      width: { type: 'integer', minimum: 160, maximum: 4096 },
      height: { type: 'integer', minimum: 120, maximum: 4096 },
      orientation: { enum: ['landscape', 'portrait'] },
      dpi: { type: ['number', 'null'], minimum: 50, maximum: 600 },
    }),
    touch: obj({
      driver: { enum: ['none', 'sim', 'evdev'] },
      device: nullableStr,
      name: nullableStr,
      min_x: { type: ['integer', 'null'] },
      max_x: { type: ['integer', 'null'] },
      min_y: { type: ['integer', 'null'] },
      max_y: { type: ['integer', 'null'] },
      swap_xy: { type: 'boolean' },
      invert_x: { type: 'boolean' },
      invert_y: { type: 'boolean' },
    }),
    printer: obj({
      driver: { enum: ['sim', 'escpos', 'cups'] },
      interface: {
        type: 'string',
        pattern: '^(/|tcp://)',
        description: 'is not a printer: use a device path (/dev/usb/lp0) or tcp://host:port',
      },
      paper_mm: { enum: [58, 80] },
      timeout_ms: { type: 'integer', minimum: 1000 },
      status_interval_s: posInt,
      cups_queue: nullableStr,
      page_size: { enum: ['a4', 'f4'] },
    }),
    receipt_printer: obj({
      driver: { enum: ['none', 'sim', 'escpos'] },
      interface: {
        type: 'string',
        pattern: '^(/|tcp://)',
        description: 'is not a printer: use a device path (/dev/usb/lp1) or tcp://host:port',
      },
      paper_mm: { enum: [58, 80] },
      timeout_ms: { type: 'integer', minimum: 1000 },
      status_interval_s: posInt,
    }),
    indicator: obj({
      driver: { enum: ['none', 'sim', 'gpio'] },
      led_pin: nullablePin,
      buzzer_pin: nullablePin,
    }),
  }),
  mqtt: obj({
    url: {
      description:
        'is not a broker URL: use mqtt://, mqtts://, ws:// or wss:// (a list of them for a cluster, null for no reporting)',
      anyOf: [
        { type: 'null' },
        { type: 'string', pattern: '^(mqtts?|wss?|tcp|ssl)://' },
        { type: 'array', minItems: 1, items: { type: 'string', pattern: '^(mqtts?|wss?|tcp|ssl)://' } },
      ],
    },
    username: nullableStr,
    password: nullableStr,
    ca_file: nullableStr,
    cert_file: nullableStr,
    key_file: nullableStr,
    protocol_version: { enum: [4, 5] },
    telemetry_interval_s: posInt,
    district_public_key: nullableStr,
    operator_public_keys: { type: 'array', items: { type: 'string', minLength: 1 } },
    command_max_age_s: posInt,
    outbox: obj({ max_messages: { type: 'integer', minimum: 100 }, drain_rate: posInt }),
    embedded_port: { type: 'integer', minimum: 0, maximum: 65535 },
  }),
  audio: obj({
    driver: { enum: ['none', 'alsa'] },
    device: nullableStr,
    volume: { type: 'integer', minimum: 0, maximum: 100 },
    prompts_dir: nullableStr,
  }),
  log: obj({ level: { enum: ['trace', 'debug', 'info', 'warn', 'error'] } }),
  update: obj({
    root: { type: 'string', minLength: 1 },
    health_window_s: posInt,
    bandwidth_kbps: { type: 'integer', minimum: 0 },
    quiet_hours: { type: ['string', 'null'], pattern: QUIET_HOURS_PATTERN },
    ca_file: nullableStr,
  }),
});
