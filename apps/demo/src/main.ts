// `npm run demo`: starts a hub (child process, embedded PGlite), `flotilla-sim git` serving a sample repository, nine
// simulated clusters with a real agent process each, then promotes a good commit and a broken one, printing progress.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFile } from 'node:child_process';
import { parseArgs } from 'node:util';
import type { SimulatedCluster } from '@flotilla/kube-sim';
import { brokenCommit, demoClusters, goodCommit, pipeline } from './sample.js';
import { brokenVerdict, finished, goodVerdict, progressLine } from './progress.js';
import type { PromotionView } from './progress.js';

const root = fileURLToPath(new URL('../../..', import.meta.url));
const bins = {
  hub: path.join(root, 'apps/hub/bin/flotilla-hub.mjs'),
  agent: path.join(root, 'apps/agent/bin/flotilla-agent.mjs'),
  sim: path.join(root, 'libs/kube-sim/bin/flotilla-sim.mjs'),
};

const USAGE = `Usage: npm run demo [-- --once] [--bake 3s]

Starts a Flotilla hub, a git server with a sample application, nine simulated clusters (dev, staging, prod x eu, us,
ap) each with its own agent process, and promotes a good commit then a broken one. Serves until Ctrl-C.
  --once      exit after the story (code 0 when it went as scripted, 1 otherwise); also DEMO_EXIT=1
  --bake D    bake time of every wave (default 3s)
`;

const started = Date.now();
/** Prints one line, prefixed with the seconds since the demo started. */
const say = (line: string): void => {
  const at = `[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s]`;
  process.stdout.write(line.split('\n').map((l) => (l === '' ? '' : `${at} ${l}`)).join('\n') + '\n');
};

interface Child {
  name: string;
  proc: ChildProcess;
  exited: Promise<void>;
}

/** Everything the demo started, stopped in reverse order by `cleanup`. */
class Resources {
  readonly children: Child[] = [];
  readonly clusters: SimulatedCluster[] = [];
  dir: string | undefined;
  private stopping: Promise<void> | undefined;

  spawn(name: string, bin: string, args: string[], env: Record<string, string>, logFile: string): Child {
    // An empty value unsets the variable (DATABASE_URL: the hub must use its embedded store whatever the shell says).
    const full: Record<string, string | undefined> = { ...process.env, ...env };
    for (const [k, v] of Object.entries(env)) if (v === '') delete full[k];
    const proc = spawn(process.execPath, [bin, ...args], { env: full, stdio: ['ignore', 'pipe', 'pipe'] });
    const log = createWriteStream(logFile);
    proc.stdout!.pipe(log, { end: false });
    proc.stderr!.pipe(log, { end: false });
    const exited = once(proc, 'exit').then(() => {
      log.end();
    });
    const child = { name, proc, exited };
    this.children.push(child);
    return child;
  }

  cleanup(): Promise<void> {
    this.stopping ??= (async () => {
      for (const child of this.children) if (child.proc.exitCode === null && child.proc.signalCode === null) child.proc.kill('SIGTERM');
      await Promise.all(
        this.children.map(async (child) => {
          const timer = setTimeout(() => child.proc.kill('SIGKILL'), 10_000);
          await child.exited;
          clearTimeout(timer);
        }),
      );
      await Promise.all(this.clusters.map((c) => c.close()));
      if (this.dir) await rm(this.dir, { recursive: true, force: true });
    })();
    return this.stopping;
  }
}

/** Resolves with the first match of `pattern` in the child's output; rejects if it exits first. */
function waitForOutput(child: Child, pattern: RegExp, timeoutMs = 120_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString();
      const m = pattern.exec(out);
      if (m) {
        done();
        resolve(m);
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`${child.name} did not print ${pattern} within ${timeoutMs} ms:\n${out}`));
    }, timeoutMs);
    const onExit = (): void => {
      done();
      reject(new Error(`${child.name} exited (${child.proc.exitCode ?? child.proc.signalCode}) before printing ${pattern}:\n${out}`));
    };
    const done = (): void => {
      clearTimeout(timer);
      child.proc.stdout!.off('data', onData);
      child.proc.stderr!.off('data', onData);
      child.proc.off('exit', onExit);
    };
    child.proc.stdout!.on('data', onData);
    child.proc.stderr!.on('data', onData);
    child.proc.once('exit', onExit);
  });
}

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no free port on 127.0.0.1');
  return address.port;
}

function git(args: string[], cwd: string): Promise<string> {
  const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: cwd, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', LC_ALL: 'C' };
  return new Promise((resolve, reject) => {
    execFile('git', ['-c', 'user.name=Flotilla Demo', '-c', 'user.email=demo@flotilla.dev', ...args], { cwd, env }, (err, stdout, stderr) =>
      err ? reject(new Error(`git ${args.join(' ')} failed in ${cwd}: ${stderr.trim() || err.message}`)) : resolve(stdout.trim()),
    );
  });
}

