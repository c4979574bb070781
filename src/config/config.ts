/**
 * The kiosk's configuration: one JSON file (default /etc/anjungan/config.json), keys in
 * snake_case, every key overridable by ANJUNGAN_<PATH> (see load-config.ts). These names are a
 * contract with technicians, the provisioning CLI and the district: change them only with care.
 */
import type { LetterType } from '../letters/letter-type.ts';

export type Driver<T extends string> = T | 'sim';

export interface VillageConfig {
  /** "Hanura" (without the "Desa" prefix). */
  name: string;
  /** "desa" or "kelurahan": decides "DESA"/"KELURAHAN" and "Kepala Desa"/"Lurah" on letters. */
  kind: 'desa' | 'kelurahan';
  kecamatan: string;
  kabupaten: string;
  province: string;
  /** Kode wilayah, 10 digits without dots: 1809102004. */
  code: string;
  address: string;
  /** Name of the Kepala Desa, printed under the signature line. */
  head_name: string;
  /** "Kepala Desa" unless set; "Sekretaris Desa" for "a.n." signing. */
  head_title: string;
  /** Optional PNG logo printed on the kop surat. */
  logo_file: string | null;
  /**
   * A logo the district publishes (set remotely): downloaded into <data_dir>/logo/ and used
   * instead of logo_file once its sha256 matches logo_sha256. Optional for older config files.
   */
  logo_url?: string | null;
  logo_sha256?: string | null;
  /** The village's news, shown in turn under the idle screen's call to action. */
  announcements?: Announcement[];
}

export interface Announcement {
  /** A short text in the village's words (at most 160 characters). */
  text: string;
  /** Last day it is shown (YYYY-MM-DD, the kiosk's local date); null or absent: until removed. */
  until?: string | null;
  /** A picture (PNG or JPEG file) shown with the text, scaled to the room under the call to action. */
  image?: string | null;
}

