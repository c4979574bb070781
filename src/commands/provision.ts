/**
 * `anjungan provision`: writes the kiosk's config (from flags, or by asking on a terminal),
 * validates it with the same schema the daemon uses, creates the device secrets readable only by
 * the service user, and prints the public key the village registers for letter verification.
 */
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { createInterface } from 'node:readline/promises';
import type { Config } from '../config/config.ts';
import { DEFAULT_CONFIG_PATH } from '../config/defaults.ts';
import { configFileProblems } from '../config/file-checks.ts';
import { loadConfig } from '../config/load-config.ts';
import { KioskError } from '../errors.ts';
import { keyPaths, loadOrCreateKeys } from '../store/keys.ts';
import { chownTree, isRoot, lookupServiceUser, SERVICE_USER } from '../systemd/service-user.ts';
import type { Command, CommandIo } from './command.ts';
import { parseCommandArgs, usageError } from './context.ts';

type Kind = 'text' | 'int' | 'bool' | 'file' | 'urls';

interface Setting {
  flag: string;
  /** Config key path. */
  key: string;
  kind: Kind;
  prompt: string;
  /** Must be given (or answered) in a real provisioning: no demo default. */
  required?: boolean;
  choices?: string[];
  /** Asked interactively (the rest keep their defaults unless given as flags). */
  ask?: boolean;
}