async function commitFiles(repo: string, files: Record<string, string>, message: string): Promise<string> {
  for (const [file, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(repo, file)), { recursive: true });
    await writeFile(path.join(repo, file), content);
  }
  await git(['add', '-A'], repo);
  await git(['commit', '-q', '-m', message], repo);
  return git(['rev-parse', 'HEAD'], repo);
}

function api(base: string, token: string) {
  return async <T>(method: string, route: string, body?: unknown): Promise<T> => {
    const res = await fetch(new URL(route, base), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${route}: HTTP ${res.status}: ${text}`);
    return JSON.parse(text) as T;
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls a promotion (the hub's state; printed only when it changes) until it has finished. */
async function follow(rest: ReturnType<typeof api>, label: string, id: string): Promise<PromotionView> {
  let last = '';
  for (;;) {
    const { promotion } = await rest<{ promotion: PromotionView }>('GET', `/api/v1/promotions/${id}`);
    const line = progressLine(promotion);
    if (line !== last) say(`  [${label}] ${line}`);
    last = line;
    if (finished(promotion)) return promotion;
    await sleep(500);
  }
}

async function story(res: Resources, opts: { bake: string }): Promise<{ ok: boolean; explore: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'flotilla-demo-'));
  res.dir = dir;
  const logs = path.join(dir, 'logs');
  await mkdir(logs);
  await mkdir(path.join(dir, 'kubeconfigs'));
  say(`flotilla demo: working directory ${dir} (removed on exit; process logs in ${logs})`);

  // 1. The sample repository, two commits, served by `flotilla-sim git`.
  const repo = path.join(dir, 'shop');
  await mkdir(repo);
  await git(['init', '-q', '-b', 'main'], repo);
  const good = await commitFiles(repo, goodCommit.files, goodCommit.message);
  const broken = await commitFiles(repo, brokenCommit.files, brokenCommit.message);
  const gitServer = res.spawn('flotilla-sim git', bins.sim, ['git', '--repo', repo], {}, path.join(logs, 'git.log'));

  // 2. The hub, plaintext on loopback, on PGlite in the working directory.
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const hubDir = path.join(dir, 'hub');
  const hub = res.spawn(
    'hub',
    bins.hub,
    [],
    { FLOTILLA_DATA_DIR: hubDir, FLOTILLA_HOST: '127.0.0.1', FLOTILLA_HTTP_PORT: String(httpPort), FLOTILLA_GRPC_PORT: String(grpcPort), FLOTILLA_INSECURE: 'true', FLOTILLA_LOG_LEVEL: 'warn', DATABASE_URL: '' },
    path.join(logs, 'hub.log'),
  );
  const [cloneUrl, hubOut] = await Promise.all([
    waitForOutput(gitServer, /at (http:\/\/\S+\.git);/).then((m) => m[1]!),
    // The first admin token goes to the terminal only when there is one; it is always in <data dir>/admin-token.
    // Banner (stdout) and token notice (stderr) may arrive in either order.
    waitForOutput(hub, /^(?=[\s\S]*REST API:\s+(\S+))(?=[\s\S]*gRPC:\s+(\S+))(?=[\s\S]*(flt_api_[A-Za-z0-9_-]+|admin-token))/),
  ]);
  const [, restUrl, grpcAddress, printed] = hubOut as unknown as [string, string, string, string];
  const token = printed.startsWith('flt_api_') ? printed : (await readFile(path.join(hubDir, 'admin-token'), 'utf8')).match(/flt_api_[A-Za-z0-9_-]+/)![0];
  say(`git server: ${cloneUrl} (good ${good.slice(0, 7)}, broken ${broken.slice(0, 7)})`);
  say(`hub: REST ${restUrl}, gRPC ${grpcAddress} (plaintext, loopback only)`);
  const rest = api(restUrl, token);

  // 3. Nine simulated clusters, each with its own agent process.
  const bootstrap = await rest<{ secret: string }>('POST', '/api/v1/registration-tokens', { description: 'demo fleet', maxUses: demoClusters.length });
  for (const spec of demoClusters) {
    const cluster = await (await import('@flotilla/kube-sim')).startCluster({ name: spec.name, controllers: { stepMs: 500, nodes: 3 } });
    res.clusters.push(cluster);
    const kubeconfig = path.join(dir, 'kubeconfigs', `${spec.name}.yaml`);
    await cluster.writeKubeconfig(kubeconfig);
    res.spawn(
      `agent ${spec.name}`,
      bins.agent,
      [],
      {
        FLOTILLA_HUB_ADDRESS: grpcAddress,
        FLOTILLA_INSECURE: 'true',
        FLOTILLA_CLUSTER_NAME: spec.name,
        FLOTILLA_CLUSTER_LABELS: Object.entries(spec.labels).map(([k, v]) => `${k}=${v}`).join(','),
        FLOTILLA_BOOTSTRAP_TOKEN: bootstrap.secret,
        FLOTILLA_STATE_DIR: path.join(dir, 'agents', spec.name),
        FLOTILLA_LOG_LEVEL: 'warn',
        KUBECONFIG: kubeconfig,
      },
      path.join(logs, `agent-${spec.name}.log`),
    );
  }
  say(`clusters: ${demoClusters.map((c) => c.name).join(', ')}; waiting for their agents to connect...`);
  let connected = -1;
  for (;;) {
    const { clusters } = await rest<{ clusters: { name: string; connected: boolean }[] }>('GET', '/api/v1/clusters');
    const now = clusters.filter((c) => c.connected).length;
    if (now !== connected) say(`  ${now}/${demoClusters.length} agents connected`);
    connected = now;
    if (now === demoClusters.length) break;
    const dead = res.children.find((c) => c.proc.exitCode !== null);
    if (dead) throw new Error(`${dead.name} exited with ${dead.proc.exitCode}; see ${logs}`);
    await sleep(500);
  }

  // 4. The application and its pipeline, then the two promotions.
  const app = { repoUrl: cloneUrl, path: 'deploy/fleet', stages: pipeline({ bake: opts.bake, progressDeadline: '60s' }) };
  await rest('PUT', '/api/v1/applications/shop', app);
  say(`application shop: dev -> staging -> prod (waves eu, us, ap), bake ${opts.bake} per wave, onFailure: halt`);

  say(`\npromoting the good commit ${good.slice(0, 7)} (${goodCommit.message})`);
  const first = await rest<{ promotion: PromotionView }>('POST', '/api/v1/promotions', { app: 'shop', commit: good });
  const goodDone = await follow(rest, 'good', first.promotion.id);
  const goodWrong = goodVerdict(goodDone);
  say(goodWrong ? `  NOT AS SCRIPTED: ${goodWrong}` : '  the good commit succeeded in every stage and wave');

  say(`\npromoting the broken commit ${broken.slice(0, 7)} (${brokenCommit.message})`);
  const second = await rest<{ promotion: PromotionView }>('POST', '/api/v1/promotions', { app: 'shop', commit: broken });
  const brokenDone = await follow(rest, 'broken', second.promotion.id);
  const brokenWrong = brokenVerdict(brokenDone);
  say(brokenWrong ? `  NOT AS SCRIPTED: ${brokenWrong}` : `  halted in prod's first wave as scripted; prod us and ap still run ${good.slice(0, 7)}: ${brokenDone.message}`);

  const curl = `curl -s -H "authorization: Bearer $FLOTILLA_TOKEN"`;
  const explore = [
    '',
    'Explore it:',
    `  REST API:     ${restUrl}  (OpenAPI ${restUrl}/openapi.json)`,
    `  gRPC:         ${grpcAddress}`,
    `  git:          git clone ${cloneUrl}`,
    `  admin token:  ${token}`,
    '',
    `  export FLOTILLA_TOKEN=${token}`,
    `  ${curl} ${restUrl}/api/v1/clusters`,
    `  ${curl} ${restUrl}/api/v1/applications/shop/history`,
    `  ${curl} ${restUrl}/api/v1/promotions/${second.promotion.id}`,
    `  ${curl} -X POST ${restUrl}/api/v1/promotions/${second.promotion.id}/rollback -H 'content-type: application/json' -d '{"reason":"prod crash-loops"}'`,
    `  ${curl} -N ${restUrl}/api/v1/events`,
    `  kubectl --kubeconfig ${path.join(dir, 'kubeconfigs', 'prod-eu.yaml')} get deploy,pods`,
    '',
  ].join('\n');
  return { ok: goodWrong === undefined && brokenWrong === undefined, explore };
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { once: { type: 'boolean' }, bake: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const once = values.once === true || process.env['DEMO_EXIT'] === '1';
  const bake = values.bake ?? '3s';
  if (!/^\d+(ms|s|m)$/.test(bake)) throw new Error(`--bake: expected a duration such as 3s, got ${JSON.stringify(bake)}`);
  const res = new Resources();
  let interrupted = false;
  const stop = new Promise<void>((resolve) => {
    const onSignal = (): void => {
      interrupted = true;
      resolve();
    };
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  });
  try {
    const running = story(res, { bake });
    // Ctrl-C mid-story: cleanup pulls the processes from under it, so its later failure is expected and ignored.
    running.catch(() => undefined);
    const result = await Promise.race([running, stop.then(() => undefined)]);
    if (result === undefined) return 130;
    process.stdout.write(`${result.explore}\n`);
    say(`demo: story done (${result.ok ? 'as scripted' : 'NOT as scripted'})${once ? '' : '; serving until Ctrl-C'}`);
    if (!once) await stop;
    return result.ok ? 0 : 1;
  } finally {
    say(interrupted ? 'demo: stopping every process and removing the working directory...' : 'demo: cleaning up...');
    await res.cleanup();
    say('demo: stopped');
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`flotilla demo: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
