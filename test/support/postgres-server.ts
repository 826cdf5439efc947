/**
 * A real PostgreSQL server for the tests, never a mock: Debian's `postgresql` package run from a temporary directory.
 *
 * The server is shared by one `npm test` run and started only when a test file first asks for a database, so a run
 * without PostgreSQL tests pays nothing. The run's global set-up (test/support/postgres-global-setup.ts) makes an
 * empty run directory and, at the end, stops whatever was started there and removes it. The first test file that
 * calls `testDatabase()` takes the run directory's `starting` lock (an atomic mkdir), runs `initdb` and `pg_ctl
 * start` on a free loopback port with a random password, and writes `server.json`; the others wait for that file.
 * Each file then gets a database of its own, as each gets its own SQLite file.
 *
 * initdb and postgres refuse to run as root: as root (CI, containers) they run as the package's `postgres` user.
 * Without the binaries a PostgreSQL test fails with the command that installs them; it is never skipped.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The run's PostgreSQL directory (test/support/postgres-global-setup.ts). */
    postgresRunDir: string;
  }
}

export const INSTALL_HINT = 'apt-get install postgresql (Debian/Ubuntu; .ci/run installs it when missing)';
const BIN_ROOT = '/usr/lib/postgresql';

export interface ServerInfo {
  port: number;
  password: string;
}

/**
 * The directory holding initdb, pg_ctl and postgres: POSTGRES_BIN when set, else the newest version under
 * /usr/lib/postgresql. Throws the install command when there is none.
 */
export function findPostgresBin(env: NodeJS.ProcessEnv = process.env, root = BIN_ROOT): string {
  const wanted = env.POSTGRES_BIN;
  if (wanted) {
    if (!existsSync(join(wanted, 'initdb')))
      throw new Error(
        `POSTGRES_BIN=${wanted} has no initdb in it: point it at PostgreSQL's bin directory, or unset it and ${INSTALL_HINT}`,
      );
    return wanted;
  }
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((name) => /^\d+$/.test(name) && existsSync(join(root, name, 'bin', 'initdb')))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(
      `PostgreSQL tests need a PostgreSQL server's binaries and found no ${root}/*/bin/initdb: ${INSTALL_HINT}, or set POSTGRES_BIN to the directory holding initdb`,
    );
  return join(root, versions[0]!, 'bin');
}

/** The user the server runs as: ourselves, or the package's `postgres` user when we are root. */
function serverUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim());
  try {
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    throw new Error(
      `initdb refuses to run as root and there is no "postgres" user to run it as: ${INSTALL_HINT} creates one (or run the tests as another user)`,
    );
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function run(bin: string, tool: string, args: string[], user: { uid: number; gid: number } | undefined): void {
  const result = spawnSync(join(bin, tool), args, { encoding: 'utf8', ...(user ?? {}), timeout: 60_000 });
  if (result.status !== 0)
    throw new Error(
      `${tool} ${args[0] ?? ''} failed (exit ${result.status}): ${(result.stderr || result.stdout || String(result.error)).trim()}`,
    );
}

async function startServer(runDir: string): Promise<ServerInfo> {
  const bin = findPostgresBin();
  const user = serverUser();
  const dir = join(runDir, 'server');
  mkdirSync(dir);
  if (user) {
    chmodSync(runDir, 0o755);
    chownSync(dir, user.uid, user.gid);
  }
  const password = randomBytes(18).toString('hex');
  const pwfile = join(dir, 'pwfile');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user) chownSync(pwfile, user.uid, user.gid);
  const data = join(dir, 'data');
  run(bin, 'initdb', ['-D', data, '-U', 'postgres', `--pwfile=${pwfile}`, '--auth=scram-sha-256', '-E', 'UTF8', '--no-sync'], user);
  // A port found free can be taken before the server binds it: try a few.
  let lastError: unknown;
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const port = await freePort();
    const options = [
      `-p ${port}`,
      '-c listen_addresses=127.0.0.1',
      `-c unix_socket_directories='${dir}'`,
      // A test server: nothing to keep if the machine dies.
      '-c fsync=off',
      '-c synchronous_commit=off',
      '-c full_page_writes=off',
      '-c max_connections=300',
    ].join(' ');
    try {
      run(bin, 'pg_ctl', ['start', '-D', data, '-w', '-t', '60', '-l', join(dir, 'log'), '-o', options], user);
      return { port, password };
    } catch (error) {
      lastError = error;
    }
  }
  const log = existsSync(join(dir, 'log')) ? readFileSync(join(dir, 'log'), 'utf8').slice(-2000) : '';
  throw new Error(`PostgreSQL did not start: ${String(lastError)}\n${log}`);
}

/** Stops the run's server if one was started (the global teardown calls this). */
export function stopServer(runDir: string): void {
  const data = join(runDir, 'server', 'data');
  if (!existsSync(join(data, 'postmaster.pid'))) return;
  run(findPostgresBin(), 'pg_ctl', ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '60'], serverUser());
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function ensureServer(runDir: string): Promise<ServerInfo> {
  const infoFile = join(runDir, 'server.json');
  const failedFile = join(runDir, 'failed.txt');
  let starter = false;
  try {
    mkdirSync(join(runDir, 'starting'));
    starter = true;
  } catch {
    // Another test file is starting it.
  }
  if (starter) {
    try {
      const info = await startServer(runDir);
      writeFileSync(`${infoFile}.tmp`, JSON.stringify(info));
      renameSync(`${infoFile}.tmp`, infoFile);
      return info;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      writeFileSync(failedFile, message);
      throw error;
    }
  }
  // Waits for the starter (initdb takes a few seconds on a busy machine); bounded so a dead starter cannot hang the run.
  for (let waited = 0; waited < 120_000; waited += 100) {
    if (existsSync(infoFile)) return JSON.parse(readFileSync(infoFile, 'utf8')) as ServerInfo;
    if (existsSync(failedFile)) throw new Error(readFileSync(failedFile, 'utf8'));
    await sleep(100);
  }
  throw new Error(`PostgreSQL was not started within 120 s by another test file (see ${runDir})`);
}
