/**
 * One file to start from: src/ bundled by esbuild into dist/bundle/main.js. Node then loads one module
 * instead of some five hundred, which halves the time from start to answering (a restarted bot pages
 * again sooner, and the crash test restarts it hundreds of times). better-sqlite3 and resvg stay outside: they are native.
 * The output sits two folders deep so `../../migrations` (src/db/connection.ts) still finds the migrations.
 */
import { build } from 'esbuild';
import { cpSync } from 'node:fs';
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

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await buildBundle();