const SETTINGS: Setting[] = [
  {
    flag: 'village-name',
    key: 'village.name',
    kind: 'text',
    prompt: 'Village name (without "Desa")',
    required: true,
    ask: true,
  },
  {
    flag: 'village-kind',
    key: 'village.kind',
    kind: 'text',
    prompt: 'desa or kelurahan',
    choices: ['desa', 'kelurahan'],
    ask: true,
  },
  {
    flag: 'village-code',
    key: 'village.code',
    kind: 'text',
    prompt: 'Village code (kode wilayah, 10 digits)',
    required: true,
    ask: true,
  },
  {
    flag: 'kecamatan',
    key: 'village.kecamatan',
    kind: 'text',
    prompt: 'Kecamatan',
    required: true,
    ask: true,
  },
  {
    flag: 'kabupaten',
    key: 'village.kabupaten',
    kind: 'text',
    prompt: 'Kabupaten / kota',
    required: true,
    ask: true,
  },
  { flag: 'province', key: 'village.province', kind: 'text', prompt: 'Province', required: true, ask: true },
  { flag: 'address', key: 'village.address', kind: 'text', prompt: 'Village office address', ask: true },
  {
    flag: 'head-name',
    key: 'village.head_name',
    kind: 'text',
    prompt: 'Name of the Kepala Desa / Lurah',
    ask: true,
  },
  { flag: 'head-title', key: 'village.head_title', kind: 'text', prompt: 'Signing title', ask: true },
  {
    flag: 'logo-file',
    key: 'village.logo_file',
    kind: 'text',
    prompt: 'Logo PNG for the letterhead (blank: none)',
  },
  {
    flag: 'device-id',
    key: 'device.id',
    kind: 'text',
    prompt: 'Device id (unique in the village, e.g. kiosk-01)',
    required: true,
    ask: true,
  },
  { flag: 'data-dir', key: 'data_dir', kind: 'text', prompt: 'Data directory' },
  {
    flag: 'mqtt-url',
    key: 'mqtt.url',
    kind: 'urls',
    prompt: 'District broker URL(s), comma-separated (blank: no reporting)',
    ask: true,
  },
  {
    flag: 'mqtt-username',
    key: 'mqtt.username',
    kind: 'text',
    prompt: 'Broker username (blank: none)',
    ask: true,
  },
  {
    flag: 'mqtt-password-file',
    key: 'mqtt.password',
    kind: 'file',
    prompt: 'File holding the broker password (blank: none)',
    ask: true,
  },
  {
    flag: 'mqtt-protocol',
    key: 'mqtt.protocol_version',
    kind: 'int',
    prompt: 'MQTT version: 5, or 4 for MQTT 3.1.1 brokers',
    choices: ['4', '5'],
  },
  {
    flag: 'ca-file',
    key: 'mqtt.ca_file',
    kind: 'text',
    prompt: 'CA certificate file for mqtts:// (blank: system CAs)',
  },
  { flag: 'cert-file', key: 'mqtt.cert_file', kind: 'text', prompt: 'Client certificate file' },
  { flag: 'key-file', key: 'mqtt.key_file', kind: 'text', prompt: 'Client key file' },
  {
    flag: 'district-key-file',
    key: 'mqtt.district_public_key',
    kind: 'file',
    prompt: "District's command public key (PEM file)",
  },
  {
    flag: 'paper-mm',
    key: 'hardware.printer.paper_mm',
    kind: 'int',
    prompt: 'Paper width in mm',
    choices: ['58', '80'],
    ask: true,
  },
  {
    flag: 'printer',
    key: 'hardware.printer.driver',
    kind: 'text',
    prompt: 'Printer',
    choices: ['escpos', 'cups', 'sim'],
    ask: true,
  },
  {
    flag: 'cups-queue',
    key: 'hardware.printer.cups_queue',
    kind: 'text',
    prompt: 'CUPS queue of the A4 printer (printer cups)',
  },
  {
    flag: 'verify-url',
    key: 'letters.verify_url',
    kind: 'text',
    prompt: "The district's letter verification page (https://…/v/)",
  },
  {
    flag: 'printer-interface',
    key: 'hardware.printer.interface',
    kind: 'text',
    prompt: 'Printer device (/dev/usb/lp0 or tcp://host:port)',
    ask: true,
  },
  {
    flag: 'reader',
    key: 'hardware.reader.driver',
    kind: 'text',
    prompt: 'Card reader',
    choices: ['pcsc', 'hid', 'sim'],
    ask: true,
  },
  {
    flag: 'reader-name',
    key: 'hardware.reader.name',
    kind: 'text',
    prompt: 'PC/SC reader name (part of it)',
  },
  {
    flag: 'hid-device',
    key: 'hardware.reader.hid_device',
    kind: 'text',
    prompt: 'Keyboard-mode reader input device',
  },
  {
    flag: 'hid-reverse',
    key: 'hardware.reader.hid_reverse',
    kind: 'bool',
    prompt: 'Reader types the UID bytes reversed',
  },
  {
    flag: 'display',
    key: 'hardware.display.driver',
    kind: 'text',
    prompt: 'Display',
    choices: ['framebuffer', 'sim'],
    ask: true,
  },
  {
    flag: 'display-device',
    key: 'hardware.display.device',
    kind: 'text',
    prompt: 'Framebuffer (fb1 or its name)',
  },
  { flag: 'display-width', key: 'hardware.display.width', kind: 'int', prompt: 'Display width' },
  { flag: 'display-height', key: 'hardware.display.height', kind: 'int', prompt: 'Display height' },
  {
    flag: 'orientation',
    key: 'hardware.display.orientation',
    kind: 'text',
    prompt: 'Orientation',
    choices: ['landscape', 'portrait'],
  },
  {
    flag: 'buttons',
    key: 'hardware.buttons.driver',
    kind: 'text',
    prompt: 'Buttons',
    choices: ['gpio', 'sim'],
    ask: true,
  },
  { flag: 'pin-up', key: 'hardware.buttons.pins.up', kind: 'int', prompt: 'BCM pin of the UP button' },
  { flag: 'pin-down', key: 'hardware.buttons.pins.down', kind: 'int', prompt: 'BCM pin of the DOWN button' },
  { flag: 'pin-ok', key: 'hardware.buttons.pins.ok', kind: 'int', prompt: 'BCM pin of the OK button' },
  { flag: 'pin-back', key: 'hardware.buttons.pins.back', kind: 'int', prompt: 'BCM pin of the BACK button' },
  {
    flag: 'active-low',
    key: 'hardware.buttons.active_low',
    kind: 'bool',
    prompt: 'Buttons pull to ground when pressed',
  },
  {
    flag: 'indicator',
    key: 'hardware.indicator.driver',
    kind: 'text',
    prompt: 'LED/buzzer',
    choices: ['none', 'gpio', 'sim'],
  },
  { flag: 'led-pin', key: 'hardware.indicator.led_pin', kind: 'int', prompt: 'BCM pin of the LED' },
  { flag: 'buzzer-pin', key: 'hardware.indicator.buzzer_pin', kind: 'int', prompt: 'BCM pin of the buzzer' },
];