export interface Config {
  village: VillageConfig;
  device: {
    /** Stable id of this kiosk within the village; the MQTT client id derives from it. */
    id: string;
    /** HMAC key for card UIDs and resident references; default <data_dir>/keys/uid-hmac.key. */
    uid_key_file: string | null;
    /** Ed25519 private key (PKCS#8 PEM) that signs letter QR tokens; default <data_dir>/keys/letter-signing.pem. */
    signing_key_file: string | null;
  };
  data_dir: string;
  timeouts: {
    /** Inactivity before any screen returns to idle. */
    inactivity_s: number;
    /** How long "ambil surat Anda" stays. */
    done_s: number;
    /** How long short messages (unknown card, limit reached, …) stay. */
    message_s: number;
  };
  limits: {
    /** Letters of one type per resident per day, unless the type says otherwise. */
    daily_per_type: number;
    /** This many unknown cards within a minute pause card reading (0: never). */
    unknown_cards_per_minute: number;
    /** How long reading pauses after such a burst. */
    unknown_card_pause_s: number;
  };
  flow: {
    /** Taps of the same card within this window count as one. */
    repeat_tap_ms: number;
    /** Ask for a rating (Puas / Cukup / Kurang) on the done screen; skippable. */
    rating: boolean;
  };
  clock: {
    /** Also require the system to report its clock synchronised (timedatectl / adjtimex). */
    require_sync: boolean;
    /** How often the clock is re-checked while untrusted. */
    check_interval_s: number;
    /** The district's NTP servers; scripts/install.sh points systemd-timesyncd at them. */
    ntp_servers: string[];
  };
  storage: {
    /** Below this many MB free in data_dir the kiosk is out of service (storage_full) before a number is taken. */
    min_free_mb: number;
    /** How often the free space is measured (also before every letter and after a full disk refused a write). */
    check_interval_s: number;
  };
  letters: {
    numbering: {
      /** Placeholders: {code} {seq:N} {village_code} {roman_month} {month} {year}. */
      format: string;
      /** One counter per letter type (village default) or one shared by all types. */
      counter: 'per_type' | 'shared';
    };
    /** Per-village overrides by letter type id; a new id with every field adds a type. */
    types: Record<string, Partial<LetterType>>;
    /** Print the QR with the printer's native GS ( k instead of a raster image. */
    native_qr: boolean;
    /** Address of the district's verification page; the QR holds `<verify_url>#<token>`. null: the bare token. */
    verify_url: string | null;
  };
  hardware: {
    reader: {
      driver: Driver<'pcsc' | 'hid'>;
      /** PC/SC reader name (substring match); null: the first reader. */
      name: string | null;
      /** Keyboard-mode reader: the input device, e.g. /dev/input/by-id/usb-…-event-kbd. */
      hid_device: string | null;
      /** Keyboard-mode reader types the UID bytes in reverse order. */
      hid_reverse: boolean;
      /** Where the reader sits, said on the idle screen ("di sebelah kanan layar"); null: a generic phrase. */
      location_hint?: string | null;
    };
    buttons: {
      driver: Driver<'gpio'>;
      /** BCM pin numbers. */
      pins: { up: number; down: number; ok: number; back: number };
      active_low: boolean;
      debounce_ms: number;
      long_press_ms: number;
    };
    display: {
      driver: Driver<'framebuffer'>;
      /** Framebuffer name as in /sys/class/graphics/fbN/name (substring), or "fb1"; null: first. */
      device: string | null;
      width: number;
      height: number;
      orientation: 'landscape' | 'portrait';
      /** Pixels per inch of the panel, for finger-sized touch targets; null: known panels' value by size. */
      dpi: number | null;
    };
    /** Touch panel (see docs/technician.md); 'none': buttons only. */
    touch: TouchConfig;
    printer: {
      driver: Driver<'escpos' | 'cups'>;
      /** /dev/usb/lp0 or tcp://host:port. */
      interface: string;
      paper_mm: 58 | 80;
      /** A job that has not finished by then is failed (the library can write late). */
      timeout_ms: number;
      /** Status poll interval while idle. */
      status_interval_s: number;
      /** driver cups: the queue, a name on this machine's CUPS ("A4") or an ipp:// URL. */
      cups_queue: string | null;
      /** driver cups: A4, or F4/folio (215 × 330 mm) as many village offices use. */
      page_size: 'a4' | 'f4';
    };
    /**
     * Optional thermal slip printer beside an A4 letter printer: the resident's receipt (number,
     * type, where to take the letter, QR). Its faults never take the kiosk out of service.
     */
    receipt_printer: {
      driver: 'none' | 'sim' | 'escpos';
      interface: string;
      paper_mm: 58 | 80;
      timeout_ms: number;
      status_interval_s: number;
    };
    indicator: {
      driver: 'none' | 'sim' | 'gpio';
      led_pin: number | null;
      buzzer_pin: number | null;
    };
  };
  mqtt: {
    /** Broker URL, or several (nodes of a cluster) to fail over between; null: no reporting
     * (in simulator mode an embedded broker is started on loopback instead). */
    url: string | string[] | null;
    username: string | null;
    password: string | null;
    ca_file: string | null;
    cert_file: string | null;
    key_file: string | null;
    protocol_version: 4 | 5;
    telemetry_interval_s: number;
    /** District's Ed25519 public key (PEM) that signs commands; null refuses every command. */
    district_public_key: string | null;
    /** Ed25519 public keys (PEM) accepted only for status, out_of_service and ping (a dashboard's key). */
    operator_public_keys: string[];
    /** Commands older than this (or from the future by more) are refused. */
    command_max_age_s: number;
    outbox: {
      /** Upper bound of queued messages; telemetry goes first, then oldest non-letter events. */
      max_messages: number;
      /** Messages per second when draining a backlog. */
      drain_rate: number;
    };
    /** Port of the embedded broker in simulator mode (0: any free port). */
    embedded_port: number;
  };
  /** Spoken guidance (see docs/technician.md): off unless "alsa". */
  audio: {
    driver: 'none' | 'alsa';
    /** ALSA device for aplay ("default", "plughw:1,0"); null: the default. */
    device: string | null;
    /** 0–100. */
    volume: number;
    /** A village's own recordings, `<prompt id>.wav`; missing ones are spoken by espeak-ng. */
    prompts_dir: string | null;
  };
  log: { level: 'trace' | 'debug' | 'info' | 'warn' | 'error' };
  update: {
    /** Where releases, release keys and the health file live ('/'; tests use a temporary root). */
    root: string;
    /** A new release must be healthy within this many seconds of the switch, or it is rolled back. */
    health_window_s: number;
    /** Cap on online update downloads in kbit/s (3G villages); 0 = unlimited. */
    bandwidth_kbps: number;
    /** Local-time window for installing online updates, "22:00-05:00"; null = any quiet moment. */
    quiet_hours: string | null;
    /** A CA certificate (PEM) trusted for the district's update server besides the system's. */
    ca_file: string | null;
  };
}

export interface TouchConfig {
  driver: 'none' | 'sim' | 'evdev';
  /** Input device path (/dev/input/eventN or a by-path link); null: found by `name`. */
  device: string | null;
  /** Device name substring as in /proc/bus/input/devices ("FT5406", "Goodix", "ILITEK"). */
  name: string | null;
  /** Raw axis range; null: the named panel's known range, else the display's size. */
  min_x: number | null;
  max_x: number | null;
  min_y: number | null;
  max_y: number | null;
  /** The panel's X axis runs along the display's Y axis (panel mounted rotated). */
  swap_xy: boolean;
  /** Mirror the axes (after the swap). */
  invert_x: boolean;
  invert_y: boolean;
}

/** The loaded config plus where it came from. */
export interface LoadedConfig {
  config: Config;
  /** True when no config file was found and the embedded demo defaults are in use. */
  simulator: boolean;
  /** The file read, or null. */
  source: string | null;
}
