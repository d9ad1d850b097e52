/**
 * A throwaway PostgreSQL server for tests: initdb into a temp folder, postgres on a free
 * localhost port (its socket in the same folder), fsync off; run as the `postgres` (or `nobody`)
 * user when the tests run as root, since postgres refuses to run as root.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import pg from 'pg';

/** The folder holding `initdb` and `postgres`, or undefined. */
export function findPostgres(): string | undefined {
  const candidates: string[] = [];
  const which = spawnSync('sh', ['-c', 'command -v postgres'], { encoding: 'utf8' });
  if (which.status === 0 && which.stdout.trim()) candidates.push(dirname(realpathSync(which.stdout.trim())));
  if (existsSync('/usr/lib/postgresql')) {
    for (const v of readdirSync('/usr/lib/postgresql').sort().reverse())
      candidates.push(`/usr/lib/postgresql/${v}/bin`);
  }
  candidates.push('/usr/local/pgsql/bin');
  return candidates.find((d) => existsSync(join(d, 'postgres')) && existsSync(join(d, 'initdb')));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

function user(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    const r = spawnSync('id', ['-u', name], { encoding: 'utf8' });
    if (r.status === 0) {
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { uid: Number(r.stdout.trim()), gid };
    }
  }
  throw new Error('running as root and no postgres or nobody user to run PostgreSQL as');
}

export interface TestPostgres {
  url: string;
  stop(): Promise<void>;
}

/** Starts a server; resolves when it accepts connections. */
export async function startPostgres(bin: string): Promise<TestPostgres> {
  const dir = mkdtempSync(join(tmpdir(), 'tuning-pg-'));
  const as = user();
  if (as) chownSync(dir, as.uid, as.gid);
  const data = join(dir, 'data');
  const init = spawnSync(join(bin, 'initdb'), ['-D', data, '-U', 'tuner', '--auth=trust', '-E', 'UTF8', '--no-sync'], {
    encoding: 'utf8',
    ...as,
  });
  if (init.status !== 0) throw new Error(`initdb failed: ${init.stderr}`);
  const port = await freePort();
  const server: ChildProcess = spawn(
    join(bin, 'postgres'),
    [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], ...as },
  );
  let log = '';
  server.stderr?.on('data', (d) => {
    log += d;
  });
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  const url = `postgres://tuner@127.0.0.1:${port}/postgres`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    const c = new pg.Client({ connectionString: url });
    try {
      await c.connect();
      await c.end();
      break;
    } catch (e) {
      await c.end().catch(() => {});
      if (server.exitCode !== null || Date.now() > deadline) throw new Error(`postgres did not start: ${e}\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    async stop() {
      server.kill('SIGINT'); // fast shutdown
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