const HELP = `Usage: anjungan provision [options]

Writes the kiosk's config (default ${DEFAULT_CONFIG_PATH}), creates the device keys (card UID
hashing key, letter signing key) readable only by the '${SERVICE_USER}' service user, and prints
the public key the village registers to verify letters. On a terminal it asks for what is not
given; with --non-interactive every required value must be a flag.

Required: --village-name --village-code --kecamatan --kabupaten --province --device-id

Options (each sets the config key in brackets):
${SETTINGS.map((s) => `  --${s.flag.padEnd(20)}${s.choices ? s.choices.join('|') : s.kind === 'bool' ? 'true|false' : s.kind === 'file' ? 'FILE' : ''}  [${s.key}]`).join('\n')}
  --config FILE          where to write the config (default ${DEFAULT_CONFIG_PATH})
  --force                replace an existing config (keys are never replaced)
  --non-interactive      never ask; fail on what is missing
  --interactive          ask even when standard input is not a terminal

Example:
  sudo anjungan provision --non-interactive --village-name Hanura --village-code 1809102004 \\
    --kecamatan "Teluk Pandan" --kabupaten Pesawaran --province Lampung --device-id kiosk-01 \\
    --mqtt-url mqtts://mqtt.pesawarankab.go.id:8883 --mqtt-username hanura-01 \\
    --mqtt-password-file /root/mqtt-password --reader pcsc --printer escpos --display framebuffer \\
    --buttons gpio --paper-mm 58

Exit codes: 0 written, 1 invalid values or the config exists (use --force), 2 wrong usage.`;

const provision: Command = {
  name: 'provision',
  summary: "write this kiosk's config and create its keys",
  help: HELP,
  async run(argv, io) {
    const options: Record<string, { type: 'string' | 'boolean' }> = {
      config: { type: 'string' },
      force: { type: 'boolean' },
      'non-interactive': { type: 'boolean' },
      interactive: { type: 'boolean' },
    };
    for (const s of SETTINGS) options[s.flag] = { type: 'string' };
    const { values, positionals } = parseCommandArgs(argv, options, 'provision');
    if (positionals.length > 0) throw usageError(`unexpected argument '${positionals[0]}'`, 'provision');
    const given = values as Record<string, string | boolean | undefined>;
    const target = path.resolve(
      (given.config as string | undefined) ?? io.env.ANJUNGAN_CONFIG ?? DEFAULT_CONFIG_PATH,
    );
    if (existsSync(target) && !given.force) {
      throw new KioskError(
        'config_invalid',
        `${target} already exists: use --force to replace it (the keys are kept)`,
      );
    }
    const stdinTty = (io.stdin as { isTTY?: boolean }).isTTY === true;
    const interactive = !given['non-interactive'] && (given.interactive === true || stdinTty);

    const answers = new Map<Setting, string>();
    for (const s of SETTINGS) {
      const v = given[s.flag];
      if (typeof v === 'string') answers.set(s, v);
    }
    if (interactive) await ask(io, answers);
    const missing = SETTINGS.filter((s) => s.required && !answers.get(s)?.trim());
    if (missing.length > 0) {
      throw usageError(`missing ${missing.map((s) => `--${s.flag}`).join(', ')}`, 'provision');
    }

    const file: Record<string, unknown> = {};
    for (const [s, raw] of answers) setPath(file, s.key, toValue(s, raw));
    checkVillageKind(file);
    const config = validate(target, file);
    refuseBadReferences(config);
    writeConfig(target, file);
    const keys = await loadOrCreateKeys(config, { create: true });
    const owner = handToServiceUser(target, config);
    const paths = keyPaths(config);
    const der = keys.publicKey.export({ format: 'der', type: 'spki' });
    const fingerprint = createHash('sha256').update(der).digest('hex').slice(0, 32).match(/.{4}/g)?.join(':');
    io.stdout.write(
      `${[
        `config written: ${target}`,
        `village: ${config.village.kind.toUpperCase()} ${config.village.name} (${config.village.code}), device ${config.device.id}`,
        `keys: ${path.dirname(paths.uidKeyFile)} (${owner ?? 'owned by the current user'}, mode 0600)`,
        '',
        'Letter verification public key (register it with the village office and the district; it is also in',
        `${paths.publicKeyFile}):`,
        '',
        keys.publicKeyPem.trimEnd(),
        `fingerprint: ${fingerprint}`,
        '',
        ...simulatedPorts(config),
        'Next: anjungan residents import <file>, anjungan cards enroll <NIK>, anjungan selftest',
      ].join('\n')}\n`,
    );
    return 0;
  },
};

