/**
 * A local npm registry for the install tests: Verdaccio on 127.0.0.1, serving the repository's
 * packages as `pnpm pack` makes them (workspace ranges replaced by versions). npm is pointed at it
 * for the `@backprop` scope only and fetches every other package from registry.npmjs.org itself,
 * as a user's npm does (with its retries, and its cache kept between runs).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';

/** The repository root. */
export const repoRoot = new URL('../../../../', import.meta.url).pathname;
const here = new URL('../../', import.meta.url).pathname;
/** Verdaccio's storage (only the repository's packages; emptied each run) and, beside it, npm's cache. */
const storage = join(here, 'node_modules/.cache/verdaccio-storage');

/** A publishable package of the repository. */
export interface RepoPackage {
  name: string;
  version: string;
  dir: string;
}

/** The repository's packages that are published (not private). */
export function publishedPackages(): RepoPackage[] {
  const out: RepoPackage[] = [];
  for (const d of readdirSync(join(repoRoot, 'packages'))) {
    const file = join(repoRoot, 'packages', d, 'package.json');
    if (!existsSync(file)) continue;
    const p = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string; private?: boolean };
    if (!p.private) out.push({ name: p.name, version: p.version, dir: join(repoRoot, 'packages', d) });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Runs a command; throws with its output when it fails. */
export function sh(
  cmd: string,
  args: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; replaceEnv?: boolean; timeout?: number },
): string {
  const r = spawnSync(cmd, args, {
    cwd: opts.cwd,
    env: opts.replaceEnv ? opts.env : { ...process.env, ...opts.env },
    encoding: 'utf8',
    timeout: opts.timeout ?? 600_000,
    maxBuffer: 1 << 26,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  if (r.status !== 0)
    throw new Error(
      `${cmd} ${args.join(' ')} (in ${opts.cwd}) exited ${r.status ?? r.signal}:\n${output.slice(-4000)}`,
    );
  return output;
}

/** Packs every published package with pnpm into `dest`; returns the tarball paths. */
export function packAll(dest: string): string[] {
  mkdirSync(dest, { recursive: true });
  const pnpm = join(repoRoot, 'scripts/pnpm.mjs');
  return publishedPackages().map((p) => {
    const out = sh(process.execPath, [pnpm, 'pack', '--pack-destination', dest], { cwd: p.dir });
    const tgz = out
      .trim()
      .split('\n')
      .map((l) => l.trim())
      .reverse()
      .find((l) => l.endsWith('.tgz'));
    if (!tgz) throw new Error(`pnpm pack in ${p.dir} printed no tarball:\n${out}`);
    return tgz.startsWith('/') ? tgz : join(dest, tgz);
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** A running Verdaccio. */
export interface Registry {
  url: string;
  /** An npmrc pointing npm at it (with a token it accepts for publishing). */
  npmrc: string;
  stop(): Promise<void>;
}

/** Starts Verdaccio in `dir` (config, npmrc); the repository's packages are removed from its cache first. */
export async function startRegistry(dir: string): Promise<Registry> {
  mkdirSync(dir, { recursive: true });
  rmSync(join(storage, '@backprop'), { recursive: true, force: true });
  mkdirSync(storage, { recursive: true });
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const config = join(dir, 'verdaccio.yaml');
  writeFileSync(
    config,
    [
      `storage: ${storage}`,
      'auth: { htpasswd: { file: ./htpasswd, max_users: -1 } }',
      'packages:',
      "  '@backprop/*': { access: $all, publish: $all, unpublish: $all }",
      'server: { keepAliveTimeout: 60 }',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const bin = join(dirname(createRequire(import.meta.url).resolve('verdaccio/package.json')), 'bin/verdaccio');
  const child: ChildProcess = spawn(process.execPath, [bin, '--config', config, '--listen', `127.0.0.1:${port}`], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  child.stdout?.on('data', (d) => {
    log += d;
  });
  child.stderr?.on('data', (d) => {
    log += d;
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`verdaccio exited ${child.exitCode}:\n${log}`);
    try {
      const r = await fetch(`${url}/-/ping`);
      if (r.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`verdaccio did not answer on ${url} within 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  const npmrc = join(dir, 'npmrc');
  writeFileSync(
    npmrc,
    [
      // The network settings of the user's own npm (a company CA, a proxy) still apply.
      ...networkSettings(),
      'registry=https://registry.npmjs.org/',
      `@backprop:registry=${url}/`,
      `//127.0.0.1:${port}/:_authToken=local-install-test`,
      'fetch-retries=5',
      'fetch-retry-mintimeout=2000',
      'audit=false',
      'fund=false',
      'update-notifier=false',
      '',
    ].join('\n'),
  );
  return {
    url,
    npmrc,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}

/** The environment of a user's shell: none of the `npm_*` variables this test runs under (pnpm sets them). */
function userEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, ...extra };
}

/** The user's npm settings that reach npmjs.org (CA file, proxies, strict-ssl), as npmrc lines. */
function networkSettings(): string[] {
  const out: string[] = [];
  for (const key of ['cafile', 'proxy', 'https-proxy', 'noproxy', 'strict-ssl']) {
    const r = spawnSync('npm', ['config', 'get', key], { encoding: 'utf8', env: userEnv({}) });
    const value = r.status === 0 ? r.stdout.trim() : '';
    if (value && value !== 'null' && value !== 'undefined' && !(key === 'strict-ssl' && value === 'true'))
      out.push(`${key}=${value}`);
  }
  return out;
}

/** `npm` with the registry's npmrc and no user or global config. */
export function npm(registry: Registry, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): string {
  const empty = join(registry.npmrc, '..', 'empty-npmrc');
  writeFileSync(empty, '');
  return sh('npm', [...args, '--userconfig', registry.npmrc], {
    cwd,
    env: userEnv({ npm_config_cache: join(storage, '..', 'npm-cache'), npm_config_globalconfig: empty, ...env }),
    replaceEnv: true,
  });
}

/** A fresh `npm init` project in `dir` with `packages` installed from the registry. */
export function freshProject(registry: Registry, dir: string, packages: string[], env: NodeJS.ProcessEnv = {}): string {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  npm(registry, ['init', '-y'], dir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ ...pkg, type: 'module' }, null, 2));
  return npm(registry, ['install', '--no-package-lock', ...packages], dir, env);
}
