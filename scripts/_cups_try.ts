import { startCups } from '../tests/support/cups.ts';
import { waitFor } from '../tests/support/wait.ts';
const c = await startCups();
try {
  console.log(await c.tool('lp', ['-d', 'A4', '/tmp/l1.pdf']));
  await waitFor('printed', () => c.printed().length > 0, 20000, 200);
  console.log(c.printed());
  console.log(await c.tool('lpstat', ['-W', 'all', '-o', '-l']));
} finally { await c.close(); }
