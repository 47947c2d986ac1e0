// Empties dist before the builds of tsup.config.ts run side by side.
import { rmSync } from 'node:fs';

rmSync(new URL('../dist', import.meta.url), { recursive: true, force: true });
