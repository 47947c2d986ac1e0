// Empties dist before the builds of tsup.config.ts run side by side.
import { rmSync } from 'node:fs';
import { URL } from 'node:url';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
