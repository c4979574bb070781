/**
 * Checks of the files and values a config points at, shared by `provision` (refuses them), the
 * daemon (turns district reporting off instead of failing) and `selftest` (says why).
 * Each check returns a one-line problem a technician can act on, or null when the value is fine.
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createSecureContext } from 'node:tls';
import type { Config } from './config.ts';

export type PemKind = 'certificate' | 'private key' | 'public key';

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----[\s\S]+?-----END \1-----/g;

/** Reads a file, turning the errno into words (a permission problem is not a missing file). */
export function readProblem(file: string): { data: Buffer } | { problem: string } {
  try {
    return { data: readFileSync(file) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { problem: `${file} does not exist` };
    if (code === 'EACCES' || code === 'EPERM')
      return { problem: `cannot read ${file}: permission denied (${code})` };
    if (code === 'EISDIR') return { problem: `${file} is a directory, not a file` };
    return { problem: `cannot read ${file}: ${(err as Error).message}` };
  }
}

/**
 * What is wrong with a PEM file that must hold `kind`, or null. A CA file may hold several
 * certificates (a bundle); every one of them must parse, since Node silently skips a bad one.
 */
export function pemFileProblem(file: string, kind: PemKind): string | null {
  const read = readProblem(file);
  if ('problem' in read) return read.problem;
  return pemTextProblem(read.data.toString('utf8'), kind, file);
}

/** As pemFileProblem, for PEM text already read (`label` names it in the message). */
export function pemTextProblem(text: string, kind: PemKind, label: string): string | null {
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) return `${label} does not hold a PEM ${kind} (no -----BEGIN … ----- block)`;
  try {
    if (kind === 'certificate') for (const block of blocks) new X509Certificate(block);
    else if (kind === 'private key') createPrivateKey(text);
    else createPublicKey(text);
    return null;
  } catch (err) {
    return `${label} is not a valid PEM ${kind} (${(err as Error).message})`;
  }
}

/** The district's command key must be an Ed25519 public key (command-signing.ts verifies with it). */
export function districtKeyProblem(pem: string, label: string): string | null {
  const problem = pemTextProblem(pem, 'public key', label);
  if (problem) return problem;
  const type = createPublicKey(pem).asymmetricKeyType;
  return type === 'ed25519' ? null : `${label} holds a ${type} key; the district command key must be Ed25519`;
}

export interface TlsFiles {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

/**
 * Reads and checks mqtt.ca_file / cert_file / key_file, and that the certificate and key belong
 * together. Returns the files for MQTT.js, or the problems (one line each).
 */
export function readTlsFiles(mqtt: Config['mqtt']): { files: TlsFiles } | { problems: string[] } {
  const wanted: [keyof TlsFiles, string | null, PemKind, string][] = [
    ['ca', mqtt.ca_file, 'certificate', 'mqtt.ca_file'],
    ['cert', mqtt.cert_file, 'certificate', 'mqtt.cert_file'],
    ['key', mqtt.key_file, 'private key', 'mqtt.key_file'],
  ];
  const files: TlsFiles = {};
  const problems: string[] = [];
  for (const [field, file, kind, key] of wanted) {
    if (!file) continue;
    const problem = pemFileProblem(file, kind);
    if (problem) problems.push(`${key}: ${problem}`);
    else files[field] = readFileSync(file);
  }
  if ((mqtt.cert_file === null) !== (mqtt.key_file === null)) {
    problems.push('mqtt.cert_file and mqtt.key_file go together: set both or neither');
  }
  if (problems.length === 0 && files.cert && files.key) {
    try {
      createSecureContext({ cert: files.cert, key: files.key });
    } catch (err) {
      problems.push(
        `mqtt.key_file does not belong to mqtt.cert_file (${(err as Error).message}): use the key the certificate was made for`,
      );
    }
  }
  return problems.length > 0 ? { problems } : { files };
}

/**
 * BCM numbers a button, LED or buzzer may use: GPIO 2–27 are on the 40-pin header of every
 * supported board (Pi 3, 4, 5, Zero 2 W); 0 and 1 are reserved for the HAT ID EEPROM.
 */
export const HEADER_BCM_PINS = { min: 2, max: 27 } as const;

/**
 * Problems with the GPIO pins of buttons and indicator: each valid, none used twice. The
 * indicator's pins count only when it is driven by GPIO (otherwise they are not claimed).
 */
export function pinProblems(hardware: Config['hardware']): string[] {
  const indicatorPins = hardware.indicator.driver === 'gpio';
  const pins: [string, number | null][] = [
    ...Object.entries(hardware.buttons.pins).map(([b, p]): [string, number] => [
      `hardware.buttons.pins.${b}`,
      p,
    ]),
    ['hardware.indicator.led_pin', indicatorPins ? hardware.indicator.led_pin : null],
    ['hardware.indicator.buzzer_pin', indicatorPins ? hardware.indicator.buzzer_pin : null],
  ];
  const problems: string[] = [];
  const used = new Map<number, string>();
  for (const [key, pin] of pins) {
    if (pin === null) continue;
    if (pin < HEADER_BCM_PINS.min || pin > HEADER_BCM_PINS.max) {
      problems.push(
        `${key} is BCM ${pin}: use GPIO ${HEADER_BCM_PINS.min}–${HEADER_BCM_PINS.max} (the 40-pin header; 0 and 1 are reserved)`,
      );
    }
    const other = used.get(pin);
    if (other) problems.push(`${key} and ${other} are both BCM ${pin}: each needs its own pin`);
    else used.set(pin, key);
  }
  return problems;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const JPEG_SIGNATURE = Buffer.from([0xff, 0xd8, 0xff]);

/** What is wrong with a picture file for the screen (PNG or JPEG), or null. */
function imageFileProblem(file: string): string | null {
  const read = readProblem(file);
  if ('problem' in read) return read.problem;
  const head = read.data.subarray(0, 8);
  if (head.equals(PNG_SIGNATURE) || head.subarray(0, 3).equals(JPEG_SIGNATURE)) return null;
  return `${file} is not a PNG or JPEG image`;
}

/**
 * Every problem with what a config points at: the logo, the announcements' pictures, the broker's TLS files, the district
 * command key, the GPIO pins. Empty when all is well.
 */
export function configFileProblems(config: Config): string[] {
  const tls = readTlsFiles(config.mqtt);
  return [...referenceProblems(config), ...('problems' in tls ? tls.problems : [])];
}

/** As configFileProblems without the broker's TLS files (the MQTT selftest reports those). */
export function referenceProblems(config: Config): string[] {
  const problems: string[] = [];
  const logo = config.village.logo_file;
  if (logo) {
    const read = readProblem(logo);
    if ('problem' in read) problems.push(`village.logo_file: ${read.problem}`);
    else if (!read.data.subarray(0, 8).equals(PNG_SIGNATURE))
      problems.push(`village.logo_file: ${logo} is not a PNG image`);
  }
  (config.village.announcements ?? []).forEach((a, i) => {
    const problem = a.image ? imageFileProblem(a.image) : null;
    if (problem) problems.push(`village.announcements[${i}].image: ${problem}`);
  });
  const districtKey = config.mqtt.district_public_key;
  if (districtKey) {
    const problem = districtKeyProblem(districtKey, 'the district command key');
    if (problem) problems.push(`mqtt.district_public_key: ${problem}`);
  }
  problems.push(...pinProblems(config.hardware));
  return problems;
}
