/**
 * The virtual ESC/POS printer for tests (the implementation lives in scripts/virtual-printer.ts,
 * which technicians run as a tool). Always `close()` what you start.
 */
import { VirtualPrinter, type VirtualPrinterState } from '../../scripts/virtual-printer.ts';

export {
  formatJob,
  type OfflineMode,
  type ReceivedJob,
  VirtualPrinter,
  type VirtualPrinterState,
} from '../../scripts/virtual-printer.ts';

/** Starts a virtual printer on a free loopback port. Its `url` goes into hardware.printer.interface. */
export async function startVirtualPrinter(
  state: VirtualPrinterState = 'ready',
  outDir: string | null = null,
): Promise<VirtualPrinter> {
  const p = new VirtualPrinter({ port: 0, state, outDir });
  await p.start();
  return p;
}
