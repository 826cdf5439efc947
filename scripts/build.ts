/**
 * One file to start from: src/ bundled by esbuild into dist/bundle/main.js. Node then loads one module
 * instead of some five hundred, which halves the time from start to answering (a restarted bot pages
 * again sooner, and the crash test restarts it hundreds of times). better-sqlite3 and resvg stay outside: they are native.
 * The output sits two folders deep so `../../migrations` (src/db/connection.ts) still finds the migrations.
 */
import { build } from 'esbuild';
import { cpSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const REPO = fileURLToPath(new URL('..', import.meta.url));
export const BUNDLE = `${REPO}dist/bundle/main.js`;

export async function buildBundle(): Promise<string> {
  await build({
    entryPoints: [`${REPO}src/main.ts`],
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    external: ['better-sqlite3', '@resvg/resvg-js'],
    // Bundled CommonJS dependencies call require(); an ES module has none of its own.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    sourcemap: true,
    // Node keeps each module's source text in its heap, and a file with one character past ASCII (a ’ or — in a
    // dependency's comment) is held at two bytes a character: without comments and indentation, and with the licence
    // comments in files beside the code, the text is one byte a character and some 40% shorter (the bot's resident
    // memory in the memory bench: ~8 MB less). Names stay as written (no renaming): stack traces still read.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames: true,
    charset: 'ascii',
    legalComments: 'external',
    // What is loaded with import() (the report chart's vega, the playground's stand-ins) becomes a chunk of its own,
    // read only when first used: a bot that never draws a chart or runs the playground never holds them in memory.
    splitting: true,
    outdir: `${REPO}dist/bundle`,
    entryNames: '[name]',
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  });
  // The playground's page is read from beside the code (src/playground/page/ when run from source).
  cpSync(`${REPO}src/playground/page`, `${REPO}dist/bundle/page`, { recursive: true });
  return BUNDLE;
}

/**
 * The flags node is started with in production: those of the Dockerfile's `CMD ["node", ...flags, "dist/bundle/main.js"]`,
 * so a benchmark that runs the bundle measures the process the image runs (V8's heap sizes are set only on the command line).
 */
export function productionNodeFlags(): string[] {
  const dockerfile = readFileSync(`${REPO}Dockerfile`, 'utf8');
  const line = /^CMD (\[.*\])\s*$/m.exec(dockerfile)?.[1];
  const command: unknown = line ? JSON.parse(line) : null;
  if (
    !Array.isArray(command) ||
    command[0] !== 'node' ||
    command.at(-1) !== 'dist/bundle/main.js' ||
    !command.every((a) => typeof a === 'string')
  )
    throw new Error(
      'Dockerfile: expected a line CMD ["node", <flags>..., "dist/bundle/main.js"] (the JSON form), to read the flags the bot runs with',
    );
  return command.slice(1, -1) as string[];
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildBundle();
