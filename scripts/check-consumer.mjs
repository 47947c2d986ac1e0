// The package as an adopter gets it: `npm pack`, checked by attw and publint,
// installed from the tarball (its dependencies from the npm registry, through
// the npm cache) into two fresh apps outside the repository:
//   1. a React app with strict TypeScript: the host-store variants and the SSR
//      example type-check under bundler, node16 (ESM and CJS) and node10
//      resolution with the libraries' .d.ts checked too, and with the options of
//      Vite's React template; both entries import in Node as ESM and as CJS; ChatContainer
//      renders with renderToString;
//   2. an app without React: the core and testing entries import and run.
// Part of `npm test` (after check:package has built dist). KEEP_CONSUMER=1 keeps the apps.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, URL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const fixtures = join(root, '__tests__', 'consumer');
const started = Date.now();

function run(command, args, cwd, what) {
  try {
    return execFileSync(command, args, {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (error) {
    console.error(`consumer check: ${what} failed\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    throw error;
  }
}
const step = (message) =>
  console.log(`consumer: ${message} (${((Date.now() - started) / 1000).toFixed(0)} s)`);

/** The versions this repository's lockfile pins, so the apps install from the npm cache. */
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8'));
const installed = (name) => {
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`${name} is not in package-lock.json`);
  return version;
};

if (!existsSync(join(root, 'dist', 'index.mjs'))) run('npm', ['run', 'build'], root, 'build');

const work = mkdtempSync(join(tmpdir(), 'unet-chat-consumer-'));
try {
  const [packed] = JSON.parse(
    run(
      'npm',
      ['pack', '--ignore-scripts', '--json', '--pack-destination', work],
      root,
      'npm pack',
    ),
  );
  const tarball = join(work, packed.filename);
  const shipped = packed.files.map((file) => file.path);
  for (const required of [
    'LICENSE',
    'README.md',
    'CHANGELOG.md',
    'react/package.json',
    'dist/react/index.mjs',
    'dist/testing/index.d.ts',
    'dist/styles.css',
  ]) {
    if (!shipped.includes(required)) throw new Error(`the tarball lacks ${required}`);
  }
  step(`packed ${packed.filename}: ${shipped.length} files, ${(packed.size / 1024).toFixed(0)} kB`);

  const attw = join(root, 'node_modules', '.bin', 'attw');
  run(
    attw,
    [tarball, '--exclude-entrypoints', './styles.css', '--format', 'table-flipped'],
    root,
    'attw',
  );
  step('attw: no problems under node10, node16 (CJS and ESM) and bundler');
  run(join(root, 'node_modules', '.bin', 'publint'), ['run', tarball, '--strict'], root, 'publint');
  step('publint --strict: all good');

  const npmInstall = (dir, extra = []) =>
    run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error', ...extra],
      dir,
      `npm install in ${dir}`,
    );

  // 1. A React app with strict TypeScript.
  const app = join(work, 'react-app');
  mkdirSync(join(app, 'src'), { recursive: true });
  const reactDeps = [
    '@reduxjs/toolkit',
    'react',
    'react-dom',
    'react-redux',
    'sonner',
    'typescript',
    '@types/react',
    '@types/react-dom',
  ];
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify(
      {
        name: 'consumer-react-app',
        private: true,
        type: 'module',
        dependencies: {
          'unet-chat-redux': `file:${tarball}`,
          ...Object.fromEntries(reactDeps.map((name) => [name, installed(name)])),
        },
      },
      null,
      2,
    ),
  );
  npmInstall(app);
  step('installed into a React app');
  copyFileSync(
    join(root, '__tests__', 'types', 'hostStores.types.ts'),
    join(app, 'src', 'hostStores.ts'),
  );
  copyFileSync(
    join(root, '__tests__', 'types', 'hostStores.types.ts'),
    join(app, 'src', 'hostStores.cts'),
  );
  copyFileSync(join(fixtures, 'ssr.tsx'), join(app, 'src', 'ssr.tsx'));
  // The Next.js example of docs/ssr.md (relative imports without extensions: bundler resolution).
  mkdirSync(join(app, 'src', 'next'));
  for (const file of ['store.ts', 'StoreProvider.tsx', 'page.tsx', 'loadChatState.ts']) {
    copyFileSync(join(fixtures, 'next', file), join(app, 'src', 'next', file));
  }
  writeFileSync(join(app, 'src', 'css.d.ts'), "declare module '*.css';\n");
  for (const file of [
    'tsconfig.base.json',
    'tsconfig.bundler.json',
    'tsconfig.node16.json',
    'tsconfig.node10.json',
    'tsconfig.vite.json',
    'checkEsm.mjs',
    'checkCjs.cjs',
  ]) {
    copyFileSync(join(fixtures, file), join(app, file));
  }
  const tsc = join(app, 'node_modules', 'typescript', 'bin', 'tsc');
  for (const resolution of ['bundler', 'node16', 'node10', 'vite']) {
    run(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], app, `tsc (${resolution})`);
  }
  step(
    "strict tsc of the host stores and the SSR example, our .d.ts included: bundler, node16 (ESM + CJS), node10; and as in Vite's template (exactOptionalPropertyTypes, verbatimModuleSyntax)",
  );
  console.log(run(process.execPath, ['checkEsm.mjs'], app, 'ESM import').trim());
  console.log(run(process.execPath, ['checkCjs.cjs'], app, 'CJS require').trim());

  // 2. An app without React: npm would install React as a peer of
  // @tanstack/react-virtual, so peers are left out the way pnpm/yarn users may.
  const coreApp = join(work, 'core-app');
  mkdirSync(coreApp);
  writeFileSync(
    join(coreApp, 'package.json'),
    JSON.stringify(
      {
        name: 'consumer-core-app',
        private: true,
        type: 'module',
        dependencies: {
          'unet-chat-redux': `file:${tarball}`,
          '@reduxjs/toolkit': installed('@reduxjs/toolkit'),
        },
      },
      null,
      2,
    ),
  );
  npmInstall(coreApp, ['--legacy-peer-deps']);
  copyFileSync(join(fixtures, 'checkCoreOnly.mjs'), join(coreApp, 'checkCoreOnly.mjs'));
  console.log(run(process.execPath, ['checkCoreOnly.mjs'], coreApp, 'core without React').trim());
  step('done');
} finally {
  if (process.env.KEEP_CONSUMER) console.log(`consumer: apps kept in ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