export default provision;

/** A provisioned kiosk with simulated ports is almost always a forgotten flag: say so. */
function simulatedPorts(config: Config): string[] {
  const hw = config.hardware;
  const sim = (['reader', 'printer', 'display', 'buttons'] as const).filter((p) => hw[p].driver === 'sim');
  return sim.length === 0
    ? []
    : [`note: simulated ${sim.join(', ')} (set --${sim.join(' --')} to the real devices for a kiosk)`, ''];
}

async function ask(io: CommandIo, answers: Map<Setting, string>): Promise<void> {
  const rl = createInterface({
    input: io.stdin,
    output: io.stdout,
    terminal: (io.stdin as { isTTY?: boolean }).isTTY === true,
  });
  const lines = rl[Symbol.asyncIterator]();
  try {
    for (const s of SETTINGS) {
      if (!s.ask || answers.has(s)) continue;
      const fallback = s.required ? '' : applyDefault(s, answers);
      io.stdout.write(
        `${s.prompt}${s.choices ? ` (${s.choices.join('/')})` : ''}${fallback ? ` [${fallback}]` : ''}: `,
      );
      let next = await lines.next();
      // A required value is asked again until given (or the input ends).
      while (s.required && !next.done && String(next.value).trim() === '') {
        io.stdout.write(`${s.prompt} (required): `);
        next = await lines.next();
      }
      if (next.done) break;
      const answer = String(next.value).trim();
      if (answer !== '') answers.set(s, answer);
    }
  } finally {
    rl.close();
  }
}

/**
 * Records and returns the default offered in a prompt: real hardware, not the simulator's
 * defaults, since provisioning is for a real kiosk. An answer typed afterwards replaces it.
 */
function applyDefault(s: Setting, answers: Map<Setting, string>): string {
  const realHardware: Record<string, string> = {
    'village-kind': 'desa',
    'head-title': 'Kepala Desa',
    'paper-mm': '58',
    printer: 'escpos',
    'printer-interface': '/dev/usb/lp0',
    reader: 'pcsc',
    display: 'framebuffer',
    buttons: 'gpio',
  };
  const value = realHardware[s.flag];
  if (value !== undefined) answers.set(s, value);
  return value ?? '';
}

/**
 * Paths the kiosk opens later: made absolute, since the service runs in /var/lib/anjungan and a
 * path relative to where provision ran would point elsewhere there.
 */
const PATH_FLAGS = new Set(['logo-file', 'data-dir', 'ca-file', 'cert-file', 'key-file', 'hid-device']);

function toValue(s: Setting, raw: string): unknown {
  const v = raw.trim();
  if (s.choices && !s.choices.includes(v)) {
    throw usageError(`--${s.flag} must be one of ${s.choices.join(', ')} (got '${v}')`, 'provision');
  }
  switch (s.kind) {
    case 'int': {
      if (!/^\d+$/.test(v)) throw usageError(`--${s.flag} must be a whole number (got '${v}')`, 'provision');
      return Number(v);
    }
    case 'bool':
      if (!/^(true|false|yes|no|1|0)$/i.test(v))
        throw usageError(`--${s.flag} must be true or false`, 'provision');
      return /^(true|yes|1)$/i.test(v);
    case 'urls': {
      if (v === '') return null;
      const urls = v
        .split(',')
        .map((u) => u.trim())
        .filter(Boolean);
      return urls.length === 1 ? urls[0] : urls;
    }
    case 'file': {
      if (v === '') return null;
      try {
        return readFileSync(v, 'utf8').trim();
      } catch (err) {
        throw new KioskError('config_unreadable', `--${s.flag}: cannot read ${v}: ${(err as Error).message}`);
      }
    }
    default:
      if (v !== '' && PATH_FLAGS.has(s.flag)) return path.resolve(v);
      return v === '' && s.key !== 'village.address' ? null : v;
  }
}

function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

/** Kode wilayah: the 7th digit is 2 for a desa and 1 for a kelurahan. */
function checkVillageKind(file: Record<string, unknown>): void {
  const village = file.village as { code?: string; kind?: string } | undefined;
  const code = (village?.code ?? '').replaceAll('.', '');
  if (!/^\d{10}$/.test(code)) {
    throw new KioskError(
      'config_invalid',
      `village.code '${village?.code ?? ''}' must be the 10-digit kode wilayah (Permendagri 137/2017), e.g. 1809102004; nothing was written`,
    );
  }
  if (village) village.code = code;
  const kind = village?.kind ?? 'desa';
  const codeKind = code[6] === '1' ? 'kelurahan' : code[6] === '2' ? 'desa' : null;
  if (codeKind && codeKind !== kind) {
    throw new KioskError(
      'config_invalid',
      `village.code ${code} is the code of a ${codeKind} (7th digit ${code[6]}), but the village kind is ${kind}: ` +
        `fix --village-code or set --village-kind ${codeKind}`,
    );
  }
}

/** Validates through loadConfig, exactly as the daemon will read the file. */
function validate(target: string, file: Record<string, unknown>): Config {
  mkdirSync(path.dirname(target), { recursive: true });
  const probe = `${target}.check-${process.pid}`;
  writeFileSync(probe, JSON.stringify(file), { mode: 0o600 });
  try {
    return loadConfig({ path: probe, env: {} }).config;
  } catch (err) {
    if (err instanceof KioskError) {
      throw new KioskError(err.code, `${err.message.replace(` in ${probe}`, '')}\nnothing was written`);
    }
    throw err;
  } finally {
    rmSync(probe, { force: true });
  }
}

/**
 * A file the kiosk cannot use (a missing CA, a key file holding "hello") or two buttons on one pin
 * would only show at the kiosk's start: refuse them now, naming the flags.
 */
function refuseBadReferences(config: Config): void {
  const problems = configFileProblems(config).map((problem) =>
    SETTINGS.reduce((text, s) => text.replaceAll(s.key, `--${s.flag}`), problem),
  );
  if (problems.length > 0) {
    throw new KioskError('config_invalid', `${problems.join('\n')}\nnothing was written`);
  }
}

/** Written atomically; 0640 so root edits it and the service group reads it (it may hold a password). */
function writeConfig(target: string, file: Record<string, unknown>): void {
  const tmp = `${target}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o640 });
  chmodSync(tmp, 0o640);
  renameSync(tmp, target);
}

/**
 * As root with the service user present: config root:anjungan 0640, data directory and keys
 * anjungan-owned (keys 0600). Returns who owns the keys now.
 */
function handToServiceUser(target: string, config: Config): string | null {
  if (!isRoot()) return null;
  const user = lookupServiceUser();
  if (!user) return null;
  chownSync(target, 0, user.gid);
  chownTree(config.data_dir, user.uid, user.gid);
  const paths = keyPaths(config);
  for (const f of [paths.uidKeyFile, paths.signingKeyFile, paths.publicKeyFile]) {
    if (!f.startsWith(path.resolve(config.data_dir) + path.sep)) chownSync(f, user.uid, user.gid);
  }
  return `owned by ${user.name}`;
}
